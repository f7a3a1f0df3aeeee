// The tenant portal's view of the API: a bearer token kept for this browser tab only.

import { ApiError, createApiClient } from '../shared/api.ts';

const TOKEN_KEY = 'assetpay.portal.token';
const TENANT_KEY = 'assetpay.portal.tenant';

export const portalToken = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(TENANT_KEY);
  },
};

/** Who is logged in, as the login answered it (shown in the header; the server is the authority). */
export const portalTenant = {
  get: (): PortalTenant | null => {
    const text = sessionStorage.getItem(TENANT_KEY);
    if (!text) return null;
    try {
      return JSON.parse(text) as PortalTenant;
    } catch {
      return null;
    }
  },
  set: (tenant: PortalTenant) => sessionStorage.setItem(TENANT_KEY, JSON.stringify(tenant)),
};

let onSessionLost: () => void = () => {};

/** The app registers what to do when a call answers 401 (back to the login page). */
export function whenPortalSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

function requestHeaders(): Record<string, string> {
  const token = portalToken.get();
  return token ? { Authorization: `Bearer ${token}`, 'Accept-Language': 'zh-CN' } : { 'Accept-Language': 'zh-CN' };
}

const api = createApiClient({
  headers: requestHeaders,
  onUnauthorized: () => {
    portalToken.clear();
    onSessionLost();
  },
});

export interface PortalTenant {
  id: string;
  name: string;
}

export type PortalBillStatus = 'open' | 'partial' | 'paid' | 'void' | (string & {});
export type BillKind = 'rent' | 'deposit' | 'charge' | 'final' | (string & {});

/** One bill as GET /api/v1/portal/bills answers: unsettled first by due date, then the settled ones. */
export interface PortalBill {
  id: string;
  number?: string;
  kind?: BillKind;
  contractId?: string;
  periodStart: string | null;
  periodEnd: string | null;
  dueDate: string;
  amountFen: number;
  paidFen?: number;
  outstandingFen: number;
  lateFeeFen: number;
  /** What settles the bill today: outstanding principal plus the penalty through yesterday. */
  payableFen: number;
  /** The penalty as of today (part of payableFen). */
  lateFeeTodayFen: number;
  overdueDays: number;
  status: PortalBillStatus;
  overdue?: boolean;
  settledOn?: string | null;
  description?: string | null;
  /** An unpaid payment order that already covers this bill; a new order replaces it. */
  openOrderNo: string | null;
}

/** How the tenant pays: the provider's product that fits the device (api.md `channel`). */
export type PayChannel = 'wechat_native' | 'wechat_h5' | 'alipay_qr' | 'alipay_wap' | 'unionpay';

export type PaymentOrderStatus = 'created' | 'succeeded' | 'closed' | 'failed' | 'refunding' | 'refunded';

/** A form the browser posts to the channel (UnionPay frontTransReq). */
export interface PayForm {
  action: string;
  method: 'POST';
  fields: Record<string, string>;
}

/** POST …/payment-orders: the order and the one thing the browser does next. */
export interface CreatedPaymentOrder {
  orderNo: string;
  amountFen: number;
  channel: PayChannel;
  /** Show as a QR code (WeChat Native, Alipay precreate). */
  codeUrl?: string;
  /** Open this page (WeChat H5, Alipay wap). */
  payUrl?: string;
  /** Post this form (UnionPay). */
  payForm?: PayForm;
  expiresAt: string;
  /** Outside production, the simulator's cashier page that pays this order (stands in for scanning the code). */
  simulatorCashierUrl?: string;
}

export interface PaymentOrderBill {
  id: string;
  number?: string;
  periodStart?: string | null;
  periodEnd?: string | null;
  dueDate?: string;
  amountFen?: number;
}

/**
 * GET …/payment-orders/{orderNo}. While the order can still be paid it repeats the pay action (codeUrl, payUrl or
 * payForm) and, outside production, the simulator's cashier page.
 */
export interface PaymentOrderView extends Omit<Partial<CreatedPaymentOrder>, 'orderNo' | 'amountFen' | 'channel'> {
  orderNo: string;
  provider?: 'wechatpay' | 'alipay' | 'unionpay';
  channel: PayChannel;
  billIds: string[];
  amountFen: number;
  status: PaymentOrderStatus;
  createdAt: string;
  paidAt: string | null;
  closedAt?: string | null;
  closeReason?: string | null;
  bills?: PaymentOrderBill[];
  paymentNumber?: string | null;
  /** Once paid: the receipt (PDF for the logged-in tenant). */
  receiptId?: string | null;
  receiptNumber?: string | null;
  /** Once paid: the code of the public verification page, when the server gives it. */
  receiptVerifyCode?: string | null;
}

export interface PaymentAllocation {
  billId: string;
  billNumber?: string;
  /** 项目/账期, e.g. "租金 2026-01-01～2026-01-31". */
  item?: string;
  principalFen?: number;
  lateFeeFen?: number;
  amountFen?: number;
}

