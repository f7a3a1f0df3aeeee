// 退款 as the console calls it (src/modules/refunds): an overpayment back from one payment's advance, or a deposit
// back at the end of a lease less itemised deductions; approved by an approver, paid through the original channel or
// recorded as paid offline. Contracts that ended with a deposit to give back come as deposit refund requests.
// Money is integer fen.

import type { Page, Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';
import type { Provider } from '../payments/payments-api.ts';

export type RefundKind = 'overpayment' | 'deposit' | 'suspense';
export type RefundMethod = 'original_channel' | 'offline';
export type RefundStatus = 'requested' | 'approved' | 'rejected' | 'paying' | 'refunded' | 'failed';

export interface RefundDeduction {
  item: string;
  amountFen: number;
  /** An unpaid bill the deduction settles (rent owed); none for repairs and other charges. */
  billId?: string | null;
}

export interface Refund {
  id: string;
  refundNo: string;
  kind: RefundKind;
  /** Null only for money in suspense whose payer is not a known tenant. */
  tenantId: string | null;
  tenantName: string | null;
  paymentId: string | null;
  suspenseItemId?: string | null;
  paymentOrderId: string | null;
  provider: Provider | null;
  depositBillId: string | null;
  contractId: string | null;
  depositPaidFen: number | null;
  deductions: RefundDeduction[];
  amountFen: number;
  reason: string;
  method: RefundMethod;
  status: RefundStatus;
  requestedBy: string | null;
  requestedByName: string | null;
  requestedAt: string;
  decidedByName: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  channelRefundId: string | null;
  failureReason: string | null;
  paidByName: string | null;
  paidReference: string | null;
  refundedAt: string | null;
  journalEntryId: string | null;
}

export interface CreateRefundInput {
  kind: RefundKind;
  paymentId?: string;
  depositBillId?: string;
  /** Money in suspense (挂账), back to whoever paid it, whole. */
  suspenseItemId?: string;
  amountFen?: number;
  deductions?: RefundDeduction[];
  reason: string;
  method: RefundMethod;
}

export interface UnpaidBill {
  id: string;
  billNo: string;
  kind?: string;
  period?: string | null;
  dueDate?: string;
  outstandingFen: number;
}

/** A contract that ended with a deposit to give back (the request made at termination or expiry). */
export interface DepositRefundRequest {
  id: string;
  contractId: string;
  contractNo: string;
  tenantId: string;
  tenantName: string;
  amountFen: number;
  reason: string;
  status: string;
  depositBillId: string | null;
  depositPaidFen: number;
  depositBillNo?: string | null;
  unpaidBills: UnpaidBill[];
  /** The latest refund asked for it; a failed one leaves the request pending, to ask again. */
  refundId: string | null;
  refundNo?: string | null;
  refundStatus?: RefundStatus | null;
  refundAmountFen?: number | null;
  createdAt?: string;
}

const refunds = '/api/v1/refunds';
const refund = (id: string) => `${refunds}/${encodeURIComponent(id)}`;

/** One key per attempt: a retried request is not a second refund. */
export function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export const refundsApi = {
  list: (query: Query) => api.get<Page<Refund>>(refunds, query),
  get: (id: string) => api.get<Refund>(refund(id)),
  create: (input: CreateRefundInput, key: string) =>
    api.post<Refund>(refunds, input, { headers: { 'Idempotency-Key': key } }),
  approve: (id: string, note?: string) =>
    api.post<Refund>(`${refund(id)}/approve`, note ? { note } : {}, {
      headers: { 'Idempotency-Key': newIdempotencyKey() },
    }),
  reject: (id: string, note: string) =>
    api.post<Refund>(`${refund(id)}/reject`, { note }, { headers: { 'Idempotency-Key': newIdempotencyKey() } }),
  recordPaid: (id: string, reference?: string) =>
    api.post<Refund>(`${refund(id)}/paid`, reference ? { reference } : {}, {
      headers: { 'Idempotency-Key': newIdempotencyKey() },
    }),
  /** Asks the channel how a refund it is paying went. */
  query: (id: string) => api.post<Refund>(`${refund(id)}/query`),
};

export const depositRefundRequestsApi = {
  list: (query: Query) => api.get<Page<DepositRefundRequest>>('/api/v1/deposit-refund-requests', query),
};
