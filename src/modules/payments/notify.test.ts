// Online payment end to end against the channel simulators (src/simulators) with the production adapters: orders
// made through the API, paid at the simulator, its signed notifications delivered to POST /notify/… of the app.
// Refused notifications (forged, replayed, SIGNTEST probe) answer 4xx and write nothing; a notification delivered
// many times posts once; a different amount goes to suspense; a dropped one is found by the backstop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { billState, issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import {
  connectTestChannels,
  countWhere,
  expectLedgerMatchesBills,
  payingTenant,
  snapshot,
  type TestChannels,
  tenantHeaders,
} from '../../../test/helpers/payments.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import type { OutgoingRequest } from '../../simulators/kit.ts';
import { signPayLink } from '../messages/pay-link.ts';
import type { PayChannel, Provider } from './channels/types.ts';
import { ordersService, runPaymentOrdersBackstop } from './orders.ts';
import { paymentsRepository } from './repository.ts';

let t: TestApp;
let channels: TestChannels;

beforeAll(async () => {
  t = await createTestApp();
  channels = await connectTestChannels(t);
}, 120_000);
afterAll(async () => {
  await channels?.simulator.close();
  await t?.close();
});

const db = () => t.database.orm;

async function orderBills(channel: PayChannel, amounts: number[] = [120_000]) {
  const p = await payingTenant(
    db(),
    t.orgId,
    amounts.map((amountFen, index) => ({ dueDate: `2026-0${index + 1}-01`, amountFen })),
  );
  const headers = await tenantHeaders(t, p.tenantId);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/payment-orders',
    headers,
    payload: { billIds: p.bills.map((bill) => bill.id), channel },
  });
  expect(created.statusCode, created.body).toBe(201);
  return { ...p, headers, order: created.json() };
}

async function pay(provider: Provider, orderNo: string, instruction: object = {}) {
  const response = await fetch(`${channels.simulator.url}/_sim/${provider}/orders/${orderNo}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(instruction),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  await channels.simulator.settled();
}

/** The next notification the simulator sends for an order paid while recording. */
async function recordNotification(provider: Provider, orderNo: string, instruction: object = {}) {
  channels.mode = 'record';
  channels.recorded.length = 0;
  try {
    await pay(provider, orderNo, instruction);
  } finally {
    channels.mode = 'forward';
  }
  const notification = channels.recorded.find((item) => new URL(item.url).pathname === `/notify/${provider}`);
  if (!notification) throw new Error(`no ${provider} notification recorded`);
  return notification.request;
}

const deliverToApp = (provider: Provider, request: OutgoingRequest) =>
  channels.toApp(`http://app/notify/${provider}`, request);

describe('channel settings', () => {
  it('answers settings and fingerprints, never a secret', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/channel-settings',
      headers: await t.as('admin'),
    });
    expect(response.statusCode).toBe(200);
    const wechat = response.json().items.find((item: { provider: string }) => item.provider === 'wechatpay');
    expect(wechat).toMatchObject({ configured: true, enabled: true, secretsSet: true });
    expect(wechat.fingerprints.merchantPrivateKeyPem).toMatch(/^SHA256:[0-9a-f]{64}$/);
    expect(response.body).not.toContain('PRIVATE KEY');
    expect(response.body).not.toContain(channels.accounts.wechatpay.secrets.apiV3Key);
    const finance = await t.app.inject({
      method: 'GET',
      url: '/api/v1/channel-settings',
      headers: await t.as('caiwu'),
    });
    expect(finance.statusCode).toBe(403);
  });
});

