// Refunds end to end with the WeChat Pay simulator and the production adapter: an overpayment asked for by finance,
// approved by another user, refunded by the channel and completed by its REFUND.SUCCESS notification (once, however
// often it arrives); a deposit refunded offline less a deduction that settles an unpaid bill; nobody approves their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { accountBalance, billState, issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import {
  connectTestChannels,
  expectLedgerMatchesBills,
  payingTenant,
  snapshot,
  type TestChannels,
  tenantHeaders,
} from '../../../test/helpers/payments.ts';
import { type Orm, queryRows, sql } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../../demo/seed.ts';
import { type Actor, systemActor } from '../audit/service.ts';
import { journal } from '../ledger/journal.ts';

let t: TestApp;
let channels: TestChannels;

beforeAll(async () => {
  t = await createTestApp();
  channels = await connectTestChannels(t, ['wechatpay']);
}, 120_000);
afterAll(async () => {
  await channels?.simulator.close();
  await t?.close();
});

const db = (): Orm => t.database.orm;

async function withMobile(tenantId: string) {
  const phone = t.app.payments.pii.encrypt('phone', '13800138000');
  await db().execute(sql`UPDATE tenants SET phone_enc = ${phone} WHERE id = ${tenantId}`);
}

async function api(method: 'GET' | 'POST', url: string, user: string, payload?: object) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as(user), ...(payload ? { payload } : {}) });
}

async function refundMessages(tenantId: string) {
  const rows = await queryRows<{ body: string }>(
    db(),
    sql`SELECT body FROM outbound_messages WHERE tenant_id = ${tenantId} AND kind = 'refund_paid'`,
  );
  return rows.map((row) => row.body);
}

/**
 * A tenant who paid a bill twice: at the desk, and by WeChat for an order made before — the WeChat money is all an
 * advance (2203) on a payment made through the channel.
 */
