import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import {
  accountBalance,
  billState,
  issueBill,
  makeContract,
  makeTenant,
  trialBalance,
} from '../../../test/helpers/collections.ts';
import { contractKit, terms } from '../../../test/helpers/contracts.ts';
import { queryRows, sql } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../../demo/seed.ts';
import type { LateFeeTerms } from '../../domain/late-fee.ts';
import { systemActor } from '../audit/service.ts';
import { journal } from '../ledger/journal.ts';
import { collectionsService, fixPenaltiesAsOf, lastDayOfPreviousMonth } from './service.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A tenant of its own with one contract, so automatic application sees only the bills the test issues. */
async function party(lateFee: LateFeeTerms | null = { dailyRate: '0.0005' }) {
  const tenant = await makeTenant(t.database.orm, t.orgId);
  const contractId = await makeContract(t.database.orm, t.orgId, tenant.id, lateFee);
  const bill = (dueDate: string, amountFen: number, terms: LateFeeTerms | null = lateFee) =>
    issueBill(t.database.orm, t.orgId, { contractId, tenantId: tenant.id, dueDate, amountFen, lateFee: terms });
  return { tenant, tenantId: tenant.id, contractId, bill };
}

async function pay(body: Record<string, unknown>, as = 'caiwu', headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/payments',
    headers: { ...(await t.as(as)), ...headers },
    payload: { method: 'bank_transfer', ...body },
  });
}

