// WeChat Pay API v3 (微信支付), the gateway's side: verifies the merchant's `Authorization` on every request,
// signs every answer with `Wechatpay-*` headers (public-key mode), keeps its own order book, sends encrypted
// TRANSACTION.SUCCESS / REFUND.SUCCESS notifications and serves trade bills. Facts: shared/spec/payments.md.

import { createCipheriv, createHash, createSign, createVerify, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorMerchant } from './keys.ts';
import {
  beijingCompact,
  beijingDate,
  beijingDateTime,
  feeFen,
  type NotificationAttempt,
  type PayInstruction,
  randomAlphanumeric,
  randomDigits,
  rfc3339Beijing,
  type SimulatedChannel,
  type SimulatedOrderView,
  type SimulatorContext,
  SimulatorProblem,
  yuan,
} from './kit.ts';
import { WECHATPAY_RETRY_DELAYS_MS } from './outbox.ts';

type WechatMerchant = SimulatorMerchant['wechatpay'];
type TradeType = 'NATIVE' | 'JSAPI' | 'MWEB';
type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';

interface WechatRefund {
  refundId: string;
  outRefundNo: string;
  amountFen: number;
  reason: string;
  createdAt: Date;
  succeededAt: Date;
}

interface WechatOrder {
  merchant: WechatMerchant;
  appid: string;
  outTradeNo: string;
  description: string;
  attach?: string;
  notifyUrl: string;
  totalFen: number;
  tradeType: TradeType;
  openid: string;
  createdAt: Date;
  expiresAt?: Date;
  state: TradeState;
  transactionId?: string;
  paidAt?: Date;
  paidFen?: number;
  refunds: WechatRefund[];
  notifications: NotificationAttempt[];
  /** What the create answered, so a repeated identical create answers the same. */
  payAnswer: Record<string, string>;
}

const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '订单发生过退款',
};
const TRADE_PATHS: Record<string, TradeType> = { native: 'NATIVE', jsapi: 'JSAPI', h5: 'MWEB' };
const TIMESTAMP_WINDOW_SECONDS = 300;
const SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048';

/** A refusal in WeChat Pay's shape: HTTP status + `{code, message}`. */
class WechatpayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parseAuthorization(header: string | undefined): Record<string, string> | undefined {
  if (!header?.startsWith(`${SIGNATURE_TYPE} `)) return undefined;
  const fields: Record<string, string> = {};
  for (const match of header.slice(SIGNATURE_TYPE.length + 1).matchAll(/(\w+)="([^"]*)"/g)) {
    fields[match[1]!] = match[2]!;
  }
  return fields;
}

function parseJsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'string' || body === '') throw new WechatpayError(400, 'PARAM_ERROR', '请求体不能为空');
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // falls through to the refusal below
  }
  throw new WechatpayError(400, 'PARAM_ERROR', '请求体不是合法的 JSON 对象');
}

function text(input: Record<string, unknown>, name: string, required = true): string | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') {
    if (required)
      throw new WechatpayError(
        400,
        'PARAM_ERROR',
        `输入源“/body/${name}”映射到字段“${name}”必填性规则校验失败，此字段为必填项`,
      );
    return undefined;
  }
  if (typeof value !== 'string') throw new WechatpayError(400, 'PARAM_ERROR', `字段 ${name} 应为字符串`);
  return value;
}

