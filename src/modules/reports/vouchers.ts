// Accounting vouchers (记账凭证) for 用友 (U8/T+) and 金蝶 (KIS/K3): every journal entry of a date range as one voucher
// (凭证字 记, numbered per month in date order), one row per journal line, our accounts shown as the subjects of the
// org's accounting software through its mapping (voucher_account_mappings). Read in the database: a page for the
// preview, a cursor for the export.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import ExcelJS from 'exceljs';
import { type Executor, type Orm, queryRows, sql } from '../../db/client.ts';
import { AppError } from '../../http/problem.ts';
import { DateString, PageQuery } from '../../http/schemas.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { ensureChart } from '../ledger/journal.ts';
import {
  defineReport,
  eachReportBatch,
  type ReportContext,
  type ReportReader,
  type Row,
  reportPage,
} from './framework.ts';
import { assetTree, firstOfMonth, mainAssetJoin, tenantName } from './scope.ts';

export const VOUCHER_FORMATS = ['yonyou', 'kingdee'] as const;
export type VoucherFormat = (typeof VOUCHER_FORMATS)[number];

/** The voucher word (凭证字): one word for every voucher, as small companies keep them. */
export const VOUCHER_WORD = '记';

/** At most one year per export (a voucher file is imported month by month or year by year). */
const MAX_VOUCHER_DAYS = 366;

/** The columns of the import file, in order; 金蝶 names two of them its own way. */
export const VOUCHER_COLUMNS = [
  { key: 'voucherDate', yonyou: '凭证日期', kingdee: '日期' },
  { key: 'voucherWord', yonyou: '凭证字', kingdee: '凭证字' },
  { key: 'voucherNo', yonyou: '凭证号', kingdee: '凭证号' },
  { key: 'summary', yonyou: '摘要', kingdee: '摘要' },
  { key: 'accountCode', yonyou: '科目编码', kingdee: '科目代码' },
  { key: 'accountName', yonyou: '科目名称', kingdee: '科目名称' },
  { key: 'debitFen', yonyou: '借方金额', kingdee: '借方金额' },
  { key: 'creditFen', yonyou: '贷方金额', kingdee: '贷方金额' },
  { key: 'auxiliary', yonyou: '辅助核算', kingdee: '核算项目' },
] as const;

/** Accounts whose lines name the customer (客户) in 辅助核算: receivables, advances and deposits of a tenant. */
const CUSTOMER_PURPOSES = sql.raw(`'receivable', 'advances', 'deposits'`);

interface VoucherFilter extends Record<string, unknown> {
  from: string;
  to: string;
}

export const VoucherQuery = Type.Object(
  {
    from: Type.Optional({ ...DateString, description: '凭证日期起（默认本月 1 日）' }),
    to: Type.Optional({ ...DateString, description: '凭证日期止（默认今天）；与起始日期相隔不超过一年' }),
    format: Type.Optional(
      Type.Union([Type.Literal('yonyou'), Type.Literal('kingdee')], {
        description: 'yonyou 用友 U8/T+（默认）· kingdee 金蝶 KIS/K3（表头“科目代码”“核算项目”）',
      }),
    ),
  },
  { additionalProperties: false },
);
export const VoucherPageQuery = Type.Object(
  { ...VoucherQuery.properties, ...PageQuery },
  { additionalProperties: false },
);

const VoucherLine = Type.Object({
  voucherDate: Type.String({ format: 'date', description: '凭证日期（分录日期）' }),
  voucherWord: Type.String({ description: '凭证字，恒为“记”' }),
  voucherNo: Type.Integer({ description: '凭证号：按月从 1 起，按日期与记账顺序连续' }),
  summary: Type.String({ description: '摘要（分录说明）' }),
  accountCode: Type.String({ description: '科目编码：财务软件科目（已对照），否则本系统科目编码' }),
  accountName: Type.String({ description: '科目名称：财务软件科目（已对照），否则本系统科目名称' }),
  debitFen: Type.Integer({ description: '借方金额（分；红字冲销为负）' }),
  creditFen: Type.Integer({ description: '贷方金额（分；红字冲销为负）' }),
  auxiliary: Type.Union([Type.String(), Type.Null()], {
    description: '辅助核算：“客户:承租方名称”（应收、预收、保证金行），“项目:项目名称”（有合同的行），以“;”分隔',
  }),
  ledgerAccountCode: Type.String({ description: '本系统科目编码' }),
  entryNo: Type.Integer({ description: '本系统分录号' }),
});

