// WeChat Pay API v3 (微信支付) for one merchant: Native (QR), H5 and JSAPI orders, query, close, refunds, the
// trade bill, and notifications (signed headers, AES-256-GCM resource). Signing and decryption use the
// wechatpay-axios-plugin's Formatter, Rsa and Aes (the same code its client runs); the HTTP call is ours so that
// every call has a deadline and every failure reads as a ChannelError.

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { digestTap, gunzipStatement, isGzip, peekStart, spoolStatement } from './statement-file.ts';
import {
  type ChannelAdapter,
  type ChannelAnswer,
  ChannelError,
  type ChannelOrderState,
  type CreateOrderInput,
  type IncomingNotification,
  type MerchantAccount,
  NotificationRejected,
  type PayAction,
  type ProviderModule,
  type RefundInput,
  type RefundState,
  type StatementFile,
  type VerifiedNotification,
} from './types.ts';
import {
  beijingRfc3339,
  callChannel,
  downloadFromChannel,
  integerFen,
  readSetting,
  untrustedResponse,
  type WireOptions,
  wireOptions,
} from './wire.ts';

/** WeChat refuses notifications and responses whose timestamp is further than this from now. */
export const WECHATPAY_CLOCK_WINDOW_SECONDS = 300;
/** Signatures of WeChat's signature-check probes start with this; a merchant must refuse them. */
export const WECHATPAY_SIGNATURE_PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';
/** WeChat counts the order description (商品描述) in UTF-8 bytes. */
const DESCRIPTION_MAX_BYTES = 127;

type WechatpayAccount = MerchantAccount<'wechatpay'>;

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/**
 * How messages are signed, verified and decrypted: RSA (WECHATPAY2-SHA256-RSA2048 with AEAD_AES_256_GCM) today;
 * WeChat also offers WECHATPAY2-SM2-WITH-SM3 with AEAD_SM4_GCM, which is another implementation of this.
 */
export interface WechatpayCrypto {
  /** The Authorization scheme, e.g. `WECHATPAY2-SHA256-RSA2048`. */
  readonly scheme: string;
  /** The resource algorithm this crypto decrypts, e.g. `AEAD_AES_256_GCM`. */
  readonly resourceAlgorithm: string;
  /** Signs with the merchant's private key; base64. */
  sign(message: string): string;
  /** Verifies a WeChat Pay signature (base64) with the platform public key. */
  verify(message: Buffer, signature: string): boolean;
  /** Decrypts a notification or certificate resource with the API v3 key; throws when it does not authenticate. */
  decrypt(resource: EncryptedResource): string;
}

export function rsaWechatpayCrypto(account: WechatpayAccount): WechatpayCrypto {
  const merchantKey: KeyObject = readSetting('wechatpay', '商户API私钥', () =>
    createPrivateKey(account.secrets.merchantPrivateKeyPem),
  );
  const platformKey: KeyObject = readSetting('wechatpay', '微信支付公钥', () =>
    createPublicKey(account.settings.platformPublicKeyPem),
  );
  const apiV3Key = Buffer.from(account.secrets.apiV3Key, 'utf8');
  if (apiV3Key.length !== 32) {
    throw new ChannelError(
      'wechatpay',
      'SETTINGS_INVALID',
      '微信支付渠道设置中的「APIv3 密钥」须为 32 个字符，请在商户平台核对后保存',
    );
  }
  return {
    scheme: 'WECHATPAY2-SHA256-RSA2048',
    resourceAlgorithm: 'AEAD_AES_256_GCM',
    sign: (message) => Rsa.sign(message, merchantKey),
    verify: (message, signature) => {
      try {
        // The plugin types the message as a string; node:crypto takes the exact bytes as well.
        return Rsa.verify(message as unknown as string, signature, platformKey);
      } catch {
        return false;
      }
    },
    decrypt: (resource) =>
      Aes.AesGcm.decrypt(resource.ciphertext, apiV3Key, resource.nonce, resource.associated_data ?? ''),
  };
}

// ---- Messages a person can act on ----

