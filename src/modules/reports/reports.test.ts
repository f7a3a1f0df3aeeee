import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { accountBalance, issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import { tenantHeaders } from '../../../test/helpers/payments.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import { rentRoll } from './catalogue.ts';
import { reportWorkbookStream } from './workbook.ts';

// A tenant of our own on top of the demo, with bills whose figures are computed by hand below. Dates are relative to
// today (China time) so the as-of-today fast path and the past-date path are both exercised.
const today = chinaDate(new Date());
const day = (offset: number) => addDays(today, offset);

let t: TestApp;
let tenantId: string;
let contractId: string;
let projectId: string;
const bills: Record<string, { id: string; number: string }> = {};

type Json = Record<string, unknown>;

async function get(url: string, user = 'caiwu', headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers: { ...(await t.as(user)), ...headers } });
}

async function report(name: string, query: Record<string, string | number | boolean>, user = 'caiwu') {
  const response = await get(`/api/v1/reports/${name}?${new URLSearchParams(stringify(query))}`, user);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: Json[]; total: number; totals: Json; subtotals?: Json[]; columns: Json[] };
}

const stringify = (query: Record<string, string | number | boolean>) =>
  Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)]));

async function pay(amountFen: number, receivedOn: string, billIds: string[], method = 'bank_transfer') {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/payments',
    headers: await t.as('caiwu'),
    payload: { tenantId, amountFen, receivedOn, method, billIds },
  });
  expect(response.statusCode, response.body).toBe(201);
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.orm;
  const tenant = await makeTenant(db, t.orgId, '欧阳测试');
  tenantId = tenant.id;
  await db.execute(sql`UPDATE tenants SET phone_enc = ${t.pii.encrypt('phone', '13812345678')} WHERE id = ${tenantId}`);
  contractId = await makeContract(db, t.orgId, tenantId, null, { startDate: day(-500), endDate: day(60) });

  // A project of our own: two rentable units (one let by the contract, one vacant for 30 days), one in self use and
  // one disposed (neither counts for occupancy).
  const asset = async (
    code: string,
    name: string,
    type: string,
    parentId: string | null,
    area: string | null,
    status: string,
  ) => {
    const [row] = await queryRows<{ id: string }>(
      db,
      sql`INSERT INTO assets (org_id, code, name, type, parent_id, area_sqm, status)
          VALUES (${t.orgId}, ${code}, ${name}, ${type}, ${parentId}, ${area}::numeric, ${status}) RETURNING id`,
    );
    return row!.id;
  };
  projectId = await asset('RPT-P', '报表测试园区', 'project', null, null, 'vacant');
  const building = await asset('RPT-B', '报表测试楼', 'building', projectId, null, 'vacant');
  const leased = await asset('RPT-U1', '报表测试101', 'unit', building, '100.00', 'leased');
  const vacant = await asset('RPT-U2', '报表测试102', 'unit', building, '50.50', 'vacant');
  await asset('RPT-U3', '报表测试103', 'unit', building, '30.00', 'self_use');
  await asset('RPT-U4', '报表测试104', 'unit', building, '20.00', 'disposed');
  await db.execute(sql`INSERT INTO contract_assets (contract_id, asset_id, org_id, position, period, active)
    VALUES (${contractId}, ${leased}, ${t.orgId}, 0, daterange(${day(-500)}::date, ${day(60)}::date, '[]'), true)`);
  await db.execute(sql`INSERT INTO asset_status_history (org_id, asset_id, from_status, to_status, changed_at)
    VALUES (${t.orgId}, ${vacant}, 'leased', 'vacant', ${`${day(-30)}T10:00:00+08:00`}::timestamptz)`);

  const plan: [string, number, number][] = [
    ['b1', -400, 100_000],
    ['b2', -200, 200_000],
    ['b3', -45, 300_000],
    ['b4', -10, 400_000],
    ['b5', 0, 500_000],
    ['b6', 20, 600_000],
    ['b7', -100, 700_000],
  ];
  for (const [key, offset, amountFen] of plan) {
    bills[key] = await issueBill(db, t.orgId, { contractId, tenantId, dueDate: day(offset), amountFen, lateFee: null });
  }
  await pay(50_000, day(-10), [bills.b2!.id]);
  await pay(700_000, day(-5), [bills.b7!.id]);
  await pay(12_345, today, [bills.b6!.id], 'cash');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('arrears aging', () => {
  it('lists each unsettled bill in its bucket as of today, and its total is the tenant’s receivable balance', async () => {
    const aging = await report('arrears-aging', { tenantId, pageSize: 200 });
    expect(aging.items.map((row) => [row.billNumber, row.bucket, row.daysOverdue, row.outstandingFen])).toEqual([
      [bills.b1!.number, 'over-365', 400, 100_000],
      [bills.b2!.number, '181-365', 200, 150_000],
      [bills.b3!.number, '31-90', 45, 300_000],
      [bills.b4!.number, '1-30', 10, 400_000],
      [bills.b5!.number, 'not-due', 0, 500_000],
      [bills.b6!.number, 'not-due', 0, 587_655],
    ]);
    expect(aging.total).toBe(6);
    expect(aging.totals).toEqual({ billedFen: 2_100_000, paidFen: 62_345, outstandingFen: 2_037_655 });
    expect(aging.subtotals).toEqual([
      { bucket: 'not-due', count: 2, billedFen: 1_100_000, paidFen: 12_345, outstandingFen: 1_087_655 },
      { bucket: '1-30', count: 1, billedFen: 400_000, paidFen: 0, outstandingFen: 400_000 },
      { bucket: '31-90', count: 1, billedFen: 300_000, paidFen: 0, outstandingFen: 300_000 },
      { bucket: '181-365', count: 1, billedFen: 200_000, paidFen: 50_000, outstandingFen: 150_000 },
      { bucket: 'over-365', count: 1, billedFen: 100_000, paidFen: 0, outstandingFen: 100_000 },
    ]);
    expect(aging.totals.outstandingFen).toBe(await accountBalance(t.database.orm, t.orgId, 'receivable', { tenantId }));
  });

  it('as of an earlier day adds back what was paid after it (b7 was settled 5 days ago)', async () => {
    const aging = await report('arrears-aging', { tenantId, asOf: day(-6) });
    expect(aging.items.map((row) => [row.billNumber, row.bucket, row.outstandingFen])).toEqual([
      [bills.b1!.number, 'over-365', 100_000],
      [bills.b2!.number, '181-365', 150_000],
      [bills.b7!.number, '91-180', 700_000],
      [bills.b3!.number, '31-90', 300_000],
      [bills.b4!.number, '1-30', 400_000],
      [bills.b5!.number, 'not-due', 500_000],
      [bills.b6!.number, 'not-due', 600_000],
    ]);
    expect(aging.totals.outstandingFen).toBe(2_750_000);
  });

  it('over the whole demo organisation equals the receivable (1122) balance of the trial balance', async () => {
    const aging = await report('arrears-aging', { pageSize: 1 });
    const trial = await get('/api/v1/ledger/trial-balance');
    const receivable = (trial.json().accounts as { code: string; balanceFen: number }[]).find((a) => a.code === '1122');
    expect(aging.totals.outstandingFen).toBe(receivable!.balanceFen);
    expect(aging.totals.outstandingFen).toBe(await accountBalance(t.database.orm, t.orgId, 'receivable'));
    expect(aging.total).toBeGreaterThan(10);
    const subtotalSum = aging.subtotals!.reduce((sum, row) => sum + Number(row.outstandingFen), 0);
    expect(subtotalSum).toBe(aging.totals.outstandingFen);
  });

  it('filters by bucket', async () => {
    const aging = await report('arrears-aging', { tenantId, bucket: 'not-due' });
    expect(aging.items.map((row) => row.billNumber)).toEqual([bills.b5!.number, bills.b6!.number]);
  });
});

