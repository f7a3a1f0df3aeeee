import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { contractKit, type Kit, terms } from '../../../test/helpers/contracts.ts';
import { queryRows } from '../../db/client.ts';
import { rentSchedule } from '../../domain/rent-schedule.ts';
import { runBillingForAllOrgs } from './run.ts';

let t: TestApp;
let kit: Kit;
let tenantId: string;

beforeAll(async () => {
  t = await createTestApp();
  kit = contractKit(t);
  tenantId = (await kit.tenant(1)).id;
});
afterAll(() => t.close());

const api = async (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>, as = 'caiwu') =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as(as), ...(payload ? { payload } : {}) });

const run = (throughDate: string) => api('POST', '/billing-runs', { throughDate });

const billsOf = async (contractId: string) => {
  const response = await api('GET', `/bills?contractId=${contractId}&pageSize=200`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json().items as Record<string, unknown>[]).sort((a, b) =>
    String(a.number).localeCompare(String(b.number)),
  );
};

/** Σ receivable journal lines per contract vs Σ outstanding of its bills, for every contract with bills. */
const receivableMismatches = async () =>
  queryRows<{ contractId: string; ledger: string; bills: string }>(
    t.database.orm,
    sql`WITH ledger AS (
          SELECT l.contract_id, sum(l.debit_fen - l.credit_fen) AS fen
            FROM journal_lines l JOIN ledger_accounts a ON a.id = l.account_id
           WHERE a.purpose = 'receivable' AND l.contract_id IS NOT NULL GROUP BY l.contract_id),
        owed AS (
          SELECT contract_id, sum(amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen) AS fen
            FROM bills WHERE status <> 'void' GROUP BY contract_id)
        SELECT coalesce(ledger.contract_id, owed.contract_id) AS "contractId", coalesce(ledger.fen, 0) AS ledger,
               coalesce(owed.fen, 0) AS bills
          FROM ledger FULL JOIN owed ON owed.contract_id = ledger.contract_id
         WHERE coalesce(ledger.fen, 0) <> coalesce(owed.fen, 0)`,
  );

const unbalancedEntries = async () =>
  queryRows<{ id: string }>(
    t.database.orm,
    sql`SELECT entry_id AS id FROM journal_lines GROUP BY entry_id HAVING sum(debit_fen) <> sum(credit_fen)`,
  );

