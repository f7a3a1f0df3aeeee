// Alipay OpenAPI v2 (支付宝) for one app: precreate (QR), page pay and wap pay (signed GET URLs to the gateway),
// query, close, refund and its query, the bill download, and trade_status_sync notifications. Requests are signed
// and responses and notifications verified by the official alipay-sdk (AlipaySdk.sdkExecute, checkResponseSign,
// checkNotifySignV2); the HTTP call is ours, with a deadline, and every failure reads as a ChannelError.

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { fenOfYuan } from '../../../domain/money.ts';
import { isZip, peekStart, spoolStatement } from './statement-file.ts';
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
  beijingDateTime,
  callChannel,
  downloadFromChannel,
  parseBeijing,
  readSetting,
  untrustedResponse,
  type WireOptions,
  wireOptions,
  yuanOfFen,
} from './wire.ts';

type AlipayAccount = MerchantAccount<'alipay'>;

/** Common parameters the gateway reads from the URL; the rest (biz_content) goes in the form body, as the SDK does. */
const URL_PARAMETERS = new Set([
  'app_id',
  'method',
  'format',
  'charset',
  'sign_type',
  'sign',
  'timestamp',
  'version',
  'notify_url',
  'return_url',
  'app_auth_token',
]);

/**
 * How requests are signed and what Alipay sends is verified: RSA2 through alipay-sdk today. Another sign_type
 * (e.g. SM2) is another implementation of this.
 */
export interface AlipaySigner {
  /** All request parameters with `sign` added (method, app_id, charset, sign_type, timestamp, version, biz_content…). */
  signedParameters(method: string, parameters: Record<string, string>, bizContent: object): Record<string, string>;
  /** Verifies a response: `sign` covers the raw JSON text of the `xxx_response` value. */
  verifyResponse(rawBody: string, responseKey: string, sign: string): boolean;
  /** Verifies a notification's fields (sign and sign_type left out, sorted, joined). */
  verifyNotification(fields: Record<string, string>): boolean;
}

export function rsa2AlipaySigner(account: AlipayAccount, timeoutMs: number): AlipaySigner {
  // The SDK reads keys only when it first signs; a bad one is reported here, naming the setting.
  readSetting('alipay', '应用私钥', () => createPrivateKey(account.secrets.appPrivateKeyPem));
  readSetting('alipay', '支付宝公钥', () => createPublicKey(account.settings.alipayPublicKeyPem));
  const sdk = new AlipaySdk({
    appId: account.settings.appId,
    privateKey: account.secrets.appPrivateKeyPem,
    keyType: 'PKCS8',
    signType: 'RSA2',
    alipayPublicKey: account.settings.alipayPublicKeyPem,
    gateway: account.settings.gateway,
    camelcase: false,
    timeout: timeoutMs,
  });
  return {
    signedParameters(method, parameters, bizContent) {
      const query = sdk.sdkExecute(method, { ...parameters, bizContent }, { bizContentAutoSnakeCase: false });
      return Object.fromEntries(new URLSearchParams(query));
    },
    verifyResponse(rawBody, responseKey, sign) {
      try {
        sdk.checkResponseSign(rawBody, responseKey, sign, '');
        return true;
      } catch {
        return false;
      }
    },
    verifyNotification(fields) {
      try {
        if (sdk.checkNotifySignV2(fields)) return true;
        // The gateway leaves empty values out of what it signs; the SDK keeps them.
        const nonEmpty = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
        return sdk.checkNotifySignV2(nonEmpty);
      } catch {
        return false;
      }
    },
  };
}

// ---- Messages a person can act on ----

