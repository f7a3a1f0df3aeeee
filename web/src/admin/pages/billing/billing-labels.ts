// How bill statuses and kinds, payment methods, waiver and message statuses read, in the console's language;
// and the one conversion of typed 元 to fen (exact text arithmetic, never a float).

import type { FormInstance } from 'antd';
import { hundredthsOf } from '../../../../../src/domain/decimal-text.ts';
import { ApiError } from '../../../shared/api.ts';
import type { BadgeStatus, ValueEnum } from '../../components/ListPage.tsx';
import { knownKey, type MessageKey } from '../../i18n.ts';
import type { Translate } from '../assets/asset-labels.ts';
import type {
  BillKind,
  BillStatus,
  ChargeItem,
  MessageChannel,
  MessageStatus,
  PaymentMethod,
  WaiverStatus,
} from './billing-api.ts';

export const BILL_STATUSES: BillStatus[] = ['open', 'partial', 'paid', 'void'];
export const BILL_KINDS: BillKind[] = ['rent', 'deposit', 'charge', 'final'];
export const CHARGE_ITEMS: ChargeItem[] = ['utilities', 'property', 'repair', 'other'];
/** Recorded by hand (登记收款). */
export const PAYMENT_METHODS: PaymentMethod[] = ['bank_transfer', 'cash', 'pos'];
/** Every method a payment may have: the offline ones and the online channels. */
const ALL_PAYMENT_METHODS = [...PAYMENT_METHODS, 'wechatpay', 'alipay', 'unionpay'] as const;
export const WAIVER_STATUSES: WaiverStatus[] = ['pending', 'approved', 'rejected'];
export const MESSAGE_CHANNELS: MessageChannel[] = ['sms', 'wechat'];
export const MESSAGE_STATUSES: MessageStatus[] = ['pending', 'sent', 'failed', 'dead'];

const BILL_STATUS_COLORS: Record<BillStatus, string> = {
  open: 'processing',
  partial: 'warning',
  paid: 'success',
  void: 'default',
};

const WAIVER_STATUS_BADGES: Record<WaiverStatus, BadgeStatus> = {
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
};

const MESSAGE_STATUS_BADGES: Record<MessageStatus, BadgeStatus> = {
  pending: 'processing',
  sent: 'success',
  failed: 'warning',
  dead: 'error',
};

/** A label for any code under a key prefix (`bill.status.open`), the code itself when unknown. */
function labelOf(prefix: string, code: string, t: Translate): string {
  const key = knownKey(`${prefix}.${code}`);
  return key ? t(key) : code;
}

export const billStatusLabel = (status: BillStatus, t: Translate) => labelOf('bill.status', status, t);
export const billStatusColor = (status: BillStatus) => BILL_STATUS_COLORS[status] ?? 'default';
export const billKindLabel = (kind: string, t: Translate) => labelOf('bill.kind', kind, t);
export const chargeItemLabel = (item: string, t: Translate) => labelOf('bill.chargeItem', item, t);
export const methodLabel = (method: string, t: Translate) => labelOf('payment.method', method, t);
export const lineKindLabel = (kind: string, t: Translate) => labelOf('bill.lineKind', kind, t);
export const entryKindLabel = (kind: string, t: Translate) => labelOf('ledger.entryKind', kind, t);
export const waiverStatusLabel = (status: string, t: Translate) => labelOf('waiver.status', status, t);
export const channelLabel = (channel: string, t: Translate) => labelOf('message.channel', channel, t);
export const messageStatusLabel = (status: string, t: Translate) => labelOf('message.status', status, t);
export const messageKindLabel = (kind: string, t: Translate) => labelOf('message.kind', kind, t);

const enumOf = <Code extends string>(
  codes: readonly Code[],
  label: (code: Code) => string,
  badge?: (code: Code) => BadgeStatus,
): ValueEnum => Object.fromEntries(codes.map((code) => [code, { text: label(code), status: badge?.(code) }]));

export const billStatusEnum = (t: Translate) => enumOf(BILL_STATUSES, (status) => billStatusLabel(status, t));
export const billKindEnum = (t: Translate) => enumOf(BILL_KINDS, (kind) => billKindLabel(kind, t));
export const methodEnum = (t: Translate) => enumOf(ALL_PAYMENT_METHODS, (method) => methodLabel(method, t));
export const waiverStatusEnum = (t: Translate) =>
  enumOf(
    WAIVER_STATUSES,
    (status) => waiverStatusLabel(status, t),
    (status) => WAIVER_STATUS_BADGES[status],
  );
export const channelEnum = (t: Translate) => enumOf(MESSAGE_CHANNELS, (channel) => channelLabel(channel, t));
export const messageStatusEnum = (t: Translate) =>
  enumOf(
    MESSAGE_STATUSES,
    (status) => messageStatusLabel(status, t),
    (status) => MESSAGE_STATUS_BADGES[status],
  );

export const optionsOf = (values: ValueEnum) =>
  Object.entries(values).map(([value, { text }]) => ({ value, label: text }));

/** “2026-01-01 ~ 2026-03-31”, or “-” for a bill without a period (a one-off charge). */
export const periodText = (bill: { periodStart: string | null; periodEnd: string | null }) =>
  bill.periodStart && bill.periodEnd ? `${bill.periodStart} ~ ${bill.periodEnd}` : '-';

/** A form rule: a positive amount in 元 with at most two decimals. */
export function yuanRule(t: Translate, required: MessageKey) {
  return {
    validator: async (_rule: unknown, value: string | undefined) => {
      if (!value?.trim()) throw new Error(t(required));
      const hundredths = hundredthsOf(value);
      if (hundredths === null) throw new Error(t('bill.form.yuanInvalid'));
      if (hundredths <= 0n) throw new Error(t('bill.form.yuanPositive'));
    },
  };
}

/**
 * Puts the API's field errors under the form's fields, by the API's name (`amountFen`) → the form's (`amountYuan`).
 * Returns true if any field took one.
 */
export function showMappedErrors(form: FormInstance, error: unknown, fields: Record<string, string>): boolean {
  if (!(error instanceof ApiError)) return false;
  const byField = new Map<string, string[]>();
  for (const { path, message } of error.errors) {
    const name = (path ?? '').split(/[/.]/).filter(Boolean).pop();
    const field = name ? fields[name] : undefined;
    if (field) byField.set(field, [...(byField.get(field) ?? []), message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}
