// The reports (报表): each one's filter, its SQL and its columns. Money is fen, dates are China calendar dates.
import { Type } from '@sinclair/typebox';
import { type SQL, sql } from 'drizzle-orm';
import { maskPhone } from '../../domain/masking.ts';
import { AppError } from '../../http/problem.ts';
import { DateString } from '../../http/schemas.ts';
import { AGING_BUCKET_KEYS, AGING_LABELS, agingBucketSql } from './aging.ts';
import { defineReport, type Label, type ReportColumn, type ReportDefinition, type Row } from './framework.ts';
import {
  ASSET_STATUS_LABELS,
  ASSET_TYPE_LABELS,
  assetTree,
  BILL_KIND_LABELS,
  BILL_STATUS_LABELS,
  CONTRACT_STATUS_LABELS,
  collectedThrough,
  contractAssetNames,
  firstOfMonth,
  firstOfYear,
  LEASABLE_TYPES,
  leasableTypesSql,
  mainAssetJoin,
  PAYMENT_METHOD_LABELS,
  tenantName,
} from './scope.ts';

const Uuid = (description: string) => Type.Optional(Type.String({ format: 'uuid', description }));
const OptionalDate = (description: string) => Type.Optional({ ...DateString, description });
const literals = (values: readonly string[], description: string) =>
  Type.Optional(
    Type.Union(
      values.map((value) => Type.Literal(value)),
      { description },
    ),
  );

const LABELS: Record<string, Label> = {
  asOf: { zh: '截至日期', en: 'As of' },
  from: { zh: '起始日期', en: 'From' },
  to: { zh: '截止日期', en: 'To' },
  tenantId: { zh: '承租方', en: 'Tenant' },
  contractId: { zh: '合同', en: 'Contract' },
  projectId: { zh: '项目', en: 'Project' },
  kind: { zh: '账单类型', en: 'Bill kind' },
  status: { zh: '状态', en: 'Status' },
  bucket: { zh: '账龄', en: 'Aging bucket' },
  groupBy: { zh: '分组', en: 'Group by' },
  type: { zh: '资产类型', en: 'Asset type' },
  minDays: { zh: '最少空置天数', en: 'Minimum days vacant' },
  method: { zh: '收款方式', en: 'Method' },
  endFrom: { zh: '到期日起', en: 'Ends from' },
  endTo: { zh: '到期日止', en: 'Ends to' },
};

const MAX_RANGE_DAYS = 3660;

/** from ≤ to, and at most ten years apart (a month grouping lists every month). */
function checkRange(from: string, to: string) {
  if (from > to) throw new AppError(400, 'report_range_invalid', { from, to });
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_RANGE_DAYS) {
    throw new AppError(400, 'report_range_too_long', { from, to, years: 10 });
  }
}

/** 收缴率: collected ÷ billed, in a row and in the totals alike. */
const COLLECTION_RATE: ReportColumn = {
  key: 'collectionRate',
  zh: '收缴率',
  en: 'Collection rate',
  kind: 'percent',
  ratio: { numerator: 'collectedFen', denominator: 'billedFen' },
  width: 10,
};

const optional = (condition: unknown, clause: SQL) => (condition === undefined ? sql`` : clause);

// ── 租金收缴台账 rent roll ────────────────────────────────────────────────────────────────────────────────────────

interface RentRollFilter extends Record<string, unknown> {
  from: string;
  to: string;
  asOf: string;
  tenantId?: string;
  contractId?: string;
  projectId?: string;
  kind?: string;
  status?: string;
}

