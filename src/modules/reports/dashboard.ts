// The dashboard (驾驶舱): a handful of aggregates, each computed in the database from the same report definitions its
// drill-through lists, so a figure and its detail always agree.
import { type SQL, sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.ts';
import { AGING_BUCKETS, agingBucketSql } from './aging.ts';
import { arrearsAging, collection, paymentsReceived } from './catalogue.ts';
import { type ReportContext, type ReportReader, type Row, ratioText, reportTotals } from './framework.ts';
import {
  ASSET_TYPE_LABELS,
  contractAssetNames,
  firstOfYear,
  leasableTypesSql,
  PAYMENT_METHOD_LABELS,
  tenantName,
} from './scope.ts';

export interface Drill {
  report: string;
  filter: Record<string, string | number | boolean>;
}

const drill = (report: string, filter: Drill['filter']): { drill: Drill } => ({ drill: { report, filter } });

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function monthStartBefore(date: string, months: number): string {
  const start = new Date(Date.parse(`${date.slice(0, 7)}-01T00:00:00Z`));
  start.setUTCMonth(start.getUTCMonth() - months);
  return start.toISOString().slice(0, 10);
}

function monthEnd(date: string): string {
  const next = new Date(Date.parse(`${date.slice(0, 7)}-01T00:00:00Z`));
  next.setUTCMonth(next.getUTCMonth() + 1);
  return addDays(next.toISOString().slice(0, 10), -1);
}

interface OccupancyRow {
  dimension: 'all' | 'project' | 'type';
  key: string | null;
  label: string | null;
  units: string;
  leased_units: string;
  area: string;
  leased_area: string;
  area_rate: string | null;
}

/**
 * Occupancy (出租率) of the leasable units (房间/铺位, 土地, 车位, 仓库, 厂房) not disposed and not in self use: a unit is let
 * on the as-of day when an active contract covers it that day. By count and by area (m²).
 */
async function occupancy(context: ReportContext, reader: ReportReader, asOf: string) {
  const rows = await queryRows<OccupancyRow>(
    context.db,
    sql`WITH units AS (
        SELECT a.type, coalesce(a.area_sqm, 0) AS area, a.project_id,
               EXISTS (SELECT 1 FROM contract_assets ca WHERE ca.asset_id = a.id AND ca.active
                          AND ca.period @> ${asOf}::date) AS leased
          FROM assets a
         WHERE a.org_id = ${reader.orgId} AND a.type IN (${leasableTypesSql})
           AND a.status NOT IN ('disposed', 'self_use')),
      figures AS (
        SELECT CASE WHEN GROUPING(type) = 0 THEN 'type' WHEN GROUPING(project_id) = 0 THEN 'project' ELSE 'all' END
                 AS dimension,
               type, project_id, count(*) AS units, count(*) FILTER (WHERE leased) AS leased_units, sum(area) AS area,
               coalesce(sum(area) FILTER (WHERE leased), 0) AS leased_area
          FROM units
         GROUP BY GROUPING SETS ((), (project_id), (type)))
      -- The projects' names for the few rows of figures, not for every unit.
      SELECT f.dimension, coalesce(f.type, f.project_id::text) AS key, coalesce(f.type, p.name) AS label,
             f.units::text AS units, f.leased_units::text AS leased_units, f.area::numeric(14, 2)::text AS area,
             f.leased_area::numeric(14, 2)::text AS leased_area,
             round(f.leased_area / nullif(f.area, 0), 4)::numeric(6, 4)::text AS area_rate
        FROM figures f LEFT JOIN assets p ON p.id = f.project_id
       ORDER BY f.dimension, label`,
  );
  const figure = (row: OccupancyRow) => ({
    units: Number(row.units),
    leasedUnits: Number(row.leased_units),
    rateByCount: ratioText(Number(row.leased_units), Number(row.units)),
    areaSqm: row.area,
    leasedAreaSqm: row.leased_area,
    rateByArea: row.area_rate,
  });
  const all = rows.find((row) => row.dimension === 'all');
  return {
    total: all
      ? { ...figure(all), ...drill('vacancies', { asOf }) }
      : { units: 0, leasedUnits: 0, rateByCount: null, areaSqm: '0.00', leasedAreaSqm: '0.00', rateByArea: null },
    byProject: rows
      .filter((row) => row.dimension === 'project')
      .map((row) => ({
        projectId: row.key,
        projectName: row.label,
        ...figure(row),
        ...drill('vacancies', row.key ? { asOf, projectId: row.key } : { asOf }),
      })),
    byAssetType: rows
      .filter((row) => row.dimension === 'type')
      .map((row) => ({
        type: row.key!,
        typeName: ASSET_TYPE_LABELS[row.key!]?.zh ?? row.key!,
        ...figure(row),
        ...drill('vacancies', { asOf, type: row.key! }),
      })),
  };
}

/**
 * The ten tenants owing most that is overdue. As of today or later straight from the owing bills (a partial index
 * holds them); as of an earlier day through the aging report, which adds back what was paid after that day.
 */
async function topOverdueTenants(context: ReportContext, reader: ReportReader, asOf: string) {
  const rows =
    asOf >= reader.today
      ? await queryRows<Row>(
          context.db,
          sql`WITH top AS (
                SELECT tenant_id, count(*) AS bill_count, sum(owed) AS owed, min(due_date) AS oldest,
                       max(${asOf}::date - due_date) AS max_days
                  FROM (SELECT tenant_id, due_date,
                               amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen AS owed
                          FROM bills
                         WHERE org_id = ${reader.orgId} AND status IN ('open', 'partial') AND due_date < ${asOf}::date) b
                 WHERE owed > 0
                 GROUP BY tenant_id
                 ORDER BY sum(owed) DESC
                 FETCH FIRST 10 ROWS WITH TIES)
              SELECT top.tenant_id AS "tenantId", ${tenantName(sql`t`, reader)} AS "tenantName",
                     t.phone_enc AS "_phoneEnc", top.bill_count::text AS "billCount", top.owed::text AS "overdueFen",
                     top.oldest::text AS "oldestDueDate", top.max_days::text AS "maxDaysOverdue"
                FROM top JOIN tenants t ON t.id = top.tenant_id
               ORDER BY top.owed DESC, t.name, t.id
               LIMIT 10`,
        )
      : await queryRows<Row>(
          context.db,
          sql`SELECT "_tenantId" AS "tenantId", min("tenantName") AS "tenantName", min("_phoneEnc") AS "_phoneEnc",
                     count(*)::text AS "billCount", sum("outstandingFen")::text AS "overdueFen",
                     min("dueDate") AS "oldestDueDate", max("daysOverdue")::text AS "maxDaysOverdue"
                FROM (${arrearsAging.source({ asOf, overdueOnly: true }, reader)}) r
               GROUP BY "_tenantId"
               ORDER BY sum("outstandingFen") DESC, min("_tenantSortName"), "_tenantId"
               LIMIT 10`,
        );
  return rows.map((row) => {
    const { phone } = arrearsAging.present!(row, context, reader);
    return {
      tenantId: row.tenantId as string,
      tenantName: row.tenantName as string,
      phone: phone as string | null,
      billCount: Number(row.billCount),
      overdueFen: Number(row.overdueFen),
      oldestDueDate: row.oldestDueDate as string,
      maxDaysOverdue: Number(row.maxDaysOverdue),
      ...drill('arrears-aging', { asOf, tenantId: row.tenantId as string, overdueOnly: true }),
    };
  });
}

async function contractsEnding(context: ReportContext, reader: ReportReader, asOf: string) {
  const filter = { status: 'active', endFrom: asOf, endTo: addDays(asOf, 90) };
  // The register's count, rent total and first rows under this filter, without the register's joins.
  const ending = sql`org_id = ${reader.orgId} AND status = ${filter.status}
             AND end_date BETWEEN ${filter.endFrom}::date AND ${filter.endTo}::date`;
  const [[totals], first] = await Promise.all([
    queryRows<{ count: string; rent: string }>(
      context.db,
      sql`SELECT count(*)::text AS count, coalesce(sum(monthly_rent_fen), 0)::text AS rent FROM contracts
           WHERE ${ending}`,
    ),
    // The register's first ten (its order: end date, number), named after they are chosen.
    queryRows<Row>(
      context.db,
      sql`SELECT c.number, ${tenantName(sql`t`, reader)} AS "tenantName", ${contractAssetNames(sql`c.id`)} AS "assetNames",
                 c.end_date::text AS "endDate", c.monthly_rent_fen::text AS "monthlyRentFen"
            FROM (SELECT id, number, tenant_id, end_date, monthly_rent_fen FROM contracts
                   WHERE ${ending} ORDER BY end_date, number LIMIT 10) c
            JOIN tenants t ON t.id = c.tenant_id
           ORDER BY c.end_date, c.number`,
    ),
  ]);
  return {
    count: Number(totals!.count),
    monthlyRentFen: Number(totals!.rent),
    first: first.map((row) => ({
      number: row.number as string,
      tenantName: row.tenantName as string,
      assetNames: row.assetNames as string | null,
      endDate: row.endDate as string,
      daysLeft: Math.round((Date.parse(row.endDate as string) - Date.parse(asOf)) / 86_400_000),
      monthlyRentFen: Number(row.monthlyRentFen),
    })),
    ...drill('contract-register', filter),
  };
}

// ── From the summary (as of today or later) ─────────────────────────────────────────────────────────────────────
// bill_due_totals (migration 0014) holds per due date what the non-void bills add up to, kept by the bills' triggers:
// the figures as of today read a few thousand rows instead of every bill. Earlier as-of days need the payments applied
// by then, so they go through the reports themselves.

interface DueTotalsRow {
  key: string;
  bill_count: string;
  billed_fen: string;
  paid_fen: string;
  owed_count: string;
  owed_fen: string;
}

function dueTotals(context: ReportContext, reader: ReportReader, key: SQL, from: string | null, to: string | null) {
  return queryRows<DueTotalsRow>(
    context.db,
    sql`SELECT ${key} AS key, sum(bill_count)::text AS bill_count, sum(billed_fen)::text AS billed_fen,
               sum(principal_paid_fen)::text AS paid_fen, sum(owed_count)::text AS owed_count,
               sum(owed_fen)::text AS owed_fen
          FROM bill_due_totals
         WHERE org_id = ${reader.orgId}
           ${from ? sql`AND due_date >= ${from}::date` : sql``} ${to ? sql`AND due_date <= ${to}::date` : sql``}
         GROUP BY 1`,
  );
}

/** Billed and collected principal per month of due date, every month of the range (collection by month). */
async function monthlyCollection(context: ReportContext, reader: ReportReader, from: string, to: string) {
  const rows = await dueTotals(context, reader, sql`to_char(due_date, 'YYYY-MM')`, from, to);
  const byMonth = new Map(rows.map((row) => [row.key, row]));
  const months: Row[] = [];
  for (let month = from.slice(0, 7); month <= to.slice(0, 7); month = monthStartBefore(`${month}-01`, -1).slice(0, 7)) {
    const row = byMonth.get(month);
    const billed = Number(row?.billed_fen ?? 0);
    const collected = Number(row?.paid_fen ?? 0);
    months.push({
      group: month,
      billCount: Number(row?.bill_count ?? 0),
      billedFen: billed,
      collectedFen: collected,
      outstandingFen: billed - collected,
    });
  }
  return months;
}

async function collectionTotals(context: ReportContext, reader: ReportReader, from: string, to: string) {
  const [row] = await dueTotals(context, reader, sql`'all'`, from, to);
  const billedFen = Number(row?.billed_fen ?? 0);
  const collectedFen = Number(row?.paid_fen ?? 0);
  return { billedFen, collectedFen, rate: ratioText(collectedFen, billedFen) };
}

/** What is owed by aging bucket as of `asOf` (today or later): each due date's owing bills fall in one bucket. */
async function agingTotals(context: ReportContext, reader: ReportReader, asOf: string) {
  const rows = await dueTotals(context, reader, agingBucketSql(sql`(${asOf}::date - due_date)`), null, null);
  const owing = rows.filter((row) => Number(row.owed_count) > 0);
  return {
    outstandingFen: owing.reduce((sum, row) => sum + Number(row.owed_fen), 0),
    billCount: owing.reduce((sum, row) => sum + Number(row.owed_count), 0),
    byBucket: new Map(owing.map((row) => [row.key, { count: Number(row.owed_count), outstandingFen: row.owed_fen }])),
  };
}

interface MoneyFigures {
  months: Row[];
  rate: { billedFen: number; collectedFen: number; rate: string | null };
  aging: {
    outstandingFen: number;
    billCount: number;
    byBucket: Map<string, { count: number; outstandingFen: unknown }>;
  };
}

/** Billed vs collected, the year's collection rate and the aging, from the summary as of today or later. */
async function moneyFromSummary(context: ReportContext, reader: ReportReader, asOf: string): Promise<MoneyFigures> {
  const [months, rate, aging] = await Promise.all([
    monthlyCollection(context, reader, monthStartBefore(asOf, 11), monthEnd(asOf)),
    collectionTotals(context, reader, firstOfYear(asOf), asOf),
    agingTotals(context, reader, asOf),
  ]);
  return { months, rate, aging };
}

/** The same figures as of an earlier day, from the reports (payments applied by then). */
async function moneyFromReports(context: ReportContext, reader: ReportReader, asOf: string): Promise<MoneyFigures> {
  const monthly = collection.prepare(
    { groupBy: 'month', from: monthStartBefore(asOf, 11), to: monthEnd(asOf), asOf },
    reader.today,
  );
  const rateFilter = collection.prepare({ groupBy: 'month', from: firstOfYear(asOf), to: asOf, asOf }, reader.today);
  const [months, rate, aging] = await Promise.all([
    queryRows<Row>(
      context.db,
      sql`SELECT * FROM (${collection.source(monthly, reader)}) r ORDER BY ${collection.orderBy}`,
    ),
    reportTotals(context.db, collection, rateFilter, reader),
    reportTotals(context.db, arrearsAging, { asOf }, reader),
  ]);
  return {
    months,
    rate: {
      billedFen: Number(rate.totals.billedFen),
      collectedFen: Number(rate.totals.collectedFen),
      rate: rate.totals.collectionRate as string | null,
    },
    aging: {
      outstandingFen: Number(aging.totals.outstandingFen),
      billCount: aging.count,
      byBucket: new Map(
        (aging.subtotals ?? []).map((row) => [
          row.bucket as string,
          { count: Number(row.count), outstandingFen: row.outstandingFen },
        ]),
      ),
    },
  };
}

export async function dashboard(context: ReportContext, reader: ReportReader, asOf: string) {
  const yearFrom = firstOfYear(asOf);
  const [occupied, money, top, ending, payments] = await Promise.all([
    occupancy(context, reader, asOf),
    asOf >= reader.today ? moneyFromSummary(context, reader, asOf) : moneyFromReports(context, reader, asOf),
    topOverdueTenants(context, reader, asOf),
    contractsEnding(context, reader, asOf),
    reportTotals(context.db, paymentsReceived, { from: asOf, to: asOf }, reader),
  ]);
  const { months, rate, aging } = money;
  const methodTotals = new Map((payments.subtotals ?? []).map((row) => [row.method as string, row]));
  return {
    asOf,
    occupancy: occupied,
    billedVsCollected: months.map((row) => ({
      month: row.group as string,
      billCount: Number(row.billCount),
      billedFen: Number(row.billedFen),
      collectedFen: Number(row.collectedFen),
      outstandingFen: Number(row.outstandingFen),
      collectionRate: ratioText(Number(row.collectedFen), Number(row.billedFen)),
      ...drill('rent-roll', { from: `${row.group}-01`, to: monthEnd(`${row.group}-01`), asOf }),
    })),
    collectionRate: {
      from: yearFrom,
      to: asOf,
      ...rate,
      ...drill('collection', { groupBy: 'month', from: yearFrom, to: asOf, asOf }),
    },
    aging: {
      outstandingFen: aging.outstandingFen,
      billCount: aging.billCount,
      buckets: AGING_BUCKETS.map(({ key, zh }) => ({
        bucket: key,
        label: zh,
        billCount: aging.byBucket.get(key)?.count ?? 0,
        outstandingFen: Number(aging.byBucket.get(key)?.outstandingFen ?? 0),
        ...drill('arrears-aging', { asOf, bucket: key }),
      })),
      ...drill('arrears-aging', { asOf }),
    },
    topOverdueTenants: top,
    contractsEnding: ending,
    paymentsToday: {
      date: asOf,
      count: payments.count,
      amountFen: Number(payments.totals.amountFen),
      byChannel: Object.keys(PAYMENT_METHOD_LABELS)
        .filter((method) => methodTotals.has(method))
        .map((method) => ({
          method,
          methodName: PAYMENT_METHOD_LABELS[method]!.zh,
          count: Number(methodTotals.get(method)!.count),
          amountFen: Number(methodTotals.get(method)!.amountFen),
          ...drill('payments', { from: asOf, to: asOf, method }),
        })),
      ...drill('payments', { from: asOf, to: asOf }),
    },
  };
}

/** The dashboard's parts one by one, for the benchmark's per-query figures. */
export const dashboardParts = {
  occupancy,
  moneyFromSummary,
  moneyFromReports,
  topOverdueTenants,
  contractsEnding,
  paymentsToday: (context: ReportContext, reader: ReportReader, asOf: string) =>
    reportTotals(context.db, paymentsReceived, { from: asOf, to: asOf }, reader),
};
