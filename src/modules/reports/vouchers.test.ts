import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import { tenantHeaders } from '../../../test/helpers/payments.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';

// The demo organisation's journal over the last two months and a bit, plus a tenant of our own whose bill and payment
// give receivable lines with a known customer.
const today = chinaDate(new Date());
const from = `${addDays(today, -62).slice(0, 7)}-01`;

let t: TestApp;
let tenantId: string;

type Line = {
  voucherDate: string;
  voucherWord: string;
  voucherNo: number;
  summary: string;
  accountCode: string;
  accountName: string;
  debitFen: number;
  creditFen: number;
  auxiliary: string | null;
  ledgerAccountCode: string;
  entryNo: number;
};
type Preview = {
  voucherCount: number;
  lineCount: number;
  debitFen: number;
  creditFen: number;
  balanced: boolean;
  headers: { key: string; header: string }[];
  warnings: { accountCode: string }[];
  items: Line[];
  total: number;
};

async function get(url: string, user = 'caiwu') {
  return t.app.inject({ method: 'GET', url, headers: await t.as(user) });
}

/** Every line of the preview, page by page. */
async function preview(query: string, user = 'caiwu'): Promise<Preview> {
  const first = await get(`/api/v1/reports/vouchers?${query}&pageSize=200`, user);
  expect(first.statusCode, first.body).toBe(200);
  const body = first.json() as Preview;
  for (let page = 2; (page - 1) * 200 < body.total; page++) {
    const next = await get(`/api/v1/reports/vouchers?${query}&pageSize=200&page=${page}`, user);
    body.items.push(...(next.json() as Preview).items);
  }
  return body;
}

