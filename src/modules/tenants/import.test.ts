import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile, rowsOf, workbookOf, XLSX } from '../../../test/helpers/uploads.ts';
import { queryRows } from '../../db/client.ts';
import { makeCreditCode } from '../../domain/credit-code.ts';
import { makeResidentId } from '../../domain/resident-id.ts';
import { TENANT_COLUMNS } from './spreadsheet.ts';

let t: TestApp;
let zichan: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp();
  zichan = await t.as('zichan');
});
afterAll(() => t.close());

const HEADERS = TENANT_COLUMNS.map((column) => column.header);
type Row = (string | number | null)[];
const person = (name: string, idNumber: string | number, phone: string): Row => ['个人', name, idNumber, null, phone];
const company = (name: string, creditCode: string, phone: string): Row => [
  '企业',
  name,
  null,
  creditCode,
  phone,
  '法人',
  '联系人',
  '023-49880000',
];

const counts = async () =>
  (
    await queryRows<{ tenants: number; audit: number }>(
      t.database.orm,
      sql`SELECT (SELECT count(*)::int FROM tenants) AS tenants, (SELECT count(*)::int FROM audit_log) AS audit`,
    )
  )[0]!;

async function importSheet(content: Buffer, dryRun = false) {
  const upload = multipartFile('承租方.xlsx', content, XLSX);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/import?dryRun=${dryRun}`,
    headers: { ...zichan, ...upload.headers },
    payload: upload.payload,
  });
}

/** `n` valid rows: people with distinct ID numbers and phones, every fifth a company. */
function tenants(n: number, seed: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const phone = `15${String(seed).padStart(2, '0')}${String(i).padStart(7, '0')}`;
    if (i % 5 === 4)
      return company(
        `测试企业${seed}-${i}`,
        makeCreditCode(`915001${String(seed).padStart(2, '0')}${String(i).padStart(9, '0')}`),
        phone,
      );
    return person(
      `测试${seed}-${i}`,
      makeResidentId('500118', `19${60 + (i % 40)}-01-01`, (seed * 1000 + i) % 1000),
      phone,
    );
  });
}

describe('importing tenants from Excel', () => {
  it('with 3 bad rows among 1,000 writes nothing and names exactly those rows, columns and reasons', async () => {
    const rows = tenants(1000, 11);
    const taken = (await t.app.inject({ url: '/api/v1/tenants?kind=individual&pageSize=1', headers: zichan })).json()
      .items[0];
    const takenId = (
      await t.app.inject({ method: 'POST', url: `/api/v1/tenants/${taken.id}/reveal`, headers: zichan })
    ).json().idNumber;
    const wrong = rows[10]![2] as string;
    rows[10] = person('校验位错', `${wrong.slice(0, 17)}${wrong[17] === '1' ? '2' : '1'}`, '15900000010');
    rows[500] = person('已登记', takenId, '15900000500');
    rows[900] = company('手机号错', makeCreditCode('91500118MA5U00900'), '1590000');
    const before = await counts();
    const response = await importSheet(await workbookOf(HEADERS, rows));
    const problem = problemOf(response);
    expect(problem).toMatchObject({ status: 422, code: 'import_rejected' });
    expect(problem.detail).toBe('导入未执行：共 1000 行，其中 3 行有错误，未写入任何数据；请按错误清单修改后重新导入');
    expect(problem.errors?.map(({ row, column, message }) => ({ row, column, message }))).toEqual([
      { row: 12, column: '身份证号', message: `身份证号校验位错误：应为 ${wrong[17]}` },
      { row: 502, column: '身份证号', message: `该身份证号已登记为承租方 ${taken.name}（编号 ${taken.code}）` },
      { row: 902, column: '手机号', message: '手机号应为 11 位数字，以 13–19 开头' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('previews a dry run naming duplicates within the sheet and numbers Excel has mangled', async () => {
    const rows = tenants(20, 12);
    rows.push(person('重复的人', rows[0]![2] as string, '15812340000'));
    rows.push(company('重复的公司', rows[4]![3] as string, '15812340001'));
    // What Excel keeps of an 18-digit number typed into a General cell.
    rows.push(person('数字格式', Number('500118198801011234'), '15812340002'));
    rows.push(['单位', '未写代码', null, null, '15812340003']);
    const before = await counts();
    const response = await importSheet(await workbookOf(HEADERS, rows), true);
    const report = response.json();
    expect(report).toMatchObject({ dryRun: true, total: 24, valid: 20, invalid: 4, created: 0 });
    expect(report.errors).toEqual([
      { row: 22, column: '身份证号', message: '与第 2 行重复' },
      { row: 23, column: '统一社会信用代码', message: '与第 6 行重复' },
      {
        row: 24,
        column: '身份证号',
        message: '身份证号被 Excel 存成了数字，末几位可能已丢失；请把该列设为“文本”格式后重新填写',
      },
      { row: 25, column: '统一社会信用代码', message: '企业承租方必须填写统一社会信用代码' },
    ]);
    expect(report.preview[0]).toMatchObject({
      row: 2,
      kind: 'individual',
      idNumber: expect.stringMatching(/^500\*{11}/),
      phone: '151****0000',
    });
    expect(await counts()).toEqual(before);
  });

  it('imports every row in one transaction with consecutive codes, encrypted, and one audit entry', async () => {
    const before = await counts();
    const response = await importSheet(await workbookOf(HEADERS, tenants(600, 13)));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ created: 600, invalid: 0 });
    const after = await counts();
    expect(after.tenants - before.tenants).toBe(600);
    expect(after.audit - before.audit).toBe(1);
    const found = (await t.app.inject({ url: '/api/v1/tenants?phone=15130000598', headers: zichan })).json().items;
    expect(found).toHaveLength(1);
    expect(found[0].name).toBe('测试13-598');
    const [plain] = await queryRows<{ n: number }>(
      t.database.orm,
      sql`SELECT count(*)::int AS n FROM tenants WHERE phone_enc LIKE '%1513%' OR id_number_enc NOT LIKE 'v1:%'`,
    );
    expect(plain?.n).toBe(0);
  });

  it('offers a template with an explanation sheet', async () => {
    const response = await t.app.inject({ url: '/api/v1/tenants/import-template', headers: zichan });
    const [header, example] = await rowsOf(response.rawPayload);
    expect(header?.slice(0, 5)).toEqual(['类型*', '名称*', '身份证号', '统一社会信用代码', '手机号*']);
    expect(example?.slice(0, 3)).toEqual(['个人', '张三', '11010519491231002X']);
  });
});
