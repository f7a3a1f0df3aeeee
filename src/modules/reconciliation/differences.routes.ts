import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { staffActor, staffOf } from '../../http/access.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import type { PaymentsDeps } from '../payments/service.ts';
import { differencesService } from './differences.ts';
import {
  ApproveDifferenceBody,
  DifferenceListQuery,
  DifferenceSchema,
  RejectDifferenceBody,
  ResolveDifferenceBody,
} from './schema.ts';

registerEntityNames({ reconciliation_difference: { zh: '对账差异', en: 'Reconciliation difference' } });

const tags = ['对账'];
const problems = { ...errorResponses, 409: Type.Ref('Problem'), 422: Type.Ref('Problem') };

export const differenceRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentsDeps }> = async (app, { payments }) => {
  app.get(
    '/reconciliation-differences',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '对账差异工作台（按对账日期倒序，可按状态、渠道、类型筛选）',
        querystring: DifferenceListQuery,
        response: { 200: Page(DifferenceSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, status, channel, kind } = request.query;
      const { items, total } = await differencesService.list(
        payments,
        {
          orgId: staffOf(request).orgId,
          ...(status ? { status } : {}),
          ...(channel ? { provider: channel } : {}),
          ...(kind ? { kind } : {}),
        },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/reconciliation-differences/:id',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '对账差异详情',
        params: IdParams,
        response: { 200: DifferenceSchema, ...errorResponses },
      },
    },
    async (request) => differencesService.get(payments, staffOf(request).orgId, request.params.id),
  );

  app.post(
    '/reconciliation-differences/:id/resolve',
    {
      config: { access: 'reconciliation:write' },
      schema: {
        tags,
        summary: '处理差异：acknowledge 说明后确认（立即处理完毕）；settle 按渠道金额结算（提交审批）',
        description:
          'settle 仅适用于 amount_differs 与 missing_here（渠道持有我方款项）；审批通过后入账：借 1002 净额、借 6603 手续费，' +
          '贷 1012 本系统已入账金额，渠道多收部分贷 2202 并生成挂账，少收部分借 1221 其他应收款—支付渠道。',
        params: IdParams,
        body: ResolveDifferenceBody,
        response: { 200: DifferenceSchema, ...problems },
      },
    },
    async (request) => differencesService.resolve(payments, staffActor(request), request.params.id, request.body),
  );

  app.post(
    '/reconciliation-differences/:id/approve',
    {
      config: { access: 'reconciliation:approve' },
      schema: {
        tags,
        summary: '审批差异结算（不能审批自己提交的）：过账并处理完毕',
        params: IdParams,
        body: ApproveDifferenceBody,
        response: { 200: DifferenceSchema, ...problems },
      },
    },
    async (request) => differencesService.approve(payments, staffActor(request), request.params.id, request.body),
  );

  app.post(
    '/reconciliation-differences/:id/reject',
    {
      config: { access: 'reconciliation:approve' },
      schema: {
        tags,
        summary: '驳回差异结算（须填理由）：差异回到待处理',
        params: IdParams,
        body: RejectDifferenceBody,
        response: { 200: DifferenceSchema, ...problems },
      },
    },
    async (request) => differencesService.reject(payments, staffActor(request), request.params.id, request.body),
  );
};
