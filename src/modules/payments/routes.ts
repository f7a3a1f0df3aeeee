import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { clientOf, staffActor, staffOf, tenantOf } from '../../http/access.ts';
import { answeredInOneTransaction } from '../../http/idempotency.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import type { Actor } from '../audit/service.ts';
import { channelSettingsService } from './channel-settings.ts';
import { ordersService } from './orders.ts';
import {
  ChannelSettingsSchema,
  CreateOrderBody,
  OrderListQuery,
  OrderNoParams,
  PayLinkOrderBody,
  PayLinkOrderParams,
  PayLinkParams,
  ProviderParams,
  ResolveSuspenseBody,
  SaveChannelSettingsBody,
  StaffOrderDetailSchema,
  StaffOrderSchema,
  SuspenseItemSchema,
  SuspenseListQuery,
  TenantOrderSchema,
} from './schema.ts';
import type { PaymentsDeps } from './service.ts';
import { suspenseService } from './suspense.ts';

registerEntityNames({
  payment_order: { zh: '支付订单', en: 'Payment order' },
  suspense_item: { zh: '挂账记录', en: 'Suspense item' },
  channel_settings: { zh: '支付渠道设置', en: 'Payment channel settings' },
});

const withProblems = { ...errorResponses, 422: Type.Ref('Problem') };
const channelProblems = { ...withProblems, 502: Type.Ref('Problem') };
const idempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: '幂等键（建议 UUID），24 小时内有效' })),
});

function tenantActor(request: FastifyRequest): Actor & { orgId: string; tenantId: string } {
  const tenant = tenantOf(request);
  return {
    kind: 'tenant',
    orgId: tenant.orgId,
    tenantId: tenant.tenantId,
    id: tenant.tenantId,
    name: '承租方',
    ...clientOf(request),
  };
}