export const rentRoll = defineReport<RentRollFilter>({
  name: 'rent-roll',
  title: { zh: '租金收缴台账', en: 'Rent roll' },
  description:
    '每份合同每期账单的应收、已收与未收（按应缴日期筛选，默认本年）：应收为账单本金，违约金为已计入账单的违约金（减免后），' +
    '已收为截至日期前核销到该账单的本金与违约金，未收 = 应收 + 违约金 − 已收。作废账单不列。',
  filters: {
    from: OptionalDate('应缴日期起（默认本年 1 月 1 日）'),
    to: OptionalDate('应缴日期止（默认本年 12 月 31 日）'),
    asOf: OptionalDate('已收统计截至日期（默认今天）'),
    tenantId: Uuid('承租方'),
    contractId: Uuid('合同'),
    projectId: Uuid('项目（合同主要资产所在项目）'),
    kind: literals(Object.keys(BILL_KIND_LABELS), 'rent 租金 · deposit 押金 · charge 杂费 · final 终止结算'),
    status: literals(Object.keys(BILL_STATUS_LABELS), 'open 未缴 · partial 部分缴纳 · paid 已结清（当前状态）'),
  },
  filterLabels: LABELS,
  columns: [
    { key: 'contractNumber', zh: '合同编号', en: 'Contract', kind: 'text' },
    { key: 'tenantName', zh: '承租方', en: 'Tenant', kind: 'text', width: 24 },
    { key: 'assetNames', zh: '租赁资产', en: 'Assets', kind: 'text', width: 28 },
    { key: 'projectName', zh: '项目', en: 'Project', kind: 'text' },
    { key: 'billNumber', zh: '账单编号', en: 'Bill', kind: 'text' },
    { key: 'kind', zh: '类型', en: 'Kind', kind: 'text', labels: BILL_KIND_LABELS, width: 10 },
    { key: 'periodStart', zh: '账期起', en: 'Period from', kind: 'date' },
    { key: 'periodEnd', zh: '账期止', en: 'Period to', kind: 'date' },
    { key: 'dueDate', zh: '应缴日期', en: 'Due', kind: 'date' },
    { key: 'billedFen', zh: '应收金额', en: 'Billed', kind: 'fen', total: true },
    { key: 'lateFeeFen', zh: '违约金', en: 'Penalty', kind: 'fen', total: true },
    { key: 'collectedFen', zh: '已收金额', en: 'Collected', kind: 'fen', total: true },
    { key: 'outstandingFen', zh: '未收金额', en: 'Outstanding', kind: 'fen', total: true },
    { key: 'status', zh: '状态', en: 'Status', kind: 'text', labels: BILL_STATUS_LABELS, width: 10 },
  ],
  prepare(filters, today) {
    const asOf = filters.asOf ?? today;
    const from = filters.from ?? firstOfYear(asOf);
    const to = filters.to ?? `${asOf.slice(0, 4)}-12-31`;
    checkRange(from, to);
    return { ...filters, from, to, asOf };
  },
  source(f, reader) {
    const collected = collectedThrough(sql`b`, f.asOf, reader.today, true);
    return sql`WITH ${assetTree(reader.orgId)}
      SELECT c.number AS "contractNumber", ${tenantName(sql`t`, reader)} AS "tenantName",
             ${contractAssetNames(sql`c.id`)} AS "assetNames", pt.project_name AS "projectName",
             b.number AS "billNumber", b.kind, b.period_start::text AS "periodStart", b.period_end::text AS "periodEnd",
             b.due_date::text AS "dueDate", b.amount_fen AS "billedFen",
             b.late_fee_fen - b.late_fee_waived_fen AS "lateFeeFen", ${collected} AS "collectedFen",
             b.amount_fen + b.late_fee_fen - b.late_fee_waived_fen - ${collected} AS "outstandingFen", b.status
        FROM bills b
        JOIN contracts c ON c.id = b.contract_id
        JOIN tenants t ON t.id = b.tenant_id
        ${mainAssetJoin(sql`c.id`)}
       WHERE b.org_id = ${reader.orgId} AND b.status <> 'void'
         AND b.due_date BETWEEN ${f.from}::date AND ${f.to}::date
         ${optional(f.tenantId, sql`AND b.tenant_id = ${f.tenantId}::uuid`)}
         ${optional(f.contractId, sql`AND b.contract_id = ${f.contractId}::uuid`)}
         ${optional(f.projectId, sql`AND pt.project_id = ${f.projectId}::uuid`)}
         ${optional(f.kind, sql`AND b.kind = ${f.kind}`)}
         ${optional(f.status, sql`AND b.status = ${f.status}`)}`;
  },
  orderBy: sql`"dueDate", "contractNumber", "billNumber"`,
});

// ── 欠费账龄 arrears aging ────────────────────────────────────────────────────────────────────────────────────────

interface AgingFilter extends Record<string, unknown> {
  asOf: string;
  bucket?: string;
  overdueOnly?: boolean;
  tenantId?: string;
  contractId?: string;
  projectId?: string;
}

/** Hidden columns the dashboard groups by (never shown). */
const presentPhone = (row: Row, context: { pii: { decrypt(field: 'phone', stored: string): string } }): Row => {
  const stored = row._phoneEnc as string | null;
  let phone: string | null = null;
  if (stored) {
    try {
      phone = maskPhone(context.pii.decrypt('phone', stored));
    } catch {
      phone = null;
    }
  }
  return { ...row, phone };
};

