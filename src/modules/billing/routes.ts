import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { chinaTimestamp } from '../../excel/sheets.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { sendDownload, XLSX_TYPE } from '../../http/files.ts';
import { answeredInOneTransaction } from '../../http/idempotency.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import { runBilling } from './run.ts';
import {
  BillDetailSchema,
  BillExportQuery,
  BillListQuery,
  BillSchema,
  ChargeBody,
  ReissueBody,
  RunBody,
  RunListQuery,
  RunResultSchema,
  RunSchema,
  VoidBody,
} from './schema.ts';
import { billingService } from './service.ts';

registerEntityNames({
  bill: { zh: '账单', en: 'Bill' },
  billing_run: { zh: '开账记录', en: 'Billing run' },
});

const withProblems = { ...errorResponses, 422: Type.Ref('Problem') };

export const billingRoutes: FastifyPluginAsyncTypebox<{ db: Orm }> = async (app, { db }) => {
  const tags = ['账单'];

  app.post(
    '/billing-runs',
    {
      config: { access: 'bill:write', idempotent: true },
      schema: {
        tags,
        summary: '开账：为截至该日应付的计划期次生成账单（重复开账不会重复出账）',
        body: RunBody,
        response: { 200: RunResultSchema, ...withProblems },
      },
    },
    async (request) => {
      const actor = staffActor(request);
      return runBilling(db, actor, { orgId: actor.orgId, throughDate: request.body.throughDate, trigger: 'manual' });
    },
  );

  app.get(
    '/billing-runs',
    {
      config: { access: 'bill:read' },
      schema: { tags, summary: '开账记录', querystring: RunListQuery, response: { 200: Page(RunSchema) } },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      const { items, total } = await billingService.runs(db, staffOf(request).orgId, page, pageSize);
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/bills',
    {
      config: { access: 'bill:read' },
      schema: {
        tags,
        summary: '账单列表（分页、筛选）',
        querystring: BillListQuery,
        response: { 200: Page(BillSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await billingService.list(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/bills/export',
    {
      config: { access: 'bill:read' },
      schema: { tags, summary: '按当前筛选导出账单（.xlsx）', querystring: BillExportQuery },
    },
    async (request, reply) =>
      sendDownload(reply, {
        fileName: `账单_${chinaTimestamp()}.xlsx`,
        contentType: XLSX_TYPE,
        body: await billingService.exportWorkbook(db, { ...request.query, orgId: staffOf(request).orgId }),
      }),
  );

  app.get(
    '/bills/:id',
    {
      config: { access: 'bill:read' },
      schema: {
        tags,
        summary: '账单详情：明细行、收款核销、记账凭证、违约金减免、消息',
        params: IdParams,
        response: { 200: BillDetailSchema, ...errorResponses },
      },
    },
    async (request) => billingService.detail(db, staffOf(request).orgId, request.params.id),
  );

  app.post(
    '/bills',
    {
      config: { access: 'bill:write', idempotent: true },
      schema: {
        tags,
        summary: '开具一次性杂费账单（水电、物业、维修、其他）',
        body: ChargeBody,
        response: { 201: BillSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      const bill = await answeredInOneTransaction(db, reply, 201, (tx) =>
        billingService.createCharge(tx, actor, request.body),
      );
      return reply.status(201).send(bill);
    },
  );

  app.post(
    '/bills/:id/void',
    {
      config: { access: 'bill:write', idempotent: true },
      schema: {
        tags,
        summary: '作废账单（红字冲销其凭证；已有收款的不能作废）',
        params: IdParams,
        body: VoidBody,
        response: { 200: BillSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      return answeredInOneTransaction(db, reply, 200, (tx) =>
        billingService.void(tx, actor, request.params.id, request.body.reason),
      );
    },
  );

  app.post(
    '/bills/:id/reissue',
    {
      config: { access: 'bill:write', idempotent: true },
      schema: {
        tags,
        summary: '重开账单：作废原账单并开具下一修订版',
        params: IdParams,
        body: ReissueBody,
        response: { 201: BillSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      const bill = await answeredInOneTransaction(db, reply, 201, (tx) =>
        billingService.reissue(tx, actor, request.params.id, request.body),
      );
      return reply.status(201).send(bill);
    },
  );
};
