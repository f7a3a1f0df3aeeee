// The admin console's view of the API: one client (session cookie, Accept-Language) and typed calls.

import { ApiError, createApiClient, type Page, type Query } from '../shared/api.ts';
import { activeLanguage, translate } from './i18n.ts';

let onSessionLost: () => void = () => {};

/** The session layer registers what to do when any call answers 401 (go to /login). */
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

export const api = createApiClient({
  headers: () => ({ 'Accept-Language': activeLanguage() === 'en' ? 'en' : 'zh-CN' }),
  onUnauthorized: () => onSessionLost(),
  networkErrorMessage: () => translate(activeLanguage(), 'common.networkError'),
});

export type RoleCode = 'admin' | 'asset_manager' | 'finance' | 'approver' | 'auditor';

/** The signed-in staff member, as /auth/login and /auth/me return them. */
export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  orgId: string;
  orgName: string;
  permissions: string[];
}

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  status: 'active' | 'disabled';
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface Role {
  code: string;
  name: string;
  nameEn: string;
  description: string;
  permissions: string[];
}

export interface AuditEntry {
  id: string | number;
  seq: number;
  chain: string;
  at: string;
  actorKind: string;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export interface AuditChainVerification {
  valid: boolean;
  checkedEntries: number;
  chains: {
    chain: string;
    entries: number;
    valid: boolean;
    brokenAt: null | { seq: number; id: string | number; reason: string };
  }[];
}

export const authApi = {
  login: (username: string, password: string) =>
    api.post<{ token: string; user: StaffUser }>(
      '/api/v1/auth/login',
      { username, password },
      { expectUnauthorized: true },
    ),
  me: () => api.request<{ user: StaffUser }>('GET', '/api/v1/auth/me', { expectUnauthorized: true }),
  logout: () => api.post<void>('/api/v1/auth/logout', undefined, { expectUnauthorized: true }),
  changePassword: async (currentPassword: string, newPassword: string) => {
    try {
      await api.post<void>('/api/v1/auth/password', { currentPassword, newPassword }, { expectUnauthorized: true });
    } catch (error) {
      // A wrong current password is a mistake in the form, not a lost session.
      if (error instanceof ApiError && error.status === 401 && error.code !== 'wrong_current_password') onSessionLost();
      throw error;
    }
  },
};

export interface UserQuery {
  page: number;
  pageSize: number;
  q?: string;
  role?: string;
  status?: string;
}

export const usersApi = {
  list: (query: UserQuery) => api.get<Page<UserRow>>('/api/v1/users', { ...query }),
  create: (user: { username: string; displayName: string; password: string; roles: string[] }) =>
    api.post<UserRow>('/api/v1/users', user),
  update: (id: string, changes: { displayName?: string; roles?: string[]; status?: UserRow['status'] }) =>
    api.patch<UserRow>(`/api/v1/users/${encodeURIComponent(id)}`, changes),
  unlock: (id: string) => api.post<UserRow>(`/api/v1/users/${encodeURIComponent(id)}/unlock`),
  resetPassword: (id: string, password: string) =>
    api.post<void>(`/api/v1/users/${encodeURIComponent(id)}/reset-password`, { password }),
};

export const rolesApi = {
  list: () => api.get<{ items: Role[] }>('/api/v1/roles'),
};

export const auditApi = {
  list: (query: Query) => api.get<Page<AuditEntry>>('/api/v1/audit-log', query),
  verify: () => api.get<AuditChainVerification>('/api/v1/audit-log/verification'),
};