export const arrearsAging = defineReport<AgingFilter>({
  name: 'arrears-aging',
  title: { zh: '欠费账龄明细', en: 'Arrears aging' },
  description:
    '截至日期每张未结清账单的欠费（本金 + 已计入的违约金 − 减免 − 截至日期前的已收），按应缴日期计逾期天数分段：' +
    '未到期（当天到期也算未到期）、1–30、31–90、91–180、181–365、365 天以上。截至今天的合计等于应收账款（1122）余额；' +
    '截至以前某日时，其后收到的款项加回，违约金按目前已计入账单的金额。',
  filters: {
    asOf: OptionalDate('截至日期（默认今天）'),
    bucket: literals(AGING_BUCKET_KEYS, 'not-due · 1-30 · 31-90 · 91-180 · 181-365 · over-365'),
    overdueOnly: Type.Optional(Type.Boolean({ description: 'true：只列已逾期（不含未到期）' })),
    tenantId: Uuid('承租方'),
    contractId: Uuid('合同'),
    projectId: Uuid('项目（合同主要资产所在项目）'),
  },
  filterLabels: { ...LABELS, overdueOnly: { zh: '仅逾期', en: 'Overdue only' } },
  columns: [
    { key: 'billNumber', zh: '账单编号', en: 'Bill', kind: 'text' },
    { key: 'tenantName', zh: '承租方', en: 'Tenant', kind: 'text', width: 24 },
    { key: 'phone', zh: '联系电话', en: 'Phone', kind: 'text', width: 14 },
    { key: 'contractNumber', zh: '合同编号', en: 'Contract', kind: 'text' },
    { key: 'projectName', zh: '项目', en: 'Project', kind: 'text' },
    { key: 'kind', zh: '类型', en: 'Kind', kind: 'text', labels: BILL_KIND_LABELS, width: 10 },
    { key: 'periodStart', zh: '账期起', en: 'Period from', kind: 'date' },
    { key: 'periodEnd', zh: '账期止', en: 'Period to', kind: 'date' },
    { key: 'dueDate', zh: '应缴日期', en: 'Due', kind: 'date' },
    { key: 'daysOverdue', zh: '逾期天数', en: 'Days overdue', kind: 'integer', width: 10 },
    { key: 'bucket', zh: '账龄', en: 'Bucket', kind: 'text', labels: AGING_LABELS, width: 14 },
    { key: 'billedFen', zh: '应收金额（含违约金）', en: 'Billed incl. penalty', kind: 'fen', total: true },
    { key: 'paidFen', zh: '已收金额', en: 'Paid', kind: 'fen', total: true },
    { key: 'outstandingFen', zh: '欠费金额', en: 'Outstanding', kind: 'fen', total: true },
  ],
  prepare(filters, today) {
    return { ...filters, asOf: filters.asOf ?? today };
  },
  source(f, reader) {
    const paid = collectedThrough(sql`b`, f.asOf, reader.today, true);
    const days = sql`(${f.asOf}::date - b.due_date)`;
    return sql`SELECT * FROM (WITH ${assetTree(reader.orgId)}
      SELECT b.number AS "billNumber", ${tenantName(sql`t`, reader)} AS "tenantName", t.phone_enc AS "_phoneEnc",
             c.number AS "contractNumber", pt.project_name AS "projectName", b.kind,
             b.period_start::text AS "periodStart", b.period_end::text AS "periodEnd", b.due_date::text AS "dueDate",
             greatest(${days}, 0) AS "daysOverdue", ${agingBucketSql(days)} AS bucket,
             b.amount_fen + b.late_fee_fen - b.late_fee_waived_fen AS "billedFen", ${paid} AS "paidFen",
             b.amount_fen + b.late_fee_fen - b.late_fee_waived_fen - ${paid} AS "outstandingFen",
             b.tenant_id AS "_tenantId", t.name AS "_tenantSortName"
        FROM bills b
        JOIN contracts c ON c.id = b.contract_id
        JOIN tenants t ON t.id = b.tenant_id
        ${mainAssetJoin(sql`c.id`)}
       WHERE b.org_id = ${reader.orgId}
         AND (b.status IN ('open', 'partial') OR (b.status = 'paid' AND b.settled_on > ${f.asOf}::date))
         ${optional(f.tenantId, sql`AND b.tenant_id = ${f.tenantId}::uuid`)}
         ${optional(f.contractId, sql`AND b.contract_id = ${f.contractId}::uuid`)}
         ${optional(f.projectId, sql`AND pt.project_id = ${f.projectId}::uuid`)}
      ) aging
      WHERE "outstandingFen" > 0
        ${optional(f.bucket, sql`AND bucket = ${f.bucket}`)}
        ${f.overdueOnly ? sql`AND bucket <> 'not-due'` : sql``}`;
  },
  orderBy: sql`"dueDate", "billNumber"`,
  subtotalsBy: 'bucket',
  present: (row, context) => presentPhone(row, context),
});

// ── 收缴情况 collection by month / project / asset type ─────────────────────────────────────────────────────────

const assetTypeName = sql.raw(
  `CASE main.asset_type ${Object.entries(ASSET_TYPE_LABELS)
    .map(([type, label]) => `WHEN '${type}' THEN '${label.zh}'`)
    .join(' ')} END`,
);

interface CollectionFilter extends Record<string, unknown> {
  groupBy: 'month' | 'project' | 'assetType';
  from: string;
  to: string;
  asOf: string;
  projectId?: string;
  tenantId?: string;
}

