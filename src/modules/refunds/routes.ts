import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { staffActor, staffOf } from '../../http/access.ts';
import { answeredInOneTransaction } from '../../http/idempotency.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import type { PaymentsDeps } from '../payments/service.ts';
import {
  ApproveRefundBody,
  CreateRefundBody,
  DepositRefundRequestListQuery,
  DepositRefundRequestSchema,
  RecordRefundPaidBody,
  RefundListQuery,
  RefundSchema,
  RejectRefundBody,
} from './schema.ts';
import { refundsService } from './service.ts';

registerEntityNames({
  refund: { zh: '退款申请', en: 'Refund request' },
  deposit_bill: { zh: '保证金账单', en: 'Deposit bill' },
});

const withProblems = { ...errorResponses, 422: Type.Ref('Problem') };

export const refundsRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentsDeps }> = async (app, { payments }) => {
  const tags = ['退款'];
  const db = payments.db;

  app.post(
    '/refunds',
    {
      config: { access: 'payment:write', idempotent: true },
      schema: {
        tags,
        summary: '申请退款：多缴（预收款）、保证金（扣除维修、欠租等后退还）或挂账（原路退回付款人），由审批人审批',
        description:
          '多缴退款不超过该笔收款形成且尚未退还的预收款（2203）；保证金退款金额 = 已收保证金 − 扣除合计，扣除项可指定' +
          '未结清账单（审批后以保证金抵扣该账单），保证金未收款时不能申请，并关联该合同的退租待退保证金待办；' +
          'original_channel 原路退回须是在线支付的收款（保证金须是支付该保证金的收款），且不超过该笔还可退的金额。' +
          '挂账退款（suspenseItemId）整笔原路退回，渠道确认后 Dr 2202 / Cr 1012，挂账标记为已退款。',
        body: CreateRefundBody,
        response: { 201: RefundSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      const refund = await answeredInOneTransaction(db, reply, 201, (tx) =>
        refundsService.request({ ...payments, db: tx }, actor, request.body),
      );
      return reply.status(201).send(refund);
    },
  );

  app.get(
    '/refunds',
    {
      config: { access: 'payment:read' },
      schema: {
        tags,
        summary: '退款申请（按状态、类型、承租方筛选）',
        querystring: RefundListQuery,
        response: { 200: Page(RefundSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await refundsService.list(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/deposit-refund-requests',
    {
      config: { access: 'payment:read' },
      schema: {
        tags,
        summary: '退租待退保证金：合同结束时生成，含保证金账单及已收金额、合同未结清账单（可抵扣）与对应退款',
        description:
          '申请保证金退款（POST /refunds，kind=deposit，depositBillId 为此处的保证金账单）即关联该待办；其状态随退款变化：' +
          'pending → approved / rejected → refunded（退款失败回到 pending，可重新申请）。',
        querystring: DepositRefundRequestListQuery,
        response: { 200: Page(DepositRefundRequestSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await refundsService.listDepositRequests(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/refunds/:id',
    {
      config: { access: 'payment:read' },
      schema: { tags, summary: '退款详情', params: IdParams, response: { 200: RefundSchema, ...errorResponses } },
    },
    async (request) => refundsService.get(db, staffOf(request).orgId, request.params.id),
  );

  app.post(
    '/refunds/:id/approve',
    {
      config: { access: 'refund:approve', idempotent: true },
      schema: {
        tags,
        summary: '批准退款（不能审批自己的申请）：保证金扣除项入账，原路退回的立即向渠道发起退款',
        params: IdParams,
        body: Type.Optional(ApproveRefundBody),
        response: { 200: RefundSchema, ...withProblems },
      },
    },
    async (request) =>
      refundsService.approve(payments, staffActor(request), request.params.id, request.body?.note ?? null),
  );

  app.post(
    '/refunds/:id/reject',
    {
      config: { access: 'refund:approve', idempotent: true },
      schema: {
        tags,
        summary: '驳回退款（须填写理由；不能处理自己的申请）',
        params: IdParams,
        body: RejectRefundBody,
        response: { 200: RefundSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      return answeredInOneTransaction(db, reply, 200, (tx) =>
        refundsService.reject({ ...payments, db: tx }, actor, request.params.id, request.body.note),
      );
    },
  );

  app.post(
    '/refunds/:id/paid',
    {
      config: { access: 'payment:write', idempotent: true },
      schema: {
        tags,
        summary: '登记线下退款已付（财务转账给承租方后）',
        params: IdParams,
        body: Type.Optional(RecordRefundPaidBody),
        response: { 200: RefundSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      return answeredInOneTransaction(db, reply, 200, (tx) =>
        refundsService.recordPaid({ ...payments, db: tx }, actor, request.params.id, {
          reference: request.body?.reference ?? null,
        }),
      );
    },
  );

  app.post(
    '/refunds/:id/query',
    {
      config: { access: 'payment:write' },
      schema: {
        tags,
        summary: '向渠道查询退款结果（渠道退款中且未收到通知时）',
        params: IdParams,
        response: { 200: RefundSchema, ...withProblems },
      },
    },
    async (request) => refundsService.query(payments, staffActor(request), request.params.id),
  );
};
