// The tenant portal's view of the API: a bearer token kept for this browser tab only.

import { createApiClient } from '../shared/api.ts';

const TOKEN_KEY = 'assetpay.portal.token';

export const portalToken = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

let onSessionLost: () => void = () => {};

/** The app registers what to do when a call answers 401 (back to the login page). */
export function whenPortalSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

const api = createApiClient({
  headers: (): Record<string, string> => {
    const token = portalToken.get();
    return token ? { Authorization: `Bearer ${token}`, 'Accept-Language': 'zh-CN' } : { 'Accept-Language': 'zh-CN' };
  },
  onUnauthorized: () => {
    portalToken.clear();
    onSessionLost();
  },
});

export type PortalBillStatus = 'open' | 'partial' | 'paid' | 'void' | (string & {});

export interface PortalBill {
  id: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  amountFen: number;
  outstandingFen: number;
  lateFeeFen: number;
  status: PortalBillStatus;
}

/** The bill a pay link (缴费链接) names, as GET /api/v1/portal/pay-links/{token} answers. */
export interface PayLinkView {
  bill: {
    id: string;
    number: string;
    kind: 'rent' | 'deposit' | 'charge' | 'final' | (string & {});
    periodStart: string | null;
    periodEnd: string | null;
    dueDate: string;
    amountFen: number;
    paidFen: number;
    lateFeeFen: number;
    payableFen: number;
    status: PortalBillStatus;
    overdue: boolean;
    overdueDays: number;
    description: string | null;
  };
  tenantName: string;
  orgName: string;
  expiresAt: string;
}

export const portalApi = {
  /** No login: the signed token in the link is the credential. */
  payLink: (token: string) => api.get<PayLinkView>(`/api/v1/portal/pay-links/${encodeURIComponent(token)}`),
  sendLoginCode: (phone: string) =>
    api.post<unknown>('/api/v1/portal/auth/otp', { phone }, { expectUnauthorized: true }),
  login: (phone: string, code: string) =>
    api.post<{ token: string }>('/api/v1/portal/auth/login', { phone, code }, { expectUnauthorized: true }),
  bills: () => api.get<{ items: PortalBill[] }>('/api/v1/portal/bills'),
};