const ERROR_MESSAGES: Record<string, string> = {
  ORDER_NOT_EXIST: '微信支付查无此订单：订单尚未提交到微信支付，或商户号不一致',
  ORDER_CLOSED: '该订单在微信支付已关闭，请重新下单',
  ORDERPAID: '该订单已在微信支付付款，不能关闭',
  ORDER_PAID: '该订单已在微信支付付款，不能关闭',
  SIGN_ERROR: '微信支付验签失败：请核对商户号、商户API证书序列号与商户私钥是否匹配',
  PARAM_ERROR: '微信支付认为请求参数有误，请核对订单信息后重试',
  INVALID_REQUEST: '微信支付不接受该请求，请核对渠道设置与订单状态',
  APPID_MCHID_NOT_MATCH: 'AppID 与商户号不匹配：请在渠道设置中填写与商户号绑定的 AppID',
  MCH_NOT_EXISTS: '微信支付商户号不存在，请核对渠道设置中的商户号',
  NO_AUTH: '该商户号没有开通此支付方式，请在微信支付商户平台开通后重试',
  NOAUTH: '该商户号没有开通此支付方式，请在微信支付商户平台开通后重试',
  OUT_TRADE_NO_USED: '订单号已在微信支付使用过，请重新下单',
  FREQUENCY_LIMITED: '请求过于频繁，请稍后重试',
  SYSTEM_ERROR: '微信支付系统繁忙，请稍后重试',
  SYSTEMERROR: '微信支付系统繁忙，请稍后重试',
  NOT_ENOUGH: '商户号可用余额不足，无法退款：请先充值再退款',
  RESOURCE_NOT_EXISTS: '微信支付查无此退款单',
  NO_STATEMENT_EXIST: '该日的微信支付账单不存在（当日无交易，或账单尚未生成：次日 10 点后可下载）',
  STATEMENT_CREATING: '该日的微信支付账单正在生成，请稍后再下载',
  USER_PAYING: '用户正在付款，请稍后查询订单结果',
};

function wechatError(code: string, channelMessage: string | undefined, httpStatus: number): ChannelError {
  const known = ERROR_MESSAGES[code];
  const said = channelMessage ? `（微信支付：${channelMessage.slice(0, 200)}）` : '';
  return new ChannelError('wechatpay', code, known ? `${known}${said}` : `微信支付返回错误 ${code}${said}`, httpStatus);
}