describe('rent roll, collection, payments, vacancies, registers', () => {
  it('rent roll: billed, collected and outstanding per bill of the contract', async () => {
    const roll = await report('rent-roll', { contractId, from: day(-400), to: day(20) });
    expect(roll.total).toBe(7);
    expect(roll.totals).toEqual({
      billedFen: 2_800_000,
      lateFeeFen: 0,
      collectedFen: 762_345,
      outstandingFen: 2_037_655,
    });
    const b2 = roll.items.find((row) => row.billNumber === bills.b2!.number)!;
    expect(b2).toMatchObject({ billedFen: 200_000, collectedFen: 50_000, outstandingFen: 150_000, status: 'partial' });
    expect(b2.assetNames).toBe('报表测试101');
    expect(b2.projectName).toBe('报表测试园区');
    // As of 6 days ago b7 had not been paid yet.
    const earlier = await report('rent-roll', { contractId, from: day(-400), to: day(20), asOf: day(-6) });
    expect(earlier.totals.collectedFen).toBe(50_000);
  });

  it('collection rate: principal collected of the principal billed due in the period', async () => {
    const byMonth = await report('collection', { tenantId, from: day(-400), to: day(20), pageSize: 200 });
    expect(byMonth.totals).toEqual({
      billCount: 7,
      billedFen: 2_800_000,
      collectedFen: 762_345,
      outstandingFen: 2_037_655,
      collectionRate: '0.2723', // 762345 / 2800000 = 0.27226…
    });
    // Every month of the range is listed, those without bills as zeros.
    expect(byMonth.items.length).toBeGreaterThanOrEqual(14);
    const month = (date: string) => byMonth.items.find((row) => row.group === date.slice(0, 7))!;
    expect(Number(month(day(-200)).billedFen)).toBeGreaterThanOrEqual(200_000);
    const byProject = await report('collection', { groupBy: 'project', projectId, from: day(-400), to: day(20) });
    expect(byProject.items).toEqual([
      {
        group: projectId,
        groupLabel: '报表测试园区',
        billCount: 7,
        billedFen: 2_800_000,
        collectedFen: 762_345,
        outstandingFen: 2_037_655,
        collectionRate: '0.2723',
      },
    ]);
    const byType = await report('collection', { groupBy: 'assetType', tenantId, from: day(-400), to: day(20) });
    expect(byType.items.map((row) => [row.group, row.groupLabel, row.billedFen])).toEqual([
      ['unit', '房间/铺位', 2_800_000],
    ]);
  });

  it('payments: those received in the range, subtotalled by method', async () => {
    const payments = await report('payments', { tenantId, from: day(-10), to: today });
    expect(payments.total).toBe(3);
    expect(payments.totals).toEqual({ amountFen: 762_345, advanceFen: 0 });
    expect(payments.subtotals).toEqual([
      { method: 'bank_transfer', count: 2, amountFen: 750_000, advanceFen: 0 },
      { method: 'cash', count: 1, amountFen: 12_345, advanceFen: 0 },
    ]);
  });

  it('vacancies: the vacant unit with its days vacant from the status history', async () => {
    const vacancies = await report('vacancies', { projectId });
    expect(vacancies.items).toEqual([
      {
        assetCode: 'RPT-U2',
        assetName: '报表测试102',
        type: 'unit',
        projectName: '报表测试园区',
        areaSqm: '50.50',
        vacantSince: day(-30),
        daysVacant: 30,
      },
    ]);
    expect(vacancies.totals).toEqual({ areaSqm: '50.50' });
    expect((await report('vacancies', { projectId, minDays: 31 })).total).toBe(0);
  });

  it('asset and contract registers', async () => {
    const assets = await report('asset-register', { projectId, type: 'unit' });
    expect(assets.items.map((row) => [row.code, row.status, row.contractNumber !== null])).toEqual([
      ['RPT-U1', 'leased', true],
      ['RPT-U2', 'vacant', false],
      ['RPT-U3', 'self_use', false],
      ['RPT-U4', 'disposed', false],
    ]);
    expect(assets.totals.areaSqm).toBe('200.50');
    const contracts = await report('contract-register', { tenantId });
    expect(contracts.items).toHaveLength(1);
    expect(contracts.items[0]).toMatchObject({ endDate: day(60), monthlyRentFen: 100_000, status: 'active' });
  });
});

