import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { failpoint } from '../../http/failpoints.ts';
import { answeredInOneTransaction } from '../../http/idempotency.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import type { PaymentRow } from './repository.ts';
import {
  ApproveWaiverBody,
  CreatePaymentBody,
  CreateWaiverBody,
  PaymentListQuery,
  PaymentSchema,
  RejectWaiverBody,
  WaiverListQuery,
  WaiverSchema,
} from './schema.ts';
import { collectionsService } from './service.ts';

registerEntityNames({
  payment: { zh: '收款记录', en: 'Payment' },
  late_fee_waiver: { zh: '违约金减免申请', en: 'Penalty waiver request' },
  bill: { zh: '账单', en: 'Bill' },
});

const withProblems = { ...errorResponses, 422: Type.Ref('Problem') };

export const collectionsRoutes: FastifyPluginAsyncTypebox<{ db: Orm }> = async (app, { db }) => {
  const tags = ['收款与核销'];

  app.post(
    '/payments',
    {
      config: { access: 'payment:write', idempotent: true },
      schema: {
        tags,
        summary: '登记线下收款（银行转账、现金、POS）并核销账单',
        description:
          '选了账单则只核销这些账单（按到期日先后），否则按到期日从早到晚核销该承租方未结清的账单；每张账单先按到账日' +
          '计提违约金，再按公司设置先还违约金后还本金（默认）；余额转为预收款。支持 Idempotency-Key 请求头：' +
          '同一 Key 同一请求体返回首次结果，请求体不同返回 409。',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ description: '幂等键（建议 UUID），24 小时内有效' })),
        }),
        body: CreatePaymentBody,
        response: { 201: PaymentSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      const payment = await answeredInOneTransaction(db, reply, 201, (tx) =>
        collectionsService.recordPayment(tx, actor, request.body),
      );
      failpoint('after-commit:desk-payment');
      return reply.status(201).send(payment);
    },
  );

  app.get(
    '/payments',
    {
      config: { access: 'payment:read' },
      schema: {
        tags,
        summary: '收款记录（按承租方、方式、到账日期筛选）',
        querystring: PaymentListQuery,
        response: { 200: Page(PaymentSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, method, ...filter } = request.query;
      const { items, total } = await collectionsService.listPayments(
        db,
        { ...filter, method: method as PaymentRow['method'] | undefined, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/payments/:id',
    {
      config: { access: 'payment:read' },
      schema: {
        tags,
        summary: '收款详情及核销明细',
        params: IdParams,
        response: { 200: PaymentSchema, ...errorResponses },
      },
    },
    async (request) => collectionsService.getPayment(db, staffOf(request).orgId, request.params.id),
  );

  app.post(
    '/bills/:id/waivers',
    {
      config: { access: 'bill:write', idempotent: true },
      schema: {
        tags,
        summary: '申请减免违约金（须填写原因，由审批人审批；每张账单同时只能有一笔待审批申请）',
        params: IdParams,
        body: CreateWaiverBody,
        response: { 201: WaiverSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      const waiver = await answeredInOneTransaction(db, reply, 201, (tx) =>
        collectionsService.requestWaiver(tx, actor, request.params.id, request.body),
      );
      return reply.status(201).send(waiver);
    },
  );

  app.get(
    '/waivers',
    {
      config: { access: 'bill:read' },
      schema: {
        tags,
        summary: '违约金减免申请（按状态、账单筛选）',
        querystring: WaiverListQuery,
        response: { 200: Page(WaiverSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await collectionsService.listWaivers(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.post(
    '/waivers/:id/approve',
    {
      config: { access: 'waiver:approve', idempotent: true },
      schema: {
        tags,
        summary: '批准减免（先按今天计提违约金，再冲减应收；不能审批自己的申请）',
        params: IdParams,
        body: Type.Optional(ApproveWaiverBody),
        response: { 200: WaiverSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      return answeredInOneTransaction(db, reply, 200, (tx) =>
        collectionsService.approveWaiver(tx, actor, request.params.id, request.body?.note ?? null),
      );
    },
  );

  app.post(
    '/waivers/:id/reject',
    {
      config: { access: 'waiver:approve', idempotent: true },
      schema: {
        tags,
        summary: '驳回减免（须填写理由；不能处理自己的申请）',
        params: IdParams,
        body: RejectWaiverBody,
        response: { 200: WaiverSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      return answeredInOneTransaction(db, reply, 200, (tx) =>
        collectionsService.rejectWaiver(tx, actor, request.params.id, request.body.note),
      );
    },
  );
};