function objectField(input: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = input[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export interface WechatpaySimulator {
  channel: SimulatedChannel;
  register(app: FastifyInstance): Promise<void>;
  /** Sends one SIGNTEST probe notification (signature `WECHATPAY/SIGNTEST/…`) and reports the receiver's answer. */
  probe(url: string): Promise<{ status: number; body: string }>;
}

export function wechatpaySimulator(context: SimulatorContext): WechatpaySimulator {
  const keys = context.keys.wechatpay;
  const orders = new Map<string, WechatOrder>();
  const bills = new Map<string, { mchid: string; content: Buffer; gzip: boolean }>();
  const merchantOf = new WeakMap<FastifyRequest, WechatMerchant>();

  const signMessage = (message: string) =>
    createSign('RSA-SHA256').update(message).sign(keys.platformPrivateKeyPem, 'base64');

  /** The `Wechatpay-*` headers over `body` (responses and notifications are signed alike). */
  function signedHeaders(body: string, signature?: string): Record<string, string> {
    const timestamp = String(Math.floor(context.now().getTime() / 1000));
    const nonce = randomAlphanumeric(32);
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature ?? signMessage(`${timestamp}\n${nonce}\n${body}\n`),
      'Wechatpay-Serial': keys.platformPublicKeyId,
      'Wechatpay-Signature-Type': SIGNATURE_TYPE,
    };
  }

  function encryptResource(merchant: WechatMerchant, plaintext: string, associatedData: string) {
    const nonce = randomAlphanumeric(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(merchant.apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { ciphertext: ciphertext.toString('base64'), nonce, associated_data: associatedData };
  }

  function notificationBody(
    merchant: WechatMerchant,
    event: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS',
    resource: object,
  ): string {
    const originalType = event === 'TRANSACTION.SUCCESS' ? 'transaction' : 'refund';
    return JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339Beijing(context.now()),
      resource_type: 'encrypt-resource',
      event_type: event,
      summary: event === 'TRANSACTION.SUCCESS' ? '支付成功' : '退款成功',
      resource: {
        original_type: originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ...encryptResource(merchant, JSON.stringify(resource), originalType),
      },
    });
  }

  function notify(url: string, body: string, attempts: NotificationAttempt[]) {
    context.outbox.send({
      url,
      request: () => ({
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...signedHeaders(body) },
        body,
      }),
      retryDelaysMs: WECHATPAY_RETRY_DELAYS_MS,
      acknowledged: (answer) => answer.status >= 200 && answer.status < 300,
      attempts,
    });
  }

  function transaction(order: WechatOrder) {
    const paid = order.state === 'SUCCESS' || order.state === 'REFUND';
    const base = {
      appid: order.appid,
      mchid: order.merchant.mchid,
      out_trade_no: order.outTradeNo,
      trade_state: order.state,
      trade_state_desc: TRADE_STATE_DESC[order.state],
      attach: order.attach ?? '',
    };
    if (!paid) return { ...base, amount: { total: order.totalFen, payer_currency: 'CNY' } };
    return {
      ...base,
      transaction_id: order.transactionId,
      trade_type: order.tradeType,
      bank_type: 'OTHERS',
      success_time: rfc3339Beijing(order.paidAt!),
      payer: { openid: order.openid },
      amount: { total: order.paidFen, payer_total: order.paidFen, currency: 'CNY', payer_currency: 'CNY' },
    };
  }

  function refundAnswer(order: WechatOrder, refund: WechatRefund, status: 'PROCESSING' | 'SUCCESS') {
    return {
      refund_id: refund.refundId,
      out_refund_no: refund.outRefundNo,
      transaction_id: order.transactionId,
      out_trade_no: order.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(status === 'SUCCESS' ? { success_time: rfc3339Beijing(refund.succeededAt) } : {}),
      create_time: rfc3339Beijing(refund.createdAt),
      status,
      funds_account: 'AVAILABLE',
      amount: {
        total: order.paidFen,
        refund: refund.amountFen,
        payer_total: order.paidFen,
        payer_refund: refund.amountFen,
        settlement_total: order.paidFen,
        settlement_refund: refund.amountFen,
        discount_refund: 0,
        currency: 'CNY',
        refund_fee: feeFen(refund.amountFen, context.feeRate),
      },
    };
  }

  function orderOf(outTradeNo: string, merchant: WechatMerchant): WechatOrder {
    const order = orders.get(outTradeNo);
    if (!order || order.merchant.mchid !== merchant.mchid)
      throw new WechatpayError(404, 'ORDER_NOT_EXIST', '订单不存在');
    return order;
  }

  function checkMchid(claimed: unknown, merchant: WechatMerchant) {
    if (claimed !== merchant.mchid) {
      throw new WechatpayError(400, 'PARAM_ERROR', `mchid（${String(claimed)}）与请求签名的商户号不一致`);
    }
  }

  // ---- create ----

  function createOrder(tradeType: TradeType, merchant: WechatMerchant, body: Record<string, unknown>) {
    const appid = text(body, 'appid')!;
    checkMchid(text(body, 'mchid'), merchant);
    if (appid !== merchant.appid) throw new WechatpayError(400, 'APPID_MCHID_NOT_MATCH', 'appid 和 mchid 不匹配');
    const description = text(body, 'description')!;
    if (Buffer.byteLength(description) > 127)
      throw new WechatpayError(400, 'PARAM_ERROR', '商品描述 description 超过 127 字节');
    const outTradeNo = text(body, 'out_trade_no')!;
    if (!/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) {
      throw new WechatpayError(400, 'PARAM_ERROR', '商户订单号 out_trade_no 须为 6-32 位字母、数字或 _-|*');
    }
    const notifyUrl = text(body, 'notify_url')!;
    if (!/^https?:\/\/[^\s?#]+$/.test(notifyUrl)) {
      throw new WechatpayError(400, 'PARAM_ERROR', '通知地址 notify_url 须为不带参数的 http(s) 地址');
    }
    const attach = text(body, 'attach', false);
    const amount = objectField(body, 'amount');
    const total = amount?.total;
    if (!Number.isSafeInteger(total) || (total as number) <= 0) {
      throw new WechatpayError(400, 'PARAM_ERROR', '订单金额 amount.total 须为正整数（分）');
    }
    if (amount?.currency !== undefined && amount.currency !== 'CNY') {
      throw new WechatpayError(400, 'PARAM_ERROR', '货币类型 amount.currency 仅支持 CNY');
    }
    const timeExpire = text(body, 'time_expire', false);
    const expiresAt = timeExpire ? new Date(timeExpire) : undefined;
    if (expiresAt && Number.isNaN(expiresAt.getTime())) {
      throw new WechatpayError(400, 'PARAM_ERROR', '交易结束时间 time_expire 须为 RFC 3339 格式');
    }
    let openid = `o${randomAlphanumeric(27)}`;
    if (tradeType === 'JSAPI') {
      const payerOpenid = objectField(body, 'payer')?.openid;
      if (typeof payerOpenid !== 'string' || payerOpenid === '') {
        throw new WechatpayError(400, 'PARAM_ERROR', 'JSAPI 下单须传 payer.openid');
      }
      openid = payerOpenid;
    }
    if (tradeType === 'MWEB') {
      const scene = objectField(body, 'scene_info');
      if (typeof scene?.payer_client_ip !== 'string' || !scene.payer_client_ip) {
        throw new WechatpayError(400, 'PARAM_ERROR', 'H5 下单须传 scene_info.payer_client_ip');
      }
      const h5Type = objectField(scene, 'h5_info')?.type;
      if (typeof h5Type !== 'string' || !h5Type)
        throw new WechatpayError(400, 'PARAM_ERROR', 'H5 下单须传 scene_info.h5_info.type');
    }

    const existing = orders.get(outTradeNo);
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') {
        throw new WechatpayError(400, 'ORDERPAID', '该订单已支付');
      }
      if (existing.state === 'CLOSED') throw new WechatpayError(400, 'ORDER_CLOSED', '该订单已关闭');
      if (
        existing.merchant.mchid !== merchant.mchid ||
        existing.totalFen !== total ||
        existing.tradeType !== tradeType
      ) {
        throw new WechatpayError(400, 'INVALID_REQUEST', '201 商户订单号重复');
      }
      return existing.payAnswer;
    }

    const prepayId = `wx${beijingCompact(context.now())}${randomAlphanumeric(18)}`;
    const cashierUrl = `${context.publicUrl()}/_sim/wechatpay/orders/${outTradeNo}/cashier`;
    const payAnswer: Record<string, string> =
      tradeType === 'NATIVE'
        ? { code_url: `weixin://wxpay/bizpayurl?pr=${randomAlphanumeric(7)}` }
        : tradeType === 'JSAPI'
          ? { prepay_id: prepayId }
          : { h5_url: `${cashierUrl}?prepay_id=${prepayId}&package=${randomDigits(10)}` };
    orders.set(outTradeNo, {
      merchant,
      appid,
      outTradeNo,
      description,
      ...(attach === undefined ? {} : { attach }),
      notifyUrl,
      totalFen: total as number,
      tradeType,
      openid,
      createdAt: context.now(),
      ...(expiresAt ? { expiresAt } : {}),
      state: 'NOTPAY',
      refunds: [],
      notifications: [],
      payAnswer,
    });
    return payAnswer;
  }

  // ---- refunds ----

  function createRefund(merchant: WechatMerchant, body: Record<string, unknown>) {
    const outRefundNo = text(body, 'out_refund_no')!;
    const transactionId = text(body, 'transaction_id', false);
    const outTradeNo = text(body, 'out_trade_no', false);
    if (!transactionId && !outTradeNo)
      throw new WechatpayError(400, 'PARAM_ERROR', 'transaction_id 与 out_trade_no 须二选一');
    const order = transactionId
      ? [...orders.values()].find((o) => o.transactionId === transactionId && o.merchant.mchid === merchant.mchid)
      : orders.get(outTradeNo!);
    if (!order || order.merchant.mchid !== merchant.mchid) {
      throw new WechatpayError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    }
    if (order.state !== 'SUCCESS' && order.state !== 'REFUND') {
      throw new WechatpayError(400, 'INVALID_REQUEST', '订单未支付，不能退款');
    }
    const amount = objectField(body, 'amount');
    const refundFen = amount?.refund;
    if (!Number.isSafeInteger(refundFen) || (refundFen as number) <= 0) {
      throw new WechatpayError(400, 'PARAM_ERROR', '退款金额 amount.refund 须为正整数（分）');
    }
    if (amount?.total !== order.paidFen) {
      throw new WechatpayError(400, 'PARAM_ERROR', '原订单金额 amount.total 与订单实际金额不一致');
    }
    const earlier = order.refunds.find((r) => r.outRefundNo === outRefundNo);
    if (earlier) {
      if (earlier.amountFen !== refundFen)
        throw new WechatpayError(400, 'INVALID_REQUEST', '商户退款单号重复，但退款金额不同');
      return refundAnswer(order, earlier, 'SUCCESS');
    }
    const refundedFen = order.refunds.reduce((sum, r) => sum + r.amountFen, 0);
    if (refundedFen + (refundFen as number) > order.paidFen!) {
      throw new WechatpayError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    }
    const now = context.now();
    const refund: WechatRefund = {
      refundId: `50${randomDigits(30)}`,
      outRefundNo,
      amountFen: refundFen as number,
      reason: text(body, 'reason', false) ?? '',
      createdAt: now,
      succeededAt: now,
    };
    order.refunds.push(refund);
    order.state = 'REFUND';
    const notifyUrl = text(body, 'notify_url', false);
    if (notifyUrl) {
      notify(
        notifyUrl,
        notificationBody(merchant, 'REFUND.SUCCESS', {
          mchid: merchant.mchid,
          out_trade_no: order.outTradeNo,
          transaction_id: order.transactionId,
          out_refund_no: refund.outRefundNo,
          refund_id: refund.refundId,
          refund_status: 'SUCCESS',
          success_time: rfc3339Beijing(refund.succeededAt),
          user_received_account: '支付用户零钱',
          amount: {
            total: order.paidFen,
            refund: refund.amountFen,
            payer_total: order.paidFen,
            payer_refund: refund.amountFen,
          },
        }),
        order.notifications,
      );
    }
    // The gateway accepts the refund (PROCESSING); it has succeeded by the time anyone queries it.
    return refundAnswer(order, refund, 'PROCESSING');
  }

  // ---- trade bill ----

  function tradeBill(merchant: WechatMerchant, billDate: string, billType: string): string | undefined {
    const cell = (value: string | number) => `\`${String(value).replace(/,/g, '，')}`;
    const fee5 = (fen: number) => `${yuan(fen)}000`;
    const rateText = `${(Number(context.feeRate) * 100).toFixed(2)}%`;
    const rows: string[][] = [];
    let settled = 0;
    let refunded = 0;
    let fees = 0;
    let ordered = 0;
    for (const order of orders.values()) {
      if (order.merchant.mchid !== merchant.mchid || !order.paidAt) continue;
      const common = (at: Date) => [
        beijingDateTime(at),
        order.appid,
        order.merchant.mchid,
        '0',
        '',
        order.transactionId!,
        order.outTradeNo,
        order.openid,
        order.tradeType,
      ];
      if (billType !== 'REFUND' && beijingDate(order.paidAt) === billDate) {
        const fee = feeFen(order.paidFen!, context.feeRate);
        rows.push([
          ...common(order.paidAt),
          'SUCCESS',
          'OTHERS',
          'CNY',
          yuan(order.paidFen!),
          '0.00',
          '0',
          '0',
          '0.00',
          '0.00',
          '',
          '',
          order.description,
          order.attach ?? '',
          fee5(fee),
          rateText,
          yuan(order.paidFen!),
          '0.00',
          '',
        ]);
        settled += order.paidFen!;
        ordered += order.paidFen!;
        fees += fee;
      }
      if (billType === 'SUCCESS') continue;
      for (const refund of order.refunds) {
        if (beijingDate(refund.succeededAt) !== billDate) continue;
        const fee = -feeFen(refund.amountFen, context.feeRate);
        rows.push([
          ...common(refund.succeededAt),
          'REFUND',
          'OTHERS',
          'CNY',
          '0.00',
          '0.00',
          refund.refundId,
          refund.outRefundNo,
          yuan(refund.amountFen),
          '0.00',
          'ORIGINAL',
          'SUCCESS',
          order.description,
          order.attach ?? '',
          fee5(fee),
          rateText,
          '0.00',
          yuan(refund.amountFen),
          '',
        ]);
        refunded += refund.amountFen;
        fees += fee;
      }
    }
    if (rows.length === 0) return undefined;
    const lines = [
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
      ...rows.map((row) => row.map(cell).join(',')),
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      [rows.length, yuan(settled), yuan(refunded), '0.00', fee5(fees), yuan(ordered), yuan(refunded)]
        .map(cell)
        .join(','),
    ];
    // The real files start with a UTF-8 byte order mark and end each line with CRLF.
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }

  // ---- HTTP ----

  function answer(reply: FastifyReply, status: number, body?: object) {
    reply.code(status);
    if (body === undefined) return reply.send();
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
  }

  async function register(app: FastifyInstance) {
    await app.register(
      async (scope) => {
        scope.setErrorHandler((error, _request, reply) => {
          if (error instanceof WechatpayError)
            return answer(reply, error.status, { code: error.code, message: error.message });
          return answer(reply, 500, { code: 'SYSTEM_ERROR', message: '系统错误' });
        });

        scope.addHook('preHandler', async (request) => {
          const auth = parseAuthorization(request.headers.authorization);
          if (!auth?.mchid || !auth.signature || !auth.timestamp || !auth.nonce_str || !auth.serial_no) {
            throw new WechatpayError(
              401,
              'SIGN_ERROR',
              'Authorization 缺失或格式错误，应为 WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"',
            );
          }
          const merchant = context.merchants.find((m) => m.wechatpay.mchid === auth.mchid)?.wechatpay;
          if (!merchant) throw new WechatpayError(401, 'SIGN_ERROR', `商户号 ${auth.mchid} 不存在或未开通 APIv3`);
          if (auth.serial_no.toUpperCase() !== merchant.merchantSerialNo.toUpperCase()) {
            throw new WechatpayError(401, 'SIGN_ERROR', '商户证书序列号有误，请使用签名私钥匹配的证书序列号');
          }
          const skew = Math.abs(Math.floor(context.now().getTime() / 1000) - Number(auth.timestamp));
          if (!(skew <= TIMESTAMP_WINDOW_SECONDS)) {
            throw new WechatpayError(401, 'SIGN_ERROR', '请求的时间戳与当前时间相差超过 5 分钟，请校准服务器时间');
          }
          const body = typeof request.body === 'string' ? request.body : '';
          const message = `${request.method}\n${request.raw.url}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`;
          const valid = createVerify('RSA-SHA256')
            .update(message)
            .verify(merchant.merchantPublicKeyPem, auth.signature, 'base64');
          if (!valid) throw new WechatpayError(401, 'SIGN_ERROR', '签名错误，请检查签名串与商户私钥');
          merchantOf.set(request, merchant);
        });

        scope.addHook('onSend', async (request, reply, payload) => {
          if (request.routeOptions.url?.endsWith('/v3/billdownload/file') && reply.statusCode === 200) return payload;
          const body =
            typeof payload === 'string' ? payload : payload === null || payload === undefined ? '' : undefined;
          if (body === undefined) return payload;
          reply.header('Request-ID', randomUUID());
          for (const [name, value] of Object.entries(signedHeaders(body))) reply.header(name, value);
          return payload;
        });

        const merchant = (request: FastifyRequest) => merchantOf.get(request)!;
        type ByOrderNo = { Params: { outTradeNo: string }; Querystring: { mchid?: string } };

        for (const [path, tradeType] of Object.entries(TRADE_PATHS)) {
          scope.post(`/v3/pay/transactions/${path}`, async (request, reply) =>
            answer(reply, 200, createOrder(tradeType, merchant(request), parseJsonObject(request.body))),
          );
        }

        scope.get<ByOrderNo>('/v3/pay/transactions/out-trade-no/:outTradeNo', async (request, reply) => {
          checkMchid(request.query.mchid, merchant(request));
          return answer(reply, 200, transaction(orderOf(request.params.outTradeNo, merchant(request))));
        });

        scope.get<{ Params: { transactionId: string }; Querystring: { mchid?: string } }>(
          '/v3/pay/transactions/id/:transactionId',
          async (request, reply) => {
            checkMchid(request.query.mchid, merchant(request));
            const order = [...orders.values()].find(
              (o) => o.transactionId === request.params.transactionId && o.merchant.mchid === merchant(request).mchid,
            );
            if (!order) throw new WechatpayError(404, 'ORDER_NOT_EXIST', '订单不存在');
            return answer(reply, 200, transaction(order));
          },
        );

        scope.post<ByOrderNo>('/v3/pay/transactions/out-trade-no/:outTradeNo/close', async (request, reply) => {
          checkMchid(parseJsonObject(request.body).mchid, merchant(request));
          const order = orderOf(request.params.outTradeNo, merchant(request));
          if (order.state === 'SUCCESS' || order.state === 'REFUND')
            throw new WechatpayError(400, 'ORDERPAID', '订单已支付，不能关闭');
          order.state = 'CLOSED';
          return answer(reply, 204);
        });

        scope.post('/v3/refund/domestic/refunds', async (request, reply) =>
          answer(reply, 200, createRefund(merchant(request), parseJsonObject(request.body))),
        );

        scope.get<{ Params: { outRefundNo: string } }>(
          '/v3/refund/domestic/refunds/:outRefundNo',
          async (request, reply) => {
            for (const order of orders.values()) {
              if (order.merchant.mchid !== merchant(request).mchid) continue;
              const refund = order.refunds.find((r) => r.outRefundNo === request.params.outRefundNo);
              if (refund) return answer(reply, 200, refundAnswer(order, refund, 'SUCCESS'));
            }
            throw new WechatpayError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
          },
        );

        scope.get<{ Querystring: { bill_date?: string; bill_type?: string; tar_type?: string } }>(
          '/v3/bill/tradebill',
          async (request, reply) => {
            const { bill_date: billDate, bill_type: billType = 'ALL', tar_type: tarType } = request.query;
            if (!billDate || !/^\d{4}-\d{2}-\d{2}$/.test(billDate)) {
              throw new WechatpayError(400, 'PARAM_ERROR', '账单日期 bill_date 须为 YYYY-MM-DD');
            }
            if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType)) {
              throw new WechatpayError(400, 'PARAM_ERROR', '账单类型 bill_type 须为 ALL、SUCCESS 或 REFUND');
            }
            if (tarType !== undefined && tarType !== 'GZIP')
              throw new WechatpayError(400, 'PARAM_ERROR', '压缩类型 tar_type 仅支持 GZIP');
            if (billDate > beijingDate(context.now()))
              throw new WechatpayError(400, 'INVALID_REQUEST', '不能下载未来日期的账单');
            const csv = tradeBill(merchant(request), billDate, billType);
            if (csv === undefined)
              throw new WechatpayError(400, 'NO_STATEMENT_EXIST', '要查询的账单文件不存在（当日无交易）');
            const content = Buffer.from(csv, 'utf8');
            const token = randomAlphanumeric(24);
            bills.set(token, { mchid: merchant(request).mchid, content, gzip: tarType === 'GZIP' });
            return answer(reply, 200, {
              hash_type: 'SHA1',
              hash_value: createHash('sha1').update(content).digest('hex'),
              download_url: `${context.publicUrl()}/wechatpay/v3/billdownload/file?token=${token}`,
            });
          },
        );

        scope.get<{ Querystring: { token?: string } }>('/v3/billdownload/file', async (request, reply) => {
          const bill = bills.get(request.query.token ?? '');
          if (!bill || bill.mchid !== merchant(request).mchid)
            throw new WechatpayError(404, 'RESOURCE_NOT_EXISTS', '账单下载地址无效或已过期');
          reply.type('application/octet-stream');
          return reply.send(bill.gzip ? gzipSync(bill.content) : bill.content);
        });
      },
      { prefix: '/wechatpay' },
    );
  }

  // ---- control ----

  function view(order: WechatOrder): SimulatedOrderView {
    const status =
      order.state === 'NOTPAY'
        ? 'unpaid'
        : order.state === 'SUCCESS'
          ? 'paid'
          : order.state === 'CLOSED'
            ? 'closed'
            : 'refunded';
    return {
      provider: 'wechatpay',
      outTradeNo: order.outTradeNo,
      merchantId: order.merchant.mchid,
      appId: order.appid,
      amountFen: order.totalFen,
      ...(order.paidFen === undefined ? {} : { paidAmountFen: order.paidFen }),
      status,
      tradeType: order.tradeType,
      description: order.description,
      ...(order.transactionId ? { transactionId: order.transactionId } : {}),
      createdAt: order.createdAt.toISOString(),
      ...(order.paidAt ? { paidAt: order.paidAt.toISOString() } : {}),
      ...(order.expiresAt ? { expiresAt: order.expiresAt.toISOString() } : {}),
      notifyUrl: order.notifyUrl,
      refundedFen: order.refunds.reduce((sum, r) => sum + r.amountFen, 0),
      notifications: order.notifications,
    };
  }

  function pay(outTradeNo: string, instruction: PayInstruction): SimulatedOrderView {
    const order = orders.get(outTradeNo);
    if (!order) throw new SimulatorProblem(404, 'not_found', '模拟器中没有这个订单');
    if (order.state !== 'NOTPAY')
      throw new SimulatorProblem(409, 'not_payable', `订单${TRADE_STATE_DESC[order.state]}，不能再支付`);
    if (order.expiresAt && context.now() > order.expiresAt) {
      throw new SimulatorProblem(409, 'expired', '订单已超过支付时限，请重新下单');
    }
    order.state = 'SUCCESS';
    order.transactionId = `4200${randomDigits(6)}${beijingCompact(context.now()).slice(0, 8)}${randomDigits(10)}`;
    order.paidAt = instruction.paidAt ? new Date(instruction.paidAt) : context.now();
    order.paidFen = instruction.amountFen ?? order.totalFen;
    if (instruction.notify !== false) {
      const body = notificationBody(order.merchant, 'TRANSACTION.SUCCESS', {
        ...transaction(order),
        mchid: order.merchant.mchid,
        appid: order.appid,
      });
      for (let copy = 0; copy <= (instruction.duplicates ?? 0); copy += 1)
        notify(order.notifyUrl, body, order.notifications);
    }
    return view(order);
  }

  async function probe(url: string) {
    const merchant = context.merchants[0]?.wechatpay;
    if (!merchant) throw new SimulatorProblem(400, 'no_merchant', '模拟器没有配置商户');
    const body = notificationBody(merchant, 'TRANSACTION.SUCCESS', {
      mchid: merchant.mchid,
      appid: merchant.appid,
      out_trade_no: 'SIGNTEST',
      transaction_id: 'SIGNTEST',
      trade_state: 'SUCCESS',
    });
    const signature = `WECHATPAY/SIGNTEST/${randomAlphanumeric(64)}`;
    try {
      return await context.deliver(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...signedHeaders(body, signature) },
        body,
      });
    } catch {
      return { status: 0, body: '' };
    }
  }

  const channel: SimulatedChannel = {
    provider: 'wechatpay',
    title: '微信支付',
    view: (outTradeNo) => {
      const order = orders.get(outTradeNo);
      return order ? view(order) : undefined;
    },
    pay,
  };
  return { channel, register, probe };
}
