// Bank statements as the console calls them (src/modules/bank-statements): saved column mappings per bank account,
// file preview and import, the lines with their suggestions, and confirm / ignore / undo. Money in fen.

import type { Page, Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';
import { uploadFile } from '../assets/files.ts';

export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'YYYY/MM/DD',
  'YYYY.MM.DD',
  'YYYYMMDD',
  'YYYY年MM月DD日',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
] as const;

export interface MappingColumns {
  date: string;
  credit?: string | null;
  debit?: string | null;
  amount?: string | null;
  direction?: string | null;
  creditMarks?: string[] | null;
  payerName?: string | null;
  payerAccount?: string | null;
  reference?: string | null;
  serial?: string | null;
}

export interface Mapping {
  id: string;
  name: string;
  accountLabel: string;
  accountNoMasked: string | null;
  headerRow: number;
  columns: MappingColumns;
  dateFormat: string;
  encoding: 'utf8' | 'gbk';
  importCount: number;
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MappingBody {
  name: string;
  accountLabel: string;
  accountNo?: string | null;
  headerRow: number;
  columns: MappingColumns;
  dateFormat: string;
  encoding: 'utf8' | 'gbk';
}

export interface PreviewLine {
  lineNo: number;
  valueDate: string;
  direction: 'credit' | 'debit';
  amountFen: number;
  payerName: string | null;
  payerAccountMasked: string | null;
  reference: string | null;
  bankSerial: string | null;
}

export interface Preview {
  format: 'csv' | 'xlsx';
  headerRow: number;
  headers: string[];
  sampleRows: (string | null)[][];
  total: number;
  lines: PreviewLine[];
  errors: { row: number; column: string; message: string }[];
}

export interface StatementImport {
  id: string;
  mappingId: string;
  mappingName: string;
  fileName: string;
  fileFormat: string;
  lineCount: number;
  newLineCount: number;
  creditFen: number;
  debitFen: number;
  firstDate: string | null;
  lastDate: string | null;
  unmatchedCount: number;
  importedByName: string | null;
  createdAt: string;
}

export type LineStatus = 'unmatched' | 'confirmed' | 'ignored';
export type MatchKind = 'link_payment' | 'link_settlement' | 'recorded';

export interface StatementLine extends PreviewLine {
  id: string;
  mappingId: string;
  mappingName: string;
  importId: string;
  status: LineStatus;
  matchKind: MatchKind | null;
  paymentId: string | null;
  paymentNumber: string | null;
  receiptNumber: string | null;
  tenantName: string | null;
  reconciliationRunId: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  note: string | null;
}

export interface SuggestionReason {
  code:
    | 'bill_number_in_reference'
    | 'amount_equals_bills'
    | 'payer_is_tenant'
    | 'payment_same_amount'
    | 'reference_is_serial'
    | 'settlement_net_equals';
  billNumbers?: string[];
  tenantName?: string;
  paymentNumber?: string;
  days?: number;
  provider?: string;
  statementDate?: string;
}

export interface Suggestion {
  kind: 'link_payment' | 'link_settlement' | 'record';
  score: number;
  reasons: SuggestionReason[];
  paymentId: string | null;
  paymentNumber: string | null;
  runId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  bills: { id: string; number: string; dueDate: string; outstandingFen: number }[];
  billsFen: number;
}

export type ConfirmBody =
  | { kind: 'link_payment'; paymentId: string; note?: string }
  | { kind: 'link_settlement'; runId: string; note?: string }
  | { kind: 'record'; tenantId: string; billIds?: string[]; note?: string };

const base = '/api/v1/bank-statements';

export const bankStatementsApi = {
  mappings: () => api.get<Mapping[]>(`${base}/mappings`),
  createMapping: (body: MappingBody) => api.post<Mapping>(`${base}/mappings`, body),
  updateMapping: (id: string, body: MappingBody) => api.put<Mapping>(`${base}/mappings/${id}`, body),
  deleteMapping: (id: string) => api.delete<null>(`${base}/mappings/${id}`),
  preview: (file: File, query: { mappingId?: string; headerRow?: number; encoding?: string }) =>
    uploadFile<Preview>(`${base}/preview`, file, file.name, query),
  importFile: (file: File, mappingId: string) =>
    uploadFile<{ duplicate: boolean; import: StatementImport }>(`${base}/imports`, file, file.name, { mappingId }),
  imports: (query: Query) => api.get<Page<StatementImport>>(`${base}/imports`, query),
  lines: (query: Query) => api.get<Page<StatementLine>>(`${base}/lines`, query),
  suggestions: (id: string) => api.get<{ items: Suggestion[] }>(`${base}/lines/${id}/suggestions`),
  confirm: (id: string, body: ConfirmBody) => api.post<StatementLine>(`${base}/lines/${id}/confirm`, body),
  ignore: (id: string, note: string) => api.post<StatementLine>(`${base}/lines/${id}/ignore`, { note }),
  undo: (id: string, note?: string) => api.post<StatementLine>(`${base}/lines/${id}/undo`, { note: note || undefined }),
};