describe('a notification that does not verify', () => {
  it('forged, replayed after 5 minutes, or a SIGNTEST probe: 4xx and nothing written', async () => {
    const { order } = await orderBills('wechat_native');
    const genuine = await recordNotification('wechatpay', order.orderNo);
    // The genuine notification was acknowledged by the recorder only: the order is still unpaid here.
    const before = await snapshot(db());

    const body = JSON.parse(genuine.body);
    const refusedWithNothingWritten = async (answer: Promise<{ status: number; body: string }>, before: object) => {
      const { status } = await answer;
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(await snapshot(db())).toEqual(before);
    };
    const forgedBody = JSON.stringify({ ...body, resource: { ...body.resource, nonce: 'AAAAAAAAAAAA' } });
    await refusedWithNothingWritten(deliverToApp('wechatpay', { ...genuine, body: forgedBody }), before);
    await refusedWithNothingWritten(
      deliverToApp('wechatpay', {
        ...genuine,
        headers: { ...genuine.headers, 'Wechatpay-Signature': Buffer.from('forged').toString('base64') },
      }),
      before,
    );

    // The same payment as the gateway would have signed it six minutes ago.
    const late = await orderBills('wechat_native');
    channels.clockSkewMs = -6 * 60_000;
    let replayed: OutgoingRequest;
    try {
      replayed = await recordNotification('wechatpay', late.order.orderNo);
    } finally {
      channels.clockSkewMs = 0;
    }
    const beforeReplay = await snapshot(db());
    await refusedWithNothingWritten(deliverToApp('wechatpay', replayed), beforeReplay);

    const probe = await fetch(`${channels.simulator.url}/_sim/wechatpay/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://app/notify/wechatpay' }),
    });
    const probeAnswer = JSON.stringify(await probe.json());
    expect(probeAnswer).toMatch(/"status":4\d\d/);
    expect(await snapshot(db())).toEqual(beforeReplay);

    const alipayOrder = await orderBills('alipay_qr');
    const alipay = await recordNotification('alipay', alipayOrder.order.orderNo);
    const beforeAlipay = await snapshot(db());
    await refusedWithNothingWritten(
      deliverToApp('alipay', { ...alipay, body: alipay.body.replace(/total_amount=[\d.]+/, 'total_amount=0.01') }),
      beforeAlipay,
    );

    // The genuine ones were never delivered to the app: their orders are still unpaid.
    const after = await snapshot(db());
    expect(after.orders).toContain(`${order.orderNo}:created:-`);
    expect(after.orders).toContain(`${late.order.orderNo}:created:-`);
  });
});

describe('a verified notification', () => {
  it('sent five times and twice at the same instant is posted once; the order page then shows the receipt', async () => {
    const p = await orderBills('wechat_native', [100_000, 20_000]);
    expect(p.order).toMatchObject({ amountFen: 120_000, status: 'created', channel: 'wechat_native' });
    expect(p.order.codeUrl).toMatch(/^weixin:\/\//);
    expect(p.order.simulatorCashierUrl).toBe(
      `${t.config.simulators.publicUrl}/_sim/wechatpay/orders/${p.order.orderNo}/cashier`,
    );
    const notification = await recordNotification('wechatpay', p.order.orderNo);

    const together = await Promise.all([
      deliverToApp('wechatpay', notification),
      deliverToApp('wechatpay', notification),
    ]);
    for (const answer of together) expect(answer.status).toBeLessThan(300);
    for (let i = 0; i < 5; i++) expect((await deliverToApp('wechatpay', notification)).status).toBeLessThan(300);

    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/portal/payment-orders/${p.order.orderNo}`,
      headers: p.headers,
    });
    expect(view.json()).toMatchObject({ status: 'succeeded', amountFen: 120_000 });
    expect(view.json().receiptId).toEqual(expect.any(String));
    expect(view.json().codeUrl).toBeUndefined();
    const [transactionId] = (await snapshot(db()))
      .orders!.match(new RegExp(`${p.order.orderNo}:succeeded:([^,]+)`))!
      .slice(1);
    expect(await countWhere(db(), 'payments', 'reference', transactionId!)).toBe(1);
    for (const bill of p.bills) expect((await billState(db(), bill.id)).status).toBe('paid');
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });

  it('with duplicates from the gateway (Alipay and UnionPay) is posted once each', async () => {
    for (const channel of ['alipay_qr', 'unionpay'] as const) {
      const p = await orderBills(channel, [33_300]);
      if (channel === 'unionpay') {
        // UnionPay knows the order once the browser posts the form to its front gateway.
        const form = p.order.payForm as { action: string; fields: Record<string, string> };
        const page = await fetch(form.action, { method: 'POST', body: new URLSearchParams(form.fields) });
        expect(page.status, await page.clone().text()).toBeLessThan(400);
      }
      await pay(channel === 'unionpay' ? 'unionpay' : 'alipay', p.order.orderNo, { duplicates: 3 });
      const staff = await t.app.inject({
        method: 'GET',
        url: `/api/v1/payment-orders/${p.order.orderNo}`,
        headers: await t.as('caiwu'),
      });
      expect(staff.json(), channel).toMatchObject({
        status: 'succeeded',
        paymentNumber: expect.stringMatching(/^SK-/),
      });
      expect(await countWhere(db(), 'payments', 'reference', staff.json().transactionId)).toBe(1);
      await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
    }
  });

  it('for another amount than the order goes to suspense, the order failed and its bills unpaid', async () => {
    const p = await orderBills('wechat_native', [50_000]);
    await pay('wechatpay', p.order.orderNo, { amountFen: 49_000 });
    const staff = await t.app.inject({
      method: 'GET',
      url: `/api/v1/payment-orders/${p.order.orderNo}`,
      headers: await t.as('caiwu'),
    });
    expect(staff.json()).toMatchObject({ status: 'failed', paymentId: null });
    expect(staff.json().failureReason).toMatch(/^amount_mismatch/);
    expect(await countWhere(db(), 'suspense_items', 'order_no', p.order.orderNo)).toBe(1);
    expect((await billState(db(), p.bills[0]!.id)).status).toBe('open');
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });
});