describe('dashboard', () => {
  it('shows occupancy, collection, aging, top overdue tenants, contracts ending and today’s payments, each with its drill-through', async () => {
    const response = await get('/api/v1/reports/dashboard');
    expect(response.statusCode, response.body).toBe(200);
    const board = response.json();
    expect(board.asOf).toBe(today);

    const ours = board.occupancy.byProject.find((row: Json) => row.projectId === projectId);
    expect(ours).toEqual({
      projectId,
      projectName: '报表测试园区',
      units: 2,
      leasedUnits: 1,
      rateByCount: '0.5000',
      areaSqm: '150.50',
      leasedAreaSqm: '100.00',
      rateByArea: '0.6645', // 100 / 150.5 = 0.66445…
      drill: { report: 'vacancies', filter: { asOf: today, projectId } },
    });
    const sumOver = (rows: Json[], key: string) => rows.reduce((sum, row) => sum + Number(row[key]), 0);
    expect(sumOver(board.occupancy.byProject, 'units')).toBe(board.occupancy.total.units);
    expect(sumOver(board.occupancy.byAssetType, 'leasedUnits')).toBe(board.occupancy.total.leasedUnits);

    // The aging buckets add up to the receivable balance; each drills into the aging report with the same figure.
    const receivable = await accountBalance(t.database.orm, t.orgId, 'receivable');
    expect(board.aging.outstandingFen).toBe(receivable);
    expect(sumOver(board.aging.buckets, 'outstandingFen')).toBe(receivable);
    const over365 = board.aging.buckets.find((row: Json) => row.bucket === '31-90');
    expect(over365.drill).toEqual({ report: 'arrears-aging', filter: { asOf: today, bucket: '31-90' } });
    const detail = await report('arrears-aging', over365.drill.filter);
    expect(detail.totals.outstandingFen).toBe(over365.outstandingFen);
    expect(detail.total).toBe(over365.billCount);

    // Twelve months of billed vs collected, ending with this month.
    expect(board.billedVsCollected).toHaveLength(12);
    expect(board.billedVsCollected.at(-1).month).toBe(today.slice(0, 7));
    const rate = board.collectionRate;
    expect(rate.drill).toEqual({
      report: 'collection',
      filter: { groupBy: 'month', from: `${today.slice(0, 4)}-01-01`, to: today, asOf: today },
    });
    const rateDetail = await report('collection', { ...rate.drill.filter, pageSize: 200 });
    expect([rateDetail.totals.billedFen, rateDetail.totals.collectedFen, rateDetail.totals.collectionRate]).toEqual([
      rate.billedFen,
      rate.collectedFen,
      rate.rate,
    ]);

    // Top overdue tenants, largest first, each equal to its drill-through.
    expect(board.topOverdueTenants.length).toBeGreaterThan(0);
    expect(board.topOverdueTenants.length).toBeLessThanOrEqual(10);
    const amounts = board.topOverdueTenants.map((row: Json) => row.overdueFen as number);
    expect([...amounts].sort((a, b) => b - a)).toEqual(amounts);
    const first = board.topOverdueTenants[0];
    const firstDetail = await report('arrears-aging', first.drill.filter);
    expect(firstDetail.totals.outstandingFen).toBe(first.overdueFen);

    // Contracts ending within 90 days include ours (ends in 60 days).
    const ending = await report('contract-register', { ...board.contractsEnding.drill.filter, pageSize: 200 });
    expect(ending.total).toBe(board.contractsEnding.count);
    expect(ending.items.some((row) => row.endDate === day(60) && row.monthlyRentFen === 100_000)).toBe(true);

    // Today's payments by channel equal the payments report for today.
    const todays = await report('payments', { from: today, to: today });
    expect(board.paymentsToday.amountFen).toBe(todays.totals.amountFen);
    expect(board.paymentsToday.count).toBe(todays.total);
    const cash = board.paymentsToday.byChannel.find((row: Json) => row.method === 'cash');
    expect(cash.amountFen).toBeGreaterThanOrEqual(12_345);
    expect(cash.drill).toEqual({ report: 'payments', filter: { from: today, to: today, method: 'cash' } });
  });

  it('as of an earlier day agrees with the aging report of that day', async () => {
    const response = await get(`/api/v1/reports/dashboard?asOf=${day(-6)}`, 'shenji');
    expect(response.statusCode, response.body).toBe(200);
    const board = response.json();
    const aging = await report('arrears-aging', { asOf: day(-6), pageSize: 1 });
    expect(board.aging.outstandingFen).toBe(aging.totals.outstandingFen);
    expect(board.aging.billCount).toBe(aging.total);
    expect(board.paymentsToday.date).toBe(day(-6));
  });

  it('is documented in the OpenAPI document, the collection rate defined', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const dashboard = document.paths['/api/v1/reports/dashboard'].get;
    expect(dashboard.description).toContain('收缴率 = 应缴日期在期间内的账单');
    for (const name of [
      'rent-roll',
      'arrears-aging',
      'collection',
      'vacancies',
      'asset-register',
      'contract-register',
      'income-by-asset',
    ]) {
      expect(document.paths[`/api/v1/reports/${name}`]?.get, name).toBeDefined();
      expect(document.paths[`/api/v1/reports/${name}.xlsx`]?.get, name).toBeDefined();
    }
  });
});