async function overpaidByWechat(amountFen = 120_000) {
  const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen }]);
  await withMobile(p.tenantId);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/payment-orders',
    headers: await tenantHeaders(t, p.tenantId),
    payload: { billIds: [p.bills[0]!.id], channel: 'wechat_native' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const order = created.json();
  const desk = await api('POST', '/payments', 'caiwu', {
    tenantId: p.tenantId,
    amountFen,
    receivedOn: '2026-01-01',
    method: 'cash',
    billIds: [p.bills[0]!.id],
  });
  expect(desk.statusCode, desk.body).toBe(201);
  const paid = await fetch(`${channels.simulator.url}/_sim/wechatpay/orders/${order.orderNo}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(paid.status, await paid.clone().text()).toBe(200);
  await channels.simulator.settled();
  const [payment] = await queryRows<{ id: string; advance_fen: string }>(
    db(),
    sql`SELECT id, advance_fen::text FROM payments WHERE payment_order_no = ${order.orderNo}`,
  );
  expect(Number(payment!.advance_fen)).toBe(amountFen);
  return { ...p, orderNo: order.orderNo as string, paymentId: payment!.id };
}

async function orderStatus(orderNo: string) {
  const [row] = await queryRows<{ status: string }>(
    db(),
    sql`SELECT status FROM payment_orders WHERE order_no = ${orderNo}`,
  );
  return row!.status;
}

describe('an overpayment refunded through WeChat Pay', () => {
  it('request → approval by another user → channel refund → REFUND.SUCCESS → refunded; 2203 reduced, ledger balanced', async () => {
    const p = await overpaidByWechat();
    const advanceBefore = await accountBalance(db(), t.orgId, 'advances', { tenantId: p.tenantId });
    expect(advanceBefore).toBe(-120_000);

    const tooMuch = await api('POST', '/refunds', 'caiwu', {
      kind: 'overpayment',
      paymentId: p.paymentId,
      amountFen: 120_001,
      reason: '重复缴费',
      method: 'original_channel',
    });
    expect(problemOf(tooMuch)).toMatchObject({ status: 422, code: 'refund_exceeds_advance' });

    const requested = await api('POST', '/refunds', 'caiwu', {
      kind: 'overpayment',
      paymentId: p.paymentId,
      amountFen: 100_000,
      reason: '重复缴费，退还多缴部分',
      method: 'original_channel',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const refund = requested.json();
    expect(refund).toMatchObject({ status: 'requested', provider: 'wechatpay', amountFen: 100_000 });
    expect(refund.refundNo).toMatch(/^RF\d{24}$/);

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
    expect(approved.json()).toMatchObject({ status: 'paying', decidedByName: 'shenpi' });
    expect(await orderStatus(p.orderNo)).toBe('refunding');

    const notification = channels.recorded.find((item) => new URL(item.url).pathname === '/notify/wechatpay');
    expect(notification, 'REFUND.SUCCESS sent').toBeDefined();
    const first = await channels.toApp(notification!.url, notification!.request);
    expect(first.status).toBeLessThan(300);
    const done = (await api('GET', `/refunds/${refund.id}`, 'caiwu')).json();
    expect(done).toMatchObject({ status: 'refunded', method: 'original_channel' });
    expect(done.channelRefundId).toBeTruthy();
    expect(await orderStatus(p.orderNo)).toBe('refunded');
    expect(await accountBalance(db(), t.orgId, 'advances', { tenantId: p.tenantId })).toBe(-20_000);
    expect(await refundMessages(p.tenantId)).toEqual([expect.stringContaining('1000.00 元')]);
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);

    // The channel sends it again: acknowledged, nothing changes.
    const before = await snapshot(db());
    const journalBefore = await queryRows(db(), sql`SELECT count(*)::text AS n FROM journal_entries`);
    const again = await channels.toApp(notification!.url, notification!.request);
    expect(again.status).toBeLessThan(300);
    expect(await snapshot(db())).toEqual(before);
    expect(await queryRows(db(), sql`SELECT count(*)::text AS n FROM journal_entries`)).toEqual(journalBefore);
    expect((await api('GET', `/refunds/${refund.id}`, 'caiwu')).json()).toEqual(done);

    // What is left of the advance can still be asked for; more than that cannot.
    const rest = await api('POST', '/refunds', 'caiwu', {
      kind: 'overpayment',
      paymentId: p.paymentId,
      amountFen: 20_001,
      reason: '余额',
      method: 'offline',
    });
    expect(problemOf(rest)).toMatchObject({ status: 422, code: 'refund_exceeds_advance' });

    const listed = await api('GET', `/refunds?tenantId=${p.tenantId}`, 'shenji');
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({ total: 1, items: [{ id: refund.id, status: 'refunded' }] });
  });
});

describe('approval', () => {
  it('the requester cannot approve their own refund; a rejection needs a reason', async () => {
    const created = await api('POST', '/users', 'admin', {
      username: 'caiwu_shenpi_rf',
      displayName: '财务兼审批',
      password: DEMO_PASSWORD,
      roles: ['finance', 'approver'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const p = await overpaidByWechat(50_000);
    const requested = await api('POST', '/refunds', 'caiwu_shenpi_rf', {
      kind: 'overpayment',
      paymentId: p.paymentId,
      amountFen: 50_000,
      reason: '多缴',
      method: 'offline',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const id = requested.json().id;
    const own = problemOf(await api('POST', `/refunds/${id}/approve`, 'caiwu_shenpi_rf', {}));
    expect(own).toMatchObject({ status: 403, code: 'refund_self_approval' });
    expect((await api('POST', `/refunds/${id}/reject`, 'caiwu_shenpi_rf', { note: '不' })).statusCode).toBe(403);
    expect((await api('POST', `/refunds/${id}/approve`, 'caiwu', {})).statusCode).toBe(403);
    expect((await api('GET', `/refunds/${id}`, 'caiwu')).json()).toMatchObject({ status: 'requested' });

    const rejected = await api('POST', `/refunds/${id}/reject`, 'shenpi', { note: '请核实' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionNote: '请核实' });
    expect(problemOf(await api('POST', `/refunds/${id}/approve`, 'shenpi', {}))).toMatchObject({
      status: 409,
      code: 'refund_decided',
    });
  });
});

/** A deposit bill as a contract's first billing issues it: Dr 1122 / Cr 2241. */
async function issueDeposit(orgId: string, tenantId: string, contractId: string, amountFen: number) {
  const actor: Actor = { ...systemActor, orgId };
  return db().transaction(async (tx) => {
    const number = `ZD-DEP-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, period_index, due_date, amount_fen, net_fen,
                             tax_fen, description)
          VALUES (${orgId}, ${number}, ${contractId}, ${tenantId}, 'deposit', 0, '2025-01-01', ${amountFen},
                  ${amountFen}, 0, '保证金')
          RETURNING id`,
    );
    const sub = { tenantId, contractId, billId: row!.id };
    const entry = await journal.post(tx, actor, {
      orgId,
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
      VALUES (${row!.id}, ${orgId}, 'deposit', '保证金', ${amountFen}, ${amountFen}, 0, ${entry.id})`);
    return { id: row!.id, number };
  });
}

