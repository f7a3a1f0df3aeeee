// Tenants as the console calls them (shapes from src/modules/tenants/schema.ts). Personal data arrives masked;
// only POST …/reveal (pii:reveal, audited) gives it in clear.

import type { Page, Query } from '../../../shared/api.ts';
import { api } from '../../api.ts';

export type TenantKind = 'individual' | 'enterprise';

export interface Tenant {
  id: string;
  code: string;
  kind: TenantKind;
  name: string;
  /** Masked: 500***********100X. */
  idNumber: string | null;
  creditCode: string | null;
  legalRepresentative: string | null;
  contactName: string | null;
  /** Masked: 138****0000. */
  phone: string;
  contactPhone: string | null;
  address: string | null;
  bankName: string | null;
  /** Masked: ************2499. */
  bankAccount: string | null;
  remarks: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RevealedPii {
  id: string;
  idNumber: string | null;
  phone: string;
  contactPhone: string | null;
  bankAccount: string | null;
}

export interface TenantInput {
  kind: TenantKind;
  name: string;
  idNumber?: string;
  creditCode?: string;
  phone: string;
  legalRepresentative?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
  address?: string | null;
  bankName?: string | null;
  bankAccount?: string | null;
  remarks?: string | null;
}

export type TenantChanges = Partial<Omit<TenantInput, 'kind'>>;

export interface TenantImportPreview {
  row: number;
  kind: TenantKind;
  name: string;
  idNumber: string | null;
  creditCode: string | null;
  phone: string;
}

const base = '/api/v1/tenants';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const tenantsApi = {
  list: (query: Query & { page: number; pageSize: number }) => api.get<Page<Tenant>>(base, query),
  get: (id: string) => api.get<Tenant>(one(id)),
  create: (input: TenantInput) => api.post<Tenant>(base, input),
  update: (id: string, changes: TenantChanges) => api.patch<Tenant>(one(id), changes),
  reveal: (id: string, reason?: string) => api.post<RevealedPii>(`${one(id)}/reveal`, reason ? { reason } : {}),
  exportPath: `${base}/export`,
  templatePath: `${base}/import-template`,
  importPath: `${base}/import`,
};