describe('billing runs', () => {
  it('bills the schedule to the fen (escalation, rent-free), the deposit to 2241, and never twice', async () => {
    const [unit] = await kit.units('BL', 1);
    const contractTerms = terms({
      startDate: '2025-01-15',
      endDate: '2027-01-14',
      rent: { mode: 'fixed', monthlyFen: 333_333 },
      billingCycleMonths: 3,
      rentFree: [{ from: '2025-01-15', to: '2025-02-14' }],
      escalation: { everyMonths: 12, rate: '0.05' },
    });
    const contract = await kit.activeContract({ tenantId, assetIds: [unit], terms: contractTerms });
    const schedule = rentSchedule(contractTerms as Parameters<typeof rentSchedule>[0]);

    const plan = await queryRows<{ kind: string; n: number }>(
      t.database.orm,
      sql`SELECT kind, count(*)::int AS n FROM bill_plan WHERE contract_id = ${contract.id} GROUP BY kind ORDER BY kind`,
    );
    expect(plan).toEqual([
      { kind: 'deposit', n: 1 },
      { kind: 'rent', n: schedule.periods.length },
    ]);

    const first = await run('2026-12-31');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ throughDate: '2026-12-31' });
    expect(first.json().issued).toBeGreaterThanOrEqual(schedule.periods.length + 1);

    const bills = await billsOf(contract.id);
    const rent = bills.filter((bill) => bill.kind === 'rent');
    expect(
      rent.map((bill) => [bill.number, bill.periodStart, bill.dueDate, bill.amountFen, bill.netFen, bill.taxFen]),
    ).toEqual(
      schedule.periods
        .filter((period) => period.amountFen > 0)
        .map((period) => [
          `${contract.number}-R${String(period.index + 1).padStart(2, '0')}`,
          period.periodStart,
          period.dueDate,
          period.amountFen,
          period.netFen,
          period.taxFen,
        ]),
    );
    expect(rent.every((bill) => bill.status === 'open' && bill.taxRate === '0.09')).toBe(true);
    const deposit = bills.find((bill) => bill.kind === 'deposit')!;
    expect(deposit).toMatchObject({ number: `${contract.number}-D`, amountFen: 600_000, taxFen: 0 });

    const detail = (await api('GET', `/bills/${deposit.id}`)).json();
    expect(detail.lines).toMatchObject([{ kind: 'deposit', amountFen: 600_000 }]);
    expect(detail.journalEntries).toHaveLength(1);
    expect(detail.journalEntries[0]).toMatchObject({
      kind: 'bill_issued',
      lines: [
        { accountCode: '1122', debitFen: 600_000, creditFen: 0 },
        { accountCode: '2241', debitFen: 0, creditFen: 600_000 },
      ],
    });
    const rentDetail = (await api('GET', `/bills/${rent[1]!.id}`)).json();
    expect(rentDetail.journalEntries[0].lines.map((line: { accountCode: string }) => line.accountCode)).toEqual([
      '1122',
      '6001',
      '2221',
    ]);

    const second = await run('2026-12-31');
    expect(second.json()).toMatchObject({ issued: 0, amountFen: 0 });
    expect(second.json().skipped).toBe(first.json().issued + first.json().skipped);
    expect(await billsOf(contract.id)).toHaveLength(bills.length);

    const runs = (await api('GET', '/billing-runs')).json();
    expect(runs.items[0]).toMatchObject({ id: second.json().id, trigger: 'manual', issued: 0, startedByName: 'caiwu' });
    expect(await receivableMismatches()).toEqual([]);
    expect(await unbalancedEntries()).toEqual([]);

    // The list's filters and the penalty as of today on an overdue bill.
    const overdue = (await api('GET', `/bills?contractId=${contract.id}&overdue=true&kind=rent&pageSize=1`)).json();
    expect(overdue.items[0]).toMatchObject({ overdue: true, status: 'open' });
    expect(overdue.items[0].lateFeeFen).toBeGreaterThan(0);
    expect(overdue.items[0].payableFen).toBe(overdue.items[0].outstandingFen + overdue.items[0].lateFeeFen);
    const exported = await api('GET', `/bills/export?contractId=${contract.id}`);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/spreadsheetml/);
  });

  it('plans contracts that have no plan yet (older ones) in the run, and the daily job bills every org', async () => {
    const [unit] = await kit.units('BU', 1);
    const contract = await kit.activeContract({ tenantId, assetIds: [unit], terms: terms() });
    await t.database.orm.execute(sql`DELETE FROM bill_plan WHERE contract_id = ${contract.id}`);
    await t.database.orm.execute(sql`UPDATE contracts SET planned_at = NULL WHERE id = ${contract.id}`);
    const result = await runBillingForAllOrgs(t.database.orm, '2025-04-30');
    expect(result.orgs).toBeGreaterThanOrEqual(1);
    const bills = await billsOf(contract.id);
    expect(bills.map((bill) => bill.number)).toEqual([
      `${contract.number}-D`,
      `${contract.number}-R01`,
      `${contract.number}-R02`,
    ]);
    const [planned] = await queryRows<{ plannedAt: string | null; rows: number }>(
      t.database.orm,
      sql`SELECT planned_at AS "plannedAt", (SELECT count(*)::int FROM bill_plan WHERE contract_id = ${contract.id}) AS rows
            FROM contracts WHERE id = ${contract.id}`,
    );
    expect(planned!.plannedAt).not.toBeNull();
    expect(planned!.rows).toBe(5);
    const runs = (await api('GET', '/billing-runs')).json();
    expect(runs.items[0]).toMatchObject({ trigger: 'schedule', throughDate: '2025-04-30' });
  });

  it('refuses a bad date and changes nothing', async () => {
    const bad = await run('2026-02-30');
    expect(problemOf(bad).status).toBe(400);
    const far = await run('2999-01-01');
    expect(problemOf(far)).toMatchObject({ status: 422, code: 'billing_through_date_too_far' });
    const denied = await api('POST', '/billing-runs', { throughDate: '2026-01-01' }, 'shenpi');
    expect(denied.statusCode).toBe(403);
  });

  it('answers a repeated request with the same Idempotency-Key with the first run, and starts no second run', async () => {
    const headers = { ...(await t.as('caiwu')), 'idempotency-key': 'run-2025-05-31' };
    const ask = (throughDate: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/billing-runs', headers, payload: { throughDate } });
    const runCount = async () =>
      Number(
        (await queryRows<{ runs: string }>(t.database.orm, sql`SELECT count(*) AS runs FROM billing_runs`))[0]!.runs,
      );
    const before = await runCount();
    const first = await ask('2025-05-31');
    expect(first.statusCode, first.body).toBe(200);
    const again = await ask('2025-05-31');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await runCount()).toBe(before + 1);
    expect(problemOf(await ask('2025-06-30')).status).toBe(409);
  });
});