describe('a deposit refund', () => {
  it('less a deduction that settles the unpaid rent and a repair; the rest recorded as paid offline', async () => {
    const tenant = await makeTenant(db(), t.orgId);
    await withMobile(tenant.id);
    const contractId = await makeContract(db(), t.orgId, tenant.id, null);
    const deposit = await issueDeposit(t.orgId, tenant.id, contractId, 300_000);
    const paid = await api('POST', '/payments', 'caiwu', {
      tenantId: tenant.id,
      amountFen: 300_000,
      receivedOn: '2025-01-01',
      method: 'bank_transfer',
      billIds: [deposit.id],
    });
    expect(paid.statusCode, paid.body).toBe(201);
    const rent = await issueBill(db(), t.orgId, {
      contractId,
      tenantId: tenant.id,
      dueDate: '2026-10-01',
      amountFen: 80_000,
      lateFee: null,
    });
    const depositsBefore = await accountBalance(db(), t.orgId, 'deposits', { tenantId: tenant.id });
    expect(depositsBefore).toBe(-300_000);

    const tooMuch = await api('POST', '/refunds', 'caiwu', {
      kind: 'deposit',
      depositBillId: deposit.id,
      deductions: [{ item: '10月租金', amountFen: 80_001, billId: rent.id }],
      reason: '合同到期',
      method: 'offline',
    });
    expect(problemOf(tooMuch)).toMatchObject({ status: 422, code: 'refund_deduction_bill' });

    const requested = await api('POST', '/refunds', 'caiwu', {
      kind: 'deposit',
      depositBillId: deposit.id,
      deductions: [
        { item: '2026年10月租金', amountFen: 80_000, billId: rent.id },
        { item: '墙面维修', amountFen: 20_000 },
      ],
      reason: '合同到期退还保证金',
      method: 'offline',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const refund = requested.json();
    expect(refund).toMatchObject({ kind: 'deposit', depositPaidFen: 300_000, amountFen: 200_000, status: 'requested' });
    const twice = await api('POST', '/refunds', 'caiwu', {
      kind: 'deposit',
      depositBillId: deposit.id,
      reason: '再次',
      method: 'offline',
    });
    expect(problemOf(twice)).toMatchObject({ status: 409, code: 'refund_deposit_exists' });

    const approved = await api('POST', `/refunds/${refund.id}/approve`, 'shenpi', {});
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expect(await billState(db(), rent.id)).toMatchObject({ status: 'paid', principalPaidFen: 80_000 });
    expect(await refundMessages(tenant.id)).toEqual([]);
    // Finance transfers it later: the tenant hears it was approved, with the deductions itemised.
    const [told] = await queryRows<{ body: string }>(
      db(),
      sql`SELECT body FROM outbound_messages WHERE tenant_id = ${tenant.id} AND kind = 'refund_approved'`,
    );
    expect(told?.body).toContain(
      '保证金退款已审批通过，扣除 1000.00 元（2026年10月租金 800.00 元、墙面维修 200.00 元），退还 2000.00 元，将银行转账',
    );

    const recorded = await api('POST', `/refunds/${refund.id}/paid`, 'caiwu', { reference: 'BANK20261101' });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ status: 'refunded', paidReference: 'BANK20261101', paidByName: 'caiwu' });
    expect(await accountBalance(db(), t.orgId, 'deposits', { tenantId: tenant.id })).toBe(0);
    expect(await accountBalance(db(), t.orgId, 'charge_repair', { tenantId: tenant.id })).toBe(-20_000);
    expect(await refundMessages(tenant.id)).toEqual([expect.stringContaining('2000.00 元')]);
    await expectLedgerMatchesBills(db(), t.orgId, contractId);
    expect(problemOf(await api('POST', `/refunds/${refund.id}/paid`, 'caiwu', {}))).toMatchObject({
      status: 409,
      code: 'refund_not_payable',
    });
  });
});
