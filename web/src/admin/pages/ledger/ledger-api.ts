// The general ledger's read side as the console calls it (src/modules/ledger routes): the trial balance, an
// account's lines with the running balance, and the receivables sub-ledger. Money is integer fen.

import type { Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';
import type { JournalEntry } from '../billing/billing-api.ts';

export interface TrialBalanceAccount {
  id?: string;
  code: string;
  name: string;
  openingBalanceFen?: number;
  debitFen: number;
  creditFen: number;
  balanceFen: number;
}

export interface TrialBalance {
  accounts: TrialBalanceAccount[];
  balanced: boolean;
  totalDebitFen: number;
  totalCreditFen: number;
}

export interface LedgerAccount {
  id: string;
  code: string;
  name: string;
  purpose?: string | null;
  type?: string | null;
}

export interface AccountLine {
  entryId: string;
  entryNo: string | number;
  entryDate: string;
  kind: string;
  memo: string | null;
  debitFen: number;
  creditFen: number;
  balanceFen: number;
  tenantId: string | null;
  contractId: string | null;
  billId: string | null;
}

export interface AccountLines {
  account: LedgerAccount;
  openingBalanceFen: number;
  closingBalanceFen: number;
  items: AccountLine[];
  total: number;
  page: number;
  pageSize: number;
}

/** One row of the receivables sub-ledger (by tenant, or by contract with its tenant). */
export interface ReceivableRow {
  tenantId: string;
  tenantName: string;
  contractId: string | null;
  contractNumber: string | null;
  debitFen: number;
  creditFen: number;
  balanceFen: number;
}

export interface Receivables {
  by: 'tenant' | 'contract';
  account: LedgerAccount;
  /** Over every row, not only this page: the receivable account's balance. */
  totalBalanceFen: number;
  items: ReceivableRow[];
  total: number;
  page: number;
  pageSize: number;
}

export const ledgerApi = {
  trialBalance: (query: Query) => api.get<TrialBalance>('/api/v1/ledger/trial-balance', query),
  accounts: () => api.get<{ items: LedgerAccount[] } | LedgerAccount[]>('/api/v1/ledger/accounts'),
  lines: (accountId: string, query: Query) =>
    api.get<AccountLines>(`/api/v1/ledger/accounts/${encodeURIComponent(accountId)}/lines`, query),
  receivables: (query: Query & { by: 'tenant' | 'contract' }) =>
    api.get<Receivables>('/api/v1/ledger/receivables', query),
  entry: (id: string) => api.get<JournalEntry>(`/api/v1/ledger/entries/${encodeURIComponent(id)}`),
};

/** A list the API may answer bare or wrapped in `{ items }`. */
export function itemsOf<T>(answer: { items: T[] } | T[]): T[] {
  return Array.isArray(answer) ? answer : answer.items;
}
