// Refunds through Alipay and UnionPay with their simulators and the production adapters: a deposit left by a lease's
// end (its deposit refund request following the refund) less an unpaid rent bill and a repair, paid back by Alipay
// (answer, then Alipay's own refund notification, which changes nothing); an overpayment by UnionPay completed by its
// query and by its backUrl notification; money in suspense given back to its payer. Every refusal leaves the database
// as it was; the journal balances and each contract's 1122 equals its bills' outstanding after each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { accountBalance, billState, issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import { contractKit, terms } from '../../../test/helpers/contracts.ts';
import {
  connectTestChannels,
  expectLedgerMatchesBills,
  payingTenant,
  snapshot,
  type TestChannels,
  tenantHeaders,
} from '../../../test/helpers/payments.ts';
import { type Orm, queryRows, sql } from '../../db/client.ts';
import type { Provider } from '../../db/schema.ts';
import { type Actor, systemActor } from '../audit/service.ts';
import { journal } from '../ledger/journal.ts';
import { refundsService } from './service.ts';

let t: TestApp;
let channels: TestChannels;

beforeAll(async () => {
  t = await createTestApp();
  channels = await connectTestChannels(t, ['alipay', 'unionpay']);
}, 120_000);
afterAll(async () => {
  await channels?.simulator.close();
  await t?.close();
});

const db = (): Orm => t.database.orm;

async function api(method: 'GET' | 'POST', url: string, user: string, payload?: object) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as(user), ...(payload ? { payload } : {}) });
}

/** What any refused request must leave as it was: money, refunds, requests and suspense items included. */
async function fullSnapshot() {
  const [row] = await queryRows<Record<string, string>>(
    db(),
    sql`SELECT (SELECT string_agg(id || ':' || status || ':' || coalesce(channel_refund_id, '-') || ':'
                                  || coalesce(deposit_refund_request_id::text, '-'), ',' ORDER BY id)
                  FROM refunds) AS refunds,
               (SELECT string_agg(id || ':' || status || ':' || coalesce(refund_id::text, '-'), ',' ORDER BY id)
                  FROM deposit_refund_requests) AS requests,
               (SELECT string_agg(id || ':' || status || ':' || coalesce(resolution, '-'), ',' ORDER BY id)
                  FROM suspense_items) AS suspense_states,
               (SELECT count(*) FROM audit_log WHERE action LIKE 'refund%' OR action LIKE 'deposit_refund%'
                   OR action LIKE 'suspense%')::text AS audit,
               (SELECT count(*) FROM notifications)::text AS notifications`,
  );
  return { ...(await snapshot(db())), ...row };
}

async function withMobile(tenantId: string) {
  const phone = t.app.payments.pii.encrypt('phone', '13800138000');
  await db().execute(sql`UPDATE tenants SET phone_enc = ${phone} WHERE id = ${tenantId}`);
}

async function refundMessages(tenantId: string, kind: 'refund_paid' | 'refund_approved' = 'refund_paid') {
  const rows = await queryRows<{ body: string }>(
    db(),
    sql`SELECT body FROM outbound_messages WHERE tenant_id = ${tenantId} AND kind = ${kind}`,
  );
  return rows.map((row) => row.body);
}