describe('an order paid after midnight', () => {
  it('settles its overdue bill at the amount quoted the day before: the penalty stops on the day of the order', async () => {
    const tenant = await makeTenant(db(), t.orgId);
    const contractId = await makeContract(db(), t.orgId, tenant.id);
    const dueDate = addDays(chinaDate(new Date()), -30);
    // 0.05 % a day of 1,200 元: each day overdue adds 0.60 元 of penalty.
    const bill = await issueBill(db(), t.orgId, { contractId, tenantId: tenant.id, dueDate, amountFen: 120_000 });
    const orderDay = chinaDate(new Date());
    const madeAt = new Date(Date.parse(`${orderDay}T23:50:00+08:00`));
    const actor = {
      kind: 'tenant' as const,
      orgId: t.orgId,
      id: tenant.id,
      name: tenant.name,
      ip: '127.0.0.1',
      userAgent: null,
    };
    const order = await ordersService.create(
      t.app.payments,
      { orgId: t.orgId, tenantId: tenant.id, via: 'portal', clientIp: '127.0.0.1', actor },
      { billIds: [bill.id], channel: 'wechat_native' },
      madeAt,
    );
    // Quoted on the day: the principal and the penalty through the day before (29 days overdue).
    expect(order.amountFen).toBe(120_000 + 29 * 60);
    expect((await paymentsRepository.order(db(), order.orderNo))?.pricedOn).toBe(orderDay);

    // Paid at 00:10 the next day: one more day has passed, the quote holds.
    await pay('wechatpay', order.orderNo, { paidAt: new Date(madeAt.getTime() + 20 * 60_000).toISOString() });
    const [payment] = await queryRows<{ receivedOn: string; advanceFen: string }>(
      db(),
      sql`SELECT received_on::text AS "receivedOn", advance_fen::text AS "advanceFen" FROM payments
           WHERE payment_order_no = ${order.orderNo}`,
    );
    expect(payment).toEqual({ receivedOn: addDays(orderDay, 1), advanceFen: '0' });
    expect(await billState(db(), bill.id)).toMatchObject({
      status: 'paid',
      principalPaidFen: 120_000,
      lateFeeFen: 29 * 60,
      lateFeePaidFen: 29 * 60,
    });
    await expectLedgerMatchesBills(db(), t.orgId, contractId);
  });

  it('cannot be priced for another day by the tenant', async () => {
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 10_000 }]);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/payment-orders',
      headers: await tenantHeaders(t, p.tenantId),
      payload: { billIds: [p.bills[0]!.id], channel: 'wechat_native', payableOn: '2026-01-01' },
    });
    expect(created.statusCode).toBe(400);
  });
});

