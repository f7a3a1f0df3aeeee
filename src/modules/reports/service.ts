import type { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.ts';
import { chinaDate } from '../../domain/calendar.ts';
import type { Language } from '../../http/messages.ts';
import type { StaffPrincipal } from '../auth/service.ts';
import { orgName } from '../orgs/service.ts';
import { dashboard } from './dashboard.ts';
import { type ReportContext, type ReportDefinition, type ReportReader, reportPage } from './framework.ts';
import { tenantName } from './scope.ts';
import { reportWorkbookStream } from './workbook.ts';

/** The reader's scope: their organisation, and whether individuals' names show in full (pii:reveal). */
export function readerOf(staff: StaffPrincipal, now = new Date()): ReportReader {
  return { orgId: staff.orgId, seesNames: staff.permissions.includes('pii:reveal'), today: chinaDate(now) };
}

/** The tenant, contract and project a filter names, as the title row of an export shows them. */
async function filterNames(context: ReportContext, reader: ReportReader, filters: Record<string, unknown>) {
  const id = (key: string) => (typeof filters[key] === 'string' ? (filters[key] as string) : null);
  if (!id('tenantId') && !id('contractId') && !id('projectId')) return {};
  const [row] = await queryRows<Record<string, string | null>>(
    context.db,
    sql`SELECT (SELECT ${tenantName(sql`t`, reader)} FROM tenants t
                 WHERE t.org_id = ${reader.orgId} AND t.id = ${id('tenantId')}::uuid) AS "tenantId",
               (SELECT number FROM contracts WHERE org_id = ${reader.orgId} AND id = ${id('contractId')}::uuid) AS "contractId",
               (SELECT name FROM assets WHERE org_id = ${reader.orgId} AND id = ${id('projectId')}::uuid) AS "projectId"`,
  );
  return Object.fromEntries(Object.entries(row ?? {}).filter(([, value]) => value !== null)) as Record<string, string>;
}

function filtersOf(query: Record<string, unknown>): Record<string, unknown> {
  const { page: _page, pageSize: _pageSize, ...filters } = query;
  return filters;
}

export const reportsService = {
  page(context: ReportContext, definition: ReportDefinition, staff: StaffPrincipal, query: Record<string, unknown>) {
    const reader = readerOf(staff);
    const filters = definition.prepare(filtersOf(query), reader.today);
    return reportPage(context, definition, filters, reader, Number(query.page ?? 1), Number(query.pageSize ?? 20));
  },

  async workbook(
    context: ReportContext,
    definition: ReportDefinition,
    staff: StaffPrincipal,
    query: Record<string, unknown>,
    language: Language,
  ): Promise<PassThrough> {
    const reader = readerOf(staff);
    const filters = definition.prepare(filtersOf(query), reader.today);
    const [name, names] = await Promise.all([orgName(context.db, staff.orgId), filterNames(context, reader, filters)]);
    return reportWorkbookStream({ context, definition, filters, reader, orgName: name, filterNames: names, language });
  },

  dashboard(context: ReportContext, staff: StaffPrincipal, asOf: string | undefined) {
    const reader = readerOf(staff);
    return dashboard(context, reader, asOf ?? reader.today);
  },
};