describe('charges, void and reissue', () => {
  it('posts a charge to its own account, voids it back to 0 and reissues revision 1', async () => {
    const [unit] = await kit.units('BC', 1);
    const contract = await kit.activeContract({ tenantId, assetIds: [unit], terms: terms() });
    const created = await api('POST', '/bills', {
      contractId: contract.id,
      chargeItem: 'utilities',
      description: '2025年3月水电费',
      amountFen: 10_900,
      dueDate: '2025-04-10',
      taxRate: '0.09',
    });
    expect(created.statusCode, created.body).toBe(201);
    const charge = created.json();
    expect(charge).toMatchObject({
      number: `${contract.number}-C01`,
      kind: 'charge',
      chargeItem: 'utilities',
      amountFen: 10_900,
      netFen: 10_000,
      taxFen: 900,
      status: 'open',
    });
    const detail = (await api('GET', `/bills/${charge.id}`)).json();
    expect(detail.journalEntries[0].lines).toMatchObject([
      { accountCode: '1122', debitFen: 10_900 },
      { accountCode: '6051.01', creditFen: 10_000 },
      { accountCode: '2221', creditFen: 900 },
    ]);

    const noReason = await api('POST', `/bills/${charge.id}/void`, { reason: '  ' });
    expect(problemOf(noReason)).toMatchObject({ status: 422, code: 'bill_reason_required' });

    const reissued = await api('POST', `/bills/${charge.id}/reissue`, {
      reason: '读数有误',
      amountFen: 5_450,
      dueDate: '2025-04-20',
    });
    expect(reissued.statusCode, reissued.body).toBe(201);
    expect(reissued.json()).toMatchObject({
      number: `${contract.number}-C01-1`,
      revision: 1,
      amountFen: 5_450,
      netFen: 5_000,
      taxFen: 450,
      replacesBillId: charge.id,
      description: '2025年3月水电费',
    });
    const old = (await api('GET', `/bills/${charge.id}`)).json();
    expect(old).toMatchObject({ status: 'void', voidReason: '读数有误', outstandingFen: 0 });
    expect(old.journalEntries.map((entry: { kind: string }) => entry.kind)).toEqual(['bill_issued', 'reversal']);
    const twice = await api('POST', `/bills/${charge.id}/void`, { reason: '再次' });
    expect(problemOf(twice)).toMatchObject({ status: 409, code: 'bill_already_void' });

    const second = await api('POST', '/bills', {
      contractId: contract.id,
      chargeItem: 'repair',
      description: '门锁维修',
      amountFen: 20_000,
      dueDate: '2025-05-01',
    });
    expect(second.json()).toMatchObject({ number: `${contract.number}-C02`, taxFen: 0 });

    // A bill with money applied is neither voided nor reissued.
    await t.database.orm.execute(
      sql`UPDATE bills SET principal_paid_fen = 100, status = 'partial' WHERE id = ${second.json().id}`,
    );
    const paid = await api('POST', `/bills/${second.json().id}/void`, { reason: '错开' });
    expect(problemOf(paid)).toMatchObject({ status: 409, code: 'bill_void_paid' });
    await t.database.orm.execute(
      sql`UPDATE bills SET principal_paid_fen = 0, status = 'open' WHERE id = ${second.json().id}`,
    );
    expect(await receivableMismatches()).toEqual([]);
    expect(await unbalancedEntries()).toEqual([]);
  });

  it('refuses bad charges with a clear error and writes nothing', async () => {
    const [unit] = await kit.units('BX', 1);
    const approved = await kit.approvedContract({ tenantId, assetIds: [unit], terms: terms() });
    const before = await queryRows<{ n: number }>(t.database.orm, sql`SELECT count(*)::int AS n FROM bills`);
    const body = {
      contractId: approved.id,
      chargeItem: 'property',
      description: '物业费',
      amountFen: 1000,
      dueDate: '2025-04-10',
    };
    expect(problemOf(await api('POST', '/bills', body))).toMatchObject({
      status: 422,
      code: 'bill_contract_not_billable',
    });
    expect(problemOf(await api('POST', '/bills', { ...body, amountFen: 0 })).status).toBe(422);
    expect(problemOf(await api('POST', '/bills', { ...body, taxRate: '1.5' })).status).toBe(422);
    expect(problemOf(await api('POST', '/bills', { ...body, dueDate: '2025-13-01' })).status).toBe(400);
    const en = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bills',
      headers: { ...(await t.as('caiwu')), 'accept-language': 'en' },
      payload: body,
    });
    expect(problemOf(en).detail).toMatch(/only active, expired or terminated contracts are billed/);
    const after = await queryRows<{ n: number }>(t.database.orm, sql`SELECT count(*)::int AS n FROM bills`);
    expect(after).toEqual(before);
    const missing = await api('GET', '/bills/00000000-0000-4000-8000-000000000000');
    expect(problemOf(missing).status).toBe(404);
  });
});

