import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { queryRows } from '../../db/client.ts';
import { chinaDate } from '../../domain/calendar.ts';
import { systemActor } from '../audit/service.ts';
import { type JournalLineInput, journal } from './journal.ts';

// The entries here are dated in 2001, so whatever else the demo or the billing posts (around today) stays out of
// the periods the assertions look at.
let t: TestApp;
let tenantId: string;
let contractId: string;
let receivableId: string;

const post = (entryDate: string, kind: 'bill_issued' | 'payment' | 'adjustment', lines: JournalLineInput[]) =>
  t.database.orm.transaction((tx) =>
    journal.post(tx, systemActor, { orgId: t.orgId, entryDate, kind, memo: `测试 ${entryDate}`, lines }),
  );

/** A rent bill of `fen` (VAT 9% inside) on the test contract. */
const issue = (entryDate: string, fen: number) => {
  const tax = Math.round(fen - fen / 1.09);
  return post(entryDate, 'bill_issued', [
    { purpose: 'receivable', debitFen: fen, tenantId, contractId },
    { purpose: 'rent_revenue', creditFen: fen - tax },
    { purpose: 'output_vat', creditFen: tax },
  ]);
};
const pay = (entryDate: string, fen: number) =>
  post(entryDate, 'payment', [
    { purpose: 'bank', debitFen: fen },
    { purpose: 'receivable', creditFen: fen, tenantId, contractId },
  ]);

async function get(url: string, user = 'caiwu') {
  return t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: await t.as(user) });
}

beforeAll(async () => {
  t = await createTestApp();
  const [contract] = await queryRows<{ id: string; tenantId: string }>(
    t.database.orm,
    sql`SELECT id, tenant_id AS "tenantId" FROM contracts WHERE org_id = ${t.orgId} AND status = 'active'
         ORDER BY number LIMIT 1`,
  );
  contractId = contract!.id;
  tenantId = contract!.tenantId;
  // January and February: the opening balance of March.
  await issue('2001-01-05', 100_000);
  await issue('2001-02-05', 100_000);
  await pay('2001-02-10', 150_000);
  // March to May: 9 lines on the receivable of this contract.
  for (const month of ['03', '04', '05']) {
    await issue(`2001-${month}-05`, 109_000);
    await pay(`2001-${month}-08`, 50_000);
    await pay(`2001-${month}-20`, 40_000);
  }
  // A red-letter reversal of a March bill counts as the negative amounts it is.
  const wrong = await issue('2001-03-06', 21_800);
  await t.database.orm.transaction((tx) =>
    journal.reverse(tx, systemActor, t.orgId, wrong.id, { entryDate: '2001-03-07', memo: '冲销' }),
  );
  const [receivable] = await queryRows<{ id: string }>(
    t.database.orm,
    sql`SELECT id FROM ledger_accounts WHERE org_id = ${t.orgId} AND purpose = 'receivable'`,
  );
  receivableId = receivable!.id;
});
afterAll(() => t.close());

describe('the trial balance', () => {
  it('balances after postings, each account signed by its normal side, red letters counted as they are', async () => {
    const response = await get('/ledger/trial-balance?from=2001-03-01&to=2001-12-31');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.balanced).toBe(true);
    expect(body.totalDebitFen).toBe(body.totalCreditFen);
    const byCode = new Map(body.accounts.map((account: { code: string }) => [account.code, account]));
    // March–May: 3 × 109,000 issued, 3 × 90,000 paid; the 21,800 bill and its red reversal cancel out.
    expect(byCode.get('1122')).toMatchObject({
      name: '应收账款',
      normalSide: 'debit',
      openingBalanceFen: expect.any(Number),
      debitFen: 3 * 109_000,
      creditFen: 3 * 90_000,
    });
    const receivable = byCode.get('1122') as { openingBalanceFen: number; balanceFen: number };
    expect(receivable.balanceFen).toBe(receivable.openingBalanceFen + 3 * 109_000 - 3 * 90_000);
    const revenue = byCode.get('6001') as {
      debitFen: number;
      creditFen: number;
      balanceFen: number;
      normalSide: string;
    };
    expect(revenue.normalSide).toBe('credit');
    expect(revenue.balanceFen).toBeGreaterThan(0);
    // Every chart account is listed, with nothing moved too.
    expect(byCode.has('6603')).toBe(true);

    // The year's opening (nothing before 2001 in this org's journal) and the whole of 2001.
    const year = (await get('/ledger/trial-balance?from=2001-01-01&to=2001-12-31')).json();
    const receivableYear = year.accounts.find((account: { code: string }) => account.code === '1122');
    expect(receivableYear.debitFen - receivableYear.creditFen).toBe(200_000 - 150_000 + 3 * (109_000 - 90_000));
    expect(year.balanced).toBe(true);
    expect(year.closingDebitFen).toBe(year.closingCreditFen);

    const all = (await get('/ledger/trial-balance')).json();
    expect(all.balanced).toBe(true);
    expect(all.from).toBeNull();
  });

  it('is for those who may read the ledger (zichan may not)', async () => {
    expect((await get('/ledger/trial-balance', 'shenpi')).statusCode).toBe(200);
    const refused = await get('/ledger/trial-balance', 'zichan');
    expect(refused.statusCode).toBe(403);
    expect(problemOf(refused).detail).toContain('ledger:read');
    for (const url of [
      '/ledger/accounts',
      '/ledger/receivables',
      '/ledger/entries',
      `/ledger/accounts/${receivableId}/lines`,
    ]) {
      expect((await get(url, 'zichan')).statusCode, url).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/ledger/trial-balance' })).statusCode).toBe(401);
  });
});

