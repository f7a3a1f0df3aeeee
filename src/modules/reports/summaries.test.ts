import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import { billDueTotalsDrift, compactBillDueTotals } from './summaries.ts';

// The dashboard's summary (bill_due_totals) must equal the bills after anything that changes them: issuing, paying
// in part, voiding, a penalty fixed and waived, a bill deleted — and after folding its rows together.
const today = chinaDate(new Date());

let t: TestApp;
let tenantId: string;
let contractId: string;

async function summaryRows(): Promise<number> {
  const [row] = await queryRows<{ n: string }>(t.database.orm, sql`SELECT count(*)::text AS n FROM bill_due_totals`);
  return Number(row!.n);
}

async function dashboardMoney() {
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/v1/reports/dashboard',
    headers: await t.as('caiwu'),
  });
  expect(response.statusCode, response.body).toBe(200);
  const { billedVsCollected, collectionRate, aging } = response.json();
  return { billedVsCollected, collectionRate, aging };
}

beforeAll(async () => {
  t = await createTestApp();
  tenantId = (await makeTenant(t.database.orm, t.orgId, '汇总测试')).id;
  contractId = await makeContract(t.database.orm, t.orgId, tenantId, null, {
    startDate: addDays(today, -200),
    endDate: addDays(today, 200),
  });
});

afterAll(async () => {
  await t?.close();
});

describe('the dashboard summary (bill_due_totals)', () => {
  it('equals the demo’s bills as the billing and payment paths left them', async () => {
    expect(await billDueTotalsDrift(t.database.orm, t.orgId)).toEqual([]);
  });

  it('follows every change to bills: issue, part payment, void, penalty, waiver, delete', async () => {
    const db = t.database.orm;
    const bill = (dueDate: string, amountFen: number) =>
      issueBill(db, t.orgId, { contractId, tenantId, dueDate, amountFen });
    const paid = await bill(addDays(today, -40), 300_000);
    const voided = await bill(addDays(today, -40), 120_000);
    const penalised = await bill(addDays(today, -70), 50_000);
    expect(await billDueTotalsDrift(db, t.orgId)).toEqual([]);

    const caiwu = await t.as('caiwu');
    const payment = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments',
      headers: caiwu,
      payload: { tenantId, amountFen: 100_000, receivedOn: today, method: 'bank_transfer', billIds: [paid.id] },
    });
    expect(payment.statusCode, payment.body).toBe(201);
    const voiding = await t.app.inject({
      method: 'POST',
      url: `/api/v1/bills/${voided.id}/void`,
      headers: caiwu,
      payload: { reason: '开错金额' },
    });
    expect(voiding.statusCode, voiding.body).toBe(200);
    expect(await billDueTotalsDrift(db, t.orgId)).toEqual([]);

    // Penalty and waiver columns, as the month-end run and an approved waiver write them.
    await db.execute(sql`UPDATE bills SET late_fee_fen = 1750 WHERE id = ${penalised.id}`);
    await db.execute(sql`UPDATE bills SET late_fee_waived_fen = 750 WHERE id = ${penalised.id}`);
    // A statement touching no money column adds nothing.
    const before = await summaryRows();
    await db.execute(sql`UPDATE bills SET description = '改了说明' WHERE id = ${penalised.id}`);
    expect(await summaryRows()).toBe(before);
    expect(await billDueTotalsDrift(db, t.orgId)).toEqual([]);

    // Bills are never deleted by AssetPay, but the summary would follow (inside a transaction rolled back).
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`DELETE FROM bill_lines WHERE bill_id = ${penalised.id}`);
        await tx.execute(sql`DELETE FROM bills WHERE id = ${penalised.id}`);
        expect(await billDueTotalsDrift(tx, t.orgId)).toEqual([]);
        throw new Error('rollback');
      })
      .catch((error: Error) => expect(error.message).toBe('rollback'));
    expect(await billDueTotalsDrift(db, t.orgId)).toEqual([]);
  });

  it('is detected when a bill changes behind the triggers’ back', async () => {
    const db = t.database.orm;
    const drifted = await db
      .transaction(async (tx) => {
        await tx.execute(sql`ALTER TABLE bills DISABLE TRIGGER bill_due_totals_update`);
        await tx.execute(sql`UPDATE bills SET principal_paid_fen = principal_paid_fen + 1
                              WHERE id = (SELECT id FROM bills WHERE org_id = ${t.orgId} AND status = 'open' LIMIT 1)`);
        const rows = await billDueTotalsDrift(tx, t.orgId);
        throw Object.assign(new Error('rollback'), { rows });
      })
      .catch((error: Error & { rows: unknown[] }) => error.rows);
    expect(drifted).toHaveLength(1);
  });

  it('folds its rows together without changing a figure, also while bills change', async () => {
    const db = t.database.orm;
    const board = await dashboardMoney();
    const rowsBefore = await summaryRows();
    const folded = await compactBillDueTotals(db);
    expect(folded.rowsBefore).toBeGreaterThan(folded.rowsAfter);
    const [distinct] = await queryRows<{ n: string }>(
      db,
      sql`SELECT count(*)::text AS n FROM (SELECT DISTINCT org_id, due_date FROM bill_due_totals) d`,
    );
    expect(await summaryRows()).toBe(Number(distinct!.n));
    expect(await summaryRows()).toBeLessThan(rowsBefore);
    expect(await billDueTotalsDrift(db, t.orgId)).toEqual([]);
    expect(await dashboardMoney()).toEqual(board);
    // Nothing left to fold: nothing changes.
    expect((await compactBillDueTotals(db)).rowsBefore).toBe(0);

    // Folding twice at once while bills are issued (concurrent on PostgreSQL) counts nothing twice and loses nothing.
    await Promise.all([
      compactBillDueTotals(db),
      issueBill(db, t.orgId, { contractId, tenantId, dueDate: addDays(today, -10), amountFen: 9_900 }),
      compactBillDueTotals(db),
      issueBill(db, t.orgId, { contractId, tenantId, dueDate: addDays(today, -10), amountFen: 1_100 }),
      compactBillDueTotals(db),
    ]);
    expect(await billDueTotalsDrift(db, t.orgId)).toEqual([]);
  });
});
