import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Orm } from '../../db/client.ts';
import { chinaDate } from '../../domain/calendar.ts';
import { clientOf, tenantOf } from '../../http/access.ts';
import { sendDownload } from '../../http/files.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import type { AuthService } from '../auth/service.ts';
import type { MessagingDeps } from '../messages/service.ts';
import { PdfResponse } from '../receipts/schema.ts';
import { PortalRefunds } from '../refunds/schema.ts';
import { refundsService } from '../refunds/service.ts';
import {
  OtpBody,
  OtpReply,
  PortalBills,
  PortalLoginBody,
  PortalLoginReply,
  PortalMe,
  PortalPayment,
  PortalPaymentsQuery,
} from './schema.ts';
import { createPortalService, loginCodeKeyFrom } from './service.ts';

export interface PortalRoutesOptions {
  db: Orm;
  auth: AuthService;
  pii: PiiCipher;
  messaging: MessagingDeps;
  /** Login-code requests and login attempts per client address a minute. */
  loginRateLimitPerMinute: number;
}

export const portalRoutes: FastifyPluginAsyncTypebox<PortalRoutesOptions> = async (
  app,
  { db, auth, pii, messaging, loginRateLimitPerMinute },
) => {
  const portal = createPortalService({
    db,
    auth,
    pii,
    sms: messaging.senders.sms,
    loginCodeKey: loginCodeKeyFrom(messaging.payLinkKey),
    publicBaseUrl: messaging.publicBaseUrl,
    log: app.log,
  });
  app.addHook('onClose', () => portal.settle());
  const tags = ['承租方门户'];
  const perAddress = { max: loginRateLimitPerMinute, timeWindow: '1 minute' };
  const tooMany = { 429: Type.Ref('Problem') };

  app.post(
    '/portal/auth/otp',
    {
      config: { access: 'public', rateLimit: perAddress },
      schema: {
        tags,
        summary: '承租方登录：向手机号发送 6 位短信验证码（5 分钟内有效）',
        description:
          '无论手机号是否为承租方登记的号码，回答都相同（202）。同一手机号 60 秒内只能获取一次、24 小时内最多 10 次；同一地址每分钟的请求数有限。',
        security: [],
        body: OtpBody,
        response: { 202: OtpReply, 422: Type.Ref('Problem'), ...tooMany },
      },
    },
    async (request, reply) => {
      const answer = await portal.requestCode(request.body.phone, clientOf(request));
      return reply.status(202).send(answer);
    },
  );

  app.post(
    '/portal/auth/login',
    {
      config: { access: 'public', rateLimit: perAddress },
      schema: {
        tags,
        summary: '承租方登录：手机号 + 短信验证码 → 令牌',
        description:
          '验证码错误 5 次后失效，需重新获取。一个手机号登记为多个承租方时，登录有生效合同、合同开始日期最晚的一个。',
        security: [],
        body: PortalLoginBody,
        response: { 200: PortalLoginReply, 401: Type.Ref('Problem'), 422: Type.Ref('Problem'), ...tooMany },
      },
    },
    async (request) => portal.login(request.body.phone, request.body.code, clientOf(request)),
  );

  app.post(
    '/portal/auth/logout',
    { config: { access: 'tenant' }, schema: { tags, summary: '承租方退出登录', response: { 204: Type.Null() } } },
    async (request, reply) => {
      await portal.logout(tenantOf(request), clientOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/portal/me',
    {
      config: { access: 'tenant' },
      schema: { tags, summary: '当前登录的承租方', response: { 200: PortalMe, ...errorResponses } },
    },
    async (request) => portal.me(tenantOf(request)),
  );

  app.get(
    '/portal/bills',
    {
      config: { access: 'tenant' },
      schema: {
        tags,
        summary: '我的账单：今日应缴（含截至昨日的违约金）、逾期天数、进行中的支付订单',
        response: { 200: PortalBills, ...errorResponses },
      },
    },
    async (request) => portal.bills(tenantOf(request), chinaDate(new Date())),
  );

  app.get(
    '/portal/payments',
    {
      config: { access: 'tenant' },
      schema: {
        tags,
        summary: '我的缴费记录：每笔核销的账单与收据',
        querystring: PortalPaymentsQuery,
        response: { 200: Page(PortalPayment), ...errorResponses },
      },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      const { items, total } = await portal.payments(tenantOf(request), page, pageSize);
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/portal/refunds',
    {
      config: { access: 'tenant' },
      schema: {
        tags,
        summary: '我的退款：保证金（含扣除明细）、多缴款等退款的进度（待审批、已批准、退款中、已退还…）',
        response: { 200: PortalRefunds, ...errorResponses },
      },
    },
    async (request) => refundsService.forTenant(db, tenantOf(request)),
  );

  app.get(
    '/portal/receipts/:id/pdf',
    {
      config: { access: 'tenant' },
      schema: {
        tags,
        summary: '我的收据 PDF（只能下载本人的收据）',
        params: IdParams,
        response: { 200: PdfResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { number, pdf } = await portal.receiptPdf(tenantOf(request), request.params.id);
      return sendDownload(reply, {
        fileName: `收据-${number}.pdf`,
        contentType: 'application/pdf',
        body: pdf,
        disposition: 'attachment',
      });
    },
  );
};