async function workbookOf(url: string, headers: Record<string, string> = {}) {
  const response = await get(url, 'shenji', headers);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toContain('spreadsheetml');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
  return workbook.worksheets[0]!;
}

function cellJson(value: ExcelJS.CellValue): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value;
}

describe('Excel export', () => {
  it('equals the JSON: same rows, same totals and subtotals, Chinese headers, ¥ format, dates, frozen header', async () => {
    const query = `tenantId=${tenantId}&asOf=${day(-6)}`;
    const json = (await report('arrears-aging', { tenantId, asOf: day(-6) }, 'shenji')) as unknown as {
      items: Json[];
      totals: Json;
      subtotals: Json[];
      columns: { key: string; kind: string; zh: string; labels?: Record<string, { zh: string }> }[];
    };
    const sheet = await workbookOf(`/api/v1/reports/arrears-aging.xlsx?${query}`);
    expect(String(sheet.getCell('A1').value)).toBe('重庆永川政鑫资产经营有限公司（政鑫公司） 欠费账龄明细');
    expect(String(sheet.getCell('A2').value)).toMatch(/^筛选：.*截至日期 \d{4}-\d{2}-\d{2}.*生成时间：\d{4}-/);
    // The tenant filter reads as the tenant's name, masked for the auditor.
    expect(String(sheet.getCell('A2').value)).toContain('承租方 欧***');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    const headers = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(headers).toEqual(json.columns.map((column) => column.zh));

    const expected = json.items.map((item) =>
      json.columns.map((column) => {
        const value = item[column.key];
        if (value === null) return null;
        if (column.kind === 'fen') return (value as number) / 100;
        if (column.labels) return column.labels[value as string]?.zh ?? value;
        return value;
      }),
    );
    const rows: unknown[][] = [];
    for (let number = 4; number < 4 + json.items.length; number++) {
      const row = sheet.getRow(number);
      rows.push(json.columns.map((_, index) => cellJson(row.getCell(index + 1).value)));
    }
    expect(rows).toEqual(expected);
    const billed = sheet.getRow(4).getCell(json.columns.findIndex((column) => column.key === 'billedFen') + 1);
    expect(billed.numFmt).toContain('¥');
    expect(billed.numFmt).toContain('#,##0.00');
    const due = sheet.getRow(4).getCell(json.columns.findIndex((column) => column.key === 'dueDate') + 1);
    expect(due.value).toBeInstanceOf(Date);
    expect(due.numFmt).toBe('yyyy-mm-dd');

    const column = (key: string) => json.columns.findIndex((candidate) => candidate.key === key) + 1;
    const totalsRow = sheet.getRow(4 + json.items.length);
    expect(String(totalsRow.getCell(1).value)).toBe(`合计（${json.items.length} 行）`);
    for (const key of ['billedFen', 'paidFen', 'outstandingFen']) {
      expect(Math.round(Number(totalsRow.getCell(column(key)).value) * 100)).toBe(json.totals[key]);
    }
    json.subtotals.forEach((subtotal, index) => {
      const row = sheet.getRow(5 + json.items.length + index);
      expect(String(row.getCell(1).value)).toContain('小计');
      expect(Math.round(Number(row.getCell(column('outstandingFen')).value) * 100)).toBe(subtotal.outstandingFen);
    });
    expect(sheet.getRow(5 + json.items.length + json.subtotals.length).hasValues).toBe(false);
  });

  it('streams a report of every demo bill, with English headers on Accept-Language: en', async () => {
    const roll = await report('rent-roll', { pageSize: 1 }, 'shenji');
    const sheet = await workbookOf('/api/v1/reports/rent-roll.xlsx', { 'accept-language': 'en' });
    expect(String(sheet.getCell('A1').value)).toContain('Rent roll');
    expect(sheet.getRow(3).getCell(1).value).toBe('Contract');
    const totalsRow = sheet.getRow(4 + roll.total);
    expect(String(totalsRow.getCell(1).value)).toBe(`Total (${roll.total} rows)`);
    const billedColumn = roll.columns.findIndex((column) => column.key === 'billedFen') + 1;
    expect(Math.round(Number(totalsRow.getCell(billedColumn).value) * 100)).toBe(roll.totals.billedFen);
  });

  it('shows the collection by project as the screen does: the project’s name, never its id', async () => {
    const sheet = await workbookOf(
      `/api/v1/reports/collection.xlsx?groupBy=project&projectId=${projectId}&from=${day(-400)}&to=${day(20)}`,
    );
    expect((sheet.getRow(3).values as unknown[]).slice(1)).toEqual([
      '名称',
      '账单数',
      '应收本金',
      '已收本金',
      '未收本金',
      '收缴率',
    ]);
    expect(sheet.getRow(4).getCell(1).value).toBe('报表测试园区');
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    const cells: string[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value))));
    expect(cells.filter((text) => uuid.test(text))).toEqual([]);
    const byType = await workbookOf(
      `/api/v1/reports/collection.xlsx?groupBy=assetType&tenantId=${tenantId}&from=${day(-400)}&to=${day(20)}`,
    );
    expect(byType.getRow(3).getCell(1).value).toBe('分组');
    expect(byType.getRow(4).getCell(1).value).toBe('房间/铺位');
  });

  it('ends the export and its cursor when the reader goes away', async () => {
    const reader = { orgId: t.orgId, seesNames: false, today };
    const stream = reportWorkbookStream({
      context: { db: t.database.orm, pii: t.pii },
      definition: rentRoll,
      filters: rentRoll.prepare({ from: day(-3000), to: day(400) }, today),
      reader,
      orgName: '测试',
      language: 'zh',
    });
    await once(stream, 'data');
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The database is free again: the cursor's transaction has ended.
    expect((await report('vacancies', { projectId })).total).toBe(1);
  });
});

