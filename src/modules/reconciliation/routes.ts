import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PROVIDERS, type Provider } from '../../db/schema.ts';
import { chinaDate } from '../../domain/calendar.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { AppError } from '../../http/problem.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import type { PaymentsDeps } from '../payments/service.ts';
import { differenceRoutes } from './differences.routes.ts';
import { ReconcileBody, ReconciliationListQuery, ReconciliationSchema } from './schema.ts';
import { reconciliationService } from './service.ts';

registerEntityNames({ reconciliation_run: { zh: '对账批次', en: 'Reconciliation run' } });

/** A day's statement of a busy merchant is a few hundred MB (a million lines of WeChat CSV ~200 MB). */
const MAX_STATEMENT_BYTES = 512 * 1024 * 1024;
const isProvider = (value: string | undefined): value is Provider => PROVIDERS.includes(value as Provider);

const tags = ['对账'];
const problems = { ...errorResponses, 422: Type.Ref('Problem'), 502: Type.Ref('Problem') };

export const reconciliationRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentsDeps }> = async (
  app,
  { payments },
) => {
  await app.register(multipart, { limits: { files: 1, fields: 4, parts: 5 } });
  await app.register(differenceRoutes, { payments });
  app.post(
    '/reconciliations',
    {
      config: { access: 'reconciliation:write' },
      schema: {
        tags,
        summary: '取渠道某日对账单并对账：勾对、补记丢失通知的支付、列出差异、结算入账',
        description:
          '同一文件（SHA-256 相同）再次导入不做任何改动，返回当时的结果（duplicate: true，HTTP 200）；新对账返回 201。',
        body: ReconcileBody,
        response: { 200: ReconciliationSchema, 201: ReconciliationSchema, ...problems },
      },
    },
    async (request, reply) => {
      const run = await reconciliationService.reconcile(payments, staffActor(request), {
        provider: request.body.channel,
        date: request.body.date,
        today: chinaDate(new Date()),
      });
      return reply.status(run.duplicate ? 200 : 201).send(run);
    },
  );

  app.post(
    '/reconciliations/upload',
    {
      config: { access: 'reconciliation:write' },
      schema: {
        tags,
        summary: '上传渠道对账单文件并对账（与取对账单对账相同）',
        description:
          'multipart/form-data：先 channel、date 字段，再 file（微信支付交易账单 CSV 或其 .gz；支付宝账单 zip；' +
          '银联对账文件 zip 或 INN 文本）。文件不是该渠道格式时返回 422。同一文件再次上传不做任何改动（200，duplicate: true）。',
        consumes: ['multipart/form-data'],
        response: { 200: ReconciliationSchema, 201: ReconciliationSchema, 413: Type.Ref('Problem'), ...problems },
      },
    },
    async (request, reply) => {
      const part = await request.file({ limits: { fileSize: MAX_STATEMENT_BYTES } });
      const field = (name: string) => {
        const value = part?.fields[name];
        return value && !Array.isArray(value) && value.type === 'field' ? String(value.value) : undefined;
      };
      const channel = field('channel');
      const date = field('date');
      if (!part || !isProvider(channel) || !date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
        part?.file.resume();
        throw new AppError(422, 'reconciliation_upload_missing', {}, [
          { path: 'body', key: 'reconciliation_upload_missing' },
        ]);
      }
      const run = await reconciliationService.reconcileUpload(payments, staffActor(request), {
        provider: channel,
        date,
        today: chinaDate(new Date()),
        source: part.file,
        maxMb: MAX_STATEMENT_BYTES / 1024 / 1024,
      });
      return reply.status(run.duplicate ? 200 : 201).send(run);
    },
  );

  app.get(
    '/reconciliations',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '对账批次列表（按对账日期倒序，可按渠道、日期、是否有未处理差异筛选）',
        querystring: ReconciliationListQuery,
        response: { 200: Page(ReconciliationSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, channel, from, to, hasOpenDifferences } = request.query;
      const { items, total } = await reconciliationService.list(
        payments,
        staffOf(request).orgId,
        {
          ...(channel ? { provider: channel } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(hasOpenDifferences !== undefined ? { hasOpenDifferences } : {}),
        },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/reconciliations/:id',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '对账批次详情：合计与差异明细',
        params: IdParams,
        response: { 200: ReconciliationSchema, ...errorResponses },
      },
    },
    async (request) => reconciliationService.get(payments, staffOf(request).orgId, request.params.id),
  );
};