const ERROR_MESSAGES: Record<string, string> = {
  'ACQ.TRADE_NOT_EXIST': '支付宝查无此交易：付款人尚未扫码或打开付款页面，或订单号有误',
  'ACQ.TRADE_HAS_SUCCESS': '该订单已在支付宝付款',
  'ACQ.TRADE_HAS_CLOSE': '该订单在支付宝已关闭，请重新下单',
  'ACQ.TRADE_STATUS_ERROR': '支付宝交易状态不允许此操作（可能已付款或已关闭）',
  'ACQ.CONTEXT_INCONSISTENT': '订单号已用于金额或内容不同的交易，请重新下单',
  'ACQ.TOTAL_FEE_EXCEED': '订单金额超出支付宝的限额',
  'ACQ.SELLER_BALANCE_NOT_ENOUGH': '商户支付宝账户余额不足，无法退款：请先充值再退款',
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': '退款金额超过可退金额',
  'ACQ.SYSTEM_ERROR': '支付宝系统繁忙，请稍后重试',
  'ACQ.INVALID_PARAMETER': '支付宝认为请求参数有误，请核对订单信息',
  'isv.invalid-signature': '支付宝验签失败：请核对应用私钥与在支付宝开放平台上传的应用公钥是否匹配',
  'isv.invalid-app-id': '支付宝应用 AppID 无效，请核对渠道设置',
  'isv.missing-signature': '请求缺少签名，请核对渠道设置中的应用私钥',
  'isv.insufficient-isv-permissions': '该应用没有调用此接口的权限，请在支付宝开放平台签约对应产品',
  'isv.invalid-timestamp': '本机时间与支付宝相差过大，请校准服务器时间',
  'isp.bill_not_exist': '该日的支付宝账单不存在（当日无交易，或账单尚未生成：次日 9 点后可下载）',
  'isp.unknow-error': '支付宝系统繁忙，请稍后重试',
  '20000': '支付宝服务暂不可用，请稍后重试',
  '40001': '请求缺少必填参数，请核对渠道设置',
  '40002': '支付宝认为请求参数无效，请核对渠道设置',
  '40006': '该应用权限不足，请在支付宝开放平台签约对应产品',
};

function alipayError(code: string, channelMessage: string | undefined): ChannelError {
  const known = ERROR_MESSAGES[code];
  const said = channelMessage ? `（支付宝：${channelMessage.slice(0, 200)}）` : '';
  return new ChannelError('alipay', code, known ? `${known}${said}` : `支付宝返回错误 ${code}${said}`);
}

/** Refusals whose signature held: only these may be read as facts ("no such trade"), not just as failures. */
const verifiedRefusals = new WeakSet<ChannelError>();
const isVerified = (error: unknown): error is ChannelError =>
  error instanceof ChannelError && verifiedRefusals.has(error);