export const collection = defineReport<CollectionFilter>({
  name: 'collection',
  title: { zh: '收缴情况统计', en: 'Collection' },
  description:
    '收缴率（collection rate）= 应缴日期在所选期间内的账单（不含作废）截至日期前已收的本金 ÷ 这些账单的本金（应收）；' +
    '违约金不计入分子分母。按月（应缴日期所在月）、项目或资产类型（合同主要资产）分组，默认近 12 个月。',
  filters: {
    groupBy: Type.Optional(
      Type.Union([Type.Literal('month'), Type.Literal('project'), Type.Literal('assetType')], {
        description: 'month 按月（默认）· project 按项目 · assetType 按资产类型',
      }),
    ),
    from: OptionalDate('应缴日期起（默认 11 个月前的月初）'),
    to: OptionalDate('应缴日期止（默认截至日期）'),
    asOf: OptionalDate('已收统计截至日期（默认今天）'),
    projectId: Uuid('项目'),
    tenantId: Uuid('承租方'),
  },
  filterLabels: LABELS,
  choiceLabels: {
    groupBy: {
      month: { zh: '按月', en: 'By month' },
      project: { zh: '按项目', en: 'By project' },
      assetType: { zh: '按资产类型', en: 'By asset type' },
    },
  },
  columns: [
    // The group is a month (its own label), a project id (its name beside it) or an asset type code (labelled in both
    // languages): one of the pair is read.
    {
      key: 'group',
      zh: '分组',
      en: 'Group',
      kind: 'text',
      labels: ASSET_TYPE_LABELS,
      shownWhen: (f) => f.groupBy === 'assetType',
    },
    { key: 'groupLabel', zh: '名称', en: 'Name', kind: 'text', width: 24, shownWhen: (f) => f.groupBy !== 'assetType' },
    { key: 'billCount', zh: '账单数', en: 'Bills', kind: 'integer', total: true, width: 10 },
    { key: 'billedFen', zh: '应收本金', en: 'Billed', kind: 'fen', total: true },
    { key: 'collectedFen', zh: '已收本金', en: 'Collected', kind: 'fen', total: true },
    { key: 'outstandingFen', zh: '未收本金', en: 'Outstanding', kind: 'fen', total: true },
    COLLECTION_RATE,
  ],
  prepare(filters, today) {
    const asOf = filters.asOf ?? today;
    const to = filters.to ?? asOf;
    const yearAgo = new Date(Date.parse(`${firstOfMonth(to)}T00:00:00Z`));
    yearAgo.setUTCMonth(yearAgo.getUTCMonth() - 11);
    const from = filters.from ?? yearAgo.toISOString().slice(0, 10);
    checkRange(from, to);
    return { ...filters, groupBy: filters.groupBy ?? 'month', from, to, asOf };
  },
  source(f, reader) {
    const collected = collectedThrough(sql`b`, f.asOf, reader.today, false);
    const key =
      f.groupBy === 'month'
        ? sql`to_char(b.due_date, 'YYYY-MM')`
        : f.groupBy === 'project'
          ? sql`coalesce(pt.project_id::text, '-')`
          : sql`coalesce(main.asset_type, '-')`;
    const label =
      f.groupBy === 'month'
        ? sql`to_char(b.due_date, 'YYYY-MM')`
        : f.groupBy === 'project'
          ? sql`coalesce(pt.project_name, '未关联资产')`
          : sql`coalesce(${assetTypeName}, '-')`;
    const grouped = sql`WITH ${assetTree(reader.orgId)}
      SELECT ${key} AS "group", min(${label}) AS "groupLabel", count(*) AS "billCount",
             sum(b.amount_fen) AS "billedFen", sum(${collected}) AS "collectedFen",
             sum(b.amount_fen - ${collected}) AS "outstandingFen"
        FROM bills b
        ${mainAssetJoin(sql`b.contract_id`)}
       WHERE b.org_id = ${reader.orgId} AND b.status <> 'void'
         AND b.due_date BETWEEN ${f.from}::date AND ${f.to}::date
         ${optional(f.projectId, sql`AND pt.project_id = ${f.projectId}::uuid`)}
         ${optional(f.tenantId, sql`AND b.tenant_id = ${f.tenantId}::uuid`)}
       GROUP BY 1`;
    if (f.groupBy !== 'month') return grouped;
    // Every month of the range, those without bills as zeros.
    return sql`SELECT to_char(m, 'YYYY-MM') AS "group", to_char(m, 'YYYY-MM') AS "groupLabel",
                      coalesce(g."billCount", 0) AS "billCount", coalesce(g."billedFen", 0) AS "billedFen",
                      coalesce(g."collectedFen", 0) AS "collectedFen", coalesce(g."outstandingFen", 0) AS "outstandingFen"
                 FROM generate_series(date_trunc('month', ${f.from}::date), ${f.to}::date, interval '1 month') m
                 LEFT JOIN (${grouped}) g ON g."group" = to_char(m, 'YYYY-MM')`;
  },
  orderBy: sql`"group"`,
});

