// Online payment as the console calls it (shapes from the payments plan: src/modules/payments and receipts):
// payment orders (支付订单), suspense items (挂账), receipts (收据) and each org's merchant settings per channel.
// Money is integer fen, dates YYYY-MM-DD, times ISO.

import type { Page, Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';

export type Provider = 'wechatpay' | 'alipay' | 'unionpay';
export type PayChannel =
  | 'wechat_native'
  | 'wechat_h5'
  | 'wechat_jsapi'
  | 'alipay_qr'
  | 'alipay_wap'
  | 'alipay_page'
  | 'unionpay';
export type PaymentOrderStatus = 'created' | 'succeeded' | 'closed' | 'failed' | 'refunding' | 'refunded';
export type CloseReason = 'expired' | 'replaced' | 'cancelled' | 'bill_settled';
export type SuspenseReason = 'unknown_order' | 'order_closed' | 'order_failed' | 'amount_mismatch' | 'order_paid_twice';
export type SuspenseStatus = 'open' | 'resolved';
export type ReceiptStatus = 'valid' | 'void';

export interface PaymentOrder {
  id: string;
  orderNo: string;
  provider: Provider;
  channel: PayChannel;
  tenantId: string;
  tenantName: string;
  amountFen: number;
  status: PaymentOrderStatus;
  billIds: string[];
  createdVia?: 'portal' | 'pay_link';
  merchantId?: string;
  appId?: string | null;
  transactionId: string | null;
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  closedAt: string | null;
  closeReason: CloseReason | null;
  failureReason: string | null;
  lastQueriedAt?: string | null;
  paymentId: string | null;
  paymentNumber?: string | null;
  receiptId?: string | null;
  receiptNumber?: string | null;
}

export interface PaymentOrderBill {
  billId: string;
  billNumber: string;
  /** What the bill owed when the order was made. */
  amountFen: number;
  /** Still held by this order (only while it is `created`). */
  open: boolean;
  dueDate?: string;
  status?: string;
  periodStart?: string | null;
  periodEnd?: string | null;
}

/** One step in the order's life, when the API lists them (created, queried, paid, closed, notification …). */
export interface PaymentOrderEvent {
  at: string;
  kind: string;
  detail?: string | null;
}

export interface ChannelStateView {
  state: 'paid' | 'unpaid' | 'closed' | 'failed' | 'refunded' | 'not_found';
  transactionId?: string;
  amountFen?: number;
  paidAt?: string;
  reason?: string;
}

export interface PaymentOrderDetail extends PaymentOrder {
  bills: PaymentOrderBill[];
  events?: PaymentOrderEvent[];
  /** What the channel said when just asked (同步状态). */
  channelState?: ChannelStateView | null;
}

export interface SuspenseItem {
  id: string;
  number: string;
  provider: Provider;
  transactionId: string;
  orderNo: string | null;
  paymentOrderId: string | null;
  amountFen: number;
  reason: SuspenseReason;
  detail?: Record<string, string | number>;
  receivedOn: string;
  paidAt: string | null;
  status: SuspenseStatus;
  resolution: 'applied' | 'refunded' | 'written_off' | null;
  resolvedPaymentId: string | null;
  resolvedPaymentNumber?: string | null;
  resolutionNote: string | null;
  resolvedByName: string | null;
  resolvedAt: string | null;
  createdAt: string;
  /** The tenant of the order it named, when there was one: the likely payer. */
  tenantId?: string | null;
  tenantName?: string | null;
}

export interface Receipt {
  id: string;
  number: string;
  paymentId: string;
  paymentNumber?: string | null;
  tenantId: string;
  tenantName: string;
  amountFen: number;
  issuedOn: string;
  status: ReceiptStatus;
  method?: string | null;
  /** The bank's or channel's transaction id. */
  reference?: string | null;
  paymentOrderNo?: string | null;
  verifyCode?: string;
  voidReason?: string | null;
  createdAt: string;
}

/** One provider's merchant settings as the API shows them: the settings in clear, secrets never. */
export interface ChannelSetting {
  provider: Provider;
  /** Settings and secrets saved. */
  configured?: boolean;
  enabled: boolean;
  /** Absent (or null) while the org has not set this provider up. */
  settings: Record<string, string> | null;
  secretsSet: boolean;
  /** SHA-256 fingerprints of the keys (public and private), to tell which key is in use without showing it. */
  fingerprints?: Record<string, string>;
  updatedAt?: string | null;
  updatedByName?: string | null;
}

export interface ChannelSettingInput {
  enabled: boolean;
  settings: Record<string, string>;
  /** Only the secrets being replaced; absent ones are kept. */
  secrets?: Record<string, string>;
}

const orders = '/api/v1/payment-orders';
const order = (orderNo: string) => `${orders}/${encodeURIComponent(orderNo)}`;
const suspense = '/api/v1/suspense-items';
const receipts = '/api/v1/receipts';

/** `{ items }` or a bare array, whichever the API answers. */
function listOf<Row>(answer: { items: Row[] } | Row[]): Row[] {
  return Array.isArray(answer) ? answer : answer.items;
}

export const paymentOrdersApi = {
  list: (query: Query) => api.get<Page<PaymentOrder>>(orders, query),
  get: (orderNo: string) => api.get<PaymentOrderDetail>(order(orderNo)),
  /** Asks the channel now and posts the payment if it was paid. */
  sync: (orderNo: string) => api.post<PaymentOrderDetail>(`${order(orderNo)}/sync`),
  close: (orderNo: string) => api.post<PaymentOrderDetail>(`${order(orderNo)}/close`),
};

export const suspenseApi = {
  list: (query: Query) => api.get<Page<SuspenseItem>>(suspense, query),
  resolve: (id: string, input: { tenantId: string; billIds?: string[]; note: string }) =>
    api.post<SuspenseItem>(`${suspense}/${encodeURIComponent(id)}/resolve`, input),
};

export const receiptsApi = {
  list: (query: Query) => api.get<Page<Receipt>>(receipts, query),
  pdfPath: (id: string) => `${receipts}/${encodeURIComponent(id)}/pdf`,
};

export const channelSettingsApi = {
  list: () => api.get<{ items: ChannelSetting[] } | ChannelSetting[]>('/api/v1/channel-settings').then(listOf),
  save: (provider: Provider, input: ChannelSettingInput) =>
    api.put<ChannelSetting>(`/api/v1/channel-settings/${provider}`, input),
};
