// Receipts (收据): one per payment, issued in the payment's own transaction with a gap-free yearly number, printed as
// a PDF with a QR code that anyone can scan to check the receipt is genuine without seeing personal data.

import { randomBytes } from 'node:crypto';
import type { Executor } from '../../db/client.ts';
import type { payments } from '../../db/schema.ts';
import { notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { maskedTenantName } from '../messages/service.ts';
import { type ReceiptLine, renderReceipt } from './pdf.ts';
import { type ReceiptFilter, type ReceiptRow, receiptsRepository as repo } from './repository.ts';

export type { ReceiptRow } from './repository.ts';

type PaymentRow = typeof payments.$inferSelect;

export const receiptNumber = (year: number, sequence: number) => `SJ-${year}-${String(sequence).padStart(6, '0')}`;

/** 16 random bytes as base64url: 22 characters, unguessable, safe in a URL and a QR code. */
export const newVerifyCode = () => randomBytes(16).toString('base64url');

/** The public page a receipt's QR code opens. */
export const receiptVerifyUrl = (publicBaseUrl: string, verifyCode: string) =>
  `${publicBaseUrl}/m/receipts/${verifyCode}`;

export const PAYMENT_METHOD_NAMES: Record<PaymentRow['method'], string> = {
  bank_transfer: '银行转账',
  cash: '现金',
  pos: '刷卡（POS）',
  wechatpay: '微信支付',
  alipay: '支付宝',
  unionpay: '银联在线支付（银行卡）',
  deposit: '保证金抵扣',
};

const BILL_KIND_NAMES = { rent: '租金', deposit: '押金', charge: '杂费', final: '租金（结算）' } as const;

/** What a receipt line says a bill was for: the kind and its period, or a charge's description. */
export function billItemText(bill: {
  kind: keyof typeof BILL_KIND_NAMES;
  periodStart: string | null;
  periodEnd: string | null;
  description: string | null;
}): string {
  if (bill.kind === 'charge') return bill.description || BILL_KIND_NAMES.charge;
  if (bill.kind === 'deposit') return BILL_KIND_NAMES.deposit;
  const range = bill.periodStart && bill.periodEnd ? ` ${bill.periodStart}～${bill.periodEnd}` : '';
  return `${BILL_KIND_NAMES[bill.kind]}${range}`;
}

/**
 * The payer as the public check shows them: an individual by family name only (张*), an enterprise by the first two
 * and last two characters of its name (重庆******公司), enough to recognise one's own receipt and no more.
 */
export function maskedPayerName(name: string, kind: 'individual' | 'enterprise'): string {
  if (kind === 'individual') return maskedTenantName(name, kind);
  const characters = [...name];
  if (characters.length <= 4) return `${characters[0] ?? ''}${'*'.repeat(Math.max(characters.length - 1, 0))}`;
  return `${characters.slice(0, 2).join('')}${'*'.repeat(characters.length - 4)}${characters.slice(-2).join('')}`;
}

export const receiptsService = {
  /**
   * Issues the receipt (收据) of a payment inside the caller's transaction, so the receipt number is taken only if the
   * payment commits (numbers have no gaps). The receipt carries the payment's date and year.
   */
  async issueFor(tx: Executor, actor: Actor, payment: PaymentRow): Promise<ReceiptRow> {
    const year = Number(payment.receivedOn.slice(0, 4));
    const sequence = await repo.takeNumber(tx, payment.orgId, `receipt:${year}`);
    const receipt = await repo.insert(tx, {
      orgId: payment.orgId,
      year,
      sequence,
      number: receiptNumber(year, sequence),
      paymentId: payment.id,
      tenantId: payment.tenantId,
      amountFen: payment.amountFen,
      issuedOn: payment.receivedOn,
      verifyCode: newVerifyCode(),
    });
    await auditService.record(tx, actor, {
      orgId: payment.orgId,
      action: 'receipt.issue',
      entityType: 'receipt',
      entityId: receipt.id,
      after: { number: receipt.number, paymentId: payment.id, amountFen: receipt.amountFen },
    });
    return receipt;
  },

  async list(db: Executor, filter: ReceiptFilter, page: number, pageSize: number) {
    const { items, total } = await repo.list(db, filter, page, pageSize);
    return {
      items: items.map((row) => ({
        id: row.receipt.id,
        number: row.receipt.number,
        issuedOn: row.receipt.issuedOn,
        amountFen: row.receipt.amountFen,
        status: row.receipt.status,
        voidReason: row.receipt.voidReason,
        tenantId: row.receipt.tenantId,
        tenantName: row.tenantName,
        paymentId: row.receipt.paymentId,
        paymentNumber: row.paymentNumber,
        method: row.method,
        reference: row.reference,
        paymentOrderNo: row.paymentOrderNo,
        verifyCode: row.receipt.verifyCode,
        createdAt: row.receipt.createdAt.toISOString(),
      })),
      total,
    };
  },

  /**
   * The receipt's PDF. `onlyTenantId`: the tenant portal asks, and another tenant's receipt is as missing as an
   * unknown one (its existence is not revealed).
   */
  async pdf(
    db: Executor,
    orgId: string,
    id: string,
    publicBaseUrl: string,
    onlyTenantId?: string,
  ): Promise<{ number: string; pdf: Buffer }> {
    const row = await repo.find(db, orgId, id);
    if (!row || (onlyTenantId !== undefined && row.receipt.tenantId !== onlyTenantId)) throw notFound('receipt', id);
    const { receipt, payment } = row;
    const allocations = await repo.allocations(db, orgId, payment.id);
    const lines: ReceiptLine[] = allocations.map((allocation) => ({
      billNumber: allocation.billNumber,
      item: billItemText(allocation),
      principalFen: allocation.principalFen,
      lateFeeFen: allocation.lateFeeFen,
    }));
    const pdf = await renderReceipt({
      orgName: row.orgName,
      number: receipt.number,
      issuedOn: receipt.issuedOn,
      payerName: row.tenantName,
      lines,
      advanceFen: payment.advanceFen,
      amountFen: receipt.amountFen,
      methodName: PAYMENT_METHOD_NAMES[payment.method],
      reference: payment.reference,
      paymentOrderNo: payment.paymentOrderNo,
      paymentNumber: payment.number,
      verifyUrl: receiptVerifyUrl(publicBaseUrl, receipt.verifyCode),
      void: receipt.status === 'void' ? { reason: receipt.voidReason ?? '' } : null,
    });
    return { number: receipt.number, pdf };
  },

  /** What the receipt's QR code shows to anyone: no personal data, an individual's name reduced to the family name. */
  async publicView(db: Executor, verifyCode: string) {
    const row = await repo.findByVerifyCode(db, verifyCode);
    if (!row) throw notFound('receipt');
    return {
      number: row.receipt.number,
      orgName: row.orgName,
      amountFen: row.receipt.amountFen,
      issuedOn: row.receipt.issuedOn,
      status: row.receipt.status,
      method: row.method,
      methodName: PAYMENT_METHOD_NAMES[row.method],
      payerMasked: maskedPayerName(row.tenantName, row.tenantKind),
    };
  },
};
