// How asset types, statuses and tax methods read, in the console's language.

import {
  ASSET_STATUSES,
  ASSET_TYPES,
  type AssetStatus,
  type AssetType,
  TAX_METHODS,
  type TaxMethod,
} from '../../../../../src/domain/asset-rules.ts';
import { formatHundredths, hundredthsOf } from '../../../../../src/domain/decimal-text.ts';
import type { BadgeStatus, ValueEnum } from '../../components/ListPage.tsx';
import type { MessageKey, MessageParams } from '../../i18n.ts';

export type Translate = (key: MessageKey, params?: MessageParams) => string;

const TYPE_KEYS: Record<AssetType, MessageKey> = {
  project: 'asset.type.project',
  building: 'asset.type.building',
  floor: 'asset.type.floor',
  unit: 'asset.type.unit',
  land: 'asset.type.land',
  parking: 'asset.type.parking',
  warehouse: 'asset.type.warehouse',
  factory: 'asset.type.factory',
};

const STATUS_KEYS: Record<AssetStatus, MessageKey> = {
  vacant: 'asset.status.vacant',
  leased: 'asset.status.leased',
  reserved: 'asset.status.reserved',
  self_use: 'asset.status.self_use',
  unavailable: 'asset.status.unavailable',
  disposed: 'asset.status.disposed',
};

const STATUS_BADGES: Record<AssetStatus, BadgeStatus> = {
  vacant: 'success',
  leased: 'processing',
  reserved: 'warning',
  self_use: 'default',
  unavailable: 'error',
  disposed: 'default',
};

const TAX_KEYS: Record<TaxMethod, MessageKey> = {
  general: 'asset.taxMethod.general',
  simple: 'asset.taxMethod.simple',
};

export const typeLabel = (type: AssetType, t: Translate) => t(TYPE_KEYS[type]);
export const statusLabel = (status: AssetStatus, t: Translate) => t(STATUS_KEYS[status]);
export const statusBadge = (status: AssetStatus) => STATUS_BADGES[status];
export const taxMethodLabel = (method: TaxMethod, t: Translate) => t(TAX_KEYS[method]);

export const typeEnum = (t: Translate): ValueEnum =>
  Object.fromEntries(ASSET_TYPES.map((type) => [type, { text: typeLabel(type, t) }]));

export const statusEnum = (t: Translate): ValueEnum =>
  Object.fromEntries(
    ASSET_STATUSES.map((status) => [status, { text: statusLabel(status, t), status: STATUS_BADGES[status] }]),
  );

export const taxMethodOptions = (t: Translate) =>
  TAX_METHODS.map((method) => ({ value: method, label: taxMethodLabel(method, t) }));

/** "120.5" or "120.50" → "120.50 ㎡"; null → "-". */
export function formatArea(area: string | null): string {
  if (area === null || area === '') return '-';
  const hundredths = hundredthsOf(area);
  return `${hundredths === null ? area : formatHundredths(hundredths)} ㎡`;
}

/** “A1-301 创新产业园A1栋301室”: how confirmations and titles name an asset. */
export const assetName = (asset: { code: string; name: string }) => `${asset.code} ${asset.name}`;
