import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Orm } from '../../db/client.ts';
import { chinaTimestamp } from '../../excel/sheets.ts';
import { staffOf } from '../../http/access.ts';
import { sendDownload } from '../../http/files.ts';
import { languageOf } from '../../http/messages.ts';
import { errorResponses } from '../../http/schemas.ts';
import { REPORTS } from './catalogue.ts';
import { columnViews, headerOf } from './framework.ts';
import { CatalogueSchema, DashboardQuery, DashboardSchema, ReportPageSchema, reportQuery } from './schema.ts';
import { reportsService } from './service.ts';
import { XLSX_TYPE } from './workbook.ts';

export const reportsRoutes: FastifyPluginAsyncTypebox<{ db: Orm; pii: PiiCipher }> = async (app, { db, pii }) => {
  const tags = ['报表'];
  const context = { db, pii };

  app.get(
    '/reports',
    {
      config: { access: 'report:read' },
      schema: {
        tags,
        summary: '报表目录：每张报表的名称、列与筛选条件',
        response: { 200: CatalogueSchema, ...errorResponses },
      },
    },
    async () =>
      REPORTS.map((report) => ({
        name: report.name,
        title: report.title,
        description: report.description,
        columns: columnViews(report.columns),
        filters: Object.keys(report.filters).map((key) => ({
          key,
          ...(report.filterLabels[key] ?? { zh: key, en: key }),
        })),
      })),
  );

  app.get(
    '/reports/dashboard',
    {
      config: { access: 'report:read' },
      schema: {
        tags,
        summary: '驾驶舱：出租率、近 12 个月应收与已收、收缴率、欠费账龄、逾期欠费前 10 名、90 天内到期合同、当日收款',
        description: DashboardSchema.description,
        querystring: DashboardQuery,
        response: { 200: DashboardSchema, ...errorResponses },
      },
    },
    async (request) => reportsService.dashboard(context, staffOf(request), request.query.asOf),
  );

  for (const report of REPORTS) {
    app.get(
      `/reports/${report.name}`,
      {
        config: { access: 'report:read' },
        schema: {
          tags,
          summary: `${report.title.zh}（${report.title.en}）`,
          description: report.description,
          querystring: reportQuery(report.filters, true),
          response: { 200: ReportPageSchema, ...errorResponses },
        },
      },
      async (request) =>
        reportsService.page(context, report, staffOf(request), request.query as Record<string, unknown>),
    );

    app.get(
      `/reports/${report.name}.xlsx`,
      {
        config: { access: 'report:read' },
        schema: {
          tags,
          summary: `导出${report.title.zh}（.xlsx，当前筛选的全部行、合计行；Accept-Language: en 为英文表头）`,
          querystring: reportQuery(report.filters, false),
        },
      },
      async (request, reply) => {
        const language = languageOf(request.headers['accept-language']);
        const body = await reportsService.workbook(
          context,
          report,
          staffOf(request),
          request.query as Record<string, unknown>,
          language,
        );
        const fileName = `${headerOf(report.title, language)}_${chinaTimestamp()}.xlsx`;
        return sendDownload(reply, { fileName, contentType: XLSX_TYPE, body });
      },
    );
  }
};
