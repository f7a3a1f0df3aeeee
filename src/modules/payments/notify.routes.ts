// The channels' notifications (支付结果通知): POST /notify/{wechatpay|alipay|unionpay}. Verified on the exact bytes
// received, before anything is parsed or written; a refused one gets the channel's failure answer (4xx) and leaves no
// trace but a log line. A verified payment is posted once (posting.ts), a verified refund completes its refund once
// (refunds/service.ts), and either is acknowledged in the channel's own format.

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { PROVIDERS, type Provider } from '../../db/schema.ts';
import { failpoint } from '../../http/failpoints.ts';
import { signPayLink } from '../messages/pay-link.ts';
import { refundsService } from '../refunds/service.ts';
import { adapterOf, channelSettingsService } from './channel-settings.ts';
import {
  type ChannelAdapter,
  type ChannelAnswer,
  type IncomingNotification,
  NotificationRejected,
} from './channels/types.ts';
import { channelActor, MerchantMismatch, type PostingSource, postChannelPayment } from './posting.ts';
import { paymentsRepository as repo } from './repository.ts';
import type { PaymentsDeps } from './service.ts';

const PROVIDER_SUMMARY: Record<Provider, string> = {
  wechatpay: '微信支付结果通知（API v3，加密资源，Wechatpay-* 签名头）',
  alipay: '支付宝异步通知（trade_status_sync，RSA2）',
  unionpay: '银联全渠道后台通知（ACP 5.1.0，signMethod 01）',
};

/**
 * A refusal in the channel's format before any account is known: the notification names no merchant we know (400),
 * or this instance is already working on as many notifications as it may (503: the channel sends it again later).
 */
function refusalWithoutAccount(provider: Provider, status: 400 | 503, message: string): ChannelAnswer {
  if (provider === 'wechatpay') {
    return {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ code: 'FAIL', message }),
    };
  }
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'fail' };
}

function send(reply: FastifyReply, answer: ChannelAnswer) {
  reply.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
  if (!answer.headers['content-type'] && !answer.headers['Content-Type']) reply.type('text/plain; charset=utf-8');
  return reply.send(answer.body);
}

function incomingOf(request: FastifyRequest): IncomingNotification {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value[0] : value;
  }
  return { headers, rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0) };
}

type SettingsRow = NonNullable<Awaited<ReturnType<typeof repo.settingsByIdentity>>>;

/**
 * The adapter of a merchant account as its settings row stands, kept between notifications: reading its PEM keys and
 * decrypting its secrets cost about a millisecond of CPU, as much as the rest of the route. Keyed by the row's exact
 * settings and encrypted secrets, so a changed account is read afresh; per app (its deps), never shared between two.
 */
const adaptersOfApp = new WeakMap<PaymentsDeps, Map<string, ChannelAdapter>>();
function notifyingAdapter(deps: PaymentsDeps, provider: Provider, row: SettingsRow): ChannelAdapter {
  let adapters = adaptersOfApp.get(deps);
  if (!adapters) {
    adapters = new Map();
    adaptersOfApp.set(deps, adapters);
  }
  const key = `${provider}\n${row.orgId}\n${row.secretsEnc}\n${JSON.stringify(row.settings)}`;
  let adapter = adapters.get(key);
  if (!adapter) {
    adapter = adapterOf(deps, provider, {
      settings: row.settings,
      secrets: channelSettingsService.decryptSecrets(deps, row),
    } as never);
    if (adapters.size >= 100) adapters.clear();
    adapters.set(key, adapter);
  }
  return adapter;
}

type Received =
  | { accepted: false; answer: ChannelAnswer }
  | { accepted: true; answer: ChannelAnswer; orderNo?: string; orgId: string };

/** Verifies and posts one notification; what to answer, and the order it named when verified. */
async function receive(
  deps: PaymentsDeps,
  provider: Provider,
  request: FastifyRequest,
  source: PostingSource,
): Promise<Received> {
  const incoming = incomingOf(request);
  const log = request.log;
  const identity = deps.providers[provider].notifyIdentityOf(incoming);
  const row = identity ? await repo.settingsByIdentity(deps.db, provider, identity) : undefined;
  if (!row?.enabled) {
    log.warn({ provider, identity, reason: 'unknown_merchant' }, 'payment notification refused');
    return { accepted: false, answer: refusalWithoutAccount(provider, 400, '未知商户') };
  }
  const adapter = notifyingAdapter(deps, provider, row);
  let verified: ReturnType<ChannelAdapter['verifyNotification']>;
  try {
    verified = adapter.verifyNotification(incoming, new Date());
  } catch (error) {
    if (!(error instanceof NotificationRejected)) throw error;
    log.warn({ provider, orgId: row.orgId, reason: error.reason }, 'payment notification refused');
    const status = error.reason === 'malformed' || error.reason === 'unknown_merchant' ? 400 : 401;
    return { accepted: false, answer: adapter.refuse(status, error.message) };
  }
  if (verified.kind === 'refund') {
    if (verified.merchantId && verified.merchantId !== adapter.merchantId) {
      log.error({ provider, orgId: row.orgId, refundNo: verified.refundNo }, 'refund notification refused');
      return { accepted: false, answer: adapter.refuse(400, '商户号与退款不符') };
    }
    try {
      const outcome = await refundsService.fromNotification(
        deps,
        { orgId: row.orgId, provider },
        verified,
        channelActor(row.orgId, provider, request.ip),
      );
      log.info({ provider, orgId: row.orgId, orderNo: verified.orderNo, ...outcome }, 'refund notification applied');
      return { accepted: true, answer: adapter.acknowledge(), orderNo: verified.orderNo, orgId: row.orgId };
    } catch (error) {
      log.error({ provider, orgId: row.orgId, refundNo: verified.refundNo, err: error }, 'refund notification failed');
      return { accepted: false, answer: adapter.refuse(500, '退款处理失败，请稍后重发') };
    }
  }
  if (verified.kind !== 'payment') {
    log.info(
      { provider, orgId: row.orgId, kind: verified.kind, detail: verified.detail },
      'payment notification not posted',
    );
    return { accepted: true, answer: adapter.acknowledge(), orgId: row.orgId };
  }
  try {
    const outcome = await postChannelPayment(
      deps,
      {
        orgId: row.orgId,
        provider,
        merchantId: adapter.merchantId,
        ...(adapter.appId ? { appId: adapter.appId } : {}),
      },
      verified,
      source,
      channelActor(row.orgId, provider, request.ip),
    );
    log.info({ provider, orgId: row.orgId, orderNo: verified.orderNo, ...outcome }, 'payment notification posted');
    if (outcome.outcome === 'posted') failpoint('after-commit:payment-notification');
    return { accepted: true, answer: adapter.acknowledge(), orderNo: verified.orderNo, orgId: row.orgId };
  } catch (error) {
    if (error instanceof MerchantMismatch) {
      log.error({ provider, orgId: row.orgId, orderNo: verified.orderNo, err: error }, 'payment notification refused');
      return { accepted: false, answer: adapter.refuse(400, '商户号或应用 ID 与订单不符') };
    }
    log.error({ provider, orgId: row.orgId, orderNo: verified.orderNo, err: error }, 'payment notification not posted');
    // 5xx: the channel sends it again later.
    return { accepted: false, answer: adapter.refuse(500, '入账失败，请稍后重发') };
  }
}

