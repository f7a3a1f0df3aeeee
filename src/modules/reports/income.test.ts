import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';

// 资产收入统计: a contract's bills split over its units by area, to the fen, figures computed by hand below.
const today = chinaDate(new Date());
const day = (offset: number) => addDays(today, offset);
const from = day(-100);

let t: TestApp;
let projectId: string;

type Json = Record<string, unknown>;

async function report(query: Record<string, string>, user = 'caiwu') {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/v1/reports/income-by-asset?${new URLSearchParams(query)}`,
    headers: await t.as(user),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: Json[]; total: number; totals: Json };
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.orm;
  const asset = async (code: string, parentId: string | null, type: string, area: string | null, status: string) => {
    const [row] = await queryRows<{ id: string }>(
      db,
      sql`INSERT INTO assets (org_id, code, name, type, parent_id, area_sqm, status)
          VALUES (${t.orgId}, ${code}, ${`收入测试${code}`}, ${type}, ${parentId}, ${area}::numeric, ${status})
          RETURNING id`,
    );
    return row!.id;
  };
  projectId = await asset('INC-P', null, 'project', null, 'vacant');
  const a = await asset('INC-A', projectId, 'unit', '60.00', 'leased');
  const b = await asset('INC-B', projectId, 'unit', '40.00', 'leased');
  const c = await asset('INC-C', projectId, 'parking', null, 'leased');
  const d = await asset('INC-D', projectId, 'parking', '30.00', 'leased');
  await asset('INC-E', projectId, 'unit', '25.00', 'vacant');
  await asset('INC-F', projectId, 'unit', '10.00', 'disposed');

  const tenant = await makeTenant(db, t.orgId, '收入测试户');
  const lease = async (units: string[]) => {
    const contractId = await makeContract(db, t.orgId, tenant.id, null, { startDate: day(-200), endDate: day(200) });
    for (const [position, unit] of units.entries()) {
      await db.execute(sql`INSERT INTO contract_assets (contract_id, asset_id, org_id, position, period, active)
        VALUES (${contractId}, ${unit}, ${t.orgId}, ${position}, daterange(${day(-200)}::date, ${day(200)}::date, '[]'), true)`);
    }
    return contractId;
  };
  const byArea = await lease([a, b]);
  const equally = await lease([c, d]);
  const bill = async (contractId: string, amountFen: number, netFen: number, kind = 'charge') => {
    const issued = await issueBill(db, t.orgId, {
      contractId,
      tenantId: tenant.id,
      dueDate: day(-20),
      amountFen,
      lateFee: null,
    });
    await db.execute(
      sql`UPDATE bills SET net_fen = ${netFen}, tax_fen = ${amountFen - netFen}, kind = ${kind},
                         period_index = ${kind === 'charge' ? null : 0} WHERE id = ${issued.id}`,
    );
    return issued;
  };
  // ¥1,000.01 at 9% VAT: net = round(100001 / 1.09) = 91744, tax 8257.
  const rent = await bill(byArea, 100_001, 91_744);
  await bill(byArea, 500_000, 500_000, 'deposit'); // not income
  const voided = await bill(byArea, 70_000, 70_000);
  const voiding = await t.app.inject({
    method: 'POST',
    url: `/api/v1/bills/${voided.id}/void`,
    headers: await t.as('caiwu'),
    payload: { reason: '重复开具' },
  });
  expect(voiding.statusCode, voiding.body).toBe(200);
  await bill(equally, 10_001, 10_001);
  const payment = await t.app.inject({
    method: 'POST',
    url: '/api/v1/payments',
    headers: await t.as('caiwu'),
    payload: { tenantId: tenant.id, amountFen: 50_001, receivedOn: today, method: 'bank_transfer', billIds: [rent.id] },
  });
  expect(payment.statusCode, payment.body).toBe(201);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('income by asset', () => {
  it('splits each bill over its units by area to the fen, the leftover fen to the largest remainders', async () => {
    const income = await report({ projectId, from, pageSize: '50' });
    const rows = Object.fromEntries(
      income.items.map((row) => [
        row.assetCode,
        [row.billCount, row.billedFen, row.netFen, row.taxFen, row.collectedFen, row.outstandingFen],
      ]),
    );
    expect(rows).toEqual({
      // 100001 × 60/100 = 60000.6 and × 40/100 = 40000.4: the odd fen to A. Net 91744 → 55046.4 / 36697.6: to B.
      // Paid 50001 → 30000.6 / 20000.4: to A.
      'INC-A': [1, 60_001, 55_046, 4_955, 30_001, 30_000],
      'INC-B': [1, 40_000, 36_698, 3_302, 20_000, 20_000],
      // C has no area registered: the bill splits equally, the odd fen to the first unit of the contract.
      'INC-C': [1, 5_001, 5_001, 0, 0, 5_001],
      'INC-D': [1, 5_000, 5_000, 0, 0, 5_000],
      // Vacant and earning nothing: listed with zeros. The disposed unit without income is not listed.
      'INC-E': [0, 0, 0, 0, 0, 0],
    });
    expect(income.totals).toMatchObject({
      billCount: 4,
      billedFen: 110_002,
      netFen: 101_745,
      taxFen: 8_257,
      collectedFen: 50_001,
      outstandingFen: 60_001,
      collectionRate: '0.4545', // 50001 / 110002 = 0.45454…
    });
    expect(income.items[0]!.assetCode).toBe('INC-A');
  });

  it('filters by asset type and exports the same figures with a totals row', async () => {
    const parking = await report({ projectId, from, type: 'parking' });
    expect(parking.items.map((row) => row.assetCode)).toEqual(['INC-C', 'INC-D']);
    expect(parking.totals.billedFen).toBe(10_001);

    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/income-by-asset.xlsx?${new URLSearchParams({ projectId, from })}`,
      headers: await t.as('shenji'),
    });
    expect(response.statusCode, response.body).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = sheet.getRow((sheet.getColumn(1).values as unknown[]).indexOf('资产编号')).values as unknown[];
    expect(header).toContain('不含税收入');
    const values = (sheet.getColumn(header.indexOf('应收（含税）')).values as unknown[]).filter(
      (value) => typeof value === 'number',
    );
    // Five assets at ¥600.01, ¥400.00, ¥50.01, ¥50.00, ¥0 and the totals row (yuan, as Excel shows money).
    expect(values).toEqual([600.01, 400, 50.01, 50, 0, 1100.02]);
  });

  it('is in the catalogue, each filter described with the control that asks for it', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/reports', headers: await t.as('shenji') });
    expect(response.statusCode, response.body).toBe(200);
    const catalogue = response.json() as { name: string; filters: Json[] }[];
    const income = catalogue.find((entry) => entry.name === 'income-by-asset')!;
    expect(income.filters.map((filter) => [filter.key, filter.control])).toEqual([
      ['from', 'date'],
      ['to', 'date'],
      ['asOf', 'date'],
      ['projectId', 'project'],
      ['type', 'choice'],
    ]);
    expect(income.filters.at(-1)!.options).toContainEqual({ value: 'parking', zh: '车位', en: 'Parking' });
    const filterOf = (report: string, key: string) =>
      catalogue.find((entry) => entry.name === report)!.filters.find((filter) => filter.key === key)!;
    expect(filterOf('collection', 'groupBy').options).toEqual([
      { value: 'month', zh: '按月', en: 'By month' },
      { value: 'project', zh: '按项目', en: 'By project' },
      { value: 'assetType', zh: '按资产类型', en: 'By asset type' },
    ]);
    expect(filterOf('arrears-aging', 'overdueOnly').control).toBe('boolean');
    expect(filterOf('arrears-aging', 'tenantId').control).toBe('tenant');
    expect(filterOf('rent-roll', 'contractId').control).toBe('contract');
    expect(filterOf('vacancies', 'minDays')).toMatchObject({ control: 'integer', minimum: 0, maximum: 36500 });
    expect(filterOf('rent-roll', 'status').options).toContainEqual({
      value: 'partial',
      zh: '部分缴纳',
      en: 'Partly paid',
    });
  });

  it('refuses a range that ends before it starts', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/income-by-asset?from=${today}&to=${day(-1)}`,
      headers: await t.as('caiwu'),
    });
    expect(response.statusCode).toBe(400);
  });
});