describe('an account’s lines (明细账)', () => {
  it('carries the running balance from the opening balance across pages', async () => {
    const query = `from=2001-03-01&to=2001-12-31&contractId=${contractId}&pageSize=4`;
    const first = (await get(`/ledger/accounts/${receivableId}/lines?${query}&page=1`)).json();
    expect(first.account).toMatchObject({ code: '1122', purpose: 'receivable' });
    expect(first.openingBalanceFen).toBe(200_000 - 150_000);
    expect(first.total).toBe(11);
    expect(first.closingBalanceFen).toBe(50_000 + 3 * 19_000);
    const pages = [first];
    for (const page of [2, 3])
      pages.push((await get(`/ledger/accounts/${receivableId}/lines?${query}&page=${page}`)).json());
    const lines = pages.flatMap((page) => page.items);
    expect(lines).toHaveLength(11);
    expect(pages[1].items[0].balanceFen).toBe(lines[3].balanceFen + lines[4].debitFen - lines[4].creditFen);
    let balance = first.openingBalanceFen;
    for (const line of lines) {
      balance += line.debitFen - line.creditFen;
      expect(line.balanceFen).toBe(balance);
      expect(line.contractId).toBe(contractId);
    }
    expect(balance).toBe(first.closingBalanceFen);
    // Posting order: the red-letter reversal right after its bill, with negative amounts.
    expect(lines.slice(0, 4).map((line) => [line.entryDate, line.debitFen, line.creditFen])).toEqual([
      ['2001-03-05', 109_000, 0],
      ['2001-03-06', 21_800, 0],
      ['2001-03-07', -21_800, 0],
      ['2001-03-08', 0, 50_000],
    ]);
    expect(lines[2].kind).toBe('reversal');

    const byTenant = (
      await get(`/ledger/accounts/${receivableId}/lines?to=2001-12-31&tenantId=${tenantId}&pageSize=200`)
    ).json();
    expect(byTenant.openingBalanceFen).toBe(0);
    expect(byTenant.items.at(-1).balanceFen).toBe(byTenant.closingBalanceFen);
  });

  it('answers 404 for an account of no one', async () => {
    const response = await get('/ledger/accounts/00000000-0000-4000-8000-000000000000/lines');
    expect(response.statusCode).toBe(404);
    expect(problemOf(response).detail).toContain('会计科目');
  });
});

describe('receivables by tenant and by contract', () => {
  it('lists the receivable sub-ledger balances with names, non-zero only unless asked', async () => {
    const byContract = (await get('/ledger/receivables?by=contract&to=2001-12-31&pageSize=200')).json();
    const row = byContract.items.find((item: { contractId: string }) => item.contractId === contractId);
    expect(row).toMatchObject({ tenantId, balanceFen: 50_000 + 3 * 19_000 });
    expect(row.contractNumber).toEqual(expect.any(String));
    expect(row.tenantName).toEqual(expect.any(String));
    expect(byContract.items.every((item: { balanceFen: number }) => item.balanceFen !== 0)).toBe(true);
    const byTenant = (await get('/ledger/receivables?by=tenant&to=2001-12-31')).json();
    expect(byTenant.by).toBe('tenant');
    expect(byTenant.items.find((item: { tenantId: string }) => item.tenantId === tenantId).contractId).toBeNull();
    expect(byTenant.totalBalanceFen).toBe(
      byTenant.items.reduce((sum: number, item: { balanceFen: number }) => sum + item.balanceFen, 0),
    );
  });
});

