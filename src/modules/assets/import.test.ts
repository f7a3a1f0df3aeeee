import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile, rowsOf, workbookOf, XLSX } from '../../../test/helpers/uploads.ts';
import { queryRows } from '../../db/client.ts';
import { ASSET_COLUMNS } from './spreadsheet.ts';

let t: TestApp;
let zichan: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp();
  zichan = await t.as('zichan');
});
afterAll(() => t.close());

const HEADERS = ASSET_COLUMNS.map((column) => column.header);
type Row = (string | number | Date | null)[];
/** A row in template column order from the fields that matter here. */
const row = (
  code: string,
  name: string,
  type: string,
  parent: string | null,
  area: string | number | null = null,
  extra: Row = [],
): Row => [code, name, type, parent, area, ...extra];

const counts = async () =>
  (
    await queryRows<{ assets: number; history: number; audit: number }>(
      t.database.orm,
      sql`SELECT (SELECT count(*)::int FROM assets) AS assets,
                 (SELECT count(*)::int FROM asset_status_history) AS history,
                 (SELECT count(*)::int FROM audit_log) AS audit`,
    )
  )[0]!;

async function importSheet(content: Buffer, dryRun = false, headers = zichan) {
  const upload = multipartFile('资产.xlsx', content, XLSX);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/assets/import?dryRun=${dryRun}`,
    headers: { ...headers, ...upload.headers },
    payload: upload.payload,
  });
}

/** A project, `buildings` buildings and units under them: `n` rows in all. */
function registry(prefix: string, n: number, buildings: number): Row[] {
  const rows: Row[] = [row(prefix, `${prefix}园区`, '项目', null)];
  for (let b = 1; b <= buildings; b++) rows.push(row(`${prefix}-B${b}`, `${b}号楼`, '楼栋', prefix));
  for (let i = rows.length; i < n; i++) {
    const building = `${prefix}-B${(i % buildings) + 1}`;
    rows.push(
      row(
        `${prefix}-U${String(i).padStart(5, '0')}`,
        `${i}号房`,
        '房间/铺位',
        building,
        (40 + (i % 100) / 4).toFixed(2),
      ),
    );
  }
  return rows;
}

describe('the import template', () => {
  it('has Chinese headers (required ones marked *), an example row, and a sheet explaining each column', async () => {
    const response = await t.app.inject({ url: '/api/v1/assets/import-template', headers: await t.as('shenji') });
    expect(response.headers['content-type']).toBe(XLSX);
    expect(response.headers['content-disposition']).toContain("filename*=UTF-8''");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['资产台账', '填写说明']);
    const [header, example] = await rowsOf(response.rawPayload);
    expect(header).toEqual(['资产编号*', '资产名称*', '资产类型*', ...HEADERS.slice(3)]);
    expect(example?.slice(0, 4)).toEqual(['YC-A1-0301', '创新产业园A1栋301室', '房间/铺位', 'YC-A1-03F']);
    const guide = workbook.getWorksheet('填写说明')!;
    expect(guide.getRow(2).values).toEqual(expect.arrayContaining(['资产编号', '必填']));
    expect(String(guide.getRow(4).getCell(3).value)).toContain('可选值：项目、楼栋、楼层、房间/铺位');
  });
});

describe('importing assets from Excel', () => {
  it('with 3 bad rows among 1,000 writes nothing and names exactly those rows, columns and reasons', async () => {
    const rows = registry('IMPA', 1000, 9);
    rows[98] = row('IMPA-BAD1', '面积错误', '房间/铺位', 'IMPA-B1', '12.345');
    rows[498] = row('IMPA-BAD2', '类型错误', '城堡', 'IMPA-B1', '20');
    rows[898] = row('IMPA-BAD3', '上级不存在', '房间/铺位', 'NOPE-B1', '20');
    const before = await counts();
    const response = await importSheet(await workbookOf(HEADERS, rows));
    const problem = problemOf(response);
    expect(problem).toMatchObject({
      status: 422,
      code: 'import_rejected',
      detail: '导入未执行：共 1000 行，其中 3 行有错误，未写入任何数据；请按错误清单修改后重新导入',
    });
    expect(problem.errors).toEqual([
      {
        path: 'rows/100/面积（㎡）',
        row: 100,
        column: '面积（㎡）',
        message: '面积应为平方米数，最多 10 位整数、2 位小数，如 120.50',
      },
      {
        path: 'rows/500/资产类型',
        row: 500,
        column: '资产类型',
        message: '应为以下之一：项目、楼栋、楼层、房间/铺位、土地、车位、仓库、厂房',
      },
      {
        path: 'rows/900/上级资产编号',
        row: 900,
        column: '上级资产编号',
        message: '上级资产编号 NOPE-B1 在系统和本表中都不存在',
      },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('previews a dry run with the same report, writing nothing', async () => {
    const rows = registry('IMPB', 30, 2);
    rows.push(row('IMPB-B1', '重复', '楼栋', 'IMPB'));
    rows.push(row('YCGX-A1-101', '已存在', '房间/铺位', 'IMPB-B1'));
    rows.push(row('IMPB-X', '放错', '楼层', 'IMPB'));
    rows.push(row('IMPB-L', '出租', '土地', null, null, ['已出租']));
    const before = await counts();
    const response = await importSheet(await workbookOf(HEADERS, rows), true);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ dryRun: true, total: 34, valid: 30, invalid: 4, created: 0 });
    expect(report.errors).toEqual([
      { row: 32, column: '资产编号', message: '与第 3 行重复' },
      { row: 33, column: '资产编号', message: '资产编号 YCGX-A1-101 已被资产“A1栋101室（办公）”使用，请换一个编号' },
      { row: 34, column: '上级资产编号', message: '楼层不能放在项目之下，应放在楼栋之下' },
      { row: 35, column: '状态', message: '“已出租”状态只能由生效的租赁合同设置，不能手工设置' },
    ]);
    expect(report.preview[1]).toEqual({
      row: 3,
      code: 'IMPB-B1',
      name: '1号楼',
      type: 'building',
      parentCode: 'IMPB',
      areaSqm: null,
      status: 'vacant',
    });
    expect(await counts()).toEqual(before);
  });

  it('imports 5,000 rows in one transaction, parents before children, with one audit entry', async () => {
    const before = await counts();
    const rows = registry('IMPC', 5000, 50);
    // Children may come before their parents in the sheet, and may hang under assets already registered.
    rows.reverse();
    rows[0] = row('IMPC-EXTRA', '外挂楼层', '楼层', 'YCGX-A1');
    const started = Date.now();
    const response = await importSheet(await workbookOf(HEADERS, rows));
    const seconds = (Date.now() - started) / 1000;
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      dryRun: false,
      total: 5000,
      valid: 5000,
      invalid: 0,
      created: 5000,
      errors: [],
    });
    const after = await counts();
    expect(after.assets - before.assets).toBe(5000);
    expect(after.history - before.history).toBe(5000);
    expect(after.audit - before.audit).toBe(1);
    const tree = await t.app.inject({
      url: `/api/v1/assets?code=IMPC&type=project`,
      headers: zichan,
    });
    const projectId = tree.json().items[0].id;
    const units = await t.app.inject({
      url: `/api/v1/assets?projectId=${projectId}&type=unit&pageSize=1`,
      headers: zichan,
    });
    expect(units.json().total).toBe(4948);
    console.log(`5,000-row asset import on ${t.kind}: ${seconds.toFixed(2)} s`);
  });

  it('refuses what is not an .xlsx, and a sheet without the template columns', async () => {
    const before = await counts();
    const notExcel = await importSheet(Buffer.from('code,name\nA,B\n'));
    expect(problemOf(notExcel)).toMatchObject({ status: 400, code: 'import_not_xlsx' });
    const wrongColumns = await importSheet(await workbookOf(['编号', '名称'], [['A', 'B']]));
    expect(problemOf(wrongColumns)).toMatchObject({
      status: 400,
      detail: '表格缺少列：资产编号、资产名称、资产类型（请使用导入模板，不要修改第一行标题）',
    });
    const empty = await importSheet(await workbookOf(HEADERS, []));
    expect(problemOf(empty)).toMatchObject({ status: 400, code: 'import_no_rows' });
    const auditor = await importSheet(await workbookOf(HEADERS, registry('IMPD', 3, 1)), false, await t.as('shenji'));
    expect(problemOf(auditor).status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('reads dates, amounts in yuan and Chinese choices', async () => {
    const response = await importSheet(
      await workbookOf(HEADERS, [
        row('IMPE-L1', '一号地块', '土地', null, 5000.5, [
          '预留',
          '重庆市永川区',
          '渝(2019)永川区不动产权第0000001号',
          1234567.89,
          new Date(Date.UTC(2019, 4, 6)),
          '简易计税',
          '整体招租',
        ]),
        row('IMPE-L2', '二号地块', '土地', null, '120', ['', '', '', '1,000.5', '2020/1/2', '', '']),
      ]),
    );
    expect(response.statusCode).toBe(201);
    const list = (await t.app.inject({ url: '/api/v1/assets?code=IMPE-L', headers: zichan })).json();
    expect(list.items).toEqual([
      expect.objectContaining({
        code: 'IMPE-L1',
        areaSqm: '5000.50',
        status: 'reserved',
        bookValueFen: 123456789,
        acquisitionDate: '2019-05-06',
        taxMethod: 'simple',
        remarks: '整体招租',
      }),
      expect.objectContaining({
        code: 'IMPE-L2',
        areaSqm: '120.00',
        bookValueFen: 100050,
        acquisitionDate: '2020-01-02',
      }),
    ]);
  });
});

describe('exporting the asset list', () => {
  it('writes 资产台账_<timestamp>.xlsx whose rows equal the list under the same filter', async () => {
    const projectId = (await t.app.inject({ url: '/api/v1/assets?code=YCGX&type=project', headers: zichan })).json()
      .items[0].id;
    const filter = `projectId=${projectId}&type=unit&sort=-areaSqm`;
    const response = await t.app.inject({ url: `/api/v1/assets/export?${filter}`, headers: await t.as('shenji') });
    expect(response.statusCode).toBe(200);
    expect(decodeURIComponent(String(response.headers['content-disposition']))).toMatch(/资产台账_\d{14}\.xlsx$/);
    const [header, ...exported] = await rowsOf(response.rawPayload);
    expect(header).toEqual(HEADERS);

    const listed: Record<string, unknown>[] = [];
    for (let page = 1; ; page++) {
      const body = (
        await t.app.inject({ url: `/api/v1/assets?${filter}&page=${page}&pageSize=50`, headers: zichan })
      ).json();
      listed.push(...body.items);
      if (listed.length >= body.total) break;
    }
    expect(listed.length).toBe(78);
    const typeNames: Record<string, string> = { unit: '房间/铺位' };
    const statusNames: Record<string, string> = {
      vacant: '空置',
      leased: '已出租',
      reserved: '预留',
      self_use: '自用',
      unavailable: '维修/不可租',
    };
    expect(
      exported.map((cells) => [
        cells[0],
        cells[1],
        cells[2],
        cells[3],
        cells[4],
        cells[5],
        cells[8],
        (cells[9] as Date).toISOString().slice(0, 10),
        cells[10],
      ]),
    ).toEqual(
      listed.map((asset) => [
        asset.code,
        asset.name,
        typeNames[asset.type as string],
        asset.parentCode,
        Number(asset.areaSqm),
        statusNames[asset.status as string],
        (asset.bookValueFen as number) / 100,
        asset.acquisitionDate,
        '一般计税',
      ]),
    );
  });
});