describe('early termination', () => {
  it('bills the cut period prorated, cancels the rest and voids their unpaid bills', async () => {
    const [unit] = await kit.units('BT', 1);
    const contract = await kit.activeContract({ tenantId, assetIds: [unit], terms: terms() });
    // Quarterly from 2025-01-15, due 10 days ahead: periods 1 (04-15) and 2 (07-15) issued.
    await run('2025-07-10');
    const issued = await billsOf(contract.id);
    expect(issued.map((bill) => bill.number)).toEqual([
      `${contract.number}-D`,
      `${contract.number}-R01`,
      `${contract.number}-R02`,
      `${contract.number}-R03`,
    ]);
    const terminated = await kit.post(`/${contract.id}/terminate`, {
      terminationDate: '2025-05-20',
      reason: '承租方经营调整',
    });
    expect(terminated.statusCode, terminated.body).toBe(200);
    const settlement = terminated.json().finalSettlement;

    const plan = await queryRows<{ kind: string; periodIndex: number; cancelled: boolean; amountFen: string }>(
      t.database.orm,
      sql`SELECT kind, period_index AS "periodIndex", cancelled, amount_fen AS "amountFen" FROM bill_plan
           WHERE contract_id = ${contract.id} ORDER BY kind, period_index`,
    );
    expect(plan.filter((row) => row.kind === 'rent').map((row) => row.cancelled)).toEqual([false, true, true, true]);
    // R02 (3 months, issued) already covers more than the cut period: no final row.
    expect(settlement.finalPeriod.index).toBe(1);
    expect(settlement.finalPeriod.amountFen).toBeLessThan(900_000);
    expect(plan.some((row) => row.kind === 'final')).toBe(false);

    const after = await billsOf(contract.id);
    const r03 = after.find((bill) => bill.number === `${contract.number}-R03`)!;
    expect(r03).toMatchObject({ status: 'void', voidReason: '合同提前终止', outstandingFen: 0 });
    expect(after.find((bill) => bill.number === `${contract.number}-R02`)).toMatchObject({ status: 'open' });
    expect((await run('2026-12-31')).statusCode).toBe(200);
    expect((await billsOf(contract.id)).length).toBe(after.length);
    expect(await receivableMismatches()).toEqual([]);
    expect(await unbalancedEntries()).toEqual([]);
  });

  it('adds a final bill for the cut period when its rent was not billed yet', async () => {
    const [unit] = await kit.units('BF', 1);
    const contract = await kit.activeContract({ tenantId, assetIds: [unit], terms: terms() });
    await run('2025-01-10');
    const terminated = await kit.post(`/${contract.id}/terminate`, {
      terminationDate: '2025-05-20',
      reason: '承租方经营调整',
    });
    const settlement = terminated.json().finalSettlement;
    await run('2025-12-31');
    const bills = await billsOf(contract.id);
    expect(bills.map((bill) => [bill.number, bill.amountFen])).toEqual([
      [`${contract.number}-D`, 600_000],
      [`${contract.number}-F`, settlement.finalPeriod.amountFen],
      [`${contract.number}-R01`, 900_000],
    ]);
    const final = bills.find((bill) => bill.kind === 'final')!;
    expect(final).toMatchObject({ periodStart: '2025-04-15', periodEnd: '2025-05-20', taxRate: '0.09' });
    expect(await receivableMismatches()).toEqual([]);
  });
});