describe('journal entries', () => {
  it('lists entries by period and kind and shows one with its lines', async () => {
    const list = (await get('/ledger/entries?from=2001-03-01&to=2001-03-31&pageSize=200')).json();
    expect(list.total).toBe(5);
    expect(list.items[0].entryDate).toBe('2001-03-20');
    const reversal = list.items.find((entry: { kind: string }) => entry.kind === 'reversal');
    expect(reversal.reversesEntryId).toEqual(expect.any(String));
    const original = list.items.find((entry: { id: string }) => entry.id === reversal.reversesEntryId);
    expect(original.reversedByEntryId).toBe(reversal.id);
    const payments = (await get('/ledger/entries?from=2001-01-01&to=2001-12-31&kind=payment')).json();
    expect(payments.total).toBe(7);

    const detail = (await get(`/ledger/entries/${original.id}`)).json();
    expect(detail.amountFen).toBe(21_800);
    expect(detail.lines.map((line: { accountCode: string }) => line.accountCode)).toEqual(['1122', '6001', '2221']);
    expect(detail.lines[0]).toMatchObject({ accountName: '应收账款', debitFen: 21_800, creditFen: 0, contractId });
    expect(detail.lines[0].contractNumber).toEqual(expect.any(String));
    expect((await get('/ledger/entries/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});

describe('the chart of accounts', () => {
  it('lists the accounts and lets an administrator renumber and rename one, audited', async () => {
    const accounts = (await get('/ledger/accounts')).json();
    expect(accounts.length).toBeGreaterThanOrEqual(17);
    const bank = accounts.find((account: { purpose: string }) => account.purpose === 'bank');

    const patch = async (user: string, id: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/ledger/accounts/${id}`, headers: await t.as(user), payload });
    expect((await patch('caiwu', bank.id, { code: '1002.01' })).statusCode).toBe(403);

    const renamed = await patch('admin', bank.id, { code: '1002.01', name: '银行存款—工行' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ purpose: 'bank', code: '1002.01', name: '银行存款—工行' });
    const [audit] = await queryRows<{ action: string }>(
      t.database.orm,
      sql`SELECT action FROM audit_log WHERE entity_type = 'ledger_account' AND entity_id = ${bank.id}`,
    );
    expect(audit?.action).toBe('ledger_account.update');

    const taken = await patch('admin', bank.id, { code: '1122' });
    expect(taken.statusCode).toBe(409);
    expect(problemOf(taken).detail).toContain('应收账款');
    expect((await patch('admin', bank.id, {})).statusCode).toBe(400);
    expect((await patch('admin', '00000000-0000-4000-8000-000000000000', { name: 'x' })).statusCode).toBe(404);

    // The trial balance shows the org's own code.
    const trial = (await get('/ledger/trial-balance?from=2001-01-01&to=2001-12-31')).json();
    expect(trial.accounts.some((account: { code: string }) => account.code === '1002.01')).toBe(true);
  });
});

describe('the ledger after a billing run', () => {
  it('balances, and each contract’s receivable equals the outstanding of its bills', async () => {
    const headers = await t.as('caiwu');
    const run = await t.app.inject({
      method: 'POST',
      url: '/api/v1/billing-runs',
      headers,
      payload: { throughDate: chinaDate(new Date()) },
    });
    expect(run.statusCode).toBe(200);
    const trial = (await get('/ledger/trial-balance')).json();
    expect(trial.balanced).toBe(true);

    const ledger = (await get('/ledger/receivables?by=contract&pageSize=200&includeZero=true')).json();
    const outstanding = await queryRows<{ contractId: string; outstanding: string }>(
      t.database.orm,
      sql`SELECT contract_id AS "contractId",
                 sum(amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen) AS outstanding
            FROM bills WHERE org_id = ${t.orgId} AND status <> 'void' GROUP BY contract_id`,
    );
    expect(outstanding.length).toBeGreaterThan(0);
    // The test's own 2001 entries on one contract have no bills behind them.
    const mine = 50_000 + 3 * 19_000;
    const balances = new Map(
      ledger.items.map((item: { contractId: string; balanceFen: number }) => [item.contractId, item.balanceFen]),
    );
    for (const row of outstanding) {
      const expected = Number(row.outstanding) + (row.contractId === contractId ? mine : 0);
      expect({ contract: row.contractId, balance: balances.get(row.contractId) ?? 0 }).toEqual({
        contract: row.contractId,
        balance: expected,
      });
    }
  });
});
