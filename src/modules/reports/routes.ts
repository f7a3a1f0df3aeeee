import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Orm } from '../../db/client.ts';
import { chinaTimestamp } from '../../excel/sheets.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { sendDownload } from '../../http/files.ts';
import { languageOf } from '../../http/messages.ts';
import { errorResponses } from '../../http/schemas.ts';
import { REPORTS } from './catalogue.ts';
import { columnViews, filterView, headerOf } from './framework.ts';
import { CatalogueSchema, DashboardQuery, DashboardSchema, ReportPageSchema, reportQuery } from './schema.ts';
import { readerOf, reportsService } from './service.ts';
import { SupervisionQuery, SupervisionSchema, supervisionExport, supervisionRange } from './supervision.ts';
import {
  MappingBody,
  MappingSchema,
  saveVoucherMapping,
  VoucherPageQuery,
  VoucherPreviewSchema,
  VoucherQuery,
  voucherMapping,
  voucherPreview,
  voucherRange,
  voucherWorkbookStream,
} from './vouchers.ts';
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
        filters: Object.keys(report.filters).map((key) => filterView(report, key)),
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

  // ── 记账凭证 accounting vouchers for 用友/金蝶, and their account mapping ──────────────────────────────────────────
  app.get(
    '/reports/vouchers',
    {
      config: { access: 'report:read' },
      schema: {
        tags,
        summary:
          '记账凭证预览（用友/金蝶导入格式）：期间内每笔分录为一张凭证，每行一条分录行，借贷合计与未对照科目提示',
        description:
          '凭证字“记”，凭证号按月连续编号；金额为整数分（导出文件中为元，两位小数）；科目按科目对照输出，未对照的科目按本系统编码输出并列入 warnings。',
        querystring: VoucherPageQuery,
        response: { 200: VoucherPreviewSchema, ...errorResponses },
      },
    },
    async (request) => voucherPreview(context, readerOf(staffOf(request)), request.query),
  );

  app.get(
    '/reports/vouchers.xlsx',
    {
      config: { access: 'report:read' },
      schema: {
        tags,
        summary:
          '导出记账凭证（.xlsx，用友 U8/T+ 或金蝶 KIS/K3 导入格式：第 1 行为表头，其后每行一条分录行，无合计行）',
        querystring: VoucherQuery,
      },
    },
    async (request, reply) => {
      const reader = readerOf(staffOf(request));
      const range = voucherRange(request.query, reader.today);
      const format = request.query.format ?? 'yonyou';
      const body = voucherWorkbookStream(context, reader, range, format);
      const software = format === 'kingdee' ? '金蝶' : '用友';
      const fileName = `记账凭证_${software}_${range.from}_${range.to}_${chinaTimestamp()}.xlsx`;
      return sendDownload(reply, { fileName, contentType: XLSX_TYPE, body });
    },
  );

  app.get(
    '/reports/voucher-mapping',
    {
      config: { access: 'report:read' },
      schema: {
        tags,
        summary: '科目对照：本系统每个科目对应的财务软件科目编码与名称（null 为未对照）',
        response: { 200: MappingSchema, ...errorResponses },
      },
    },
    async (request) => voucherMapping(db, staffOf(request).orgId),
  );

  app.put(
    '/reports/voucher-mapping',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: '保存科目对照（整体替换，记入审计日志）；未知的本系统科目编码返回 400',
        body: MappingBody,
        response: { 200: MappingSchema, ...errorResponses },
      },
    },
    async (request) => saveVoucherMapping(db, staffActor(request), request.body),
  );

  // ── 监管报送 the supervision platform's export ────────────────────────────────────────────────────────────────
  app.get(
    '/reports/supervision-export',
    {
      config: { access: 'report:read' },
      schema: {
        tags,
        summary: '国资监管数据报送：资产台账、合同台账、租金收缴台账（JSON，流式，个人信息脱敏）',
        description: SupervisionSchema.description,
        querystring: SupervisionQuery,
        response: { 200: SupervisionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const reader = readerOf(staffOf(request));
      const range = supervisionRange(request.query, reader.today);
      const body = await supervisionExport({ context, reader, ...range });
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
};