export const VoucherPreviewSchema = Type.Object({
  format: Type.String({ description: 'yonyou 或 kingdee' }),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  headers: Type.Array(Type.Object({ key: Type.String(), header: Type.String() }), {
    description: '导出文件的列（顺序与表头），key 对应 items 的字段',
  }),
  voucherCount: Type.Integer({ description: '凭证张数' }),
  lineCount: Type.Integer({ description: '分录行数' }),
  debitFen: Type.Integer({ description: '借方合计（分）' }),
  creditFen: Type.Integer({ description: '贷方合计（分）' }),
  balanced: Type.Boolean({ description: '借贷合计相等且每张凭证平衡' }),
  warnings: Type.Array(
    Type.Object({
      code: Type.Literal('unmapped_account'),
      accountCode: Type.String(),
      accountName: Type.String(),
      message: Type.String(),
    }),
    { description: '期间内有分录而未设置对照的科目' },
  ),
  items: Type.Array(VoucherLine),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export function voucherRange(query: { from?: string; to?: string }, today: string): VoucherFilter {
  const to = query.to ?? today;
  const from = query.from ?? firstOfMonth(query.to ?? today);
  if (from > to) throw new AppError(400, 'report_range_invalid', { from, to });
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_VOUCHER_DAYS) {
    throw new AppError(400, 'report_range_too_long', { from, to, years: 1 });
  }
  return { from, to };
}

/**
 * One row per journal line. Voucher numbers count every entry of the month from its first day, so an entry keeps its
 * number whatever range is exported. A red-letter reversal keeps its negative amounts (红字) on the original side.
 */
export const vouchers = defineReport<VoucherFilter>({
  name: 'vouchers',
  title: { zh: '记账凭证', en: 'Accounting vouchers' },
  description:
    '凭证日期在所选期间内的每笔分录为一张记账凭证（凭证字“记”，凭证号按月、按日期与记账顺序连续编号），每行一条分录行；' +
    '科目按本公司的科目对照（用友/金蝶科目编码与名称）输出，未对照的科目按本系统编码与名称输出并在预览中提示；' +
    '金额为元（两位小数），红字冲销为负数；辅助核算：应收账款、预收账款、保证金行为“客户:承租方”，有合同的行加“项目:项目名称”。',
  filters: VoucherQuery.properties,
  filterLabels: { from: { zh: '起始日期', en: 'From' }, to: { zh: '截止日期', en: 'To' } },
  columns: [
    { key: 'voucherDate', zh: '凭证日期', en: 'Date', kind: 'date' },
    { key: 'voucherWord', zh: '凭证字', en: 'Word', kind: 'text' },
    { key: 'voucherNo', zh: '凭证号', en: 'Number', kind: 'integer' },
    { key: 'summary', zh: '摘要', en: 'Summary', kind: 'text' },
    { key: 'accountCode', zh: '科目编码', en: 'Account code', kind: 'text' },
    { key: 'accountName', zh: '科目名称', en: 'Account name', kind: 'text' },
    { key: 'debitFen', zh: '借方金额', en: 'Debit', kind: 'fen', total: true },
    { key: 'creditFen', zh: '贷方金额', en: 'Credit', kind: 'fen', total: true },
    { key: 'auxiliary', zh: '辅助核算', en: 'Auxiliary', kind: 'text' },
    { key: 'ledgerAccountCode', zh: '本系统科目编码', en: 'Our account code', kind: 'text' },
    { key: 'entryNo', zh: '分录号', en: 'Entry no.', kind: 'integer' },
  ],
  prepare(filters, today) {
    return voucherRange(filters, today);
  },
  source(f, reader) {
    const customer = tenantName(sql`t`, reader);
    // A memo may name the tenant (收款 … 张三): an individual's name masked in it as in 辅助核算.
    const summary = reader.seesNames
      ? sql`e.memo`
      : sql`(CASE WHEN mt.kind = 'individual' AND char_length(mt.name) > 1
                  THEN replace(e.memo, mt.name, ${tenantName(sql`mt`, reader)}) ELSE e.memo END)`;
    return sql`WITH ${assetTree(reader.orgId)},
      entries AS (
        SELECT e.id, e.entry_no, e.entry_date, ${summary} AS memo,
               row_number() OVER (PARTITION BY date_trunc('month', e.entry_date) ORDER BY e.entry_date, e.entry_no) AS no
          FROM journal_entries e
          ${
            reader.seesNames
              ? sql``
              : sql`LEFT JOIN LATERAL (SELECT mt.kind, mt.name FROM journal_lines ml JOIN tenants mt ON mt.id = ml.tenant_id
                                        WHERE ml.entry_id = e.id ORDER BY ml.id LIMIT 1) mt ON true`
          }
         WHERE e.org_id = ${reader.orgId} AND e.entry_date BETWEEN ${firstOfMonth(f.from)}::date AND ${f.to}::date)
      SELECT e.entry_date::text AS "voucherDate", ${VOUCHER_WORD}::text AS "voucherWord", e.no AS "voucherNo",
             e.memo AS summary, coalesce(m.external_code, a.code) AS "accountCode",
             coalesce(m.external_name, a.name) AS "accountName", l.debit_fen AS "debitFen", l.credit_fen AS "creditFen",
             nullif(concat_ws(';',
               CASE WHEN a.purpose IN (${CUSTOMER_PURPOSES}) AND t.id IS NOT NULL THEN '客户:' || ${customer} END,
               CASE WHEN pt.project_name IS NOT NULL THEN '项目:' || pt.project_name END), '') AS auxiliary,
             a.code AS "ledgerAccountCode", e.entry_no AS "entryNo", l.id AS "_lineId"
        FROM entries e
        JOIN journal_lines l ON l.entry_id = e.id
        JOIN ledger_accounts a ON a.id = l.account_id
        LEFT JOIN voucher_account_mappings m ON m.org_id = l.org_id AND m.account_id = l.account_id
        LEFT JOIN tenants t ON t.id = l.tenant_id
        ${mainAssetJoin(sql`l.contract_id`)}
       WHERE e.entry_date >= ${f.from}::date`;
  },
  orderBy: sql`"voucherDate", "voucherNo", "_lineId"`,
});

export interface UnmappedAccount {
  accountCode: string;
  accountName: string;
}

/** The accounts with lines in the range and no mapping: exported under our own code, named in the preview. */
export async function unmappedAccounts(db: Executor, orgId: string, range: VoucherFilter): Promise<UnmappedAccount[]> {
  return queryRows<UnmappedAccount>(
    db,
    sql`SELECT a.code AS "accountCode", a.name AS "accountName"
          FROM ledger_accounts a
         WHERE a.org_id = ${orgId}
           AND NOT EXISTS (SELECT 1 FROM voucher_account_mappings m WHERE m.org_id = a.org_id AND m.account_id = a.id)
           AND EXISTS (SELECT 1 FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
                        WHERE l.account_id = a.id AND e.entry_date BETWEEN ${range.from}::date AND ${range.to}::date)
         ORDER BY a.code`,
  );
}

export async function voucherPreview(
  context: ReportContext,
  reader: ReportReader,
  query: { from?: string; to?: string; format?: VoucherFormat; page?: number; pageSize?: number },
) {
  const range = voucherRange(query, reader.today);
  const format = query.format ?? 'yonyou';
  const [page, counts, unmapped] = await Promise.all([
    reportPage(context, vouchers, range, reader, query.page ?? 1, query.pageSize ?? 20),
    queryRows<{ vouchers: string; unbalanced: string }>(
      context.db,
      sql`SELECT count(*)::text AS vouchers, count(*) FILTER (WHERE debit <> credit)::text AS unbalanced
            FROM (SELECT sum(l.debit_fen) AS debit, sum(l.credit_fen) AS credit
                    FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
                   WHERE e.org_id = ${reader.orgId} AND e.entry_date BETWEEN ${range.from}::date AND ${range.to}::date
                   GROUP BY e.id) v`,
    ),
    unmappedAccounts(context.db, reader.orgId, range),
  ]);
  const debitFen = Number(page.totals.debitFen ?? 0);
  const creditFen = Number(page.totals.creditFen ?? 0);
  return {
    format,
    from: range.from,
    to: range.to,
    headers: VOUCHER_COLUMNS.map((column) => ({ key: column.key, header: column[format] })),
    voucherCount: Number(counts[0]?.vouchers ?? 0),
    lineCount: page.total,
    debitFen,
    creditFen,
    balanced: debitFen === creditFen && Number(counts[0]?.unbalanced ?? 0) === 0,
    warnings: unmapped.map((account) => ({
      code: 'unmapped_account' as const,
      ...account,
      message: `科目 ${account.accountCode} ${account.accountName} 未设置对照，按本系统编码导出`,
    })),
    items: page.items,
    total: page.total,
    page: page.page,
    pageSize: page.pageSize,
  };
}

const AMOUNT_FORMAT = '0.00';

/** The vouchers as an .xlsx the accounting software imports: the header on row 1, then one row per line; no totals. */
export function voucherWorkbookStream(
  context: ReportContext,
  reader: ReportReader,
  range: VoucherFilter,
  format: VoucherFormat,
): PassThrough {
  const output = new PassThrough();
  writeVouchers(context, reader, range, format, output).catch((error: unknown) => {
    if (!output.destroyed) output.destroy(error as Error);
  });
  return output;
}

async function writeVouchers(
  context: ReportContext,
  reader: ReportReader,
  range: VoucherFilter,
  format: VoucherFormat,
  output: PassThrough,
) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  workbook.creator = 'AssetPay';
  const sheet = workbook.addWorksheet('凭证', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = VOUCHER_COLUMNS.map((column) => ({
    key: column.key,
    header: column[format],
    width: column.key === 'summary' || column.key === 'auxiliary' ? 36 : column.key === 'accountName' ? 28 : 12,
    style: {
      numFmt:
        column.key === 'debitFen' || column.key === 'creditFen'
          ? AMOUNT_FORMAT
          : column.key === 'voucherDate'
            ? 'yyyy-mm-dd'
            : column.key === 'voucherNo'
              ? '0'
              : '@',
    },
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  await eachReportBatch(context, vouchers, range, reader, async (rows: Row[]) => {
    for (const row of rows) {
      const [year, month, day] = String(row.voucherDate).split('-').map(Number);
      sheet
        .addRow([
          new Date(Date.UTC(year!, month! - 1, day!)),
          row.voucherWord,
          Number(row.voucherNo),
          row.summary,
          row.accountCode,
          row.accountName,
          Number(row.debitFen) / 100,
          Number(row.creditFen) / 100,
          row.auxiliary ?? null,
        ])
        .commit();
    }
    if (output.writableNeedDrain && !output.destroyed) {
      await Promise.race([once(output, 'drain'), once(output, 'close')]);
    }
    if (output.destroyed) throw new Error('client gone');
  });
  sheet.commit();
  await workbook.commit();
}

// ── the account mapping (科目对照) ────────────────────────────────────────────────────────────────────────────────

export const MappingItem = Type.Object({
  accountCode: Type.String({ minLength: 1, maxLength: 40, description: '本系统科目编码（如 1122、1012.wechat）' }),
  externalCode: Type.String({
    minLength: 1,
    maxLength: 40,
    pattern: '\\S',
    description: '财务软件中的科目编码（如 112201）',
  }),
  externalName: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', description: '财务软件中的科目名称' }),
});
export const MappingBody = Type.Object(
  { items: Type.Array(MappingItem, { maxItems: 200, description: '全部对照（整体替换；未列出的科目取消对照）' }) },
  { additionalProperties: false },
);
export const MappingSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      accountCode: Type.String({ description: '本系统科目编码' }),
      accountName: Type.String({ description: '本系统科目名称' }),
      purpose: Type.String({ description: '科目用途（receivable、rent_revenue 等）' }),
      externalCode: Type.Union([Type.String(), Type.Null()], { description: '财务软件科目编码；null 为未对照' }),
      externalName: Type.Union([Type.String(), Type.Null()], { description: '财务软件科目名称；null 为未对照' }),
    }),
  ),
});