async function simPay(provider: Provider, orderNo: string, body: object = {}) {
  const paid = await fetch(`${channels.simulator.url}/_sim/${provider}/orders/${orderNo}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(paid.status, await paid.clone().text()).toBe(200);
  await channels.simulator.settled();
}

/** The tenant orders these bills in the portal and pays at the channel's simulator; the payment posted. */
async function payOnline(tenantId: string, billIds: string[], channel: 'alipay_qr' | 'unionpay', body: object = {}) {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/payment-orders',
    headers: await tenantHeaders(t, tenantId),
    payload: { billIds, channel },
  });
  expect(created.statusCode, created.body).toBe(201);
  const order = created.json();
  if (channel === 'unionpay') {
    const page = await fetch(order.payForm.action, { method: 'POST', body: new URLSearchParams(order.payForm.fields) });
    expect(page.status).toBeLessThan(400);
  }
  await simPay(channel === 'unionpay' ? 'unionpay' : 'alipay', order.orderNo, body);
  const [payment] = await queryRows<{ id: string }>(
    db(),
    sql`SELECT id FROM payments WHERE payment_order_no = ${order.orderNo}`,
  );
  return { orderNo: order.orderNo as string, paymentId: payment?.id };
}

/** A bill paid in cash at the desk and then again by Alipay: the online payment is all advance (an overpayment). */
async function overpaidByAlipay(dueDate: string, amountFen: number) {
  const p = await payingTenant(db(), t.orgId, [{ dueDate, amountFen }]);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/payment-orders',
    headers: await tenantHeaders(t, p.tenantId),
    payload: { billIds: [p.bills[0]!.id], channel: 'alipay_qr' },
  });
  const order = created.json() as { orderNo: string };
  const desk = await api('POST', '/payments', 'caiwu', {
    tenantId: p.tenantId,
    amountFen,
    receivedOn: dueDate,
    method: 'cash',
    billIds: [p.bills[0]!.id],
  });
  expect(desk.statusCode, desk.body).toBe(201);
  await simPay('alipay', order.orderNo);
  const [payment] = await queryRows<{ id: string }>(
    db(),
    sql`SELECT id FROM payments WHERE payment_order_no = ${order.orderNo}`,
  );
  return { p, order, payment: payment! };
}

async function suspenseState(id: string) {
  const [row] = await queryRows<{ status: string; resolution: string | null; resolvedByName: string | null }>(
    db(),
    sql`SELECT status, resolution, resolved_by_name AS "resolvedByName" FROM suspense_items WHERE id = ${id}`,
  );
  return row!;
}

async function orderStatus(orderNo: string) {
  const [row] = await queryRows<{ status: string }>(
    db(),
    sql`SELECT status FROM payment_orders WHERE order_no = ${orderNo}`,
  );
  return row!.status;
}

/** A deposit bill as a contract's first billing issues it: Dr 1122 / Cr 2241. */
async function issueDeposit(tenantId: string, contractId: string, amountFen: number) {
  const actor: Actor = { ...systemActor, orgId: t.orgId };
  return db().transaction(async (tx) => {
    const number = `ZD-DEP-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, period_index, due_date, amount_fen, net_fen,
                             tax_fen, description)
          VALUES (${t.orgId}, ${number}, ${contractId}, ${tenantId}, 'deposit', 0, '2025-01-01', ${amountFen},
                  ${amountFen}, 0, '保证金')
          RETURNING id`,
    );
    const sub = { tenantId, contractId, billId: row!.id };
    const entry = await journal.post(tx, actor, {
      orgId: t.orgId,
      entryDate: '2025-01-01',
      kind: 'bill_issued',
      memo: `开具账单 ${number}`,
      sourceType: 'bill',
      sourceId: row!.id,
      lines: [
        { purpose: 'receivable', debitFen: amountFen, ...sub },
        { purpose: 'deposits', creditFen: amountFen, ...sub },
      ],
    });
    await tx.execute(sql`
      INSERT INTO bill_lines (bill_id, org_id, kind, description, amount_fen, net_fen, tax_fen, journal_entry_id)
      VALUES (${row!.id}, ${t.orgId}, 'deposit', '保证金', ${amountFen}, ${amountFen}, 0, ${entry.id})`);
    return { id: row!.id, number };
  });
}

/** What terminating the lease leaves for the refund workflow (contracts/service.ts requestDepositRefund). */
async function leaseEnded(tenantId: string, contractId: string, amountFen: number) {
  const [row] = await queryRows<{ id: string }>(
    db(),
    sql`INSERT INTO deposit_refund_requests (org_id, contract_id, tenant_id, amount_fen, reason)
        VALUES (${t.orgId}, ${contractId}, ${tenantId}, ${amountFen}, 'terminated') RETURNING id`,
  );
  return row!.id;
}

async function depositRequest(id: string) {
  const listed = await api('GET', '/deposit-refund-requests?pageSize=200', 'caiwu');
  expect(listed.statusCode, listed.body).toBe(200);
  return listed.json().items.find((item: { id: string }) => item.id === id);
}

/** A refused request: the answer's problem, and nothing changed. */
async function refused(send: () => Promise<Awaited<ReturnType<typeof api>>>) {
  const before = await fullSnapshot();
  const answer = await send();
  expect(await fullSnapshot()).toEqual(before);
  return problemOf(answer);
}

describe('a deposit refund request at the end of a lease, paid back by Alipay', () => {
  it('lists the request with its deposit and unpaid bills; refusals change nothing; reject, ask again, approve, refunded', async () => {
    const tenant = await makeTenant(db(), t.orgId);
    await withMobile(tenant.id);
    const contractId = await makeContract(db(), t.orgId, tenant.id, null);
    const deposit = await issueDeposit(tenant.id, contractId, 300_000);
    const rent = await issueBill(db(), t.orgId, {
      contractId,
      tenantId: tenant.id,
      dueDate: '2026-10-01',
      amountFen: 80_000,
      lateFee: null,
    });
    const requestId = await leaseEnded(tenant.id, contractId, 300_000);

    const pending = await depositRequest(requestId);
    expect(pending).toMatchObject({
      contractId,
      tenantId: tenant.id,
      tenantName: tenant.name,
      amountFen: 300_000,
      reason: 'terminated',
      status: 'pending',
      depositBillId: deposit.id,
      depositPaidFen: 0,
      refundId: null,
      unpaidBills: [{ id: rent.id, outstandingFen: 80_000 }],
    });
    expect(pending.contractNo).toEqual(expect.any(String));
    expect((await api('GET', '/deposit-refund-requests', 'shenji')).statusCode).toBe(200);

    // Nothing paid on the deposit yet: nothing to give back.
    const unpaid = await refused(() =>
      api('POST', '/refunds', 'caiwu', {
        kind: 'deposit',
        depositBillId: deposit.id,
        reason: '退租',
        method: 'offline',
      }),
    );
    expect(unpaid).toMatchObject({ status: 422, code: 'refund_deposit_unpaid' });
    expect(unpaid.errors?.[0]).toMatchObject({ path: 'body/depositBillId' });

    const paid = await payOnline(tenant.id, [deposit.id], 'alipay_qr');
    expect((await depositRequest(requestId)).depositPaidFen).toBe(300_000);

    const body = {
      kind: 'deposit',
      depositBillId: deposit.id,
      paymentId: paid.paymentId,
      deductions: [
        { item: '2026年10月租金', amountFen: 80_000, billId: rent.id },
        { item: '墙面维修', amountFen: 20_000 },
      ],
      reason: '提前退租，退还保证金',
      method: 'original_channel',
    };
    const tooMuch = await refused(() =>
      api('POST', '/refunds', 'caiwu', {
        ...body,
        deductions: [{ item: '10月租金', amountFen: 80_001, billId: rent.id }],
      }),
    );
    expect(tooMuch).toMatchObject({ status: 422, code: 'refund_deduction_bill' });
    const overDeposit = await refused(() =>
      api('POST', '/refunds', 'caiwu', { ...body, deductions: [{ item: '维修', amountFen: 300_001 }] }),
    );
    expect(overDeposit).toMatchObject({ status: 422, code: 'refund_deductions_exceed_deposit' });

    const first = await api('POST', '/refunds', 'caiwu', body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      amountFen: 200_000,
      provider: 'alipay',
      method: 'original_channel',
      depositRefundRequestId: requestId,
    });
    expect(await depositRequest(requestId)).toMatchObject({
      status: 'pending',
      refundId: first.json().id,
      refundStatus: 'requested',
    });
    const twice = await refused(() => api('POST', '/refunds', 'caiwu', body));
    expect(twice).toMatchObject({ status: 409, code: 'refund_deposit_exists' });

    // The asker cannot decide; an approver rejects with a reason.
    expect((await refused(() => api('POST', `/refunds/${first.json().id}/approve`, 'caiwu', {}))).status).toBe(403);
    const noReason = await refused(() => api('POST', `/refunds/${first.json().id}/reject`, 'shenpi', { note: ' ' }));
    expect(noReason).toMatchObject({ status: 422, code: 'refund_note_required' });
    const rejected = await api('POST', `/refunds/${first.json().id}/reject`, 'shenpi', { note: '维修金额待核实' });
    expect(rejected.json()).toMatchObject({ status: 'rejected' });
    expect(await depositRequest(requestId)).toMatchObject({ status: 'rejected', refundId: first.json().id });
    expect(await billState(db(), rent.id)).toMatchObject({ status: 'open' });

    // Asked again: the new refund takes the request over; approved, Alipay pays it back at once.
    const second = await api('POST', '/refunds', 'caiwu', {
      ...body,
      deductions: [body.deductions[0], { item: '墙面维修（核实后）', amountFen: 15_000 }],
    });
    expect(second.statusCode, second.body).toBe(201);
    const refund = second.json();
    expect(refund.amountFen).toBe(205_000);
    expect(await depositRequest(requestId)).toMatchObject({ status: 'pending', refundId: refund.id });

    channels.mode = 'record';
    channels.recorded.length = 0;
    let approved: Awaited<ReturnType<typeof api>>;
    try {
      approved = await api('POST', `/refunds/${refund.id}/approve`, 'shenpi', { note: '同意' });
      await channels.simulator.settled();
    } finally {
      channels.mode = 'forward';
    }
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'refunded', channelRefundId: refund.refundNo });
    expect(await orderStatus(paid.orderNo)).toBe('refunded');
    expect(await depositRequest(requestId)).toMatchObject({
      status: 'refunded',
      refundId: refund.id,
      refundStatus: 'refunded',
      unpaidBills: [],
    });
    expect(await billState(db(), rent.id)).toMatchObject({ status: 'paid', principalPaidFen: 80_000 });
    expect(await accountBalance(db(), t.orgId, 'deposits', { tenantId: tenant.id })).toBe(0);
    expect(await accountBalance(db(), t.orgId, 'charge_repair', { tenantId: tenant.id })).toBe(-15_000);
    // Dr 2241 / Cr 1012.alipay: what the channel took for the deposit went back out of its clearing account.
    expect(await accountBalance(db(), t.orgId, 'clearing_alipay', { tenantId: tenant.id })).toBe(300_000 - 205_000);
    expect(await refundMessages(tenant.id)).toEqual([expect.stringContaining('2050.00 元已原路退回支付宝')]);
    // Paid back at once: one message, not two.
    expect(await refundMessages(tenant.id, 'refund_approved')).toEqual([]);
    await expectLedgerMatchesBills(db(), t.orgId, contractId);

    // Alipay's own refund notification (to the payment's notify_url), once or again: acknowledged, nothing changes.
    const notice = channels.recorded.find((item) => new URL(item.url).pathname === '/notify/alipay');
    expect(notice, 'refund notification sent').toBeDefined();
    expect(notice!.request.body).toContain('out_biz_no');
    const before = await fullSnapshot();
    for (let i = 0; i < 2; i++) {
      const again = await channels.toApp(notice!.url, notice!.request);
      expect(again).toMatchObject({ status: 200, body: 'success' });
    }
    expect(await fullSnapshot()).toEqual(before);

    // The tenant sees both in the portal, the deductions itemised.
    const mine = await t.app.inject({
      method: 'GET',
      url: '/api/v1/portal/refunds',
      headers: await tenantHeaders(t, tenant.id),
    });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items).toEqual([
      expect.objectContaining({
        id: refund.id,
        refundNo: refund.refundNo,
        kind: 'deposit',
        amountFen: 205_000,
        status: 'refunded',
        method: 'original_channel',
        provider: 'alipay',
        deductions: [
          { item: '2026年10月租金', amountFen: 80_000 },
          { item: '墙面维修（核实后）', amountFen: 15_000 },
        ],
        decidedAt: expect.any(String),
        refundedAt: expect.any(String),
      }),
      expect.objectContaining({ id: first.json().id, status: 'rejected', refundedAt: null }),
    ]);
    const stranger = await makeTenant(db(), t.orgId);
    const theirs = await t.app.inject({
      method: 'GET',
      url: '/api/v1/portal/refunds',
      headers: await tenantHeaders(t, stranger.id),
    });
    expect(theirs.json()).toEqual({ items: [] });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/portal/refunds' })).statusCode).toBe(401);
  });

  it('a deposit refund through a payment that did not pay the deposit is refused', async () => {
    const tenant = await makeTenant(db(), t.orgId);
    const contractId = await makeContract(db(), t.orgId, tenant.id, null);
    const deposit = await issueDeposit(tenant.id, contractId, 50_000);
    const rent = await issueBill(db(), t.orgId, {
      contractId,
      tenantId: tenant.id,
      dueDate: '2026-09-01',
      amountFen: 60_000,
      lateFee: null,
    });
    await payOnline(tenant.id, [deposit.id], 'alipay_qr');
    const rentPaid = await payOnline(tenant.id, [rent.id], 'alipay_qr');
    const wrong = await refused(() =>
      api('POST', '/refunds', 'caiwu', {
        kind: 'deposit',
        depositBillId: deposit.id,
        paymentId: rentPaid.paymentId,
        reason: '退租',
        method: 'original_channel',
      }),
    );
    expect(wrong).toMatchObject({ status: 422, code: 'refund_payment_not_deposit' });
    await expectLedgerMatchesBills(db(), t.orgId, contractId);
  });
});

describe('a lease terminated through the contract workflow', () => {
  it('leaves a request finance answers with a deposit refund less unpaid rent, recorded as paid offline', async () => {
    const kit = contractKit(t);
    const [unit] = await kit.units('RFD', 1);
    const tenant = await kit.tenant(3);
    const contract = await kit.activeContract({ tenantId: tenant.id, assetIds: [unit], terms: terms() });
    const run = await api('POST', '/billing-runs', 'caiwu', { throughDate: '2025-01-31' });
    expect(run.statusCode, run.body).toBe(200);
    const [deposit] = await queryRows<{ id: string }>(
      db(),
      sql`SELECT id FROM bills WHERE contract_id = ${contract.id} AND kind = 'deposit'`,
    );
    const paid = await api('POST', '/payments', 'caiwu', {
      tenantId: tenant.id,
      amountFen: 600_000,
      receivedOn: '2025-01-05',
      method: 'bank_transfer',
      billIds: [deposit!.id],
    });
    expect(paid.statusCode, paid.body).toBe(201);
    const terminated = await kit.post(`/${contract.id}/terminate`, { terminationDate: '2025-03-20', reason: '退租' });
    expect(terminated.statusCode, terminated.body).toBe(200);

    const listed = await api('GET', `/deposit-refund-requests?contractId=${contract.id}&status=pending`, 'caiwu');
    expect(listed.json()).toMatchObject({ total: 1 });
    const request = listed.json().items[0];
    expect(request).toMatchObject({
      contractNo: contract.number,
      tenantName: tenant.name,
      amountFen: 600_000,
      reason: 'terminated',
      depositBillId: deposit!.id,
      depositPaidFen: 600_000,
      refundId: null,
    });
    const [rent] = request.unpaidBills;
    expect(rent.outstandingFen).toBeGreaterThan(0);

    const requested = await api('POST', '/refunds', 'caiwu', {
      kind: 'deposit',
      depositBillId: request.depositBillId,
      deductions: [{ item: `欠租 ${rent.period ?? rent.billNo}`, amountFen: 500_000, billId: rent.id }],
      reason: '提前退租，扣除欠租后退还保证金',
      method: 'offline',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const refund = requested.json();
    expect(refund).toMatchObject({ amountFen: 100_000, depositRefundRequestId: request.id });
    const approved = await api('POST', `/refunds/${refund.id}/approve`, 'shenpi', {});
    expect(approved.json()).toMatchObject({ status: 'approved' });
    const afterApproval = await api('GET', `/deposit-refund-requests?contractId=${contract.id}`, 'caiwu');
    expect(afterApproval.json().items[0]).toMatchObject({ status: 'approved', refundStatus: 'approved' });
    await expectLedgerMatchesBills(db(), t.orgId, contract.id);

    const done = await api('POST', `/refunds/${refund.id}/paid`, 'caiwu', { reference: 'BANK-RFD-1' });
    expect(done.json()).toMatchObject({ status: 'refunded' });
    const closed = await api('GET', `/deposit-refund-requests?contractId=${contract.id}`, 'caiwu');
    expect(closed.json().items[0]).toMatchObject({ status: 'refunded', refundId: refund.id });
    expect(await accountBalance(db(), t.orgId, 'deposits', { contractId: contract.id })).toBe(0);
    await expectLedgerMatchesBills(db(), t.orgId, contract.id);
  });
});

describe('an overpayment refunded through Alipay in two parts', () => {
  it('the second answer lost: Alipay’s notification (running total in refund_fee) completes it', async () => {
    const { p, order, payment } = await overpaidByAlipay('2026-03-01', 100_000);
    const ask = (amountFen: number) =>
      api('POST', '/refunds', 'caiwu', {
        kind: 'overpayment',
        paymentId: payment!.id,
        amountFen,
        reason: '多缴退回',
        method: 'original_channel',
      });
    const first = (await ask(30_000)).json();
    expect((await api('POST', `/refunds/${first.id}/approve`, 'shenpi', {})).json()).toMatchObject({
      status: 'refunded',
    });
    await channels.simulator.settled();
    expect(await orderStatus(order.orderNo)).toBe('refunded');

    const second = (await ask(50_000)).json();
    const payments = t.app.payments;
    const realFetch = payments.fetchImpl;
    channels.mode = 'record';
    channels.recorded.length = 0;
    // Alipay refunds, but its answer never arrives.
    payments.fetchImpl = async (input, init) => {
      await (realFetch ?? fetch)(input, init);
      throw new TypeError('fetch failed: socket hang up');
    };
    try {
      const approved = await api('POST', `/refunds/${second.id}/approve`, 'shenpi', {});
      expect(approved.json()).toMatchObject({ status: 'paying' });
      await channels.simulator.settled();
    } finally {
      payments.fetchImpl = realFetch;
      channels.mode = 'forward';
    }
    const notice = channels.recorded.find((item) => new URL(item.url).pathname === '/notify/alipay');
    expect(new URLSearchParams(notice!.request.body as string).get('refund_fee')).toBe('800.00');
    expect((await channels.toApp(notice!.url, notice!.request)).body).toBe('success');
    expect((await api('GET', `/refunds/${second.id}`, 'caiwu')).json()).toMatchObject({ status: 'refunded' });
    expect(await orderStatus(order.orderNo)).toBe('refunded');
    expect(await accountBalance(db(), t.orgId, 'advances', { tenantId: p.tenantId })).toBe(-20_000);
    expect(await accountBalance(db(), t.orgId, 'clearing_alipay', { tenantId: p.tenantId })).toBe(20_000);
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);

    // More than the trade has left to give back is refused before asking Alipay.
    const tooMuch = await refused(() => ask(20_001));
    expect(tooMuch).toMatchObject({ status: 422, code: 'refund_exceeds_advance' });
  });
});

describe('a refund whose answer and notification are both lost', () => {
  it('stays paying until the backstop asks Alipay after two minutes and settles it once', async () => {
    const { p, order, payment } = await overpaidByAlipay('2026-04-01', 60_000);
    const asked = await api('POST', '/refunds', 'caiwu', {
      kind: 'overpayment',
      paymentId: payment!.id,
      amountFen: 60_000,
      reason: '重复缴费退回',
      method: 'original_channel',
    });
    const refund = asked.json();
    const payments = t.app.payments;
    const realFetch = payments.fetchImpl;
    channels.mode = 'record';
    payments.fetchImpl = async (input, init) => {
      await (realFetch ?? fetch)(input, init);
      throw new TypeError('fetch failed: socket hang up');
    };
    try {
      expect((await api('POST', `/refunds/${refund.id}/approve`, 'shenpi', {})).json()).toMatchObject({
        status: 'paying',
      });
      await channels.simulator.settled();
    } finally {
      payments.fetchImpl = realFetch;
    }
    // Not yet two minutes: nothing asked.
    expect(await refundsService.backstop(payments)).toMatchObject({ asked: 0 });
    expect((await api('GET', `/refunds/${refund.id}`, 'caiwu')).json()).toMatchObject({ status: 'paying' });
    const later = new Date(Date.now() + 3 * 60_000);
    expect(await refundsService.backstop(payments, later)).toEqual({ asked: 1, settled: 1 });
    expect((await api('GET', `/refunds/${refund.id}`, 'caiwu')).json()).toMatchObject({ status: 'refunded' });
    expect(await orderStatus(order.orderNo)).toBe('refunded');
    expect(await refundsService.backstop(payments, later)).toEqual({ asked: 0, settled: 0 });
    channels.mode = 'forward';
    expect(await accountBalance(db(), t.orgId, 'advances', { tenantId: p.tenantId })).toBe(0);
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });
});

describe('an overpayment refunded through UnionPay', () => {
  it('approved → accepted by UnionPay (paying) → its query says refunded; the backUrl notification then changes nothing', async () => {
    const p2 = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 90_000 }]);
    await withMobile(p2.tenantId);
    const ordered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/payment-orders',
      headers: await tenantHeaders(t, p2.tenantId),
      payload: { billIds: [p2.bills[0]!.id], channel: 'unionpay' },
    });
    expect(ordered.statusCode, ordered.body).toBe(201);
    const order = ordered.json();
    const page = await fetch(order.payForm.action, { method: 'POST', body: new URLSearchParams(order.payForm.fields) });
    expect(page.status).toBeLessThan(400);
    const cash = await api('POST', '/payments', 'caiwu', {
      tenantId: p2.tenantId,
      amountFen: 90_000,
      receivedOn: '2026-01-01',
      method: 'cash',
      billIds: [p2.bills[0]!.id],
    });
    expect(cash.statusCode, cash.body).toBe(201);
    await simPay('unionpay', order.orderNo);
    const [payment] = await queryRows<{ id: string; advance_fen: string }>(
      db(),
      sql`SELECT id, advance_fen::text FROM payments WHERE payment_order_no = ${order.orderNo}`,
    );
    expect(Number(payment!.advance_fen)).toBe(90_000);

    const over = await refused(() =>
      api('POST', '/refunds', 'caiwu', {
        kind: 'overpayment',
        paymentId: payment!.id,
        amountFen: 90_001,
        reason: '重复缴费',
        method: 'original_channel',
      }),
    );
    expect(over).toMatchObject({ status: 422, code: 'refund_exceeds_advance' });
    const requested = await api('POST', '/refunds', 'caiwu', {
      kind: 'overpayment',
      paymentId: payment!.id,
      amountFen: 90_000,
      reason: '重复缴费，银联原路退回',
      method: 'original_channel',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const refund = requested.json();
    expect(refund).toMatchObject({ provider: 'unionpay', status: 'requested' });

    channels.mode = 'record';
    channels.recorded.length = 0;
    let approved: Awaited<ReturnType<typeof api>>;
    try {
      approved = await api('POST', `/refunds/${refund.id}/approve`, 'shenpi', {});
      await channels.simulator.settled();
    } finally {
      channels.mode = 'forward';
    }
    expect(approved.json()).toMatchObject({ status: 'paying', channelRefundId: expect.any(String) });
    expect(await orderStatus(order.orderNo)).toBe('refunding');
    expect(await refundMessages(p2.tenantId)).toEqual([]);
    // Still on its way: the tenant hears it was approved.
    expect(await refundMessages(p2.tenantId, 'refund_approved')).toEqual([
      expect.stringContaining('退款已审批通过，退还 900.00 元，将原路退回银联'),
    ]);

    const queried = await api('POST', `/refunds/${refund.id}/query`, 'caiwu');
    expect(queried.statusCode, queried.body).toBe(200);
    expect(queried.json()).toMatchObject({ status: 'refunded', channelRefundId: approved.json().channelRefundId });
    expect(await orderStatus(order.orderNo)).toBe('refunded');
    expect(await accountBalance(db(), t.orgId, 'advances', { tenantId: p2.tenantId })).toBe(0);
    expect(await accountBalance(db(), t.orgId, 'clearing_unionpay', { tenantId: p2.tenantId })).toBe(0);
    expect(await refundMessages(p2.tenantId)).toEqual([expect.stringContaining('900.00 元已原路退回银联')]);
    await expectLedgerMatchesBills(db(), t.orgId, p2.contractId);

    const notice = channels.recorded.find((item) => new URL(item.url).pathname === '/notify/unionpay');
    expect(notice, 'refund notification to backUrl').toBeDefined();
    const before = await fullSnapshot();
    for (let i = 0; i < 3; i++) expect((await channels.toApp(notice!.url, notice!.request)).status).toBe(200);
    expect(await fullSnapshot()).toEqual(before);
    expect(problemOf(await api('POST', `/refunds/${refund.id}/query`, 'caiwu'))).toMatchObject({
      status: 409,
      code: 'refund_not_paying',
    });
  });

  it('completed by the UnionPay notification alone', async () => {
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 40_000 }]);
    const ordered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/payment-orders',
      headers: await tenantHeaders(t, p.tenantId),
      payload: { billIds: [p.bills[0]!.id], channel: 'unionpay' },
    });
    const order = ordered.json();
    const page = await fetch(order.payForm.action, { method: 'POST', body: new URLSearchParams(order.payForm.fields) });
    expect(page.status).toBeLessThan(400);
    await api('POST', '/payments', 'caiwu', {
      tenantId: p.tenantId,
      amountFen: 40_000,
      receivedOn: '2026-01-01',
      method: 'cash',
      billIds: [p.bills[0]!.id],
    });
    await simPay('unionpay', order.orderNo);
    const [payment] = await queryRows<{ id: string }>(
      db(),
      sql`SELECT id FROM payments WHERE payment_order_no = ${order.orderNo}`,
    );
    const requested = await api('POST', '/refunds', 'caiwu', {
      kind: 'overpayment',
      paymentId: payment!.id,
      amountFen: 15_000,
      reason: '多缴部分退回',
      method: 'original_channel',
    });
    const approved = await api('POST', `/refunds/${requested.json().id}/approve`, 'shenpi', {});
    await channels.simulator.settled();
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await api('GET', `/refunds/${requested.json().id}`, 'caiwu')).json()).toMatchObject({
      status: 'refunded',
    });
    expect(await accountBalance(db(), t.orgId, 'advances', { tenantId: p.tenantId })).toBe(-25_000);
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });
});

describe('money in suspense given back to its payer', () => {
  it('a payment of another amount than its order goes to suspense; refunded by Alipay: Dr 2202 / Cr 1012.alipay', async () => {
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-02-01', amountFen: 50_000 }]);
    await withMobile(p.tenantId);
    const { orderNo } = await payOnline(p.tenantId, [p.bills[0]!.id], 'alipay_qr', { amountFen: 49_000 });
    const [item] = await queryRows<{ id: string; number: string }>(
      db(),
      sql`SELECT id, number FROM suspense_items WHERE order_no = ${orderNo}`,
    );
    expect(item).toBeDefined();
    const suspenseBefore = await accountBalance(db(), t.orgId, 'suspense');
    const clearingBefore = await accountBalance(db(), t.orgId, 'clearing_alipay');

    const offline = await refused(() =>
      api('POST', '/refunds', 'caiwu', {
        kind: 'suspense',
        suspenseItemId: item!.id,
        reason: '金额不符，退回',
        method: 'offline',
      }),
    );
    expect(offline).toMatchObject({ status: 422, code: 'refund_suspense_offline' });
    const requested = await api('POST', '/refunds', 'caiwu', {
      kind: 'suspense',
      suspenseItemId: item!.id,
      reason: '金额与订单不符，原路退回付款人',
      method: 'original_channel',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const refund = requested.json();
    expect(refund).toMatchObject({
      kind: 'suspense',
      amountFen: 49_000,
      provider: 'alipay',
      tenantId: p.tenantId,
      suspenseItemId: item!.id,
    });
    expect(await suspenseState(item!.id)).toMatchObject({ status: 'refunding' });
    const listed = await api('GET', '/suspense-items?status=refunding', 'caiwu');
    expect(listed.json().items).toEqual([expect.objectContaining({ id: item!.id, status: 'refunding' })]);
    // Held by the refund: it can be neither applied to bills nor refunded twice.
    const apply = await refused(() =>
      api('POST', `/suspense-items/${item!.id}/resolve`, 'caiwu', { tenantId: p.tenantId, note: '入账' }),
    );
    expect(apply.status).toBe(409);
    const again = await refused(() =>
      api('POST', '/refunds', 'caiwu', {
        kind: 'suspense',
        suspenseItemId: item!.id,
        reason: '再退',
        method: 'original_channel',
      }),
    );
    expect(again).toMatchObject({ status: 409, code: 'refund_suspense_item_not_open' });

    const approved = await api('POST', `/refunds/${refund.id}/approve`, 'shenpi', {});
    await channels.simulator.settled();
    expect(approved.json()).toMatchObject({ status: 'refunded' });
    expect(await suspenseState(item!.id)).toMatchObject({
      status: 'resolved',
      resolution: 'refunded',
      resolvedByName: 'shenpi',
    });
    expect(await accountBalance(db(), t.orgId, 'suspense')).toBe(suspenseBefore + 49_000);
    expect(await accountBalance(db(), t.orgId, 'clearing_alipay')).toBe(clearingBefore - 49_000);
    expect(await billState(db(), p.bills[0]!.id)).toMatchObject({ status: 'open' });
    expect(await refundMessages(p.tenantId)).toEqual([expect.stringContaining('挂账款退款 490.00 元')]);
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });

  it('a rejected suspense refund gives the item back to open', async () => {
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-02-01', amountFen: 30_000 }]);
    const { orderNo } = await payOnline(p.tenantId, [p.bills[0]!.id], 'alipay_qr', { amountFen: 31_000 });
    const [item] = await queryRows<{ id: string }>(
      db(),
      sql`SELECT id FROM suspense_items WHERE order_no = ${orderNo}`,
    );
    const requested = await api('POST', '/refunds', 'caiwu', {
      kind: 'suspense',
      suspenseItemId: item!.id,
      reason: '退回',
      method: 'original_channel',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    await api('POST', `/refunds/${requested.json().id}/reject`, 'shenpi', { note: '已联系承租方，改为抵扣账单' });
    expect(await suspenseState(item!.id)).toMatchObject({ status: 'open' });
    const applied = await api('POST', `/suspense-items/${item!.id}/resolve`, 'caiwu', {
      tenantId: p.tenantId,
      billIds: [p.bills[0]!.id],
      note: '承租方确认，抵扣账单',
    });
    expect(applied.statusCode, applied.body).toBe(200);
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
  });
});
