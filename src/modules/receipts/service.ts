import { randomBytes } from 'node:crypto';
import type { Executor } from '../../db/client.ts';
import type { payments } from '../../db/schema.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { type ReceiptRow, receiptsRepository } from './repository.ts';

export type { ReceiptRow } from './repository.ts';

type PaymentRow = typeof payments.$inferSelect;

export const receiptNumber = (year: number, sequence: number) => `SJ-${year}-${String(sequence).padStart(6, '0')}`;

/** 16 random bytes as base64url: 22 characters, unguessable, safe in a URL and a QR code. */
export const newVerifyCode = () => randomBytes(16).toString('base64url');

export const receiptsService = {
  /**
   * Issues the receipt (收据) of a payment inside the caller's transaction, so the receipt number is taken only if the
   * payment commits (numbers have no gaps). The receipt carries the payment's date and year.
   */
  async issueFor(tx: Executor, actor: Actor, payment: PaymentRow): Promise<ReceiptRow> {
    const year = Number(payment.receivedOn.slice(0, 4));
    const sequence = await receiptsRepository.takeNumber(tx, payment.orgId, `receipt:${year}`);
    const receipt = await receiptsRepository.insert(tx, {
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
};
