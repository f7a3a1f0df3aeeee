// The asset registry's API as the console calls it (shapes from src/modules/assets/schema.ts).

import type { AssetStatus, AssetType, ManualStatus, TaxMethod } from '../../../../../src/domain/asset-rules.ts';
import type { Page, Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';
import type { ImportReport } from './ImportWizard.tsx';

export interface Asset {
  id: string;
  code: string;
  name: string;
  type: AssetType;
  parentId: string | null;
  parentCode: string | null;
  parentName: string | null;
  /** Square metres with two places ("120.50"). */
  areaSqm: string | null;
  status: AssetStatus;
  address: string | null;
  propertyCertificateNo: string | null;
  bookValueFen: number | null;
  acquisitionDate: string | null;
  taxMethod: TaxMethod | null;
  remarks: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AssetNode {
  id: string;
  code: string;
  name: string;
  type: AssetType;
  status: AssetStatus;
  areaSqm: string | null;
  children: AssetNode[];
}

export interface StatusChange {
  id: number;
  fromStatus: AssetStatus | null;
  toStatus: AssetStatus;
  reason: string | null;
  contractId: string | null;
  actorName: string | null;
  changedAt: string;
}

export interface Attachment {
  id: string;
  assetId: string;
  kind: 'photo' | 'document';
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedByName: string | null;
  createdAt: string;
}

/** What a person may set when registering or editing an asset (areas as text, money in fen). */
export interface AssetInput {
  code: string;
  name: string;
  type: AssetType;
  parentId: string | null;
  areaSqm: string | null;
  address: string | null;
  propertyCertificateNo: string | null;
  bookValueFen: number | null;
  acquisitionDate: string | null;
  taxMethod: TaxMethod | null;
  remarks: string | null;
}

export interface AssetImportPreview {
  row: number;
  code: string;
  name: string;
  type: AssetType;
  parentCode: string | null;
  areaSqm: string | null;
  status: AssetStatus;
}

/** The list filters the API takes; `type` and `status` may repeat (type=floor&type=building). */
export interface AssetFilter {
  keyword?: string;
  code?: string;
  name?: string;
  type?: AssetType | AssetType[];
  status?: AssetStatus;
  projectId?: string;
  parentId?: string;
  areaMin?: string;
  areaMax?: string;
}

const base = '/api/v1/assets';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

/** `?type=a&type=b`: the shared client sets one value per name, so repeated names go into the path. */
function typesInPath(path: string, types: AssetType[]): string {
  return types.length === 0 ? path : `${path}?${types.map((type) => `type=${encodeURIComponent(type)}`).join('&')}`;
}

export const assetsApi = {
  list: ({ type, ...filter }: AssetFilter & { page: number; pageSize: number }) => {
    const types = type === undefined ? [] : Array.isArray(type) ? type : [type];
    return api.get<Page<Asset>>(typesInPath(base, types), filter as Query);
  },
  get: (id: string) => api.get<Asset>(one(id)),
  create: (input: AssetInput & { status?: ManualStatus }) => api.post<Asset>(base, input),
  update: (id: string, changes: Partial<AssetInput>) => api.patch<Asset>(one(id), changes),
  changeStatus: (id: string, status: ManualStatus, statusReason: string | undefined) =>
    api.patch<Asset>(one(id), statusReason ? { status, statusReason } : { status }),
  tree: (id: string) => api.get<AssetNode>(`${one(id)}/tree`),
  statusHistory: (id: string, page = 1, pageSize = 50) =>
    api.get<Page<StatusChange>>(`${one(id)}/status-history`, { page, pageSize }),
  attachments: (id: string) => api.get<{ items: Attachment[] }>(`${one(id)}/attachments`),
  attachmentUrl: (id: string, attachmentId: string) => `${one(id)}/attachments/${encodeURIComponent(attachmentId)}`,
  removeAttachment: (id: string, attachmentId: string) =>
    api.delete<void>(`${one(id)}/attachments/${encodeURIComponent(attachmentId)}`),
  uploadPath: (id: string) => `${one(id)}/attachments`,
  exportPath: `${base}/export`,
  templatePath: `${base}/import-template`,
  importPath: `${base}/import`,
};

export type AssetImportReport = ImportReport<AssetImportPreview>;
