// 对账 as the console calls it (src/modules/reconciliation): runs per channel and statement day, their tie-out and
// differences, and finance's worklist of differences (resolve → approve/reject where money moves).
// Money is integer fen, dates YYYY-MM-DD, times ISO.

import { ApiError, type Page, type Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';
import { activeLanguage } from '../../i18n.ts';
import type { Provider } from '../payments/payments-api.ts';

export type DifferenceKind =
  | 'amount_differs'
  | 'missing_here'
  | 'missing_in_channel'
  | 'refund_differs'
  | 'refund_missing_here'
  | 'refund_missing_in_channel';
export type DifferenceStatus = 'open' | 'awaiting_approval' | 'resolved';
export type ResolveAction = 'acknowledge' | 'settle';

export interface ReconciliationDifference {
  id: string;
  runId?: string;
  channel?: Provider;
  date?: string;
  kind: DifferenceKind;
  lineNo: number | null;
  orderNo: string | null;
  transactionId: string | null;
  refundNo?: string | null;
  channelAmountFen: number | null;
  ourAmountFen: number | null;
  status: DifferenceStatus;
  action?: ResolveAction | null;
  note?: string | null;
  proposedByName?: string | null;
  proposedAt?: string | null;
  decidedByName?: string | null;
  decidedAt?: string | null;
  decisionNote?: string | null;
  resolvedByName?: string | null;
  resolvedAt?: string | null;
  suspenseNumber?: string | null;
  autoResolvedByRunId?: string | null;
}

/** Channel total = matched + repaired + settled before + differences; `unexplainedFen` is 0 when the run ties out. */
export interface TieOut {
  channelPaidFen: number;
  matchedFen: number;
  repairedFen: number;
  settledBeforeFen: number;
  differenceFen: number;
  /** Refunds the same way: channel refunds = matched + settled before + differences. */
  channelRefundFen?: number;
  refundMatchedFen?: number;
  refundSettledBeforeFen?: number;
  refundDifferenceFen?: number;
  /** What the settlement entry took off 1012 (matched + repaired − refunds matched). */
  settlementClearingFen?: number;
  unexplainedFen: number;
}

/** A payment the run posted because its notification never came (when the API lists them). */
export interface RepairedPayment {
  lineNo?: number;
  orderNo: string;
  transactionId?: string | null;
  amountFen: number;
}

export interface ReconciliationRun {
  id: string;
  channel: Provider;
  date: string;
  status: 'staged' | 'completed';
  fileHash: string;
  /** The same file had been imported before: the earlier run, unchanged. */
  duplicate: boolean;
  lines: number;
  payments: number;
  refunds: number;
  matched: number;
  repaired: number;
  differences: number;
  /** Differences still open or awaiting approval (when the API gives it; else `differences`). */
  openDifferences?: number;
  refundsMatched?: number;
  settledRefundFen?: number;
  channelPaidFen: number;
  channelRefundFen: number;
  channelFeeFen: number;
  settledGrossFen: number;
  settledFeeFen: number;
  settledNetFen: number;
  settlementEntryId: string | null;
  createdByName: string | null;
  createdAt: string;
  completedAt: string | null;
  tieOut?: TieOut;
  repairedItems?: RepairedPayment[];
  differenceItems: ReconciliationDifference[];
}

const runs = '/api/v1/reconciliations';
const differences = '/api/v1/reconciliation-differences';
const difference = (id: string) => `${differences}/${encodeURIComponent(id)}`;

/** POST answers 201 for a new run and 200 for a file imported before; `duplicate` says which. */
export const reconciliationApi = {
  list: (query: Query) => api.get<Page<ReconciliationRun>>(runs, query),
  get: (id: string) => api.get<ReconciliationRun>(`${runs}/${encodeURIComponent(id)}`),
  reconcile: (channel: Provider, date: string) => api.post<ReconciliationRun>(runs, { channel, date }),
  /** A statement file by hand (multipart: channel, date, file). */
  upload: async (channel: Provider, date: string, file: File): Promise<ReconciliationRun> => {
    const form = new FormData();
    form.append('channel', channel);
    form.append('date', date);
    form.append('file', file, file.name);
    return uploadForm<ReconciliationRun>(`${runs}/upload`, form);
  },
};

export const differencesApi = {
  list: (query: Query) => api.get<Page<ReconciliationDifference>>(differences, query),
  resolve: (id: string, input: { action: ResolveAction; note: string }) =>
    api.post<ReconciliationDifference>(`${difference(id)}/resolve`, input),
  approve: (id: string, note?: string) =>
    api.post<ReconciliationDifference>(`${difference(id)}/approve`, note ? { note } : {}),
  reject: (id: string, note: string) => api.post<ReconciliationDifference>(`${difference(id)}/reject`, { note }),
};

/**
 * A multipart POST through the same error handling as every call: the shared client only sends JSON, so the form
 * goes through fetch here and a problem answer becomes the same ApiError.
 */
async function uploadForm<T>(path: string, form: FormData): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Accept-Language': activeLanguage() === 'en' ? 'en' : 'zh-CN' },
  });
  const body = (await response.json().catch(() => null)) as {
    detail?: string;
    title?: string;
    code?: string;
    errors?: { path: string; message: string }[];
  } | null;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body?.detail ?? body?.title ?? `HTTP ${response.status}`,
      body?.code,
      Array.isArray(body?.errors) ? body.errors : [],
    );
  }
  return body as T;
}