describe('filters and access', () => {
  it('answers a bad filter with a problem', async () => {
    const cases = [
      '/api/v1/reports/arrears-aging?bucket=2-3',
      '/api/v1/reports/rent-roll?from=2026-02-30',
      '/api/v1/reports/rent-roll?colour=red',
      '/api/v1/reports/rent-roll?pageSize=500',
      '/api/v1/reports/collection?groupBy=tenant',
      '/api/v1/reports/vacancies.xlsx?minDays=-1',
      '/api/v1/reports/dashboard?asOf=today',
    ];
    for (const url of cases) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
    const backwards = await get('/api/v1/reports/rent-roll?from=2026-05-01&to=2026-04-01');
    expect(backwards.statusCode).toBe(400);
    expect(problemOf(backwards).detail).toBe('起始日期 2026-05-01 晚于截止日期 2026-04-01，请调整筛选条件');
    const tooLong = await get('/api/v1/reports/collection.xlsx?from=2000-01-01&to=2026-01-01');
    expect(problemOf(tooLong).code).toBe('report_range_too_long');
  });

  it('lets the auditor read with names and phones masked; a tenant and an anonymous caller cannot', async () => {
    const masked = await report('arrears-aging', { tenantId, pageSize: 1 }, 'shenji');
    expect(masked.items[0]).toMatchObject({ tenantName: '欧***', phone: '138****5678' });
    const revealed = await report('arrears-aging', { tenantId, pageSize: 1 }, 'admin');
    expect(revealed.items[0]).toMatchObject({ tenantName: '欧阳测试', phone: '138****5678' });
    expect((await get('/api/v1/reports/dashboard', 'shenji')).statusCode).toBe(200);
    expect((await get('/api/v1/reports', 'shenji')).statusCode).toBe(200);

    const asTenant = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reports/dashboard',
      headers: await tenantHeaders(t, tenantId),
    });
    expect(asTenant.statusCode).toBe(403);
    for (const url of ['/api/v1/reports/dashboard', '/api/v1/reports/rent-roll', '/api/v1/reports/rent-roll.xlsx']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
    // Every report is read with report:read; the voucher account mapping is changed with settings:manage.
    const routes = t.app.routeAccess.filter((route) => route.url.startsWith('/api/v1/reports'));
    expect(routes.length).toBeGreaterThanOrEqual(16);
    const reads = routes.filter((route) => route.method === 'GET' || route.method === 'HEAD');
    expect(new Set(reads.map((route) => route.access))).toEqual(new Set(['report:read']));
    expect(routes.filter((route) => !reads.includes(route)).map((route) => `${route.method} ${route.url}`)).toEqual([
      'PUT /api/v1/reports/voucher-mapping',
    ]);
  });
});