/** One payment of the tenant's, as GET /api/v1/portal/payments answers. */
export interface PortalPayment {
  id: string;
  number?: string;
  amountFen: number;
  /** The part that went to the tenant's advance (预收款), bills settled meanwhile. */
  advanceFen?: number;
  method: string;
  methodName?: string;
  receivedOn?: string;
  paidAt?: string;
  createdAt?: string;
  reference?: string | null;
  paymentOrderNo?: string | null;
  allocations?: PaymentAllocation[];
  receiptId?: string | null;
  receiptNumber?: string | null;
}

/** One refund to the tenant, as GET /api/v1/portal/refunds answers: a deposit less its deductions, or money overpaid. */
export interface PortalRefund {
  id: string;
  refundNo: string;
  kind: 'overpayment' | 'deposit' | (string & {});
  amountFen: number;
  status: 'requested' | 'approved' | 'rejected' | 'paying' | 'refunded' | 'failed' | (string & {});
  reason: string;
  /** A deposit refund: the deposit paid, before the deductions. */
  depositPaidFen?: number | null;
  deductions: { item: string; amountFen: number }[];
  method: 'original_channel' | 'offline' | (string & {});
  provider: string | null;
  requestedAt: string;
  decidedAt: string | null;
  refundedAt: string | null;
}

/** The bill a pay link (缴费链接) names, as GET /api/v1/portal/pay-links/{token} answers. */
export interface PayLinkView {
  bill: {
    id: string;
    number: string;
    kind: BillKind;
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
    openOrderNo?: string | null;
  };
  tenantName: string;
  orgName: string;
  expiresAt: string;
}

/** The public receipt check (the QR code printed on the receipt): no personal data beyond a masked name. */
export interface ReceiptVerification {
  number: string;
  orgName: string;
  amountFen: number;
  issuedOn: string;
  status: 'valid' | 'void' | (string & {});
  method: string;
  methodName?: string;
  payerMasked: string;
}

/** A key per attempt: a double tap or a retried request makes one order, not two. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const payLinkPath = (token: string) => `/api/v1/portal/pay-links/${encodeURIComponent(token)}`;

export const portalApi = {
  /** No login: the signed token in the link is the credential. */
  payLink: (token: string) => api.get<PayLinkView>(payLinkPath(token)),
  sendLoginCode: (phone: string) =>
    api.post<{ sent: boolean; resendAfterSeconds?: number }>(
      '/api/v1/portal/auth/otp',
      { phone },
      { expectUnauthorized: true },
    ),
  login: (phone: string, code: string) =>
    api.post<{ token: string; tenant?: PortalTenant }>(
      '/api/v1/portal/auth/login',
      { phone, code },
      { expectUnauthorized: true },
    ),
  logout: () => api.post<unknown>('/api/v1/portal/auth/logout', undefined, { expectUnauthorized: true }),
  bills: () => api.get<{ items: PortalBill[] }>('/api/v1/portal/bills'),
  payments: () => api.get<{ items: PortalPayment[] }>('/api/v1/portal/payments', { page: 1, pageSize: 200 }),
  refunds: () => api.get<{ items: PortalRefund[] }>('/api/v1/portal/refunds'),

  /** `mobile`: a phone's browser (UnionPay then opens its mobile card page). */
  createOrder: (billIds: string[], channel: PayChannel, mobile: boolean, idempotencyKey: string) =>
    api.post<CreatedPaymentOrder>(
      '/api/v1/portal/payment-orders',
      { billIds, channel, mobile },
      { headers: { 'Idempotency-Key': idempotencyKey } },
    ),
  order: (orderNo: string) => api.get<PaymentOrderView>(`/api/v1/portal/payment-orders/${encodeURIComponent(orderNo)}`),

  createPayLinkOrder: (token: string, channel: PayChannel, mobile: boolean, idempotencyKey: string) =>
    api.post<CreatedPaymentOrder>(
      `${payLinkPath(token)}/payment-orders`,
      { channel, mobile },
      { headers: { 'Idempotency-Key': idempotencyKey } },
    ),
  payLinkOrder: (token: string, orderNo: string) =>
    api.get<PaymentOrderView>(`${payLinkPath(token)}/payment-orders/${encodeURIComponent(orderNo)}`),

  verifyReceipt: (verifyCode: string) =>
    api.get<ReceiptVerification>(`/api/v1/public/receipts/${encodeURIComponent(verifyCode)}`),
};

/**
 * The receipt PDF for the logged-in tenant. A link cannot carry the bearer token, so the file is fetched and
 * handed to the browser as a download.
 */
export async function downloadReceipt(receiptId: string, fileName: string): Promise<void> {
  const response = await fetch(`/api/v1/portal/receipts/${encodeURIComponent(receiptId)}/pdf`, {
    headers: requestHeaders(),
  });
  if (!response.ok) {
    if (response.status === 401) {
      portalToken.clear();
      onSessionLost();
    }
    const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
    throw new ApiError(response.status, problem?.detail ?? '收据下载失败，请稍后重试');
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the object URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
