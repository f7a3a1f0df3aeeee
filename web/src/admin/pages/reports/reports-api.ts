// The reports' API as the console calls it (shapes from src/modules/reports/schema.ts and dashboard.ts).

import type { Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';

export interface Label {
  zh: string;
  en: string;
}

export type ColumnKind = 'text' | 'date' | 'fen' | 'integer' | 'percent' | 'area';

export interface ReportColumn {
  key: string;
  kind: ColumnKind;
  zh: string;
  en: string;
  /** A code column's labels (valueEnum). */
  labels?: Record<string, Label>;
}

/** How the form asks for a filter, as the catalogue says (GET /reports). */
export type FilterControl = 'date' | 'choice' | 'tenant' | 'project' | 'contract' | 'boolean' | 'integer';

export interface ReportFilter extends Label {
  key: string;
  control: FilterControl;
  options?: ({ value: string } & Label)[];
  minimum?: number;
  maximum?: number;
}

export interface ReportInfo {
  name: string;
  title: Label;
  description: string;
  columns: ReportColumn[];
  filters: ReportFilter[];
}

export type ReportRow = Record<string, string | number | boolean | null>;

export interface ReportPage {
  items: ReportRow[];
  total: number;
  page: number;
  pageSize: number;
  /** The summed columns (and ratios of them) over every row of the filter. */
  totals: ReportRow;
  /** One line per value of the subtotalled column (aging bucket, payment method), with `count`. */
  subtotals?: ReportRow[];
  columns: ReportColumn[];
}

/** Where a dashboard figure's detail is: a report and its filter. */
export interface Drill {
  report: string;
  filter: Record<string, string | number | boolean>;
}

export interface OccupancyFigure {
  units: number;
  leasedUnits: number;
  /** Decimal strings with 4 places, null when there is nothing to let. */
  rateByCount: string | null;
  areaSqm: string;
  leasedAreaSqm: string;
  rateByArea: string | null;
  drill?: Drill;
}

export interface Dashboard {
  asOf: string;
  occupancy: {
    total: OccupancyFigure;
    byProject: (OccupancyFigure & { projectId: string | null; projectName: string | null; drill: Drill })[];
    byAssetType: (OccupancyFigure & { type: string; typeName: string; drill: Drill })[];
  };
  billedVsCollected: {
    month: string;
    billCount: number;
    billedFen: number;
    collectedFen: number;
    outstandingFen: number;
    collectionRate: string | null;
    drill: Drill;
  }[];
  collectionRate: {
    from: string;
    to: string;
    billedFen: number;
    collectedFen: number;
    rate: string | null;
    drill: Drill;
  };
  aging: {
    outstandingFen: number;
    billCount: number;
    buckets: { bucket: string; label: string; billCount: number; outstandingFen: number; drill: Drill }[];
    drill: Drill;
  };
  topOverdueTenants: {
    tenantId: string;
    tenantName: string;
    phone: string | null;
    billCount: number;
    overdueFen: number;
    oldestDueDate: string;
    maxDaysOverdue: number;
    drill: Drill;
  }[];
  contractsEnding: {
    count: number;
    monthlyRentFen: number;
    first: {
      number: string;
      tenantName: string;
      assetNames: string | null;
      endDate: string;
      daysLeft: number;
      monthlyRentFen: number;
    }[];
    drill: Drill;
  };
  paymentsToday: {
    date: string;
    count: number;
    amountFen: number;
    byChannel: { method: string; methodName: string; count: number; amountFen: number; drill: Drill }[];
    drill: Drill;
  };
}

const base = '/api/v1/reports';

export const reportsApi = {
  catalogue: () => api.get<ReportInfo[]>(base),
  page: (name: string, query: Query & { page: number; pageSize: number }) =>
    api.get<ReportPage>(`${base}/${encodeURIComponent(name)}`, query),
  dashboard: (asOf?: string) => api.get<Dashboard>(`${base}/dashboard`, { asOf }),
  exportPath: (name: string) => `${base}/${encodeURIComponent(name)}.xlsx`,
};

/** The console path of a report with a filter (a drill-through or a shared link). */
export function reportPath(report: string, filter: Drill['filter'] = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) params.set(key, String(value));
  const search = params.toString();
  return `/reports/${encodeURIComponent(report)}${search ? `?${search}` : ''}`;
}

let catalogue: Promise<ReportInfo[]> | null = null;

/** The catalogue rarely changes: fetched once per page load (again after a failure). */
export function loadCatalogue(): Promise<ReportInfo[]> {
  catalogue ??= reportsApi.catalogue().catch((error: unknown) => {
    catalogue = null;
    throw error;
  });
  return catalogue;
}

// ── 记账凭证 accounting vouchers (src/modules/reports/vouchers.ts) ────────────────────────────────────────────────

export type VoucherFormat = 'yonyou' | 'kingdee';

/** The columns of the import file, in its order. */
export const VOUCHER_KEYS = [
  'voucherDate',
  'voucherWord',
  'voucherNo',
  'summary',
  'accountCode',
  'accountName',
  'debitFen',
  'creditFen',
  'auxiliary',
] as const;

export interface VoucherLine {
  voucherDate: string;
  voucherWord: string;
  voucherNo: number;
  summary: string;
  accountCode: string;
  accountName: string;
  debitFen: number;
  creditFen: number;
  auxiliary: string | null;
  ledgerAccountCode: string;
  entryNo: number;
}

export interface VoucherPreview {
  format: VoucherFormat;
  from: string;
  to: string;
  /** The import file's headers for the format. */
  headers: { key: string; header: string }[];
  voucherCount: number;
  lineCount: number;
  debitFen: number;
  creditFen: number;
  balanced: boolean;
  warnings: { code: 'unmapped_account'; accountCode: string; accountName: string; message: string }[];
  items: VoucherLine[];
  total: number;
  page: number;
  pageSize: number;
}

export interface MappingRow {
  accountCode: string;
  accountName: string;
  purpose: string;
  externalCode: string | null;
  externalName: string | null;
}

export const vouchersApi = {
  preview: (query: { from: string; to: string; format: VoucherFormat; page: number; pageSize: number }) =>
    api.get<VoucherPreview>(`${base}/vouchers`, query),
  exportPath: `${base}/vouchers.xlsx`,
  mapping: () => api.get<{ items: MappingRow[] }>(`${base}/voucher-mapping`),
  /** The whole mapping: accounts left out lose theirs. */
  saveMapping: (items: { accountCode: string; externalCode: string; externalName: string }[]) =>
    api.put<{ items: MappingRow[] }>(`${base}/voucher-mapping`, { items }),
};