type Mapping = { items: { accountCode: string; externalCode: string; externalName: string }[] };

export async function voucherMapping(db: Executor, orgId: string) {
  const items = await queryRows<{
    accountCode: string;
    accountName: string;
    purpose: string;
    externalCode: string | null;
    externalName: string | null;
  }>(
    db,
    sql`SELECT a.code AS "accountCode", a.name AS "accountName", a.purpose,
               m.external_code AS "externalCode", m.external_name AS "externalName"
          FROM ledger_accounts a
          LEFT JOIN voucher_account_mappings m ON m.org_id = a.org_id AND m.account_id = a.id
         WHERE a.org_id = ${orgId}
         ORDER BY a.code`,
  );
  return { items };
}

/** Replaces the org's mapping as a whole (audited); an account code it does not know is a 400 naming it. */
export async function saveVoucherMapping(db: Orm, actor: Actor & { orgId: string }, body: Mapping) {
  const codes = body.items.map((item) => item.accountCode);
  const duplicate = codes.find((code, index) => codes.indexOf(code) !== index);
  if (duplicate) throw new AppError(400, 'voucher_mapping_duplicate', { code: duplicate });
  return db.transaction(async (tx) => {
    await ensureChart(tx, actor.orgId);
    const before = await voucherMapping(tx, actor.orgId);
    const known = new Set(before.items.map((item) => item.accountCode));
    const unknown = codes.find((code) => !known.has(code));
    if (unknown) throw new AppError(400, 'voucher_mapping_unknown_account', { code: unknown });
    await tx.execute(sql`DELETE FROM voucher_account_mappings WHERE org_id = ${actor.orgId}`);
    if (body.items.length > 0) {
      await tx.execute(sql`
        INSERT INTO voucher_account_mappings (org_id, account_id, external_code, external_name, updated_by, updated_by_name)
        SELECT a.org_id, a.id, m.external_code, m.external_name, ${actor.id}::uuid, ${actor.name}
          FROM jsonb_to_recordset(${JSON.stringify(
            body.items.map((item) => ({
              account_code: item.accountCode,
              external_code: item.externalCode.trim(),
              external_name: item.externalName.trim(),
            })),
          )}::jsonb) AS m (account_code text, external_code text, external_name text)
          JOIN ledger_accounts a ON a.org_id = ${actor.orgId} AND a.code = m.account_code`);
    }
    const after = await voucherMapping(tx, actor.orgId);
    const mapped = (mapping: typeof before) => mapping.items.filter((item) => item.externalCode !== null);
    await auditService.record(tx, actor, {
      action: 'voucher_mapping.update',
      entityType: 'voucher_mapping',
      entityId: actor.orgId,
      before: mapped(before),
      after: mapped(after),
    });
    return after;
  });
}