describe('the backstop', () => {
  it('posts a payment whose notification was dropped, and closes orders past expiry', async () => {
    const p = await orderBills('alipay_qr', [70_000]);
    await pay('alipay', p.order.orderNo, { notify: false });
    const unpaid = await orderBills('wechat_native', [10_000]);

    // Not yet five minutes old: left alone.
    expect(await runPaymentOrdersBackstop(t.app.payments, new Date())).toMatchObject({ posted: 0 });
    const report = await runPaymentOrdersBackstop(t.app.payments, new Date(Date.now() + 6 * 60_000));
    expect(report.posted).toBeGreaterThanOrEqual(1);
    const staff = await t.app.inject({
      method: 'GET',
      url: `/api/v1/payment-orders/${p.order.orderNo}`,
      headers: await t.as('caiwu'),
    });
    expect(staff.json()).toMatchObject({ status: 'succeeded' });
    expect((await billState(db(), p.bills[0]!.id)).status).toBe('paid');
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);

    const later = await runPaymentOrdersBackstop(t.app.payments, new Date(Date.now() + 31 * 60_000));
    expect(later.closed).toBeGreaterThanOrEqual(1);
    const closed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/portal/payment-orders/${unpaid.order.orderNo}`,
      headers: unpaid.headers,
    });
    expect(closed.json()).toMatchObject({ status: 'closed', closeReason: 'expired' });
  });

  it('a new order for a bill in an unpaid order closes the old one at the channel first', async () => {
    const p = await orderBills('wechat_native', [15_000]);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/payment-orders',
      headers: p.headers,
      payload: { billIds: [p.bills[0]!.id], channel: 'alipay_qr' },
    });
    expect(again.statusCode, again.body).toBe(201);
    const old = await t.app.inject({
      method: 'GET',
      url: `/api/v1/payment-orders/${p.order.orderNo}`,
      headers: await t.as('caiwu'),
    });
    expect(old.json()).toMatchObject({ status: 'closed', closeReason: 'replaced' });

    // Paid at the channel meanwhile (notification dropped): the next order finds it paid and says so.
    await pay('alipay', again.json().orderNo, { notify: false });
    const third = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/payment-orders',
      headers: p.headers,
      payload: { billIds: [p.bills[0]!.id], channel: 'wechat_native' },
    });
    expect(problemOf(third).code).toBe('bill_paid_meanwhile');
    expect((await billState(db(), p.bills[0]!.id)).status).toBe('paid');
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });

  it('a pay link pays its bill by UnionPay; the browser comes back through the signed front notification', async () => {
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 25_000 }]);
    const token = signPayLink(t.app.messaging.payLinkKey, { billId: p.bills[0]!.id, orgId: t.orgId });
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/v1/portal/pay-links/${token}/payment-orders`,
      payload: { channel: 'unionpay', mobile: true },
    });
    expect(created.statusCode, created.body).toBe(201);
    const order = created.json();
    expect(order).toMatchObject({ amountFen: 25_000, status: 'created', billIds: [p.bills[0]!.id] });
    const forged = await t.app.inject({
      method: 'POST',
      url: `/api/v1/portal/pay-links/${token.slice(0, -2)}xx/payment-orders`,
      payload: { channel: 'unionpay' },
    });
    expect(problemOf(forged).code).toBe('pay_link_forged');

    const page = await fetch(order.payForm.action, { method: 'POST', body: new URLSearchParams(order.payForm.fields) });
    expect(page.status).toBeLessThan(400);
    const paid = await fetch(`${channels.simulator.url}/_sim/unionpay/orders/${order.orderNo}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notify: false }),
    });
    const { returnTo } = (await paid.json()) as {
      returnTo: { form: { action: string; fields: Record<string, string> } };
    };
    expect(new URL(returnTo.form.action).pathname).toBe('/notify/unionpay/front');
    const back = await t.app.inject({
      method: 'POST',
      url: '/notify/unionpay/front',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(returnTo.form.fields).toString(),
    });
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toMatch(new RegExp(`/m/pay/[^/]+/orders/${order.orderNo}$`));
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/portal/pay-links/${token}/payment-orders/${order.orderNo}`,
    });
    expect(view.json()).toMatchObject({ status: 'succeeded', receiptNumber: expect.stringMatching(/^SJ-/) });
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });
});