/** A leasable unit as the vacancies and income reports list it. */
const UNIT_COLUMNS: readonly ReportColumn[] = [
  { key: 'assetCode', zh: '资产编号', en: 'Code', kind: 'text' },
  { key: 'assetName', zh: '资产名称', en: 'Name', kind: 'text', width: 24 },
  { key: 'type', zh: '类型', en: 'Type', kind: 'text', labels: ASSET_TYPE_LABELS, width: 12 },
  { key: 'projectName', zh: '项目', en: 'Project', kind: 'text' },
  { key: 'areaSqm', zh: '面积（㎡）', en: 'Area (m²)', kind: 'area', total: true },
];
const LEASABLE_TYPE_FILTER = literals(
  LEASABLE_TYPES,
  'unit 房间/铺位 · land 土地 · parking 车位 · warehouse 仓库 · factory 厂房',
);

// ── 空置房源 vacancies ────────────────────────────────────────────────────────────────────────────────────────────

interface VacancyFilter extends Record<string, unknown> {
  asOf: string;
  projectId?: string;
  type?: string;
  minDays?: number;
}

export const vacancies = defineReport<VacancyFilter>({
  name: 'vacancies',
  title: { zh: '空置资产明细', en: 'Vacancies' },
  description:
    '当前状态为空置的可出租资产（房间/铺位、土地、车位、仓库、厂房），空置起始日为状态记录中最近一次转为空置的日期' +
    '（无记录时为登记日期），空置天数 = 截至日期 − 空置起始日。',
  filters: {
    asOf: OptionalDate('截至日期（默认今天）'),
    projectId: Uuid('项目'),
    type: LEASABLE_TYPE_FILTER,
    minDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 36500, description: '至少空置的天数' })),
  },
  filterLabels: LABELS,
  columns: [
    ...UNIT_COLUMNS,
    { key: 'vacantSince', zh: '空置起始日', en: 'Vacant since', kind: 'date' },
    { key: 'daysVacant', zh: '空置天数', en: 'Days vacant', kind: 'integer', width: 10 },
  ],
  prepare(filters, today) {
    return { ...filters, asOf: filters.asOf ?? today };
  },
  source(f, reader) {
    return sql`SELECT * FROM (WITH ${assetTree(reader.orgId)}
      SELECT a.code AS "assetCode", a.name AS "assetName", a.type, pt.project_name AS "projectName",
             a.area_sqm::text AS "areaSqm", since.day::text AS "vacantSince",
             greatest(${f.asOf}::date - since.day, 0) AS "daysVacant"
        FROM assets a
        LEFT JOIN asset_tree pt ON pt.asset_id = a.id
        CROSS JOIN LATERAL (
          SELECT coalesce(
            (SELECT (h.changed_at AT TIME ZONE 'Asia/Shanghai')::date FROM asset_status_history h
              WHERE h.asset_id = a.id AND h.to_status = 'vacant' ORDER BY h.id DESC LIMIT 1),
            (a.created_at AT TIME ZONE 'Asia/Shanghai')::date) AS day) since
       WHERE a.org_id = ${reader.orgId} AND a.status = 'vacant' AND a.type IN (${leasableTypesSql})
         ${optional(f.projectId, sql`AND pt.project_id = ${f.projectId}::uuid`)}
         ${optional(f.type, sql`AND a.type = ${f.type}`)}
      ) v ${f.minDays === undefined ? sql`` : sql`WHERE "daysVacant" >= ${f.minDays}`}`;
  },
  orderBy: sql`"daysVacant" DESC, "assetCode"`,
});

// ── 收款明细 payments received ────────────────────────────────────────────────────────────────────────────────────

interface PaymentsFilter extends Record<string, unknown> {
  from: string;
  to: string;
  method?: string;
  tenantId?: string;
}

export const paymentsReceived = defineReport<PaymentsFilter>({
  name: 'payments',
  title: { zh: '收款明细', en: 'Payments received' },
  description: '收款日期在所选期间内的每笔收款（线下与在线渠道），默认今天；按收款方式小计。',
  filters: {
    from: OptionalDate('收款日期起（默认今天）'),
    to: OptionalDate('收款日期止（默认同起始日期）'),
    method: literals(Object.keys(PAYMENT_METHOD_LABELS), Object.keys(PAYMENT_METHOD_LABELS).join(' · ')),
    tenantId: Uuid('承租方'),
  },
  filterLabels: LABELS,
  columns: [
    { key: 'number', zh: '收款编号', en: 'Number', kind: 'text' },
    { key: 'receivedOn', zh: '收款日期', en: 'Received on', kind: 'date' },
    { key: 'tenantName', zh: '承租方', en: 'Tenant', kind: 'text', width: 24 },
    { key: 'method', zh: '收款方式', en: 'Method', kind: 'text', labels: PAYMENT_METHOD_LABELS, width: 12 },
    { key: 'amountFen', zh: '收款金额', en: 'Amount', kind: 'fen', total: true },
    { key: 'advanceFen', zh: '其中预收', en: 'Of which advance', kind: 'fen', total: true },
    { key: 'reference', zh: '流水号', en: 'Reference', kind: 'text', width: 28 },
  ],
  prepare(filters, today) {
    const from = filters.from ?? filters.to ?? today;
    const to = filters.to ?? from;
    checkRange(from, to);
    return { ...filters, from, to };
  },
  source(f, reader) {
    return sql`SELECT p.number, p.received_on::text AS "receivedOn", ${tenantName(sql`t`, reader)} AS "tenantName",
                      p.method, p.amount_fen AS "amountFen", p.advance_fen AS "advanceFen", p.reference
                 FROM payments p JOIN tenants t ON t.id = p.tenant_id
                WHERE p.org_id = ${reader.orgId} AND p.received_on BETWEEN ${f.from}::date AND ${f.to}::date
                  ${optional(f.method, sql`AND p.method = ${f.method}`)}
                  ${optional(f.tenantId, sql`AND p.tenant_id = ${f.tenantId}::uuid`)}`;
  },
  orderBy: sql`"receivedOn", number`,
  subtotalsBy: 'method',
});