async function paid(body: Record<string, unknown>) {
  const response = await pay(body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** The receivable (1122) on a contract must equal what its bills say is outstanding. */
async function expectLedgerMatchesBills(contractId: string) {
  const [row] = await queryRows<{ outstanding: string }>(
    t.database.orm,
    sql`SELECT coalesce(sum(amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen), 0)
               AS outstanding
          FROM bills WHERE contract_id = ${contractId} AND status <> 'void'`,
  );
  expect(await accountBalance(t.database.orm, t.orgId, 'receivable', { contractId })).toBe(Number(row!.outstanding));
  const balance = await trialBalance(t.database.orm);
  expect(balance.debitFen).toBe(balance.creditFen);
}

describe('the penalty, computed by hand', () => {
  it('starts after the grace days: 10,000.00 due 03-01, 5 grace days, paid 03-11 → 4 days × 5.00 = 20.00', async () => {
    const p = await party({ dailyRate: '0.0005', graceDays: 5 });
    const bill = await p.bill('2026-03-01', 1_000_000);
    // Penalty days: 03-07 … 03-10 (the day of payment already counts as paid): 4 × 1,000,000 × 0.0005 = 2,000 fen,
    // fixed through 03-10.
    const payment = await paid({
      tenantId: p.tenantId,
      amountFen: 1_002_000,
      receivedOn: '2026-03-11',
      billIds: [bill.id],
    });
    expect(payment).toMatchObject({
      amountFen: 1_002_000,
      advanceFen: 0,
      receivedOn: '2026-03-11',
      tenantName: p.tenant.name,
      recordedByName: 'caiwu',
      allocations: [{ billId: bill.id, billNumber: bill.number, principalFen: 1_000_000, lateFeeFen: 2_000 }],
    });
    expect(payment.number).toMatch(/^SK-2026-\d{6}$/);
    expect(await billState(t.database.orm, bill.id)).toMatchObject({
      status: 'paid',
      lateFeeFen: 2_000,
      lateFeePaidFen: 2_000,
      principalPaidFen: 1_000_000,
      settledOn: '2026-03-11',
    });
    const [line] = await queryRows<{ kind: string; amountFen: string; asOf: string }>(
      t.database.orm,
      sql`SELECT kind, amount_fen::text AS "amountFen", as_of::text AS "asOf" FROM bill_lines
           WHERE bill_id = ${bill.id} AND kind = 'late_fee'`,
    );
    expect(line).toEqual({ kind: 'late_fee', amountFen: '2000', asOf: '2026-03-10' });
    expect(await accountBalance(t.database.orm, t.orgId, 'penalty_income', { contractId: p.contractId })).toBe(-2_000);
    await expectLedgerMatchesBills(p.contractId);
  });

  it('a partial payment lowers the daily base from its day on; the sum is rounded once', async () => {
    const p = await party({ dailyRate: '0.0005' });
    const bill = await p.bill('2026-04-01', 1_000_000);
    // 04-11: 04-02 … 04-10 = 9 days × 1,000,000 × 0.0005 = 4,500 fen fixed and paid first; 395,500 to principal.
    const first = await paid({
      tenantId: p.tenantId,
      amountFen: 400_000,
      receivedOn: '2026-04-11',
      billIds: [bill.id],
    });
    expect(first.allocations).toEqual([expect.objectContaining({ lateFeeFen: 4_500, principalFen: 395_500 })]);
    expect(await billState(t.database.orm, bill.id)).toMatchObject({ status: 'partial', lateFeeFen: 4_500 });
    // 04-21: 4,500 + 04-11 … 04-20 = 10 days × 604,500 × 0.0005 = 3,022.5 → 7,522.5 in all, rounded once: 7,523;
    // 3,023 more fixed. Owed: 3,023 + 604,500 = 607,523.
    const second = await paid({ tenantId: p.tenantId, amountFen: 607_523, receivedOn: '2026-04-21' });
    expect(second.allocations).toEqual([expect.objectContaining({ lateFeeFen: 3_023, principalFen: 604_500 })]);
    expect(second.advanceFen).toBe(0);
    expect(await billState(t.database.orm, bill.id)).toMatchObject({
      status: 'paid',
      lateFeeFen: 7_523,
      settledOn: '2026-04-21',
    });
    await expectLedgerMatchesBills(p.contractId);
  });

  it('stops at the cap: 1,000.00 at 0.1% a day capped at 5% reaches 50.00 after 50 days and stays there', async () => {
    const p = await party({ dailyRate: '0.001', capRatio: '0.05' });
    const bill = await p.bill('2026-01-01', 100_000);
    expect((await billState(t.database.orm, bill.id)).lateFeeFen).toBe(0);
    // 01-02 … 06-29 = 179 days × 100 fen = 17,900 fen, capped at 0.05 × 100,000 = 5,000 fen.
    const payment = await paid({ tenantId: p.tenantId, amountFen: 105_000, receivedOn: '2026-06-30' });
    expect(payment.allocations).toEqual([expect.objectContaining({ lateFeeFen: 5_000, principalFen: 100_000 })]);
    expect(await billState(t.database.orm, bill.id)).toMatchObject({ status: 'paid', lateFeeFen: 5_000 });
    await expectLedgerMatchesBills(p.contractId);
  });

  it('the month-end job fixes the penalty through the last day of the previous month, once', async () => {
    expect(lastDayOfPreviousMonth('2026-03-01')).toBe('2026-02-28');
    expect(lastDayOfPreviousMonth('2026-01-15')).toBe('2025-12-31');
    const p = await party({ dailyRate: '0.0005' });
    const bill = await p.bill('2026-01-01', 1_000_000);
    // Through 01-31: 01-02 … 01-31 = 30 days × 500 fen = 15,000 fen.
    const only = { tenantId: p.tenantId };
    const run = await collectionsService.runMonthEnd(t.database.orm, '2026-02-01', only);
    expect(run).toEqual({ asOf: '2026-01-31', bills: 1, fixedFen: 15_000 });
    expect(await billState(t.database.orm, bill.id)).toMatchObject({ lateFeeFen: 15_000, status: 'open' });
    await fixPenaltiesAsOf(t.database.orm, '2026-01-31', only);
    expect((await billState(t.database.orm, bill.id)).lateFeeFen).toBe(15_000);
    // Through 02-28: 28 more days × 500 = 14,000 fen.
    await fixPenaltiesAsOf(t.database.orm, '2026-02-28', only);
    expect((await billState(t.database.orm, bill.id)).lateFeeFen).toBe(29_000);
    const lines = await queryRows<{ amountFen: string; asOf: string }>(
      t.database.orm,
      sql`SELECT amount_fen::text AS "amountFen", as_of::text AS "asOf" FROM bill_lines
           WHERE bill_id = ${bill.id} AND kind = 'late_fee' ORDER BY id`,
    );
    expect(lines).toEqual([
      { amountFen: '15000', asOf: '2026-01-31' },
      { amountFen: '14000', asOf: '2026-02-28' },
    ]);
    await expectLedgerMatchesBills(p.contractId);
  });
});

describe('applying a payment', () => {
  it('pays bills already due oldest first, then those not yet due; the rest is an advance', async () => {
    const p = await party(null);
    const later = await p.bill('2027-01-01', 50_000);
    const older = await p.bill('2026-02-01', 100_000);
    const newer = await p.bill('2026-03-01', 200_000);
    const first = await paid({ tenantId: p.tenantId, amountFen: 320_000, receivedOn: '2026-11-01' });
    expect(first.allocations).toEqual([
      { billId: older.id, billNumber: older.number, principalFen: 100_000, lateFeeFen: 0 },
      { billId: newer.id, billNumber: newer.number, principalFen: 200_000, lateFeeFen: 0 },
      { billId: later.id, billNumber: later.number, principalFen: 20_000, lateFeeFen: 0 },
    ]);
    expect((await billState(t.database.orm, later.id)).status).toBe('partial');
    const second = await paid({ tenantId: p.tenantId, amountFen: 40_000, receivedOn: '2026-11-02', method: 'cash' });
    expect(second).toMatchObject({ method: 'cash', advanceFen: 10_000 });
    expect(second.allocations).toEqual([expect.objectContaining({ billId: later.id, principalFen: 30_000 })]);
    expect(await accountBalance(t.database.orm, t.orgId, 'advances', { tenantId: p.tenantId })).toBe(-10_000);
    // Nothing left to pay: all of it is an advance.
    const third = await paid({ tenantId: p.tenantId, amountFen: 5_000, receivedOn: '2026-11-03' });
    expect(third).toMatchObject({ advanceFen: 5_000, allocations: [] });
    expect(await accountBalance(t.database.orm, t.orgId, 'advances', { tenantId: p.tenantId })).toBe(-15_000);
    expect(await accountBalance(t.database.orm, t.orgId, 'cash', { tenantId: p.tenantId })).toBe(40_000);
    await expectLedgerMatchesBills(p.contractId);
  });

  it('pays exactly the chosen bills in due-date order; paying more than they owe leaves an advance', async () => {
    const p = await party(null);
    const skipped = await p.bill('2026-01-01', 100_000);
    const b = await p.bill('2026-03-01', 30_000);
    const a = await p.bill('2026-02-01', 20_000);
    const payment = await paid({
      tenantId: p.tenantId,
      amountFen: 60_000,
      receivedOn: '2026-11-01',
      billIds: [b.id, a.id],
      reference: 'HX-CHOSEN-1',
      remarks: '  两个月电费 ',
    });
    expect(payment).toMatchObject({ advanceFen: 10_000, reference: 'HX-CHOSEN-1', remarks: '两个月电费' });
    expect(payment.allocations.map((item: { billId: string }) => item.billId)).toEqual([a.id, b.id]);
    expect((await billState(t.database.orm, skipped.id)).status).toBe('open');
    await expectLedgerMatchesBills(p.contractId);
  });

  it('within a bill: the penalty first by default, the principal first when the org says so', async () => {
    const p = await party({ dailyRate: '0.001' });
    const bill = await p.bill('2026-05-01', 100_000);
    // 05-02 … 05-11 = 10 days × 100 fen = 1,000 fen.
    await t.database.orm.execute(
      sql`UPDATE orgs SET settings = settings || '{"collections":{"applyOrder":"principal_first"}}'::jsonb
           WHERE id = ${t.orgId}`,
    );
    try {
      const payment = await paid({ tenantId: p.tenantId, amountFen: 100_500, receivedOn: '2026-05-12' });
      expect(payment.allocations).toEqual([expect.objectContaining({ principalFen: 100_000, lateFeeFen: 500 })]);
      // The principal is paid: the penalty stops growing, 500 fen of it still owed.
      expect(await billState(t.database.orm, bill.id)).toMatchObject({ status: 'partial', lateFeeFen: 1_000 });
      const rest = await paid({ tenantId: p.tenantId, amountFen: 500, receivedOn: '2026-06-30' });
      expect(rest.allocations).toEqual([expect.objectContaining({ principalFen: 0, lateFeeFen: 500 })]);
      expect(await billState(t.database.orm, bill.id)).toMatchObject({ status: 'paid', lateFeeFen: 1_000 });
    } finally {
      await t.database.orm.execute(sql`UPDATE orgs SET settings = settings - 'collections' WHERE id = ${t.orgId}`);
    }
    const q = await party({ dailyRate: '0.001' });
    const other = await q.bill('2026-05-01', 100_000);
    const payment = await paid({ tenantId: q.tenantId, amountFen: 100_500, receivedOn: '2026-05-12' });
    expect(payment.allocations).toEqual([expect.objectContaining({ principalFen: 99_500, lateFeeFen: 1_000 })]);
    expect((await billState(t.database.orm, other.id)).status).toBe('partial');
    await expectLedgerMatchesBills(p.contractId);
    await expectLedgerMatchesBills(q.contractId);
  });

  it('refuses what cannot be right, saying why', async () => {
    const p = await party(null);
    const q = await party(null);
    const own = await p.bill('2026-02-01', 10_000);
    const theirs = await q.bill('2026-02-01', 10_000);
    const settled = await p.bill('2026-02-02', 10_000);
    await paid({ tenantId: p.tenantId, amountFen: 10_000, receivedOn: '2026-03-01', billIds: [settled.id] });
    const voided = await p.bill('2026-02-03', 10_000);
    await t.database.orm.transaction(async (tx) => {
      await tx.execute(sql`UPDATE bills SET status = 'void', void_reason = '测试' WHERE id = ${voided.id}`);
      const [entry] = await queryRows<{ id: string }>(
        tx,
        sql`SELECT id FROM journal_entries WHERE source_id = ${voided.id} AND kind = 'bill_issued'`,
      );
      await journal.reverse(tx, { ...systemActor, orgId: t.orgId }, t.orgId, entry!.id, {
        entryDate: '2026-02-04',
        memo: '作废',
      });
    });
    const before = await queryRows<{ n: number }>(t.database.orm, sql`SELECT count(*)::int AS n FROM payments`);

    const unknown = problemOf(
      await pay({ tenantId: '00000000-0000-4000-8000-000000000000', amountFen: 100, receivedOn: '2026-03-01' }),
    );
    expect(unknown).toMatchObject({ status: 422, code: 'payment_tenant_not_found' });
    const other = problemOf(
      await pay({ tenantId: p.tenantId, amountFen: 100, receivedOn: '2026-03-01', billIds: [own.id, theirs.id] }),
    );
    expect(other).toMatchObject({ status: 422, code: 'payment_bill_other_tenant' });
    expect(other.detail).toContain(theirs.number);
    expect(
      problemOf(await pay({ tenantId: p.tenantId, amountFen: 100, receivedOn: '2026-03-01', billIds: [voided.id] })),
    ).toMatchObject({ status: 409, code: 'payment_bill_void' });
    expect(
      problemOf(await pay({ tenantId: p.tenantId, amountFen: 100, receivedOn: '2026-03-01', billIds: [settled.id] })),
    ).toMatchObject({ status: 409, code: 'payment_bill_paid' });
    for (const amountFen of [0, -5]) {
      expect(
        problemOf(await pay({ tenantId: p.tenantId, amountFen, receivedOn: '2026-03-01' })).errors?.[0]?.path,
      ).toBe('body/amountFen');
    }
    const future = problemOf(await pay({ tenantId: p.tenantId, amountFen: 100, receivedOn: '2099-01-01' }));
    expect(future).toMatchObject({ status: 422, code: 'payment_received_in_future' });
    expect(
      (await pay({ tenantId: p.tenantId, amountFen: 100, receivedOn: '2026-03-01', reference: 'DUP-1' })).statusCode,
    ).toBe(201);
    const duplicate = problemOf(
      await pay({ tenantId: p.tenantId, amountFen: 100, receivedOn: '2026-03-01', reference: 'DUP-1' }),
    );
    expect(duplicate).toMatchObject({ status: 409, code: 'payment_reference_duplicate' });
    // The same reference by another method is another payment.
    expect(
      (await pay({ tenantId: p.tenantId, amountFen: 100, receivedOn: '2026-03-01', reference: 'DUP-1', method: 'pos' }))
        .statusCode,
    ).toBe(201);
    expect((await pay({ tenantId: p.tenantId, amountFen: 100, receivedOn: '2026-03-01' }, 'shenpi')).statusCode).toBe(
      403,
    );
    const after = await queryRows<{ n: number }>(t.database.orm, sql`SELECT count(*)::int AS n FROM payments`);
    expect(after[0]!.n).toBe(before[0]!.n + 2);
    await expectLedgerMatchesBills(p.contractId);
  });

  it('two payments for one bill at once: the bill is paid once, the other is told so', async () => {
    const p = await party(null);
    const bill = await p.bill('2026-02-01', 30_000);
    const body = { tenantId: p.tenantId, amountFen: 30_000, receivedOn: '2026-03-01', billIds: [bill.id] };
    const answers = await Promise.all([pay(body), pay(body)]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    expect(problemOf(answers.find((answer) => answer.statusCode === 409)!).code).toBe('payment_bill_paid');
    expect(await billState(t.database.orm, bill.id)).toMatchObject({ status: 'paid', principalPaidFen: 30_000 });
    // Without chosen bills the second finds nothing left to pay: an advance.
    const other = await p.bill('2026-02-02', 10_000);
    const open = { tenantId: p.tenantId, amountFen: 10_000, receivedOn: '2026-03-01' };
    const both = (await Promise.all([pay(open), pay(open)])).map((answer) => answer.json());
    expect(both.map((payment) => payment.advanceFen).sort()).toEqual([0, 10_000]);
    expect((await billState(t.database.orm, other.id)).principalPaidFen).toBe(10_000);
    await expectLedgerMatchesBills(p.contractId);
  });

  it('lists and shows payments with their allocations; every payment is audited', async () => {
    const p = await party(null);
    const bill = await p.bill('2026-02-01', 10_000);
    const payment = await paid({ tenantId: p.tenantId, amountFen: 12_000, receivedOn: '2026-02-10' });
    const headers = await t.as('caiwu');
    const list = (await t.app.inject({ url: `/api/v1/payments?tenantId=${p.tenantId}`, headers })).json();
    expect(list).toMatchObject({ total: 1, page: 1, items: [{ id: payment.id, advanceFen: 2_000 }] });
    const shown = await t.app.inject({ url: `/api/v1/payments/${payment.id}`, headers: await t.as('shenji') });
    expect(shown.json()).toEqual(payment);
    expect(shown.json().allocations).toEqual([
      { billId: bill.id, billNumber: bill.number, principalFen: 10_000, lateFeeFen: 0 },
    ]);
    const ranged = await t.app.inject({
      url: `/api/v1/payments?tenantId=${p.tenantId}&from=2026-02-11&to=2026-12-31`,
      headers,
    });
    expect(ranged.json().total).toBe(0);
    const audit = await t.app.inject({
      url: `/api/v1/audit-log?entityId=${payment.id}`,
      headers: await t.as('admin'),
    });
    expect(audit.json().items.map((item: { action: string }) => item.action)).toEqual(['payment.record']);
    const missing = await t.app.inject({ url: '/api/v1/payments/00000000-0000-4000-8000-000000000000', headers });
    expect(problemOf(missing).status).toBe(404);
  });
});

describe('waiving a penalty (减免)', () => {
  const request = async (billId: string, body: Record<string, unknown>, as = 'caiwu') =>
    t.app.inject({ method: 'POST', url: `/api/v1/bills/${billId}/waivers`, headers: await t.as(as), payload: body });
  const decide = async (id: string, decision: 'approve' | 'reject', body: Record<string, unknown>, as = 'shenpi') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/waivers/${id}/${decision}`,
      headers: await t.as(as),
      payload: body,
    });

  it('finance asks, the approver is told and approves; the waived part leaves the receivable', async () => {
    const p = await party({ dailyRate: '0.001', capRatio: '0.05' });
    // Due long ago: as of today the penalty is at its cap, 5% × 100,000 = 5,000 fen, none of it fixed yet.
    const bill = await p.bill('2026-01-01', 100_000);
    const tooMuch = problemOf(await request(bill.id, { amountFen: 5_001, reason: '疫情减免' }));
    expect(tooMuch).toMatchObject({ status: 422, code: 'waiver_exceeds_penalty' });
    expect(tooMuch.detail).toContain('50.00');
    expect(problemOf(await request(bill.id, { amountFen: 100, reason: '   ' })).code).toBe('waiver_reason_required');

    const created = await request(bill.id, { amountFen: 3_000, reason: '疫情减免' });
    expect(created.statusCode, created.body).toBe(201);
    const waiver = created.json();
    expect(waiver).toMatchObject({
      billId: bill.id,
      billNumber: bill.number,
      tenantName: p.tenant.name,
      amountFen: 3_000,
      reason: '疫情减免',
      status: 'pending',
      requestedByName: 'caiwu',
      decidedAt: null,
    });
    expect(problemOf(await request(bill.id, { amountFen: 1_000, reason: '再次' }))).toMatchObject({
      status: 409,
      code: 'waiver_pending_exists',
    });
    const notices = await t.app.inject({ url: '/api/v1/notifications?pageSize=100', headers: await t.as('shenpi') });
    expect(JSON.stringify(notices.json())).toContain(`违约金减免待审批：账单 ${bill.number}`);
    const pending = await t.app.inject({
      url: `/api/v1/waivers?status=pending&billId=${bill.id}`,
      headers: await t.as('shenpi'),
    });
    expect(pending.json()).toMatchObject({ total: 1, items: [{ id: waiver.id }] });

    expect((await decide(waiver.id, 'approve', {}, 'caiwu')).statusCode).toBe(403);
    const approved = await decide(waiver.id, 'approve', { note: '同意' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decidedByName: 'shenpi', decisionNote: '同意' });
    expect(problemOf(await decide(waiver.id, 'approve', {}))).toMatchObject({ status: 409, code: 'waiver_decided' });

    // Fixed 5,000, waived 3,000: the tenant owes 100,000 + 2,000; penalty income is 2,000.
    expect(await billState(t.database.orm, bill.id)).toMatchObject({
      status: 'open',
      lateFeeFen: 5_000,
      lateFeeWaivedFen: 3_000,
    });
    expect(await accountBalance(t.database.orm, t.orgId, 'receivable', { contractId: p.contractId })).toBe(102_000);
    expect(await accountBalance(t.database.orm, t.orgId, 'penalty_income', { contractId: p.contractId })).toBe(-2_000);
    const lines = await queryRows<{ kind: string; amountFen: string }>(
      t.database.orm,
      sql`SELECT kind, amount_fen::text AS "amountFen" FROM bill_lines WHERE bill_id = ${bill.id} ORDER BY id`,
    );
    expect(lines).toEqual([
      { kind: 'charge', amountFen: '100000' },
      { kind: 'late_fee', amountFen: '5000' },
      { kind: 'late_fee_waiver', amountFen: '-3000' },
    ]);
    await expectLedgerMatchesBills(p.contractId);

    // Paying the rest settles it (today: the penalty is at its cap, nothing more to fix).
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const payment = await paid({ tenantId: p.tenantId, amountFen: 102_000, receivedOn: today });
    expect(payment.allocations).toEqual([expect.objectContaining({ principalFen: 100_000, lateFeeFen: 2_000 })]);
    expect((await billState(t.database.orm, bill.id)).status).toBe('paid');
    await expectLedgerMatchesBills(p.contractId);

    const audit = await t.app.inject({ url: `/api/v1/audit-log?entityId=${waiver.id}`, headers: await t.as('admin') });
    expect(
      audit
        .json()
        .items.map((item: { action: string }) => item.action)
        .sort(),
    ).toEqual(['waiver.approve', 'waiver.request']);
  });

  it('a waiver of all that is left settles a bill whose principal is paid', async () => {
    const p = await party({ dailyRate: '0.001' });
    const bill = await p.bill('2026-05-01', 100_000);
    await t.database.orm.execute(
      sql`UPDATE orgs SET settings = settings || '{"collections":{"applyOrder":"principal_first"}}'::jsonb
           WHERE id = ${t.orgId}`,
    );
    try {
      // 10 days × 100 fen = 1,000 fen penalty; the principal is paid, 1,000 fen of penalty owed.
      await paid({ tenantId: p.tenantId, amountFen: 100_000, receivedOn: '2026-05-12' });
    } finally {
      await t.database.orm.execute(sql`UPDATE orgs SET settings = settings - 'collections' WHERE id = ${t.orgId}`);
    }
    const waiver = (await request(bill.id, { amountFen: 1_000, reason: '首次逾期' })).json();
    const approved = await decide(waiver.id, 'approve', {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await billState(t.database.orm, bill.id)).toMatchObject({ status: 'paid', lateFeeWaivedFen: 1_000 });
    await expectLedgerMatchesBills(p.contractId);
  });

  it('nobody decides their own request; a rejection needs a reason', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: await t.as('admin'),
      payload: {
        username: 'caiwu_shenpi',
        displayName: '财务兼审批',
        password: DEMO_PASSWORD,
        roles: ['finance', 'approver'],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const p = await party({ dailyRate: '0.001', capRatio: '0.05' });
    const bill = await p.bill('2026-01-01', 100_000);
    const waiver = (await request(bill.id, { amountFen: 1_000, reason: '协商' }, 'caiwu_shenpi')).json();
    const own = problemOf(await decide(waiver.id, 'approve', {}, 'caiwu_shenpi'));
    expect(own).toMatchObject({ status: 403, code: 'waiver_self_approval' });
    expect(own.detail).toContain('不能审批自己提交的减免申请');
    expect((await decide(waiver.id, 'reject', { note: '不同意' }, 'caiwu_shenpi')).statusCode).toBe(403);
    expect((await decide(waiver.id, 'reject', {})).statusCode).toBe(400);
    expect(problemOf(await decide(waiver.id, 'reject', { note: '  ' })).code).toBe('waiver_note_required');
    const rejected = await decide(waiver.id, 'reject', { note: '理由不充分' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionNote: '理由不充分', decidedByName: 'shenpi' });
    // Nothing moved; a new request may follow.
    expect(await billState(t.database.orm, bill.id)).toMatchObject({ lateFeeFen: 0, lateFeeWaivedFen: 0 });
    expect((await request(bill.id, { amountFen: 500, reason: '补充材料后再申请' })).statusCode).toBe(201);
  });
});

describe('with the billing run', () => {
  it('pays a bill the run issued for an activated contract; the bill view shows it', async () => {
    const kit = contractKit(t);
    const [unit] = await kit.units('SKBR', 1);
    const tenant = await kit.tenant(3);
    const contract = await kit.activeContract(
      {
        tenantId: tenant.id,
        assetIds: [unit],
        terms: terms({
          startDate: '2026-01-01',
          endDate: '2026-12-31',
          billingCycleMonths: 1,
          dueOffsetDays: 0,
          rent: { mode: 'fixed', monthlyFen: 300_000 },
          lateFee: { dailyRate: '0.0005' },
        }),
      },
      '2025-12-20',
    );
    const caiwu = await t.as('caiwu');
    const run = await t.app.inject({
      method: 'POST',
      url: '/api/v1/billing-runs',
      headers: caiwu,
      payload: { throughDate: '2026-01-01' },
    });
    expect(run.statusCode, run.body).toBe(200);
    const bills = (await t.app.inject({ url: `/api/v1/bills?contractId=${contract.id}`, headers: caiwu })).json();
    const rent = bills.items.find((bill: { kind: string }) => bill.kind === 'rent');
    expect(rent).toMatchObject({ dueDate: '2026-01-01', amountFen: 300_000 });
    // Paid 01-11: 01-02 … 01-10 = 9 days × 300,000 × 0.0005 = 1,350 fen first, 298,650 to the rent.
    const payment = await paid({
      tenantId: tenant.id,
      amountFen: 300_000,
      receivedOn: '2026-01-11',
      billIds: [rent.id],
    });
    expect(payment.allocations).toEqual([expect.objectContaining({ lateFeeFen: 1_350, principalFen: 298_650 })]);
    const shown = (await t.app.inject({ url: `/api/v1/bills/${rent.id}`, headers: caiwu })).json();
    expect(shown).toMatchObject({
      status: 'partial',
      principalPaidFen: 298_650,
      lateFeePostedFen: 1_350,
      outstandingFen: 1_350,
    });
    expect(shown.allocations).toEqual([
      expect.objectContaining({ paymentId: payment.id, principalFen: 298_650, lateFeeFen: 1_350 }),
    ]);
    await expectLedgerMatchesBills(contract.id);
  });
});
