// Lease contracts as the console calls them (shapes from src/modules/contracts/schema.ts). Money is integer fen,
// rates and areas are decimal strings, dates are YYYY-MM-DD.

import type { AssetStatus, AssetType } from '../../../../../src/domain/asset-rules.ts';
import type { ContractStatus } from '../../../../../src/domain/contract-rules.ts';
import type { ContractTerms } from '../../../../../src/domain/rent-schedule.ts';
import type { Page } from '../../../shared/api.ts';
import { api } from '../../api.ts';
import type { Asset } from '../assets/assets-api.ts';

export type { ContractStatus, ContractTerms };

export interface ContractAsset {
  id: string;
  code: string;
  name: string;
  type: string;
  areaSqm: string | null;
  status: string;
}

export interface Contract {
  id: string;
  number: string;
  status: ContractStatus;
  tenantId: string;
  tenantName: string;
  assetIds: string[];
  assets: ContractAsset[];
  terms: ContractTerms;
  startDate: string;
  endDate: string;
  monthlyRentFen: number;
  annualRentFen: number;
  totalRentFen: number;
  depositFen: number;
  purpose: string | null;
  tenderAnnouncementNo: string | null;
  dealConfirmationNo: string | null;
  remarks: string | null;
  /** Fixed when the contract is submitted. */
  approvalLevels: number | null;
  signDate: string | null;
  terminationDate: string | null;
  terminationReason: string | null;
  renewedFromId: string | null;
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface BillingPeriod {
  index: number;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  amountFen: number;
  netFen: number;
  taxFen: number;
}

export interface SchedulePreview {
  monthlyRentFen: number;
  periods: BillingPeriod[];
  deposit: { amountFen: number; dueDate: string } | null;
  totalRentFen: number;
}

export interface ApprovalStep {
  round: number;
  level: number;
  decision: 'approved' | 'rejected';
  approverId: string | null;
  approverName: string | null;
  comment: string | null;
  decidedAt: string;
}

export interface ContractAttachment {
  id: string;
  contractId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedByName: string | null;
  createdAt: string;
}

export interface HistoryEntry {
  at: string;
  /** The audit action, e.g. contract.submit. */
  action: string;
  actorName: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  comment: string | null;
}

/** What an early termination leaves for billing (service.ts finalSettlement). */
export interface FinalSettlement {
  terminationDate: string;
  periods: BillingPeriod[];
  finalPeriod: BillingPeriod & { scheduledAmountFen: number };
  cancelledPeriods: BillingPeriod[];
  rentThroughTerminationFen: number;
  originalTotalRentFen: number;
}

export interface ContractDetail extends Contract {
  tenderRequired: boolean;
  requiredApprovalLevels: number;
  schedule: SchedulePreview;
  approval: {
    /** Which submission this is (0 before the first). */
    round: number;
    approvedLevels: number;
    nextLevel: number | null;
    /** Who approved the levels of this round: the next level needs someone else. */
    approverIds: (string | null)[];
    steps: ApprovalStep[];
  };
  attachments: ContractAttachment[];
  history: HistoryEntry[];
  activatedAt: string | null;
  finalSettlement: FinalSettlement | null;
  depositRefundRequest: { id: string; amountFen: number; reason: string; status: string } | null;
  renewal: { id: string; number: string } | null;
}

export interface ExpiringContract extends Contract {
  daysLeft: number;
}

/** The body of POST /contracts and PATCH /contracts/{id}. */
export interface ContractInput {
  tenantId: string;
  assetIds: string[];
  terms: ContractTerms;
  purpose?: string | null;
  tenderAnnouncementNo?: string | null;
  dealConfirmationNo?: string | null;
  remarks?: string | null;
}

export interface ContractFilter {
  keyword?: string;
  status?: ContractStatus;
  tenantId?: string;
  assetId?: string;
  endingWithinDays?: string | number;
}

const base = '/api/v1/contracts';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

/** Names repeated in the query (`status=a&status=b`): the shared client sets one value per name. */
function repeated(path: string, name: string, values: readonly string[]): string {
  if (values.length === 0) return path;
  const text = values.map((value) => `${name}=${encodeURIComponent(value)}`).join('&');
  return `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

export const contractsApi = {
  list: (filter: ContractFilter & { page: number; pageSize: number }) => api.get<Page<Contract>>(base, { ...filter }),
  get: (id: string) => api.get<ContractDetail>(one(id)),
  create: (input: ContractInput) => api.post<ContractDetail>(base, input),
  update: (id: string, input: Partial<ContractInput>) => api.patch<ContractDetail>(one(id), input),
  submit: (id: string) => api.post<ContractDetail>(`${one(id)}/submit`),
  approve: (id: string, comment: string | undefined) =>
    api.post<ContractDetail>(`${one(id)}/approve`, comment ? { comment } : {}),
  reject: (id: string, comment: string) => api.post<ContractDetail>(`${one(id)}/reject`, { comment }),
  activate: (id: string, signDate: string) => api.post<ContractDetail>(`${one(id)}/activate`, { signDate }),
  terminate: (id: string, terminationDate: string, reason: string) =>
    api.post<ContractDetail>(`${one(id)}/terminate`, { terminationDate, reason }),
  renew: (id: string) => api.post<ContractDetail>(`${one(id)}/renew`),
  expiring: (withinDays?: number) =>
    api.get<{ withinDays: number; items: ExpiringContract[] }>(`${base}/expiring`, { withinDays }),
  schedulePreview: (terms: ContractTerms, signal?: AbortSignal) =>
    api.request<SchedulePreview>('POST', `${base}/schedule-preview`, { body: terms, signal }),
  documentPath: (id: string) => `${one(id)}/document`,
  attachmentPath: (id: string, attachmentId: string) => `${one(id)}/attachments/${encodeURIComponent(attachmentId)}`,
  uploadPath: (id: string) => `${one(id)}/attachments`,
};

/** Asset types a contract may lease (domain/contract-rules.ts LEASABLE_ASSET_TYPES). */
export const LEASABLE_TYPES: AssetType[] = ['unit', 'parking', 'land', 'warehouse', 'factory'];

/** Leasable assets in the given statuses, searched by code or name (one page of up to 200). */
export function leasableAssets(statuses: readonly AssetStatus[], keyword: string | undefined, signal?: AbortSignal) {
  const path = repeated(repeated('/api/v1/assets', 'type', LEASABLE_TYPES), 'status', statuses);
  return api.get<Page<Asset>>(path, { page: 1, pageSize: 200, keyword: keyword || undefined }, signal);
}