type AlipayFields = Record<string, unknown>;
const text = (fields: AlipayFields, key: string) => {
  const value = fields[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export interface AlipayAdapterOptions {
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** Defaults to RSA2 through alipay-sdk. */
  signer?: AlipaySigner;
  clock?: () => Date;
}

export class AlipayAdapter implements ChannelAdapter {
  readonly provider = 'alipay' as const;
  readonly merchantId: string;
  readonly appId: string;
  private readonly signer: AlipaySigner;
  private readonly wire: WireOptions;
  private readonly clock: () => Date;

  constructor(
    private readonly account: AlipayAccount,
    options: AlipayAdapterOptions = {},
  ) {
    // Alipay names a merchant by its app: app_id is in every request, response and notification.
    this.merchantId = account.settings.appId;
    this.appId = account.settings.appId;
    this.wire = wireOptions(options);
    this.signer = options.signer ?? rsa2AlipaySigner(account, this.wire.timeoutMs);
    this.clock = options.clock ?? (() => new Date());
  }

  private signed(method: string, bizContent: object, extra: Record<string, string> = {}) {
    return this.signer.signedParameters(
      method,
      // Alipay reads the timestamp as Beijing time, whatever this server's zone is.
      { ...extra, timestamp: beijingDateTime(this.clock()) },
      bizContent,
    );
  }

  /** The gateway URL that opens the cashier in the tenant's browser (page and wap pay), signed as a GET. */
  signedPayUrl(method: string, bizContent: object, extra: Record<string, string>): string {
    const query = new URLSearchParams(this.signed(method, bizContent, extra)).toString();
    const gateway = this.account.settings.gateway;
    return `${gateway}${gateway.includes('?') ? '&' : '?'}${query}`;
  }

  /** One gateway call: a verified `xxx_response` with code 10000, or the channel's error thrown. */
  private async execute(method: string, bizContent: object, extra: Record<string, string> = {}): Promise<AlipayFields> {
    const parameters = this.signed(method, bizContent, extra);
    const url = new URL(this.account.settings.gateway);
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(parameters)) {
      if (URL_PARAMETERS.has(key)) url.searchParams.set(key, value);
      else form.set(key, value);
    }
    const response = await callChannel('alipay', this.wire, url.toString(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8', Accept: 'application/json' },
      body: form.toString(),
    });
    const raw = response.body.toString('utf8');
    if (response.status !== 200) {
      throw new ChannelError(
        'alipay',
        `HTTP_${response.status}`,
        `支付宝网关应答 HTTP ${response.status}，请稍后重试`,
        response.status,
      );
    }
    let envelope: AlipayFields;
    try {
      envelope = JSON.parse(raw) as AlipayFields;
    } catch {
      throw untrustedResponse('alipay', '不是 JSON');
    }
    const responseKey = `${method.replaceAll('.', '_')}_response`;
    const node = envelope[responseKey] as AlipayFields | undefined;
    if (!node || typeof node !== 'object') {
      // error_response: the gateway refused before reaching the method (app id, signature); never signed.
      const error = (envelope.error_response ?? {}) as AlipayFields;
      throw alipayError(
        text(error, 'sub_code') ?? text(error, 'code') ?? 'MALFORMED',
        text(error, 'sub_msg') ?? text(error, 'msg'),
      );
    }
    const sign = typeof envelope.sign === 'string' ? envelope.sign : undefined;
    const verified = sign !== undefined && this.signer.verifyResponse(raw, responseKey, sign);
    if (sign !== undefined && !verified) throw untrustedResponse('alipay', '签名验证失败');
    if (text(node, 'code') === '10000') {
      if (!verified) throw untrustedResponse('alipay', '没有签名');
      return node;
    }
    const error = alipayError(
      text(node, 'sub_code') ?? text(node, 'code') ?? 'UNKNOWN',
      text(node, 'sub_msg') ?? text(node, 'msg'),
    );
    if (verified) verifiedRefusals.add(error);
    throw error;
  }

  // ---- Orders ----

  async createOrder(input: CreateOrderInput): Promise<PayAction> {
    const common = {
      out_trade_no: input.orderNo,
      total_amount: yuanOfFen(input.amountFen),
      subject: input.description.slice(0, 256),
      time_expire: beijingDateTime(input.expiresAt),
      // The gateway requires passback_params URL-encoded; it comes back the same way.
      ...(input.attach ? { passback_params: encodeURIComponent(input.attach) } : {}),
    };
    switch (input.channel) {
      case 'alipay_qr': {
        const node = await this.execute('alipay.trade.precreate', common, { notify_url: input.notifyUrl });
        const qrCode = text(node, 'qr_code');
        if (!qrCode) throw untrustedResponse('alipay', '缺少 qr_code');
        return { kind: 'code', codeUrl: qrCode };
      }
      case 'alipay_page':
        return {
          kind: 'redirect',
          payUrl: this.signedPayUrl(
            'alipay.trade.page.pay',
            { ...common, product_code: 'FAST_INSTANT_TRADE_PAY' },
            { notify_url: input.notifyUrl, return_url: input.returnUrl },
          ),
        };
      case 'alipay_wap':
        return {
          kind: 'redirect',
          payUrl: this.signedPayUrl(
            'alipay.trade.wap.pay',
            { ...common, product_code: 'QUICK_WAP_WAY', quit_url: input.returnUrl },
            { notify_url: input.notifyUrl, return_url: input.returnUrl },
          ),
        };
      default:
        throw new ChannelError('alipay', 'CHANNEL_UNSUPPORTED', `支付宝不支持「${input.channel}」这种付款方式`);
    }
  }

  async queryOrder(orderNo: string): Promise<ChannelOrderState> {
    let node: AlipayFields;
    try {
      node = await this.execute('alipay.trade.query', { out_trade_no: orderNo });
    } catch (error) {
      // A precreated trade exists at Alipay only once the payer scans the code: until then it is "not found".
      if (isVerified(error) && error.code === 'ACQ.TRADE_NOT_EXIST') return { state: 'not_found' };
      throw error;
    }
    const status = text(node, 'trade_status');
    switch (status) {
      case 'WAIT_BUYER_PAY':
        return { state: 'unpaid' };
      case 'TRADE_CLOSED':
        return { state: 'closed' };
      case 'TRADE_SUCCESS':
      case 'TRADE_FINISHED': {
        const transactionId = text(node, 'trade_no');
        const amountFen = fenOfYuan(text(node, 'total_amount') ?? '');
        if (!transactionId || amountFen === null) throw untrustedResponse('alipay', '缺少交易号或金额');
        return {
          state: 'paid',
          transactionId,
          amountFen,
          paidAt: parseBeijing(text(node, 'send_pay_date')) ?? this.clock(),
          merchantId: this.merchantId,
          appId: this.appId,
        };
      }
      default:
        throw untrustedResponse('alipay', `的交易状态 ${String(status)} 无法识别`);
    }
  }

  async closeOrder(orderNo: string): Promise<void> {
    try {
      await this.execute('alipay.trade.close', { out_trade_no: orderNo });
    } catch (error) {
      if (!isVerified(error)) throw error;
      // Never scanned: nothing exists at Alipay to close (the code itself expires with time_expire).
      if (error.code === 'ACQ.TRADE_NOT_EXIST') return;
      if (error.code === 'ACQ.TRADE_STATUS_ERROR' || error.code === 'ACQ.TRADE_HAS_SUCCESS') {
        const state = await this.queryOrder(orderNo);
        if (state.state === 'paid' || state.state === 'refunded') {
          throw new ChannelError('alipay', 'ORDER_PAID', '该订单已在支付宝付款，不能关闭；请以付款入账为准');
        }
        if (state.state === 'closed' || state.state === 'not_found') return;
      }
      throw error;
    }
  }

  // ---- Refunds ----

  async refund(input: RefundInput): Promise<RefundState> {
    const node = await this.execute('alipay.trade.refund', {
      out_trade_no: input.orderNo,
      refund_amount: yuanOfFen(input.amountFen),
      out_request_no: input.refundNo,
      refund_reason: input.reason.slice(0, 256),
    });
    // fund_change Y: money moved by this call; N: it moved before (a repeated request) or not yet, so ask.
    if (text(node, 'fund_change') === 'Y') {
      return {
        state: 'succeeded',
        // Alipay has no id of its own for a refund: the request number names it.
        refundId: input.refundNo,
        amountFen: input.amountFen,
        succeededAt: parseBeijing(text(node, 'gmt_refund_pay')) ?? this.clock(),
      };
    }
    const state = await this.queryRefund(input.refundNo, input.orderNo);
    return state.state === 'not_found' ? { state: 'processing', refundId: input.refundNo } : state;
  }

  async queryRefund(refundNo: string, orderNo: string): Promise<RefundState> {
    let node: AlipayFields;
    try {
      node = await this.execute('alipay.trade.fastpay.refund.query', {
        out_trade_no: orderNo,
        out_request_no: refundNo,
        query_options: ['gmt_refund_pay'],
      });
    } catch (error) {
      if (isVerified(error) && error.code === 'ACQ.TRADE_NOT_EXIST') return { state: 'not_found' };
      throw error;
    }
    const amountFen = fenOfYuan(text(node, 'refund_amount') ?? '');
    if (!text(node, 'out_request_no') || amountFen === null) return { state: 'not_found' };
    const status = text(node, 'refund_status');
    // Without refund_status (older gateways) a refund that is listed has succeeded.
    if (status === 'REFUND_SUCCESS' || status === undefined) {
      return {
        state: 'succeeded',
        refundId: refundNo,
        amountFen,
        succeededAt: parseBeijing(text(node, 'gmt_refund_pay')) ?? this.clock(),
      };
    }
    return { state: 'processing', refundId: refundNo };
  }

  // ---- Notifications ----

  verifyNotification(notification: IncomingNotification, now: Date): VerifiedNotification {
    const fields = formFields(notification.rawBody);
    if (!fields?.sign) throw new NotificationRejected('malformed', '通知不是支付宝的表单通知（缺少 sign）');
    if (fields.sign_type && fields.sign_type !== 'RSA2') {
      throw new NotificationRejected('bad_signature', `不接受签名类型 ${fields.sign_type}（只接受 RSA2）`);
    }
    if (!this.signer.verifyNotification(fields)) throw new NotificationRejected('bad_signature', '通知签名验证失败');
    if (fields.app_id !== this.account.settings.appId) {
      throw new NotificationRejected('unknown_merchant', `通知的 app_id ${fields.app_id ?? '（无）'} 与渠道设置不一致`);
    }
    const sellerId = this.account.settings.sellerId;
    if (sellerId && fields.seller_id && fields.seller_id !== sellerId) {
      throw new NotificationRejected('unknown_merchant', `通知的卖家 seller_id 与渠道设置（${sellerId}）不一致`);
    }

    const status = fields.trade_status ?? '';
    const detail: Record<string, string> = { notify_type: fields.notify_type ?? '', trade_status: status };
    const orderNo = fields.out_trade_no;
    const transactionId = fields.trade_no;
    if (!orderNo || !transactionId) throw new NotificationRejected('malformed', '通知缺少订单号或支付宝交易号');

    // A refund shows as refund_fee (what has been refunded so far) and out_biz_no (our refund number).
    if (fields.refund_fee && fields.out_biz_no) {
      const amountFen = fenOfYuan(fields.refund_fee);
      if (amountFen === null) throw new NotificationRejected('malformed', '退款通知的退款金额无法识别');
      return {
        kind: 'refund',
        orderNo,
        refundNo: fields.out_biz_no,
        refundId: fields.out_biz_no,
        transactionId,
        amountFen,
        succeeded: true,
        merchantId: fields.app_id,
        at: parseBeijing(fields.gmt_refund) ?? now,
        detail: { ...detail, refund_fee_is_cumulative: 'true' },
      };
    }
    if (status !== 'TRADE_SUCCESS' && status !== 'TRADE_FINISHED') return { kind: 'ignored', detail };
    const amountFen = fenOfYuan(fields.total_amount ?? '');
    const paidAt = parseBeijing(fields.gmt_payment);
    if (amountFen === null || !paidAt) {
      throw new NotificationRejected('malformed', '支付通知缺少金额或付款时间');
    }
    return {
      kind: 'payment',
      orderNo,
      transactionId,
      amountFen,
      merchantId: fields.app_id,
      appId: fields.app_id,
      paidAt,
      ...(fields.notify_id ? { notifyId: fields.notify_id } : {}),
      detail: {
        ...detail,
        ...(fields.receipt_amount ? { receipt_amount: fields.receipt_amount } : {}),
        ...(fields.buyer_pay_amount ? { buyer_pay_amount: fields.buyer_pay_amount } : {}),
      },
    };
  }

  acknowledge(): ChannelAnswer {
    // Alipay stops retrying only on exactly this body.
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'success' };
  }

  refuse(status: number, _message: string): ChannelAnswer {
    return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'fail' };
  }

  // ---- Statement ----

  async fetchStatement(date: string): Promise<StatementFile> {
    const node = await this.execute('alipay.data.dataservice.bill.downloadurl.query', {
      bill_type: 'trade',
      bill_date: date,
    });
    const downloadUrl = text(node, 'bill_download_url');
    if (!downloadUrl) throw untrustedResponse('alipay', '缺少账单下载地址');
    // The address is a short-lived signed link; the file itself carries no signature.
    const response = await downloadFromChannel('alipay', this.wire, downloadUrl, { method: 'GET' });
    if (response.status !== 200) {
      await response.cancel();
      throw new ChannelError(
        'alipay',
        `HTTP_${response.status}`,
        '支付宝账单文件下载失败（链接 30 秒内有效），请重新下载',
        response.status,
      );
    }
    const { head, stream } = await peekStart(response.body, 2);
    if (!isZip(head)) {
      await response.cancel();
      throw new ChannelError('alipay', 'BILL_NOT_ZIP', '支付宝账单文件不是 zip 压缩包，请重新下载');
    }
    return spoolStatement({ provider: 'alipay', date, format: 'alipay_zip' }, stream);
  }
}

/** A form body as fields; undefined when a field repeats or the body is not a form. */
function formFields(rawBody: Buffer): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    if (key in fields) return undefined;
    fields[key] = value;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

export const alipayModule: ProviderModule<'alipay'> = {
  provider: 'alipay',
  notifyIdentityOf: (notification) => {
    const appId = new URLSearchParams(notification.rawBody.toString('utf8')).get('app_id');
    return appId || undefined;
  },
  notifyIdentity: (settings) => settings.appId,
  adapter: (account, options) => new AlipayAdapter(account, options),
};
