// A wave of notifications past NOTIFY_MAX_IN_FLIGHT: the ones over the limit are refused at once with the channel's
// "send it again" answer (503) and write nothing; sent again, they post; every order is paid once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { connectTestChannels, payingTenant, type TestChannels, tenantHeaders } from '../../../test/helpers/payments.ts';
import { loadConfig } from '../../config.ts';
import { queryRows, sql } from '../../db/client.ts';
import type { OutgoingRequest } from '../../simulators/kit.ts';

const MAX_IN_FLIGHT = 2;
let t: TestApp;
let channels: TestChannels;

beforeAll(async () => {
  t = await createTestApp({
    payments: { ...loadConfig({ NODE_ENV: 'test' }).payments, notifyMaxInFlight: MAX_IN_FLIGHT },
  });
  channels = await connectTestChannels(t, ['wechatpay']);
}, 120_000);
afterAll(async () => {
  await channels?.simulator.close();
  await t?.close();
});

/** A tenant's bill ordered through the portal and paid at the simulator; its notification kept, not delivered. */
async function paidNotification(): Promise<{ orderNo: string; request: OutgoingRequest }> {
  const p = await payingTenant(t.database.orm, t.orgId, [{ dueDate: '2026-01-01', amountFen: 50_000 }]);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/payment-orders',
    headers: await tenantHeaders(t, p.tenantId),
    payload: { billIds: p.bills.map((bill) => bill.id), channel: 'wechat_native' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const orderNo = created.json().orderNo as string;
  channels.mode = 'record';
  channels.recorded.length = 0;
  try {
    const paid = await fetch(`${channels.simulator.url}/_sim/wechatpay/orders/${orderNo}/pay`, { method: 'POST' });
    expect(paid.status).toBe(200);
    await channels.simulator.settled();
  } finally {
    channels.mode = 'forward';
  }
  const notification = channels.recorded.find((item) => new URL(item.url).pathname === '/notify/wechatpay');
  if (!notification) throw new Error('no notification recorded');
  return { orderNo, request: notification.request };
}

const deliver = (request: OutgoingRequest) => channels.toApp('http://app/notify/wechatpay', request);

async function ordersState(orderNos: string[]) {
  return queryRows<{ status: string; payments: number }>(
    t.database.orm,
    sql`SELECT o.status, (SELECT count(*)::int FROM payments p WHERE p.payment_order_no = o.order_no) AS payments
          FROM payment_orders o WHERE o.order_no IN ${orderNos} ORDER BY o.order_no`,
  );
}

describe('a wave of notifications', () => {
  it(`works on ${MAX_IN_FLIGHT} at once and refuses the rest at once with 503; sent again, they post once`, async () => {
    const wave: { orderNo: string; request: OutgoingRequest }[] = [];
    for (let i = 0; i < MAX_IN_FLIGHT + 3; i++) wave.push(await paidNotification());
    const orderNos = wave.map((item) => item.orderNo);

    // The database is held up meanwhile (PostgreSQL: the organisation's audit chain head is locked, which every
    // posting takes; PGlite: its one connection is busy), so the first ones stay in flight while the rest arrive.
    let answers: { status: number; body: string }[] = [];
    const admitted: Promise<{ status: number; body: string }>[] = [];
    await t.database.orm.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1 FROM audit_chain WHERE chain = ${t.orgId} FOR UPDATE`);
      const deliveries = wave.map((item) => deliver(item.request));
      admitted.push(...deliveries.slice(0, MAX_IN_FLIGHT));
      answers = await Promise.all(deliveries.slice(MAX_IN_FLIGHT));
    });
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body)).toEqual({ code: 'FAIL', message: '系统繁忙，请稍后重发' });
    }
    // WeChat Pay's acknowledgement: 204, no body.
    for (const answer of await Promise.all(admitted)) expect(answer.status).toBe(204);
    const afterWave = await ordersState(orderNos);
    expect(afterWave.filter((order) => order.status === 'succeeded')).toHaveLength(MAX_IN_FLIGHT);
    expect(afterWave.filter((order) => order.status === 'created' && order.payments === 0)).toHaveLength(3);

    // The channel sends the refused ones again: each posts, and nothing is paid twice.
    for (const item of wave.slice(MAX_IN_FLIGHT)) expect((await deliver(item.request)).status).toBe(204);
    expect(await ordersState(orderNos)).toEqual(orderNos.map(() => ({ status: 'succeeded', payments: 1 })));
  });
});