// ── 资产台账 asset register ───────────────────────────────────────────────────────────────────────────────────────

interface AssetRegisterFilter extends Record<string, unknown> {
  asOf: string;
  type?: string;
  status?: string;
  projectId?: string;
}

export const assetRegister = defineReport<AssetRegisterFilter>({
  name: 'asset-register',
  title: { zh: '资产台账', en: 'Asset register' },
  description:
    '全部资产及其截至日期的在租合同（承租方、合同编号、合同月租金）。面积合计请按类型筛选，以免楼栋与房间重复计算。',
  filters: {
    asOf: OptionalDate('在租情况截至日期（默认今天）'),
    type: literals(Object.keys(ASSET_TYPE_LABELS), Object.keys(ASSET_TYPE_LABELS).join(' · ')),
    status: literals(Object.keys(ASSET_STATUS_LABELS), Object.keys(ASSET_STATUS_LABELS).join(' · ')),
    projectId: Uuid('项目'),
  },
  filterLabels: LABELS,
  columns: [
    { key: 'code', zh: '资产编号', en: 'Code', kind: 'text' },
    { key: 'name', zh: '资产名称', en: 'Name', kind: 'text', width: 24 },
    { key: 'type', zh: '类型', en: 'Type', kind: 'text', labels: ASSET_TYPE_LABELS, width: 12 },
    { key: 'projectName', zh: '项目', en: 'Project', kind: 'text' },
    { key: 'parentName', zh: '上级资产', en: 'Parent', kind: 'text' },
    { key: 'areaSqm', zh: '面积（㎡）', en: 'Area (m²)', kind: 'area', total: true },
    { key: 'status', zh: '状态', en: 'Status', kind: 'text', labels: ASSET_STATUS_LABELS, width: 10 },
    { key: 'propertyCertificateNo', zh: '产权证号', en: 'Certificate', kind: 'text' },
    { key: 'bookValueFen', zh: '账面价值', en: 'Book value', kind: 'fen', total: true },
    { key: 'acquisitionDate', zh: '取得日期', en: 'Acquired', kind: 'date' },
    { key: 'contractNumber', zh: '在租合同', en: 'Contract', kind: 'text' },
    { key: 'tenantName', zh: '承租方', en: 'Tenant', kind: 'text', width: 24 },
    { key: 'monthlyRentFen', zh: '合同月租金', en: 'Contract monthly rent', kind: 'fen' },
  ],
  prepare(filters, today) {
    return { ...filters, asOf: filters.asOf ?? today };
  },
  source(f, reader) {
    return sql`WITH ${assetTree(reader.orgId)}
      SELECT a.code, a.name, a.type, pt.project_name AS "projectName", parent.name AS "parentName",
             a.area_sqm::text AS "areaSqm", a.status, a.property_certificate_no AS "propertyCertificateNo",
             a.book_value_fen AS "bookValueFen", a.acquisition_date::text AS "acquisitionDate",
             lease.number AS "contractNumber", lease.tenant_name AS "tenantName",
             lease.monthly_rent_fen AS "monthlyRentFen"
        FROM assets a
        LEFT JOIN asset_tree pt ON pt.asset_id = a.id
        LEFT JOIN assets parent ON parent.id = a.parent_id
        LEFT JOIN LATERAL (
          SELECT c.number, ${tenantName(sql`lt`, reader)} AS tenant_name, c.monthly_rent_fen
            FROM contract_assets ca JOIN contracts c ON c.id = ca.contract_id JOIN tenants lt ON lt.id = c.tenant_id
           WHERE ca.asset_id = a.id AND ca.active AND ca.period @> ${f.asOf}::date LIMIT 1) lease ON true
       WHERE a.org_id = ${reader.orgId}
         ${optional(f.type, sql`AND a.type = ${f.type}`)}
         ${optional(f.status, sql`AND a.status = ${f.status}`)}
         ${optional(f.projectId, sql`AND pt.project_id = ${f.projectId}::uuid`)}`;
  },
  orderBy: sql`code`,
});

// ── 合同台账 contract register ────────────────────────────────────────────────────────────────────────────────────

interface ContractRegisterFilter extends Record<string, unknown> {
  status?: string;
  endFrom?: string;
  endTo?: string;
  tenantId?: string;
  projectId?: string;
}

