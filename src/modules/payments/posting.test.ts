// Posting what a channel confirmed, with verified notifications built by hand (the HTTP path with real signatures
// is in notify.test.ts): once per transaction however often and however simultaneously it arrives; money that does
// not match an open order of its amount goes to suspense; the ledger agrees with the bills after each.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { accountBalance, billState } from '../../../test/helpers/collections.ts';
import {
  answerCheckedKey,
  checkAnswersCommitWithWork,
  storedAnswer,
} from '../../../test/helpers/idempotent-answers.ts';
import {
  countWhere,
  expectLedgerMatchesBills,
  orderFor,
  payingTenant,
  snapshot,
} from '../../../test/helpers/payments.ts';
import { queryRows, sql } from '../../db/client.ts';
import { type ChannelPayment, MerchantMismatch, postChannelPayment, type ReceivingAccount } from './posting.ts';
import { paymentsRepository } from './repository.ts';

let t: TestApp;
let account: ReceivingAccount;

beforeAll(async () => {
  t = await createTestApp();
  await checkAnswersCommitWithWork(t.database.orm);
  account = { orgId: t.orgId, provider: 'wechatpay', merchantId: '1900000001', appId: 'wx0000000000000001' };
});
afterAll(() => t.close());

const db = () => t.database.orm;
const transactionId = () => `4200${randomBytes(10).toString('hex')}`;
const paymentFor = (orderNo: string, amountFen: number, extra: Partial<ChannelPayment> = {}): ChannelPayment => ({
  orderNo,
  transactionId: transactionId(),
  amountFen,
  merchantId: account.merchantId,
  appId: account.appId,
  paidAt: new Date(),
  detail: { tradeType: 'NATIVE' },
  ...extra,
});
const post = (payment: ChannelPayment) => postChannelPayment(t.app.payments, account, payment, 'notification');

async function orderState(orderNo: string) {
  const order = await paymentsRepository.order(db(), orderNo);
  const [held] = await queryRows<{ open: number }>(
    db(),
    sql`SELECT count(*)::int AS open FROM payment_order_bills WHERE order_id = ${order!.id} AND open`,
  );
  return { status: order!.status, failureReason: order!.failureReason, paymentId: order!.paymentId, held: held!.open };
}