/** Where the tenant's browser goes after UnionPay's page: the order's result page (portal, or the pay link's). */
async function resultPageOf(deps: PaymentsDeps, orderNo: string | undefined): Promise<string> {
  const order = orderNo ? await repo.order(deps.db, orderNo) : undefined;
  if (!order) return `${deps.publicBaseUrl}/m/`;
  if (order.createdVia === 'portal') return `${deps.publicBaseUrl}/m/orders/${order.orderNo}`;
  const [bill] = await repo.orderBills(deps.db, [order.id]);
  if (!bill) return `${deps.publicBaseUrl}/m/`;
  const token = signPayLink(deps.payLinkKey, { billId: bill.billId, orgId: order.orgId });
  return `${deps.publicBaseUrl}/m/pay/${token}/orders/${order.orderNo}`;
}

export const notifyRoutes: FastifyPluginAsync<{ payments: PaymentsDeps; maxInFlight: number }> = async (
  app,
  { payments, maxInFlight },
) => {
  // Signatures cover the exact bytes received: every body reaches the handlers as a Buffer, unparsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // A wave of notifications (the month's first morning) past what the database can post: at most `maxInFlight` are
  // worked on at once and the next is refused at once (503), which every channel sends again later (WeChat Pay up to
  // 15 times over a day, Alipay 8 times over 25 hours, UnionPay several times), while the backstop asks about orders
  // still unpaid after 5 minutes. Left to queue for the database instead, at 1,000 a second they were answered after
  // up to 22 s, long after WeChat Pay (which waits 5 s) had counted them failed and sent them again.
  let inFlight = 0;
  let refusedSinceLog = 0;
  let lastRefusalLog = 0;
  const refuseBusy = (request: FastifyRequest, provider: Provider) => {
    refusedSinceLog += 1;
    if (Date.now() - lastRefusalLog >= 1000) {
      request.log.warn({ provider, refused: refusedSinceLog, maxInFlight }, 'notifications refused: too many at once');
      refusedSinceLog = 0;
      lastRefusalLog = Date.now();
    }
    return refusalWithoutAccount(provider, 503, '系统繁忙，请稍后重发');
  };

  for (const provider of PROVIDERS) {
    app.post(
      `/notify/${provider}`,
      {
        config: { access: 'public' },
        // Counted from before the body is read to the answer sent, so a refusal costs as little as an answer can.
        onRequest: async (request, reply) => {
          if (inFlight >= maxInFlight) return send(reply, refuseBusy(request, provider));
          inFlight += 1;
          reply.raw.once('close', () => {
            inFlight -= 1;
          });
        },
        schema: {
          tags: ['渠道通知'],
          summary: PROVIDER_SUMMARY[provider],
          description: '验签通过才处理；同一交易重复通知只应答成功、不重复入账。验签失败返回 4xx，不写入任何数据。',
          security: [],
        },
      },
      async (request, reply) => send(reply, (await receive(payments, provider, request, 'notification')).answer),
    );
  }

  app.post(
    '/notify/unionpay/front',
    {
      config: { access: 'public' },
      schema: {
        tags: ['渠道通知'],
        summary: '银联前台通知：浏览器从银联页面带回支付结果，验签入账后跳转到结果页（303）',
        security: [],
      },
    },
    async (request, reply) => {
      const received = await receive(payments, 'unionpay', request, 'front_notification');
      // The browser is sent on whatever happened; the result page asks the order's state itself.
      const claimed = new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '').get(
        'orderId',
      );
      const orderNo = received.accepted ? (received.orderNo ?? claimed ?? undefined) : (claimed ?? undefined);
      const safeOrderNo = orderNo && /^[A-Za-z0-9]{6,32}$/.test(orderNo) ? orderNo : undefined;
      return reply.redirect(await resultPageOf(payments, safeOrderNo), 303);
    },
  );
};