export const contractRegister = defineReport<ContractRegisterFilter>({
  name: 'contract-register',
  title: { zh: '合同台账', en: 'Contract register' },
  description: '租赁合同及其租期、租金与押金；可按状态、到期日区间、承租方、项目筛选。',
  filters: {
    status: literals(Object.keys(CONTRACT_STATUS_LABELS), Object.keys(CONTRACT_STATUS_LABELS).join(' · ')),
    endFrom: OptionalDate('到期日起'),
    endTo: OptionalDate('到期日止'),
    tenantId: Uuid('承租方'),
    projectId: Uuid('项目（合同主要资产所在项目）'),
  },
  filterLabels: LABELS,
  columns: [
    { key: 'number', zh: '合同编号', en: 'Contract', kind: 'text' },
    { key: 'tenantName', zh: '承租方', en: 'Tenant', kind: 'text', width: 24 },
    { key: 'assetNames', zh: '租赁资产', en: 'Assets', kind: 'text', width: 28 },
    { key: 'projectName', zh: '项目', en: 'Project', kind: 'text' },
    { key: 'status', zh: '状态', en: 'Status', kind: 'text', labels: CONTRACT_STATUS_LABELS, width: 10 },
    { key: 'startDate', zh: '起租日', en: 'Start', kind: 'date' },
    { key: 'endDate', zh: '到期日', en: 'End', kind: 'date' },
    { key: 'signDate', zh: '签订日期', en: 'Signed', kind: 'date' },
    { key: 'monthlyRentFen', zh: '月租金', en: 'Monthly rent', kind: 'fen', total: true },
    { key: 'annualRentFen', zh: '年租金', en: 'Annual rent', kind: 'fen', total: true },
    { key: 'depositFen', zh: '押金', en: 'Deposit', kind: 'fen', total: true },
  ],
  prepare(filters) {
    if (filters.endFrom && filters.endTo && filters.endFrom > filters.endTo) {
      throw new AppError(400, 'report_range_invalid', { from: filters.endFrom, to: filters.endTo });
    }
    return filters;
  },
  source(f, reader) {
    return sql`WITH ${assetTree(reader.orgId)}
      SELECT c.number, ${tenantName(sql`t`, reader)} AS "tenantName", ${contractAssetNames(sql`c.id`)} AS "assetNames",
             pt.project_name AS "projectName", c.status, c.start_date::text AS "startDate",
             c.end_date::text AS "endDate", c.sign_date::text AS "signDate", c.monthly_rent_fen AS "monthlyRentFen",
             c.annual_rent_fen AS "annualRentFen", c.deposit_fen AS "depositFen"
        FROM contracts c
        JOIN tenants t ON t.id = c.tenant_id
        ${mainAssetJoin(sql`c.id`)}
       WHERE c.org_id = ${reader.orgId}
         ${optional(f.status, sql`AND c.status = ${f.status}`)}
         ${optional(f.endFrom, sql`AND c.end_date >= ${f.endFrom}::date`)}
         ${optional(f.endTo, sql`AND c.end_date <= ${f.endTo}::date`)}
         ${optional(f.tenantId, sql`AND c.tenant_id = ${f.tenantId}::uuid`)}
         ${optional(f.projectId, sql`AND pt.project_id = ${f.projectId}::uuid`)}`;
  },
  orderBy: sql`"endDate", number`,
});

// ── 资产收入 income by asset ─────────────────────────────────────────────────────────────────────────────────────

interface IncomeFilter extends Record<string, unknown> {
  from: string;
  to: string;
  asOf: string;
  projectId?: string;
  type?: string;
}

/**
 * One money column of the bills split over each bill's units (`parts`: one row per bill and unit with `weight`,
 * `weights` = the bill's sum of weights, `position`): each unit gets floor(x × weight ÷ weights), and the fen left
 * over go one each to the units with the largest remainders (ties: the contract's order of units), so the parts of
 * every bill add up to it exactly.
 */
function splitColumn(column: string) {
  const x = sql.raw(column);
  const floor = sql.raw(`${column}_floor`);
  const remainder = sql.raw(`${column}_remainder`);
  return {
    floors: sql`floor(${x} * weight / weights) AS ${floor},
                ${x} * weight - floor(${x} * weight / weights) * weights AS ${remainder}`,
    share: sql`${floor} + CASE WHEN row_number() OVER (PARTITION BY bill_id ORDER BY ${remainder} DESC, position)
                                    <= ${x} - sum(${floor}) OVER (PARTITION BY bill_id) THEN 1 ELSE 0 END`,
  };
}

