import type { PassThrough } from 'node:stream';
import { chinaDate } from '../../domain/calendar.ts';
import type { Language } from '../../http/messages.ts';
import type { StaffPrincipal } from '../auth/service.ts';
import { orgName } from '../orgs/service.ts';
import { dashboard } from './dashboard.ts';
import { type ReportContext, type ReportDefinition, type ReportReader, reportPage } from './framework.ts';
import { reportWorkbookStream } from './workbook.ts';

/** The reader's scope: their organisation, and whether individuals' names show in full (pii:reveal). */
export function readerOf(staff: StaffPrincipal, now = new Date()): ReportReader {
  return { orgId: staff.orgId, seesNames: staff.permissions.includes('pii:reveal'), today: chinaDate(now) };
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
    const name = await orgName(context.db, staff.orgId);
    return reportWorkbookStream({ context, definition, filters, reader, orgName: name, language });
  },

  dashboard(context: ReportContext, staff: StaffPrincipal, asOf: string | undefined) {
    const reader = readerOf(staff);
    return dashboard(context, reader, asOf ?? reader.today);
  },
};