async function putMapping(
  items: { accountCode: string; externalCode: string; externalName: string }[],
  user = 'admin',
) {
  return t.app.inject({
    method: 'PUT',
    url: '/api/v1/reports/voucher-mapping',
    headers: await t.as(user),
    payload: { items },
  });
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.orm;
  const tenant = await makeTenant(db, t.orgId, '司马凭证');
  tenantId = tenant.id;
  const contractId = await makeContract(db, t.orgId, tenantId, null);
  const bill = await issueBill(db, t.orgId, {
    contractId,
    tenantId,
    dueDate: today,
    amountFen: 123_456,
    lateFee: null,
  });
  const paid = await t.app.inject({
    method: 'POST',
    url: '/api/v1/payments',
    headers: await t.as('caiwu'),
    payload: { tenantId, amountFen: 123_456, receivedOn: today, method: 'bank_transfer', billIds: [bill.id] },
  });
  expect(paid.statusCode, paid.body).toBe(201);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('accounting vouchers (记账凭证)', () => {
  it('equal the journal of the range: every voucher balances, 借方 = 贷方 = the journal’s totals', async () => {
    const body = await preview(`from=${from}&to=${today}`);
    const [journal] = await queryRows<{ debit: string; credit: string; lines: string; entries: string }>(
      t.database.orm,
      sql`SELECT sum(l.debit_fen)::text AS debit, sum(l.credit_fen)::text AS credit, count(*)::text AS lines,
                 count(DISTINCT e.id)::text AS entries
            FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
           WHERE e.org_id = ${t.orgId} AND e.entry_date BETWEEN ${from}::date AND ${today}::date`,
    );
    expect(body.lineCount).toBeGreaterThan(10);
    expect(body.lineCount).toBe(Number(journal!.lines));
    expect(body.voucherCount).toBe(Number(journal!.entries));
    expect(body.debitFen).toBe(Number(journal!.debit));
    expect(body.creditFen).toBe(Number(journal!.credit));
    expect(body.balanced).toBe(true);
    expect(body.items).toHaveLength(body.total);
    const sum = (lines: Line[], key: 'debitFen' | 'creditFen') => lines.reduce((total, line) => total + line[key], 0);
    expect(sum(body.items, 'debitFen')).toBe(body.debitFen);
    expect(sum(body.items, 'creditFen')).toBe(body.creditFen);

    // One voucher per entry, balanced; numbered 1, 2, 3… per month in date order.
    const byVoucher = new Map<string, Line[]>();
    for (const line of body.items) {
      const key = `${line.voucherDate.slice(0, 7)}#${line.voucherNo}`;
      byVoucher.set(key, [...(byVoucher.get(key) ?? []), line]);
    }
    expect(byVoucher.size).toBe(body.voucherCount);
    for (const lines of byVoucher.values()) {
      expect(new Set(lines.map((line) => line.entryNo)).size).toBe(1);
      expect(sum(lines, 'debitFen')).toBe(sum(lines, 'creditFen'));
      expect(lines.every((line) => line.voucherWord === '记')).toBe(true);
    }
    const months = new Map<string, number[]>();
    let previous = '';
    for (const line of body.items) {
      expect(line.voucherDate >= previous).toBe(true);
      previous = line.voucherDate;
      const numbers = months.get(line.voucherDate.slice(0, 7)) ?? [];
      if (numbers.at(-1) !== line.voucherNo) numbers.push(line.voucherNo);
      months.set(line.voucherDate.slice(0, 7), numbers);
    }
    for (const numbers of months.values()) expect(numbers).toEqual(numbers.map((_, index) => index + 1));
  }, 120_000);

  it('names the customer in 辅助核算 on receivable lines, masked for a reader without pii:reveal', async () => {
    const masked = await preview(`from=${today}&to=${today}`);
    expect(masked.items.filter((line) => line.auxiliary?.startsWith('客户:司***')).length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(masked.items)).not.toContain('司马凭证');
    const revealed = await preview(`from=${today}&to=${today}`, 'admin');
    const ours = revealed.items.filter((line) => line.auxiliary?.startsWith('客户:司马凭证'));
    expect(ours.length).toBeGreaterThanOrEqual(2); // the bill (Dr) and the payment (Cr)
    expect(ours.every((line) => line.ledgerAccountCode === '1122')).toBe(true);
    const [balance] = await queryRows<{ debit: string; credit: string }>(
      t.database.orm,
      sql`SELECT sum(l.debit_fen)::text AS debit, sum(l.credit_fen)::text AS credit FROM journal_lines l
           JOIN ledger_accounts a ON a.id = l.account_id WHERE l.tenant_id = ${tenantId} AND a.purpose = 'receivable'`,
    );
    expect(ours.reduce((total, line) => total + line.debitFen, 0)).toBe(Number(balance!.debit));
    expect(ours.reduce((total, line) => total + line.creditFen, 0)).toBe(Number(balance!.credit));
  }, 120_000);

  it('applies the account mapping; unmapped accounts keep our code and are listed as warnings', async () => {
    const before = await preview(`from=${from}&to=${today}`);
    expect(before.warnings.map((warning) => warning.accountCode)).toContain('1122');
    const saved = await putMapping([
      { accountCode: '1122', externalCode: '112201', externalName: '应收账款—租金' },
      { accountCode: '6001', externalCode: '600101', externalName: '主营业务收入—房租' },
    ]);
    expect(saved.statusCode, saved.body).toBe(200);
    const mapping = (await get('/api/v1/reports/voucher-mapping', 'shenji')).json() as {
      items: { accountCode: string; externalCode: string | null }[];
    };
    expect(mapping.items.find((item) => item.accountCode === '1122')?.externalCode).toBe('112201');
    expect(mapping.items.find((item) => item.accountCode === '1002')?.externalCode).toBeNull();

    const after = await preview(`from=${from}&to=${today}`);
    expect(after.warnings.map((warning) => warning.accountCode)).not.toContain('1122');
    expect(after.warnings.map((warning) => warning.accountCode)).toEqual(
      before.warnings.map((warning) => warning.accountCode).filter((code) => code !== '1122' && code !== '6001'),
    );
    for (const line of after.items) {
      if (line.ledgerAccountCode === '1122')
        expect([line.accountCode, line.accountName]).toEqual(['112201', '应收账款—租金']);
      else if (line.ledgerAccountCode === '6001') expect(line.accountCode).toBe('600101');
      else expect(line.accountCode).toBe(line.ledgerAccountCode);
    }
    expect(after.debitFen).toBe(before.debitFen);
    const [audit] = await queryRows<{ n: string }>(
      t.database.orm,
      sql`SELECT count(*)::text AS n FROM audit_log WHERE action = 'voucher_mapping.update'`,
    );
    expect(Number(audit!.n)).toBe(1);
  }, 120_000);

  it('exports an .xlsx (用友 and 金蝶 headers) that reads back equal to the preview', async () => {
    for (const format of ['yonyou', 'kingdee'] as const) {
      const body = await preview(`from=${from}&to=${today}&format=${format}`);
      const response = await get(`/api/v1/reports/vouchers.xlsx?from=${from}&to=${today}&format=${format}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header).toEqual(body.headers.map((column) => column.header));
      expect(header).toEqual(
        format === 'yonyou'
          ? ['凭证日期', '凭证字', '凭证号', '摘要', '科目编码', '科目名称', '借方金额', '贷方金额', '辅助核算']
          : ['日期', '凭证字', '凭证号', '摘要', '科目代码', '科目名称', '借方金额', '贷方金额', '核算项目'],
      );
      const rows: unknown[][] = [];
      sheet.eachRow((row, number) => {
        if (number > 1) rows.push((row.values as unknown[]).slice(1));
      });
      expect(rows).toHaveLength(body.items.length);
      const asCells = (line: Line) => [
        line.voucherDate,
        line.voucherWord,
        line.voucherNo,
        line.summary,
        line.accountCode,
        line.accountName,
        line.debitFen,
        line.creditFen,
        line.auxiliary ?? undefined,
      ];
      const fromCells = (cells: unknown[]) => [
        (cells[0] as Date).toISOString().slice(0, 10),
        cells[1],
        cells[2],
        cells[3],
        cells[4],
        cells[5],
        Math.round((cells[6] as number) * 100),
        Math.round((cells[7] as number) * 100),
        cells[8] ?? undefined,
      ];
      expect(rows.map(fromCells)).toEqual(body.items.map(asCells));
      expect(sheet.getRow(2).getCell(7).numFmt).toBe('0.00');
    }
  }, 120_000);

  it('lets the auditor read and export; mapping changes, tenants and anonymous callers are refused', async () => {
    expect((await get(`/api/v1/reports/vouchers?from=${today}&to=${today}`, 'shenji')).statusCode).toBe(200);
    expect((await get(`/api/v1/reports/vouchers.xlsx?from=${today}&to=${today}`, 'shenji')).statusCode).toBe(200);
    expect((await putMapping([], 'shenji')).statusCode).toBe(403);
    expect((await putMapping([], 'caiwu')).statusCode).toBe(403);
    const asTenant = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reports/vouchers',
      headers: await tenantHeaders(t, tenantId),
    });
    expect(asTenant.statusCode).toBe(403);
    for (const url of [
      '/api/v1/reports/vouchers',
      '/api/v1/reports/vouchers.xlsx',
      '/api/v1/reports/voucher-mapping',
    ]) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  }, 120_000);

  it('refuses bad filters and bad mappings with 400', async () => {
    const bad = [
      `from=${today}&to=${addDays(today, -1)}`,
      `from=${addDays(today, -400)}&to=${today}`,
      'from=2026-13-01',
      'format=sap',
      'pageSize=201',
    ];
    for (const query of bad) {
      const response = await get(`/api/v1/reports/vouchers?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(problemOf(response).detail).toBeTruthy();
    }
    expect((await get(`/api/v1/reports/vouchers.xlsx?from=${today}&to=${addDays(today, -1)}`)).statusCode).toBe(400);
    const unknown = await putMapping([{ accountCode: '9999', externalCode: '1', externalName: 'x' }]);
    expect(unknown.statusCode).toBe(400);
    expect(problemOf(unknown).detail).toContain('9999');
    const twice = await putMapping([
      { accountCode: '1122', externalCode: '1', externalName: 'x' },
      { accountCode: '1122', externalCode: '2', externalName: 'y' },
    ]);
    expect(twice.statusCode).toBe(400);
    expect((await putMapping([{ accountCode: '1122', externalCode: ' ', externalName: 'x' }])).statusCode).toBe(400);
  }, 120_000);
});
