// How refund kinds, methods and statuses read in the console's language, and their tag colours.

import type { ValueEnum } from '../../components/ListPage.tsx';
import { knownKey } from '../../i18n.ts';
import type { Translate } from '../assets/asset-labels.ts';
import type { RefundKind, RefundMethod, RefundStatus } from './refunds-api.ts';

export const REFUND_KINDS: RefundKind[] = ['overpayment', 'deposit', 'suspense'];
export const REFUND_METHODS: RefundMethod[] = ['original_channel', 'offline'];
export const REFUND_STATUSES: RefundStatus[] = ['requested', 'approved', 'rejected', 'paying', 'refunded', 'failed'];

const STATUS_COLORS: Record<RefundStatus, string> = {
  requested: 'processing',
  approved: 'cyan',
  rejected: 'default',
  paying: 'warning',
  refunded: 'success',
  failed: 'error',
};

function labelOf(prefix: string, code: string, t: Translate): string {
  const key = knownKey(`${prefix}.${code}`);
  return key ? t(key) : code;
}

export const refundKindLabel = (kind: string, t: Translate) => labelOf('refund.kind', kind, t);
export const refundMethodLabel = (method: string, t: Translate) => labelOf('refund.method', method, t);
export const refundStatusLabel = (status: string, t: Translate) => labelOf('refund.status', status, t);
export const refundStatusColor = (status: string) => STATUS_COLORS[status as RefundStatus] ?? 'default';
export const depositRequestStatusLabel = (status: string, t: Translate) => labelOf('refund.requestStatus', status, t);

const enumOf = (codes: readonly string[], label: (code: string) => string): ValueEnum =>
  Object.fromEntries(codes.map((code) => [code, { text: label(code) }]));

export const refundKindEnum = (t: Translate) => enumOf(REFUND_KINDS, (kind) => refundKindLabel(kind, t));
export const refundStatusEnum = (t: Translate) => enumOf(REFUND_STATUSES, (status) => refundStatusLabel(status, t));

/** Payment methods that went through a channel, so can be refunded through its refund API. */
export const ONLINE_METHODS = new Set(['wechatpay', 'alipay', 'unionpay']);