export const paymentsRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentsDeps }> = async (app, { payments }) => {
  const db = payments.db;

  // ---- Channel settings (支付渠道设置) ----
  const settingsTags = ['支付渠道设置'];
  app.get(
    '/channel-settings',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: settingsTags,
        summary: '本公司各支付渠道的商户设置（密钥从不返回，只显示是否已设置及指纹）',
        response: { 200: Type.Object({ items: Type.Array(ChannelSettingsSchema) }) },
      },
    },
    async (request) => ({ items: await channelSettingsService.list(payments, staffOf(request).orgId) }),
  );

  app.put(
    '/channel-settings/:provider',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: settingsTags,
        summary: '保存一个支付渠道的商户设置（密钥加密保存；未提交的密钥保持不变）',
        params: ProviderParams,
        body: SaveChannelSettingsBody,
        response: { 200: ChannelSettingsSchema, ...withProblems },
      },
    },
    async (request) =>
      channelSettingsService.save(payments, staffActor(request), request.params.provider, request.body),
  );

  // ---- The tenant's payment orders (承租方门户) ----
  const portalTags = ['承租方门户'];
  app.post(
    '/portal/payment-orders',
    {
      config: { access: 'tenant', idempotent: true },
      schema: {
        tags: portalTags,
        summary: '为所选账单创建支付订单（金额为今日应缴，含截至昨日的违约金）',
        description:
          '返回二维码内容 codeUrl、跳转网址 payUrl、表单 payForm 或 JSAPI 参数之一。账单已在另一笔未支付订单中时，' +
          '先在渠道关闭那笔订单；若渠道显示已支付，则入账并返回 409 bill_paid_meanwhile。支持 Idempotency-Key。',
        headers: idempotencyHeader,
        body: CreateOrderBody,
        response: { 201: TenantOrderSchema, ...channelProblems },
      },
    },
    async (request, reply) => {
      const actor = tenantActor(request);
      const order = await ordersService.create(
        payments,
        { orgId: actor.orgId, tenantId: actor.tenantId, via: 'portal', clientIp: request.ip, actor },
        request.body,
      );
      return reply.status(201).send(order);
    },
  );

  app.get(
    '/portal/payment-orders/:orderNo',
    {
      config: { access: 'tenant' },
      schema: {
        tags: portalTags,
        summary: '支付订单状态（待支付时会向渠道查询，支付成功后带收据）',
        params: OrderNoParams,
        response: { 200: TenantOrderSchema, ...errorResponses },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      return ordersService.forTenant(payments, tenant, request.params.orderNo);
    },
  );

  app.post(
    '/portal/pay-links/:token/payment-orders',
    {
      // The signed token is the credential: it names one bill and expires.
      config: { access: 'public', idempotent: true, rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: portalTags,
        summary: '缴费链接：为链接所指账单创建支付订单（无需登录）',
        description: '链接被改动时 403；过期 410。其余同 POST /portal/payment-orders。',
        security: [],
        headers: idempotencyHeader,
        params: PayLinkParams,
        body: PayLinkOrderBody,
        response: { 201: TenantOrderSchema, ...channelProblems, 410: Type.Ref('Problem') },
      },
    },
    async (request, reply) => {
      const order = await ordersService.createFromPayLink(payments, request.params.token, request.body, {
        ip: request.ip,
        userAgent: clientOf(request).userAgent,
      });
      return reply.status(201).send(order);
    },
  );

  app.get(
    '/portal/pay-links/:token/payment-orders/:orderNo',
    {
      config: { access: 'public' },
      schema: {
        tags: portalTags,
        summary: '缴费链接：支付订单状态',
        security: [],
        params: PayLinkOrderParams,
        response: { 200: TenantOrderSchema, ...errorResponses, 410: Type.Ref('Problem') },
      },
    },
    async (request) => ordersService.forPayLink(payments, request.params.token, request.params.orderNo),
  );

  // ---- Staff: payment orders (支付订单) ----
  const orderTags = ['支付订单'];
  app.get(
    '/payment-orders',
    {
      config: { access: 'payment:read' },
      schema: {
        tags: orderTags,
        summary: '支付订单（按状态、渠道、承租方、下单日期筛选）',
        querystring: OrderListQuery,
        response: { 200: Page(StaffOrderSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await ordersService.list(
        payments,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/payment-orders/:orderNo',
    {
      config: { access: 'payment:read' },
      schema: {
        tags: orderTags,
        summary: '支付订单详情及所缴账单',
        params: OrderNoParams,
        response: { 200: StaffOrderDetailSchema, ...errorResponses },
      },
    },
    async (request) => ordersService.detail(payments, staffOf(request).orgId, request.params.orderNo),
  );

  app.post(
    '/payment-orders/:orderNo/sync',
    {
      config: { access: 'payment:write' },
      schema: {
        tags: orderTags,
        summary: '向渠道查询订单（已支付则入账；渠道已关闭或已过期则关闭）',
        params: OrderNoParams,
        response: { 200: StaffOrderDetailSchema, ...errorResponses, 502: Type.Ref('Problem') },
      },
    },
    async (request) => ordersService.sync(payments, staffActor(request), request.params.orderNo),
  );

  app.post(
    '/payment-orders/:orderNo/close',
    {
      config: { access: 'payment:write' },
      schema: {
        tags: orderTags,
        summary: '关闭未支付的订单（先在渠道关闭；渠道显示已支付则入账并返回 409）',
        params: OrderNoParams,
        response: { 200: StaffOrderDetailSchema, ...errorResponses, 502: Type.Ref('Problem') },
      },
    },
    async (request) => ordersService.close(payments, staffActor(request), request.params.orderNo),
  );

  // ---- Suspense items (挂账) ----
  const suspenseTags = ['挂账'];
  app.get(
    '/suspense-items',
    {
      config: { access: 'payment:read' },
      schema: {
        tags: suspenseTags,
        summary: '挂账：渠道已收款但无法对应订单的款项',
        querystring: SuspenseListQuery,
        response: { 200: Page(SuspenseItemSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await suspenseService.list(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.post(
    '/suspense-items/:id/resolve',
    {
      config: { access: 'payment:write', idempotent: true },
      schema: {
        tags: suspenseTags,
        summary: '处理挂账：转入承租方并核销账单（从待处理款项科目收款，开具收据）',
        headers: idempotencyHeader,
        params: IdParams,
        body: ResolveSuspenseBody,
        response: { 200: SuspenseItemSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      return answeredInOneTransaction(payments.db, reply, 200, (tx) =>
        suspenseService.resolve({ ...payments, db: tx }, actor, request.params.id, request.body),
      );
    },
  );
};
