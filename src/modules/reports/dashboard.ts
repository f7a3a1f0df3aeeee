// The dashboard (驾驶舱): a handful of aggregates, each computed in the database from the same report definitions its
// drill-through lists, so a figure and its detail always agree.
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.ts';
import { AGING_BUCKETS } from './aging.ts';
import { arrearsAging, collection, contractRegister, paymentsReceived } from './catalogue.ts';
import { type ReportContext, type ReportReader, type Row, ratioText, reportTotals } from './framework.ts';
import { ASSET_TYPE_LABELS, assetTree, firstOfYear, leasableTypesSql, PAYMENT_METHOD_LABELS } from './scope.ts';

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
    sql`WITH RECURSIVE ${assetTree(reader.orgId)},
      units AS (
        SELECT a.type, coalesce(a.area_sqm, 0) AS area, pt.project_id, pt.project_name,
               EXISTS (SELECT 1 FROM contract_assets ca WHERE ca.asset_id = a.id AND ca.active
                          AND ca.period @> ${asOf}::date) AS leased
          FROM assets a LEFT JOIN asset_tree pt ON pt.asset_id = a.id
         WHERE a.org_id = ${reader.orgId} AND a.type IN (${leasableTypesSql})
           AND a.status NOT IN ('disposed', 'self_use'))
      SELECT dimension, key, label, count(*)::text AS units, count(*) FILTER (WHERE leased)::text AS leased_units,
             sum(area)::numeric(14, 2)::text AS area,
             coalesce(sum(area) FILTER (WHERE leased), 0)::numeric(14, 2)::text AS leased_area,
             round(coalesce(sum(area) FILTER (WHERE leased), 0) / nullif(sum(area), 0), 4)::numeric(6, 4)::text AS area_rate
        FROM (SELECT 'all' AS dimension, NULL::text AS key, NULL::text AS label, area, leased FROM units
              UNION ALL SELECT 'project', project_id::text, project_name, area, leased FROM units
              UNION ALL SELECT 'type', type, type, area, leased FROM units) u
       GROUP BY dimension, key, label
       ORDER BY dimension, label`,
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

async function topOverdueTenants(context: ReportContext, reader: ReportReader, asOf: string) {
  const source = arrearsAging.source({ asOf, overdueOnly: true }, reader);
  const rows = await queryRows<Row>(
    context.db,
    sql`SELECT "_tenantId" AS "tenantId", min("tenantName") AS "tenantName", min("_phoneEnc") AS "_phoneEnc",
               count(*)::text AS "billCount", sum("outstandingFen")::text AS "overdueFen",
               min("dueDate") AS "oldestDueDate", max("daysOverdue")::text AS "maxDaysOverdue"
          FROM (${source}) r
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
  const source = contractRegister.source(filter, reader);
  const [totals, first] = await Promise.all([
    reportTotals(context.db, contractRegister, filter, reader),
    queryRows<Row>(
      context.db,
      sql`SELECT number, "tenantName", "assetNames", "endDate", "monthlyRentFen"::text AS "monthlyRentFen"
            FROM (${source}) r ORDER BY ${contractRegister.orderBy} LIMIT 10`,
    ),
  ]);
  return {
    count: totals.count,
    monthlyRentFen: Number(totals.totals.monthlyRentFen ?? 0),
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

export async function dashboard(context: ReportContext, reader: ReportReader, asOf: string) {
  const yearFrom = firstOfYear(asOf);
  const monthsFrom = monthStartBefore(asOf, 11);
  const monthsTo = monthEnd(asOf);
  const monthly = collection.prepare({ groupBy: 'month', from: monthsFrom, to: monthsTo, asOf }, reader.today);
  const rateFilter = collection.prepare({ groupBy: 'month', from: yearFrom, to: asOf, asOf }, reader.today);
  const [occupied, months, rate, aging, top, ending, payments] = await Promise.all([
    occupancy(context, reader, asOf),
    queryRows<Row>(
      context.db,
      sql`SELECT * FROM (${collection.source(monthly, reader)}) r ORDER BY ${collection.orderBy}`,
    ),
    reportTotals(context.db, collection, rateFilter, reader),
    reportTotals(context.db, arrearsAging, { asOf }, reader),
    topOverdueTenants(context, reader, asOf),
    contractsEnding(context, reader, asOf),
    reportTotals(context.db, paymentsReceived, { from: asOf, to: asOf }, reader),
  ]);
  const bucketTotals = new Map((aging.subtotals ?? []).map((row) => [row.bucket as string, row]));
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
      billedFen: Number(rate.totals.billedFen),
      collectedFen: Number(rate.totals.collectedFen),
      rate: rate.totals.collectionRate as string | null,
      ...drill('collection', { groupBy: 'month', from: yearFrom, to: asOf, asOf }),
    },
    aging: {
      outstandingFen: Number(aging.totals.outstandingFen),
      billCount: aging.count,
      buckets: AGING_BUCKETS.map(({ key, zh }) => ({
        bucket: key,
        label: zh,
        billCount: Number(bucketTotals.get(key)?.count ?? 0),
        outstandingFen: Number(bucketTotals.get(key)?.outstandingFen ?? 0),
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