/** Cuts text to at most `maxBytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  let result = '';
  let bytes = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > maxBytes) break;
    result += character;
    bytes += size;
  }
  return result;
}

interface TransactionBody {
  appid?: string;
  mchid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state?: string;
  trade_state_desc?: string;
  bank_type?: string;
  success_time?: string;
  amount?: { total?: number; payer_total?: number; currency?: string };
}

interface RefundBody {
  refund_id?: string;
  out_refund_no?: string;
  transaction_id?: string;
  out_trade_no?: string;
  status?: string;
  refund_status?: string;
  success_time?: string;
  user_received_account?: string;
  amount?: { refund?: number; total?: number };
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** An RFC 3339 time from WeChat, or undefined. */
function wechatTime(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface WechatpayAdapterOptions {
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** Defaults to RSA (rsaWechatpayCrypto). */
  crypto?: WechatpayCrypto;
  /** The clock that checks response timestamps (notifications take `now` from the caller). */
  clock?: () => Date;
}

export class WechatpayAdapter implements ChannelAdapter {
  readonly provider = 'wechatpay' as const;
  readonly merchantId: string;
  readonly appId: string;
  private readonly crypto: WechatpayCrypto;
  private readonly wire: WireOptions;
  private readonly baseUrl: string;
  private readonly clock: () => Date;

  constructor(
    private readonly account: WechatpayAccount,
    options: WechatpayAdapterOptions = {},
  ) {
    this.merchantId = account.settings.mchid;
    this.appId = account.settings.appid;
    this.crypto = options.crypto ?? rsaWechatpayCrypto(account);
    this.wire = wireOptions(options);
    this.baseUrl = account.settings.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? (() => new Date());
  }

  // ---- The wire ----

  /** The Authorization header for one request: METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n signed. */
  authorization(method: string, url: string, body: string): string {
    const { pathname, search } = new URL(url);
    const timestamp = Formatter.timestamp();
    const nonce = Formatter.nonce();
    const signature = this.crypto.sign(Formatter.request(method, `${pathname}${search}`, timestamp, nonce, body));
    const { mchid, merchantSerialNo } = this.account.settings;
    // Formatter.authorization writes the RSA scheme; an SM2 crypto names its own.
    return Formatter.authorization(mchid, nonce, signature, timestamp, merchantSerialNo).replace(
      /^\S+/,
      this.crypto.scheme,
    );
  }

  /** Checks Wechatpay-* headers over `body`; the reason when they do not hold. */
  private signatureProblem(headers: Headers, body: Buffer): string | undefined {
    const signature = headers.get('wechatpay-signature');
    const timestamp = headers.get('wechatpay-timestamp');
    const nonce = headers.get('wechatpay-nonce');
    const serial = headers.get('wechatpay-serial');
    if (!signature || !timestamp || !nonce || !serial) return '没有签名';
    if (signature.startsWith(WECHATPAY_SIGNATURE_PROBE_PREFIX)) return '是签名探测';
    if (serial !== this.account.settings.platformPublicKeyId) return `的公钥ID（${serial}）与渠道设置不一致`;
    const seconds = Number(timestamp);
    const now = this.clock().getTime() / 1000;
    if (!Number.isFinite(seconds) || Math.abs(now - seconds) > WECHATPAY_CLOCK_WINDOW_SECONDS) {
      return '的时间戳与本机时间相差超过 5 分钟';
    }
    if (!this.crypto.verify(signedMessage(timestamp, nonce, body), signature)) return '签名验证失败';
    return undefined;
  }

  /**
   * One signed call. A success must carry a valid signature; a refusal is thrown as the channel's error either
   * way, but only a verified refusal may be read as a fact (e.g. "no such order": see verifiedRefusals).
   */
  private async call(method: 'GET' | 'POST', pathAndQuery: string, payload?: object): Promise<Record<string, unknown>> {
    const url = `${this.baseUrl}${pathAndQuery}`;
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const response = await callChannel('wechatpay', this.wire, url, {
      method,
      headers: {
        Authorization: this.authorization(method, url, body),
        Accept: 'application/json',
        'User-Agent': 'AssetPay',
        ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body }),
    });
    const problem = this.signatureProblem(response.headers, response.body);
    let json: Record<string, unknown> | undefined;
    try {
      json = response.body.length > 0 ? asRecord(JSON.parse(response.body.toString('utf8'))) : {};
    } catch {
      json = undefined;
    }
    if (response.status >= 300) {
      const code = typeof json?.code === 'string' ? json.code : `HTTP_${response.status}`;
      const error = wechatError(code, typeof json?.message === 'string' ? json.message : undefined, response.status);
      if (!problem) verifiedRefusals.add(error);
      throw error;
    }
    if (problem) throw untrustedResponse('wechatpay', problem);
    if (!json) throw untrustedResponse('wechatpay', '不是 JSON');
    return json;
  }

  // ---- Orders ----

  async createOrder(input: CreateOrderInput): Promise<PayAction> {
    const { mchid, appid } = this.account.settings;
    const common = {
      appid,
      mchid,
      description: truncateUtf8(input.description, DESCRIPTION_MAX_BYTES),
      out_trade_no: input.orderNo,
      time_expire: beijingRfc3339(input.expiresAt),
      ...(input.attach ? { attach: input.attach } : {}),
      notify_url: input.notifyUrl,
      amount: { total: input.amountFen, currency: 'CNY' },
    };
    switch (input.channel) {
      case 'wechat_native': {
        const json = await this.call('POST', '/v3/pay/transactions/native', common);
        if (typeof json.code_url !== 'string') throw untrustedResponse('wechatpay', '缺少 code_url');
        return { kind: 'code', codeUrl: json.code_url };
      }
      case 'wechat_h5': {
        const json = await this.call('POST', '/v3/pay/transactions/h5', {
          ...common,
          scene_info: { payer_client_ip: input.clientIp, h5_info: { type: 'Wap' } },
        });
        if (typeof json.h5_url !== 'string') throw untrustedResponse('wechatpay', '缺少 h5_url');
        // WeChat sends the browser back to redirect_url once the payment is done (or abandoned).
        const separator = json.h5_url.includes('?') ? '&' : '?';
        return {
          kind: 'redirect',
          payUrl: `${json.h5_url}${separator}redirect_url=${encodeURIComponent(input.returnUrl)}`,
        };
      }
      case 'wechat_jsapi': {
        if (!input.openid) {
          throw new ChannelError(
            'wechatpay',
            'OPENID_REQUIRED',
            '公众号支付需要租户的微信 openid，请在微信内打开缴费页面',
          );
        }
        const json = await this.call('POST', '/v3/pay/transactions/jsapi', {
          ...common,
          payer: { openid: input.openid },
        });
        if (typeof json.prepay_id !== 'string') throw untrustedResponse('wechatpay', '缺少 prepay_id');
        return { kind: 'jsapi', jsapi: this.jsapiParameters(json.prepay_id) };
      }
      default:
        throw new ChannelError('wechatpay', 'CHANNEL_UNSUPPORTED', `微信支付不支持「${input.channel}」这种付款方式`);
    }
  }

  /** The parameters of WeixinJSBridge getBrandWCPayRequest, paySign over appId\ntimeStamp\nnonceStr\npackage\n. */
  jsapiParameters(
    prepayId: string,
    timestamp = Formatter.timestamp(),
    nonce = Formatter.nonce(),
  ): Record<string, string> {
    const appId = this.account.settings.appid;
    const timeStamp = String(timestamp);
    const packageValue = `prepay_id=${prepayId}`;
    const paySign = this.crypto.sign(Formatter.joinedByLineFeed(appId, timeStamp, nonce, packageValue));
    return {
      appId,
      timeStamp,
      nonceStr: nonce,
      package: packageValue,
      signType: this.crypto.scheme.includes('SM2') ? 'SM2' : 'RSA',
      paySign,
    };
  }

  async queryOrder(orderNo: string): Promise<ChannelOrderState> {
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderNo)}?mchid=${encodeURIComponent(this.merchantId)}`;
    let json: Record<string, unknown>;
    try {
      json = await this.call('GET', path);
    } catch (error) {
      if (error instanceof ChannelError && error.code === 'ORDER_NOT_EXIST' && isVerified(error)) {
        return { state: 'not_found' };
      }
      throw error;
    }
    return transactionState(json as TransactionBody);
  }

  async closeOrder(orderNo: string): Promise<void> {
    try {
      await this.call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderNo)}/close`, {
        mchid: this.merchantId,
      });
    } catch (error) {
      if (!(error instanceof ChannelError) || !isVerified(error)) throw error;
      if (error.code === 'ORDER_CLOSED') return;
      if (error.code === 'ORDER_NOT_EXIST') return;
      // Whatever else the refusal says, the question that matters is whether the tenant paid.
      const state = await this.queryOrder(orderNo);
      if (state.state === 'paid' || state.state === 'refunded') throw orderPaid();
      if (state.state === 'closed' || state.state === 'not_found') return;
      throw error;
    }
  }

  // ---- Refunds ----

  async refund(input: RefundInput): Promise<RefundState> {
    const json = await this.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: input.orderNo,
      out_refund_no: input.refundNo,
      reason: truncateUtf8(input.reason, 80),
      notify_url: input.notifyUrl,
      amount: { refund: input.amountFen, total: input.totalFen, currency: 'CNY' },
    });
    return refundState(json as RefundBody);
  }

  async queryRefund(refundNo: string, _orderNo: string): Promise<RefundState> {
    try {
      const json = await this.call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(refundNo)}`);
      return refundState(json as RefundBody);
    } catch (error) {
      if (error instanceof ChannelError && isVerified(error) && /NOT_EXIST/.test(error.code)) {
        return { state: 'not_found' };
      }
      throw error;
    }
  }

  // ---- Notifications ----

  verifyNotification(notification: IncomingNotification, now: Date): VerifiedNotification {
    const { headers, rawBody } = notification;
    const signature = headers['wechatpay-signature'];
    const timestamp = headers['wechatpay-timestamp'];
    const nonce = headers['wechatpay-nonce'];
    const serial = headers['wechatpay-serial'];
    if (!signature || !timestamp || !nonce || !serial) {
      throw new NotificationRejected('malformed', '通知缺少 Wechatpay-Signature/Timestamp/Nonce/Serial 头');
    }
    if (signature.startsWith(WECHATPAY_SIGNATURE_PROBE_PREFIX)) {
      throw new NotificationRejected('signature_probe', '签名探测通知，按要求拒绝');
    }
    if (serial !== this.account.settings.platformPublicKeyId) {
      throw new NotificationRejected('certificate_untrusted', `通知的公钥ID ${serial} 与渠道设置不一致`);
    }
    const seconds = Number(timestamp);
    if (!/^\d+$/.test(timestamp) || Math.abs(now.getTime() / 1000 - seconds) > WECHATPAY_CLOCK_WINDOW_SECONDS) {
      throw new NotificationRejected('stale_timestamp', '通知的时间戳与本机时间相差超过 5 分钟（可能是重放）');
    }
    if (!this.crypto.verify(signedMessage(timestamp, nonce, rawBody), signature)) {
      throw new NotificationRejected('bad_signature', '通知签名验证失败');
    }

    let envelope: Record<string, unknown> | undefined;
    try {
      envelope = asRecord(JSON.parse(rawBody.toString('utf8')));
    } catch {
      envelope = undefined;
    }
    const resource = asRecord(envelope?.resource) as EncryptedResource | undefined;
    const eventType = typeof envelope?.event_type === 'string' ? envelope.event_type : undefined;
    if (!envelope || !resource || !eventType || typeof resource.ciphertext !== 'string') {
      throw new NotificationRejected('malformed', '通知正文不是微信支付通知的格式');
    }
    if (resource.algorithm !== this.crypto.resourceAlgorithm) {
      throw new NotificationRejected('decrypt_failed', `不支持的通知加密算法 ${String(resource.algorithm)}`);
    }
    let plain: Record<string, unknown> | undefined;
    try {
      plain = asRecord(JSON.parse(this.crypto.decrypt(resource)));
    } catch {
      throw new NotificationRejected('decrypt_failed', '通知解密失败：请核对渠道设置中的 APIv3 密钥');
    }
    if (!plain) throw new NotificationRejected('malformed', '通知解密后不是 JSON 对象');
    const notifyId = typeof envelope.id === 'string' ? envelope.id : undefined;

    if (eventType === 'TRANSACTION.SUCCESS') return paymentNotification(plain as TransactionBody, notifyId);
    if (eventType.startsWith('REFUND.')) return refundNotification(plain as RefundBody, eventType, now);
    return { kind: 'ignored', detail: { event_type: eventType, ...(notifyId ? { notify_id: notifyId } : {}) } };
  }

  acknowledge(): ChannelAnswer {
    return { status: 204, headers: {}, body: '' };
  }

  refuse(status: number, message: string): ChannelAnswer {
    return {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ code: 'FAIL', message }),
    };
  }

  // ---- Statement ----

  async fetchStatement(date: string): Promise<StatementFile> {
    const json = await this.call(
      'GET',
      `/v3/bill/tradebill?bill_date=${encodeURIComponent(date)}&bill_type=ALL&tar_type=GZIP`,
    );
    const downloadUrl = typeof json.download_url === 'string' ? json.download_url : undefined;
    const hashValue = typeof json.hash_value === 'string' ? json.hash_value.toLowerCase() : undefined;
    if (!downloadUrl || !hashValue) throw untrustedResponse('wechatpay', '缺少账单下载地址或摘要');
    // The download is signed like any request; the file itself is not signed, its SHA1 is checked instead.
    const response = await downloadFromChannel('wechatpay', this.wire, downloadUrl, {
      method: 'GET',
      headers: { Authorization: this.authorization('GET', downloadUrl, ''), 'User-Agent': 'AssetPay' },
    });
    if (response.status >= 300) {
      await response.cancel();
      throw new ChannelError(
        'wechatpay',
        `HTTP_${response.status}`,
        '微信支付账单文件下载失败，请稍后重试',
        response.status,
      );
    }
    // Unzipped on the way to disk; the channel's digest covers the CSV as unzipped.
    const { head, stream } = await peekStart(response.body, 2);
    const check = digestTap(json.hash_type === 'SM3' ? 'sm3' : 'sha1');
    const file = await spoolStatement({ provider: 'wechatpay', date, format: 'wechat_csv' }, stream, [
      ...(isGzip(head) ? [gunzipStatement()] : []),
      check,
    ]).catch((error: unknown) => {
      if (error instanceof ChannelError) throw error;
      if (String((error as { code?: unknown })?.code ?? '').startsWith('Z_')) {
        throw untrustedResponse('wechatpay', '的账单文件无法解压');
      }
      throw error;
    });
    if (check.digest() !== hashValue) {
      await file.dispose();
      throw new ChannelError(
        'wechatpay',
        'BILL_HASH_MISMATCH',
        '微信支付账单文件的摘要不符（下载不完整或被篡改），请重新下载',
      );
    }
    return file;
  }
}

const signedMessage = (timestamp: string, nonce: string, body: Buffer) =>
  Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), body, Buffer.from('\n', 'utf8')]);

/** Refusals whose signature held: only these may be read as facts ("no such order"), not just as failures. */
const verifiedRefusals = new WeakSet<ChannelError>();
const isVerified = (error: ChannelError) => verifiedRefusals.has(error);

const orderPaid = () =>
  new ChannelError('wechatpay', 'ORDER_PAID', '该订单已在微信支付付款，不能关闭；请以付款入账为准');

function transactionState(body: TransactionBody): ChannelOrderState {
  switch (body.trade_state) {
    case 'SUCCESS':
    case 'REFUND': {
      const amountFen = integerFen(body.amount?.total);
      const paidAt = wechatTime(body.success_time);
      if (!body.transaction_id || amountFen === undefined || !paidAt || !body.mchid) {
        throw untrustedResponse('wechatpay', '缺少交易号、金额或支付时间');
      }
      return {
        state: body.trade_state === 'SUCCESS' ? 'paid' : 'refunded',
        transactionId: body.transaction_id,
        amountFen,
        paidAt,
        merchantId: body.mchid,
        ...(body.appid ? { appId: body.appid } : {}),
      };
    }
    case 'NOTPAY':
    case 'USERPAYING':
      return { state: 'unpaid' };
    case 'CLOSED':
    case 'REVOKED':
      return { state: 'closed' };
    case 'PAYERROR':
      return { state: 'failed', reason: body.trade_state_desc ?? '支付失败' };
    default:
      throw untrustedResponse('wechatpay', `的交易状态 ${String(body.trade_state)} 无法识别`);
  }
}

function refundState(body: RefundBody): RefundState {
  const status = body.status ?? body.refund_status;
  switch (status) {
    case 'SUCCESS': {
      const amountFen = integerFen(body.amount?.refund);
      if (!body.refund_id || amountFen === undefined) throw untrustedResponse('wechatpay', '缺少退款单号或金额');
      return {
        state: 'succeeded',
        refundId: body.refund_id,
        amountFen,
        succeededAt: wechatTime(body.success_time) ?? new Date(),
      };
    }
    case 'PROCESSING':
      if (!body.refund_id) throw untrustedResponse('wechatpay', '缺少退款单号');
      return { state: 'processing', refundId: body.refund_id };
    case 'CLOSED':
      return { state: 'failed', reason: '退款已关闭' };
    case 'ABNORMAL':
      return { state: 'failed', reason: '退款异常：用户的收款账户不可用，请在商户平台处理' };
    default:
      throw untrustedResponse('wechatpay', `的退款状态 ${String(status)} 无法识别`);
  }
}

function paymentNotification(body: TransactionBody, notifyId: string | undefined): VerifiedNotification {
  if (body.trade_state !== 'SUCCESS') {
    return { kind: 'ignored', detail: { event_type: 'TRANSACTION.SUCCESS', trade_state: String(body.trade_state) } };
  }
  const amountFen = integerFen(body.amount?.total);
  const paidAt = wechatTime(body.success_time);
  if (!body.out_trade_no || !body.transaction_id || amountFen === undefined || !paidAt || !body.mchid) {
    throw new NotificationRejected('malformed', '支付通知缺少订单号、交易号、金额或支付时间');
  }
  return {
    kind: 'payment',
    orderNo: body.out_trade_no,
    transactionId: body.transaction_id,
    amountFen,
    merchantId: body.mchid,
    ...(body.appid ? { appId: body.appid } : {}),
    paidAt,
    ...(notifyId ? { notifyId } : {}),
    detail: {
      ...(body.trade_type ? { trade_type: body.trade_type } : {}),
      ...(body.bank_type ? { bank_type: body.bank_type } : {}),
      ...(integerFen(body.amount?.payer_total) !== undefined ? { payer_total: body.amount!.payer_total! } : {}),
    },
  };
}

function refundNotification(body: RefundBody & { mchid?: string }, eventType: string, now: Date): VerifiedNotification {
  const amountFen = integerFen(body.amount?.refund);
  if (!body.out_trade_no || !body.out_refund_no || !body.refund_id || !body.transaction_id || amountFen === undefined) {
    throw new NotificationRejected('malformed', '退款通知缺少订单号、退款单号或金额');
  }
  return {
    kind: 'refund',
    orderNo: body.out_trade_no,
    refundNo: body.out_refund_no,
    refundId: body.refund_id,
    transactionId: body.transaction_id,
    amountFen,
    succeeded: (body.refund_status ?? body.status) === 'SUCCESS',
    merchantId: body.mchid ?? '',
    at: wechatTime(body.success_time) ?? now,
    detail: { event_type: eventType, refund_status: String(body.refund_status ?? body.status) },
  };
}

export const wechatpayModule: ProviderModule<'wechatpay'> = {
  provider: 'wechatpay',
  notifyIdentityOf: (notification) => notification.headers['wechatpay-serial'] || undefined,
  notifyIdentity: (settings) => settings.platformPublicKeyId,
  adapter: (account, options) => new WechatpayAdapter(account, options),
};