describe('a verified payment', () => {
  it('is posted once: two deliveries at the same instant, then five more, make one payment and one receipt', async () => {
    const p = await payingTenant(db(), t.orgId, [
      { dueDate: '2026-01-01', amountFen: 100_000 },
      { dueDate: '2026-02-01', amountFen: 50_000 },
    ]);
    const order = await orderFor(
      db(),
      t.orgId,
      p.tenantId,
      p.bills.map((bill, index) => ({ id: bill.id, amountFen: [100_000, 50_000][index]! })),
    );
    const payment = paymentFor(order.orderNo, 150_000);

    const together = await Promise.all([post(payment), post(payment)]);
    expect(together.map((outcome) => outcome.outcome).sort()).toEqual(['duplicate', 'posted']);
    for (let i = 0; i < 5; i++) expect(await post(payment)).toEqual({ outcome: 'duplicate', orderNo: order.orderNo });

    expect(await countWhere(db(), 'payments', 'reference', payment.transactionId)).toBe(1);
    const posted = together.find((outcome) => outcome.outcome === 'posted')!;
    if (posted.outcome !== 'posted') throw new Error('not posted');
    expect(await countWhere(db(), 'receipts', 'payment_id', posted.paymentId)).toBe(1);
    expect(posted.advanceFen).toBe(0);
    expect(await orderState(order.orderNo)).toEqual({
      status: 'succeeded',
      failureReason: null,
      paymentId: posted.paymentId,
      held: 0,
    });
    for (const bill of p.bills) expect((await billState(db(), bill.id)).status).toBe('paid');
    const [row] = await queryRows<{ method: string; paymentOrderNo: string; recordedByName: string }>(
      db(),
      sql`SELECT method, payment_order_no AS "paymentOrderNo", recorded_by_name AS "recordedByName"
            FROM payments WHERE id = ${posted.paymentId}`,
    );
    expect(row).toEqual({ method: 'wechatpay', paymentOrderNo: order.orderNo, recordedByName: 'wechatpay' });
    // Dr 1012.wechat / Cr 1122, in the channel's clearing account until the statement settles it.
    expect(await accountBalance(db(), t.orgId, 'clearing_wechatpay', { tenantId: p.tenantId })).toBe(150_000);
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });

  it('for another amount than the order is not posted to bills: suspense, the order failed, its bills freed', async () => {
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 80_000 }]);
    const order = await orderFor(db(), t.orgId, p.tenantId, [{ id: p.bills[0]!.id, amountFen: 80_000 }]);
    const payment = paymentFor(order.orderNo, 79_999);

    const outcome = await post(payment);
    expect(outcome).toMatchObject({ outcome: 'suspense', reason: 'amount_mismatch' });
    expect(await post(payment)).toMatchObject({ outcome: 'duplicate' });
    expect(await orderState(order.orderNo)).toMatchObject({ status: 'failed', paymentId: null, held: 0 });
    expect((await orderState(order.orderNo)).failureReason).toMatch(/^amount_mismatch/);
    expect(await billState(db(), p.bills[0]!.id)).toMatchObject({ status: 'open', principalPaidFen: 0 });
    expect(await countWhere(db(), 'payments', 'reference', payment.transactionId)).toBe(0);
    const [item] = await queryRows<{ reason: string; amountFen: string; orderNo: string; status: string }>(
      db(),
      sql`SELECT reason, amount_fen::text AS "amountFen", order_no AS "orderNo", status FROM suspense_items
           WHERE transaction_id = ${payment.transactionId}`,
    );
    expect(item).toEqual({ reason: 'amount_mismatch', amountFen: '79999', orderNo: order.orderNo, status: 'open' });
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });

  it('for an order nobody knows goes to suspense; finance applies it to the tenant it belongs to', async () => {
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 30_000 }]);
    const payment = paymentFor('AP20260101000000NOSUCHORDER', 30_000);
    const suspenseBefore = await accountBalance(db(), t.orgId, 'suspense');

    const outcome = await post(payment);
    expect(outcome).toMatchObject({ outcome: 'suspense', reason: 'unknown_order' });
    if (outcome.outcome !== 'suspense') throw new Error('not flagged');
    expect(outcome.number).toMatch(/^GZ-\d{4}-\d{6}$/);
    expect(await accountBalance(db(), t.orgId, 'suspense')).toBe(suspenseBefore - 30_000);

    const caiwu = await t.as('caiwu');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/suspense-items?status=open', headers: caiwu });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toContainEqual(
      expect.objectContaining({
        id: outcome.suspenseItemId,
        reason: 'unknown_order',
        amountFen: 30_000,
        status: 'open',
      }),
    );

    const key = answerCheckedKey('suspense');
    const resolve = (body: object, headers = caiwu) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/suspense-items/${outcome.suspenseItemId}/resolve`,
        headers,
        payload: body,
      });
    const resolved = await resolve(
      { tenantId: p.tenantId, billIds: [p.bills[0]!.id], note: '承租方来电确认' },
      { ...caiwu, 'idempotency-key': key },
    );
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(await storedAnswer(db(), key)).toEqual({ statusCode: 200, response: resolved.json() });
    expect(resolved.json()).toMatchObject({
      status: 'resolved',
      resolution: 'applied',
      resolutionNote: '承租方来电确认',
      resolvedByName: 'caiwu',
    });
    expect(resolved.json().resolvedPaymentNumber).toMatch(/^SK-/);
    expect(await billState(db(), p.bills[0]!.id)).toMatchObject({ status: 'paid' });
    expect(await accountBalance(db(), t.orgId, 'suspense')).toBe(suspenseBefore);
    expect(await countWhere(db(), 'receipts', 'payment_id', resolved.json().resolvedPaymentId)).toBe(1);
    expect(problemOf(await resolve({ tenantId: p.tenantId, note: '再来一次' })).code).toBe('suspense_item_resolved');
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });

  it('for a bill settled meanwhile pays the others and keeps the rest as an advance', async () => {
    const p = await payingTenant(db(), t.orgId, [
      { dueDate: '2026-01-01', amountFen: 40_000 },
      { dueDate: '2026-02-01', amountFen: 60_000 },
    ]);
    const order = await orderFor(db(), t.orgId, p.tenantId, [
      { id: p.bills[0]!.id, amountFen: 40_000 },
      { id: p.bills[1]!.id, amountFen: 60_000 },
    ]);
    const offline = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments',
      headers: await t.as('caiwu'),
      payload: {
        tenantId: p.tenantId,
        amountFen: 40_000,
        receivedOn: '2026-01-05',
        method: 'bank_transfer',
        billIds: [p.bills[0]!.id],
      },
    });
    expect(offline.statusCode, offline.body).toBe(201);
    // Offline payments get their receipt in the same transaction too.
    expect(offline.json().receiptNumber).toMatch(/^SJ-2026-\d{6}$/);

    const outcome = await post(paymentFor(order.orderNo, 100_000));
    expect(outcome).toMatchObject({ outcome: 'posted', advanceFen: 40_000 });
    expect(await billState(db(), p.bills[1]!.id)).toMatchObject({ status: 'paid', principalPaidFen: 60_000 });
    expect(await accountBalance(db(), t.orgId, 'advances', { tenantId: p.tenantId })).toBe(-40_000);
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });

  it('paid to another merchant than the order is refused with nothing written', async () => {
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 10_000 }]);
    const order = await orderFor(
      db(),
      t.orgId,
      p.tenantId,
      [{ id: p.bills[0]!.id, amountFen: 10_000 }],
      'wechat_native',
      {
        merchantId: '1900000999',
      },
    );
    const before = await snapshot(db());
    await expect(post(paymentFor(order.orderNo, 10_000))).rejects.toBeInstanceOf(MerchantMismatch);
    await expect(post(paymentFor(order.orderNo, 10_000, { merchantId: '1900000999' }))).rejects.toBeInstanceOf(
      MerchantMismatch,
    );
    expect(await snapshot(db())).toEqual(before);
  });
});
