// Bills, billing runs, payments, waivers and the tenant message log as the console calls them (shapes from the
// billing plan: src/modules/billing, collections and messages). Money is integer fen, dates are YYYY-MM-DD.

import type { Page, Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';

export type BillKind = 'rent' | 'deposit' | 'charge' | 'final';
export type BillStatus = 'open' | 'partial' | 'paid' | 'void';
export type ChargeItem = 'utilities' | 'property' | 'repair' | 'other';
export type PaymentMethod = 'bank_transfer' | 'cash' | 'pos';
export type WaiverStatus = 'pending' | 'approved' | 'rejected';
export type MessageChannel = 'sms' | 'wechat';
export type MessageStatus = 'pending' | 'sent' | 'failed' | 'dead';

export interface Bill {
  id: string;
  number: string;
  contractId: string;
  contractNumber: string;
  tenantId: string;
  tenantName: string;
  kind: BillKind;
  periodIndex: number | null;
  revision: number;
  periodStart: string | null;
  periodEnd: string | null;
  dueDate: string;
  /** The principal. */
  amountFen: number;
  netFen: number;
  taxFen: number;
  taxRate?: string;
  /** Principal and penalty paid. */
  paidFen: number;
  principalPaidFen: number;
  /** The penalty as of today (accrued; frozen once settled). */
  lateFeeFen: number;
  lateFeePostedFen: number;
  lateFeeWaivedFen: number;
  /** What the ledger's receivable holds for this bill. */
  outstandingFen: number;
  /** What the tenant pays today: outstanding and the penalty not yet posted. */
  payableFen: number;
  status: BillStatus;
  overdue: boolean;
  overdueDays: number;
  chargeItem: ChargeItem | null;
  description: string | null;
  voidReason: string | null;
  replacesBillId: string | null;
  settledOn: string | null;
  issuedAt: string;
}

export interface BillLine {
  id: string | number;
  kind: string;
  description: string | null;
  amountFen: number;
  netFen: number;
  taxFen: number;
  asOf: string | null;
  createdAt: string;
}

export interface BillAllocation {
  paymentId: string;
  paymentNumber: string;
  appliedOn: string;
  principalFen: number;
  lateFeeFen: number;
}

export interface JournalLine {
  accountCode: string;
  accountName: string;
  debitFen: number;
  creditFen: number;
}

export interface JournalEntry {
  id: string;
  entryNo: string | number;
  entryDate: string;
  kind: string;
  memo: string | null;
  lines: JournalLine[];
}

export interface Waiver {
  id: string;
  billId: string;
  billNumber: string;
  tenantName: string;
  amountFen: number;
  reason: string;
  status: WaiverStatus;
  requestedByName: string | null;
  requestedAt: string;
  decidedByName: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface TenantMessage {
  id: string;
  channel: MessageChannel;
  kind: string;
  tenantId: string;
  tenantName: string;
  billId: string | null;
  billNumber: string | null;
  recipientMasked: string;
  templateCode: string | null;
  body: string;
  payLink: string | null;
  status: MessageStatus;
  attempts: number;
  provider: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface BillDetail extends Bill {
  lines: BillLine[];
  allocations: BillAllocation[];
  journalEntries: JournalEntry[];
  waivers: Waiver[];
  messages: TenantMessage[];
}

export interface BillingRun {
  id: string;
  throughDate: string;
  trigger: string;
  issued: number;
  skipped: number;
  amountFen: number;
  startedByName: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface Payment {
  id: string;
  number: string;
  tenantId: string;
  tenantName: string;
  method: PaymentMethod;
  amountFen: number;
  advanceFen: number;
  receivedOn: string;
  reference: string | null;
  allocations: { billId: string; billNumber: string; principalFen: number; lateFeeFen: number }[];
  createdAt: string;
  recordedByName: string | null;
}

export interface ChargeInput {
  contractId: string;
  chargeItem: ChargeItem;
  description: string;
  amountFen: number;
  dueDate: string;
  taxRate?: string;
}

export interface PaymentInput {
  tenantId: string;
  amountFen: number;
  receivedOn: string;
  method: PaymentMethod;
  reference?: string;
  billIds?: string[];
  remarks?: string;
}

const bills = '/api/v1/bills';
const bill = (id: string) => `${bills}/${encodeURIComponent(id)}`;
const waiver = (id: string) => `/api/v1/waivers/${encodeURIComponent(id)}`;

/** One key per attempt to record a payment: a retried request is not a second payment. */
function idempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export const billsApi = {
  list: (query: Query) => api.get<Page<Bill>>(bills, query),
  exportPath: `${bills}/export`,
  get: (id: string) => api.get<BillDetail>(bill(id)),
  createCharge: (input: ChargeInput) => api.post<Bill>(bills, input),
  void: (id: string, reason: string) => api.post<Bill>(`${bill(id)}/void`, { reason }),
  reissue: (id: string, input: { reason: string; amountFen: number; dueDate: string; description?: string }) =>
    api.post<Bill>(`${bill(id)}/reissue`, input),
  noticePath: (id: string) => `${bill(id)}/notice.pdf`,
  requestWaiver: (id: string, input: { amountFen: number; reason: string }) =>
    api.post<Waiver>(`${bill(id)}/waivers`, input),
};

export const billingRunsApi = {
  list: (query: Query) => api.get<Page<BillingRun>>('/api/v1/billing-runs', query),
  run: (throughDate: string) =>
    api.post<{ id: string; throughDate: string; issued: number; skipped: number; amountFen: number }>(
      '/api/v1/billing-runs',
      { throughDate },
    ),
};

export const paymentsApi = {
  list: (query: Query) => api.get<Page<Payment>>('/api/v1/payments', query),
  get: (id: string) => api.get<Payment>(`/api/v1/payments/${encodeURIComponent(id)}`),
  record: (input: PaymentInput, key = idempotencyKey()) =>
    api.post<Payment>('/api/v1/payments', input, { headers: { 'Idempotency-Key': key } }),
  newKey: idempotencyKey,
};

export const waiversApi = {
  list: (query: Query) => api.get<Page<Waiver>>('/api/v1/waivers', query),
  approve: (id: string, note: string | undefined) => api.post<Waiver>(`${waiver(id)}/approve`, note ? { note } : {}),
  reject: (id: string, note: string) => api.post<Waiver>(`${waiver(id)}/reject`, { note }),
};

export const messagesApi = {
  list: (query: Query) => api.get<Page<TenantMessage>>('/api/v1/messages', query),
  runReminders: (asOf?: string) => api.post<{ queued: number }>('/api/v1/reminders/run', asOf ? { asOf } : {}),
};
