// How contract statuses, billing cycles, workflow steps and amounts read, in the console's language.

import { chineseAmount } from '../../../../../src/domain/chinese-amount.ts';
import { formatFen } from '../../../shared/money.ts';
import type { ValueEnum } from '../../components/ListPage.tsx';
import { knownKey, type MessageKey } from '../../i18n.ts';
import type { Translate } from '../assets/asset-labels.ts';
import type { ContractAsset, ContractStatus, ContractTerms } from './contracts-api.ts';
import { percentOfRate } from './terms-form.ts';

const STATUS_KEYS: Record<ContractStatus, MessageKey> = {
  draft: 'contract.status.draft',
  pending_approval: 'contract.status.pending_approval',
  approved: 'contract.status.approved',
  active: 'contract.status.active',
  expired: 'contract.status.expired',
  terminated: 'contract.status.terminated',
};

/** Tag colours: grey while drafting, blue in approval, cyan approved, green in force, red cut short. */
const STATUS_COLORS: Record<ContractStatus, string> = {
  draft: 'default',
  pending_approval: 'processing',
  approved: 'cyan',
  active: 'success',
  expired: 'default',
  terminated: 'error',
};

export const CONTRACT_STATUS_LIST = Object.keys(STATUS_KEYS) as ContractStatus[];

export const contractStatusLabel = (status: ContractStatus, t: Translate) => t(STATUS_KEYS[status]);
export const contractStatusColor = (status: ContractStatus) => STATUS_COLORS[status];

export const contractStatusEnum = (t: Translate): ValueEnum =>
  Object.fromEntries(CONTRACT_STATUS_LIST.map((status) => [status, { text: contractStatusLabel(status, t) }]));

const CYCLE_KEYS: Record<number, MessageKey> = {
  1: 'contract.cycle.1',
  3: 'contract.cycle.3',
  6: 'contract.cycle.6',
  12: 'contract.cycle.12',
};

export const cycleLabel = (months: number, t: Translate) => {
  const key = CYCLE_KEYS[months];
  return key ? t(key) : String(months);
};

export const cycleOptions = (t: Translate) =>
  [1, 3, 6, 12].map((months) => ({ value: months, label: cycleLabel(months, t) }));

/** “HT-2026-0001 宋志强”: how titles and confirmations name a contract. */
export const contractName = (contract: { number: string; tenantName: string }) =>
  `${contract.number} ${contract.tenantName}`;

/** “FHH-1-003、FHH-1-004”. */
export const assetCodes = (assets: readonly ContractAsset[], t: Translate) =>
  assets.map((asset) => asset.code).join(t('common.listSeparator'));

export const termText = (contract: { startDate: string; endDate: string }) =>
  `${contract.startDate} ~ ${contract.endDate}`;

/** ¥42,000.00（肆万贰仟元整）. */
export function fenWithChinese(fen: number | bigint): string {
  return `${formatFen(fen)}（${chineseAmount(fen)}）`;
}

/** −10 → “开始日前 10 天”, 0 → “开始当日”, 5 → “开始后 5 天”. */
export function dueOffsetText(days: number, t: Translate): string {
  if (days < 0) return t('contract.due.before', { days: -days });
  if (days > 0) return t('contract.due.after', { days });
  return t('contract.due.same');
}

export function rentText(terms: ContractTerms, t: Translate): string {
  if (terms.rent.mode === 'fixed') return t('contract.rent.fixedText', { amount: formatFen(terms.rent.monthlyFen) });
  return t('contract.rent.perAreaText', { price: formatFen(terms.rent.unitPriceFen), area: terms.rent.areaSqm });
}

export function escalationText(terms: ContractTerms, t: Translate): string {
  if (!terms.escalation) return t('contract.escalation.none');
  return t('contract.escalation.text', {
    months: terms.escalation.everyMonths,
    percent: percentOfRate(terms.escalation.rate),
  });
}

export function lateFeeText(terms: ContractTerms, t: Translate): string {
  if (!terms.lateFee) return t('contract.lateFee.none');
  const { dailyRate, graceDays, capRatio } = terms.lateFee;
  const parts = [t('contract.lateFee.daily', { percent: percentOfRate(dailyRate) })];
  if (graceDays) parts.push(t('contract.lateFee.grace', { days: graceDays }));
  parts.push(capRatio ? t('contract.lateFee.cap', { percent: percentOfRate(capRatio) }) : t('contract.lateFee.noCap'));
  return parts.join(t('contract.partSeparator'));
}

export function rentFreeText(terms: ContractTerms, t: Translate): string {
  const ranges = terms.rentFree ?? [];
  if (ranges.length === 0) return t('common.none');
  return ranges.map((range) => `${range.from} ~ ${range.to}`).join(t('common.listSeparator'));
}

export const taxRateText = (rate: string) => `${percentOfRate(rate)}%`;

/** The audit action of a workflow step (contract.submit) in words; unknown actions as they are. */
export function historyActionLabel(action: string, t: Translate): string {
  const key = knownKey(`contract.action.${action.replace(/^contract\./, '')}`);
  return key ? t(key) : action;
}

/** A status name for any text (history entries carry plain strings). */
export function anyStatusLabel(status: string | null, t: Translate): string {
  if (!status) return '-';
  return status in STATUS_KEYS ? contractStatusLabel(status as ContractStatus, t) : status;
}