export const incomeByAsset = defineReport<IncomeFilter>({
  name: 'income-by-asset',
  title: { zh: '资产收入统计', en: 'Income by asset' },
  description:
    '每个可出租资产在所选期间（按应缴日期，默认本年）的租金与杂费收入：应收（含税）、其中不含税收入与税额、截至日期前已收本金与未收。' +
    '押金不是收入，不列；作废账单不列。一份合同租赁多个资产时，每张账单按各资产面积占比分摊（有资产未登记面积时平均分摊），' +
    '分摊到分，余下的分按余数从大到小逐个分给各资产，各资产之和恰等于账单金额。未出租也无收入的资产以零列出（已处置的除外）。',
  filters: {
    from: OptionalDate('应缴日期起（默认本年 1 月 1 日）'),
    to: OptionalDate('应缴日期止（默认截至日期）'),
    asOf: OptionalDate('已收统计截至日期（默认今天）'),
    projectId: Uuid('项目'),
    type: LEASABLE_TYPE_FILTER,
  },
  filterLabels: LABELS,
  columns: [
    ...UNIT_COLUMNS,
    { key: 'billCount', zh: '账单数', en: 'Bills', kind: 'integer', total: true, width: 10 },
    { key: 'billedFen', zh: '应收（含税）', en: 'Billed incl. VAT', kind: 'fen', total: true },
    { key: 'netFen', zh: '不含税收入', en: 'Income excl. VAT', kind: 'fen', total: true },
    { key: 'taxFen', zh: '税额', en: 'VAT', kind: 'fen', total: true },
    { key: 'collectedFen', zh: '已收本金', en: 'Collected', kind: 'fen', total: true },
    { key: 'outstandingFen', zh: '未收本金', en: 'Outstanding', kind: 'fen', total: true },
    COLLECTION_RATE,
  ],
  prepare(filters, today) {
    const asOf = filters.asOf ?? today;
    const from = filters.from ?? firstOfYear(asOf);
    const to = filters.to ?? asOf;
    checkRange(from, to);
    return { ...filters, from, to, asOf };
  },
  source(f, reader) {
    const collected = collectedThrough(sql`b`, f.asOf, reader.today, false);
    const [amount, net, paid] = ['amount_fen', 'net_fen', 'paid_fen'].map(splitColumn) as [
      ReturnType<typeof splitColumn>,
      ReturnType<typeof splitColumn>,
      ReturnType<typeof splitColumn>,
    ];
    return sql`SELECT * FROM (WITH ${assetTree(reader.orgId)},
      parts AS (
        SELECT b.id AS bill_id, ca.asset_id, ca.position, b.amount_fen, b.net_fen, ${collected} AS paid_fen,
               CASE WHEN bool_or(coalesce(a.area_sqm, 0) = 0) OVER bill THEN 1 ELSE a.area_sqm END AS weight,
               CASE WHEN bool_or(coalesce(a.area_sqm, 0) = 0) OVER bill THEN count(*) OVER bill
                    ELSE sum(a.area_sqm) OVER bill END AS weights
          FROM bills b
          JOIN contract_assets ca ON ca.contract_id = b.contract_id
          JOIN assets a ON a.id = ca.asset_id
         WHERE b.org_id = ${reader.orgId} AND b.status <> 'void' AND b.kind <> 'deposit'
           AND b.due_date BETWEEN ${f.from}::date AND ${f.to}::date
        WINDOW bill AS (PARTITION BY b.id)),
      floors AS (SELECT *, ${amount.floors}, ${net.floors}, ${paid.floors} FROM parts),
      shares AS (
        SELECT asset_id, ${amount.share} AS amount, ${net.share} AS net, ${paid.share} AS paid FROM floors),
      income AS (
        SELECT asset_id, count(*) AS bills, sum(amount) AS amount, sum(net) AS net, sum(paid) AS paid
          FROM shares GROUP BY asset_id)
      SELECT a.code AS "assetCode", a.name AS "assetName", a.type, pt.project_name AS "projectName",
             a.area_sqm::text AS "areaSqm", coalesce(i.bills, 0) AS "billCount",
             coalesce(i.amount, 0)::bigint AS "billedFen", coalesce(i.net, 0)::bigint AS "netFen",
             coalesce(i.amount - i.net, 0)::bigint AS "taxFen", coalesce(i.paid, 0)::bigint AS "collectedFen",
             coalesce(i.amount - i.paid, 0)::bigint AS "outstandingFen"
        FROM assets a
        LEFT JOIN asset_tree pt ON pt.asset_id = a.id
        LEFT JOIN income i ON i.asset_id = a.id
       WHERE a.org_id = ${reader.orgId} AND a.type IN (${leasableTypesSql})
         AND (a.status <> 'disposed' OR i.asset_id IS NOT NULL)
         ${optional(f.projectId, sql`AND pt.project_id = ${f.projectId}::uuid`)}
         ${optional(f.type, sql`AND a.type = ${f.type}`)}
      ) income_by_asset`;
  },
  orderBy: sql`"billedFen" DESC, "assetCode"`,
});

export const REPORTS: readonly ReportDefinition[] = [
  rentRoll,
  arrearsAging,
  collection,
  vacancies,
  paymentsReceived,
  assetRegister,
  contractRegister,
  incomeByAsset,
];
