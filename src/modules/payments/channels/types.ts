// What AssetPay asks of a payment channel (WeChat Pay, Alipay, UnionPay), one interface for all three. The adapters
// are production code speaking each channel's wire protocol (../shared/spec/payments.md); tests and the demo point
// them at the simulators (src/simulators) through the merchant settings' base URLs.

import type { PayChannel, Provider } from '../../../db/schema.ts';
import type { StatementFile } from './statement-file.ts';

export type { PayChannel, Provider };

/** Which provider serves a tenant-facing channel. */
export const PROVIDER_OF: Record<PayChannel, Provider> = {
  wechat_native: 'wechatpay',
  wechat_h5: 'wechatpay',
  wechat_jsapi: 'wechatpay',
  alipay_qr: 'alipay',
  alipay_wap: 'alipay',
  alipay_page: 'alipay',
  unionpay: 'unionpay',
};

// ---- Merchant settings (商户配置), per org and provider. `settings` is stored in clear, `secrets` encrypted. ----

export interface WechatpaySettings {
  /** 商户号 */
  mchid: string;
  /** The AppID bound to the merchant (公众号/服务号). */
  appid: string;
  /** The merchant API certificate's serial number (商户API证书序列号), sent in Authorization. */
  merchantSerialNo: string;
  /** https://api.mch.weixin.qq.com, or the simulator's http://127.0.0.1:3001/wechatpay */
  baseUrl: string;
  /** WeChat Pay public key id (`PUB_KEY_ID_…`), the Wechatpay-Serial of responses and notifications. */
  platformPublicKeyId: string;
  /** WeChat Pay public key (PEM, SPKI) that verifies responses and notifications. */
  platformPublicKeyPem: string;
}
export interface WechatpaySecrets {
  /** Merchant API private key (PEM, PKCS#8). */
  merchantPrivateKeyPem: string;
  /** API v3 key: 32 ASCII characters, the AES-256-GCM key of notification resources. */
  apiV3Key: string;
}

export interface AlipaySettings {
  appId: string;
  /** https://openapi.alipay.com/gateway.do, or the simulator's http://127.0.0.1:3001/alipay/gateway.do */
  gateway: string;
  /** Alipay public key (PEM, SPKI) that verifies responses and notifications. */
  alipayPublicKeyPem: string;
  /** The merchant's Alipay user id (2088…), when known: checked against notifications' seller_id. */
  sellerId?: string;
}
export interface AlipaySecrets {
  /** Application private key (PEM, PKCS#8), RSA2. */
  appPrivateKeyPem: string;
}

export interface UnionpaySettings {
  /** 商户代码 */
  merId: string;
  /** https://gateway.95516.com/gateway/api, or the simulator's http://127.0.0.1:3001/unionpay/gateway/api */
  baseUrl: string;
  /** The certId of the merchant signing certificate (its serial number in decimal). */
  certId: string;
  /** Root and intermediate certificates (PEM) that must have issued a message's signPubKeyCert. */
  rootCertPem: string;
  middleCertPem: string;
}
export interface UnionpaySecrets {
  /** Merchant signing private key (PEM, PKCS#8). */
  signPrivateKeyPem: string;
}

export interface MerchantAccounts {
  wechatpay: { settings: WechatpaySettings; secrets: WechatpaySecrets };
  alipay: { settings: AlipaySettings; secrets: AlipaySecrets };
  unionpay: { settings: UnionpaySettings; secrets: UnionpaySecrets };
}
export type MerchantAccount<P extends Provider = Provider> = MerchantAccounts[P];

// ---- Orders ----

export interface CreateOrderInput {
  channel: PayChannel;
  /** Ours: letters and digits, ≤ 32 (the channel's out_trade_no / orderId). */
  orderNo: string;
  amountFen: number;
  /** What the tenant sees in the channel's app (商品描述), ≤ 127 bytes for WeChat. */
  description: string;
  /** When the channel should stop accepting payment (time_expire, timeout_express, payTimeout). */
  expiresAt: Date;
  /** Where the channel posts its notification: PUBLIC_BASE_URL + /notify/{provider}. */
  notifyUrl: string;
  /** Where the tenant's browser comes back to (H5 / wap / page / UnionPay front): the portal's result page. */
  returnUrl: string;
  /** The payer's IP, for WeChat H5 (scene_info.payer_client_ip) and risk checks. */
  clientIp: string;
  /** The tenant's openid for JSAPI (公众号支付). */
  openid?: string;
  /** A phone's browser (UnionPay channelType 08, else 07 for a desktop). */
  mobile?: boolean;
  /** Echoed back in the notification (attach / passback_params / reqReserved). */
  attach?: string;
}

/** What the tenant's device does next. */
export type PayAction =
  /** Show a QR code of this text (WeChat Native code_url, Alipay precreate qr_code). */
  | { kind: 'code'; codeUrl: string }
  /** Open this URL (WeChat h5_url, the signed Alipay wap/page URL). */
  | { kind: 'redirect'; payUrl: string }
  /** Post this form from the browser (UnionPay frontTransReq). */
  | { kind: 'form'; payForm: { action: string; method: 'POST'; fields: Record<string, string> } }
  /** Call WeixinJSBridge getBrandWCPayRequest with these parameters (signed with the merchant key). */
  | { kind: 'jsapi'; jsapi: Record<string, string> };

export type ChannelOrderState =
  | { state: 'paid'; transactionId: string; amountFen: number; paidAt: Date; merchantId: string; appId?: string }
  | { state: 'unpaid' }
  | { state: 'closed' }
  | { state: 'failed'; reason: string }
  | { state: 'refunded'; transactionId: string; amountFen: number; paidAt: Date; merchantId: string; appId?: string }
  | { state: 'not_found' };

export interface RefundInput {
  orderNo: string;
  /** Ours, unique, letters and digits ≤ 32 (out_refund_no / out_request_no / orderId of the refund). */
  refundNo: string;
  /** The channel's transaction id of the original payment (UnionPay origQryId). */
  transactionId: string;
  amountFen: number;
  /** The original order's amount. */
  totalFen: number;
  reason: string;
  notifyUrl: string;
}
export type RefundState =
  | { state: 'succeeded'; refundId: string; amountFen: number; succeededAt: Date }
  | { state: 'processing'; refundId: string }
  | { state: 'failed'; reason: string }
  | { state: 'not_found' };

// ---- Notifications ----

/** A notification as it arrived: the raw body is what the signature covers. */
export interface IncomingNotification {
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** What a verified notification says. */
export type VerifiedNotification =
  | {
      kind: 'payment';
      orderNo: string;
      transactionId: string;
      amountFen: number;
      merchantId: string;
      appId?: string;
      paidAt: Date;
      /** The channel's id of this notification, for the log. */
      notifyId?: string;
      /** The channel's own fields worth keeping (trade type, bank), never payer identifiers. */
      detail: Record<string, string | number>;
    }
  | {
      kind: 'refund';
      orderNo: string;
      refundNo: string;
      refundId: string;
      transactionId: string;
      amountFen: number;
      succeeded: boolean;
      merchantId: string;
      at: Date;
      detail: Record<string, string | number>;
    }
  /** Verified, but nothing to post (e.g. a failed trade, an event we do not use): acknowledged. */
  | { kind: 'ignored'; detail: Record<string, string | number> };

/** Refused before anything is touched: bad signature, stale timestamp, probe, malformed body. Answer 4xx. */
export class NotificationRejected extends Error {
  constructor(
    readonly reason:
      | 'malformed'
      | 'unknown_merchant'
      | 'bad_signature'
      | 'stale_timestamp'
      | 'signature_probe'
      | 'decrypt_failed'
      | 'certificate_untrusted',
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP answer a channel expects. */
export interface ChannelAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type { StatementFile, StatementFormat } from './statement-file.ts';

/** A channel error a person can act on (e.g. 404 ORDER_NOT_EXIST, ACQ.TRADE_NOT_EXIST, respCode 34). */
export class ChannelError extends Error {
  constructor(
    readonly provider: Provider,
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** One org's merchant account at one provider, speaking the provider's protocol. */
export interface ChannelAdapter {
  readonly provider: Provider;
  /** The merchant id and app id an order is made under (compared with notifications). */
  readonly merchantId: string;
  readonly appId?: string;
  createOrder(input: CreateOrderInput): Promise<PayAction>;
  queryOrder(orderNo: string): Promise<ChannelOrderState>;
  /** Closes an unpaid order; an order already paid throws ChannelError with code ORDER_PAID. */
  closeOrder(orderNo: string): Promise<void>;
  refund(input: RefundInput): Promise<RefundState>;
  queryRefund(refundNo: string, orderNo: string): Promise<RefundState>;
  /** Verifies on the raw body (and decrypts); throws NotificationRejected. `now` checks WeChat's 300 s window. */
  verifyNotification(notification: IncomingNotification, now: Date): VerifiedNotification;
  /** The channel's success answer (WeChat 204, Alipay `success`, UnionPay 200 `ok`). */
  acknowledge(): ChannelAnswer;
  /** The channel's failure answer with a message (4xx). */
  refuse(status: number, message: string): ChannelAnswer;
  /** The day's statement, spooled to a temporary file: the caller disposes of it. */
  fetchStatement(date: string): Promise<StatementFile>;
}

/**
 * How a notification names its merchant before it is verified, to find whose keys verify it: the WeChat
 * `Wechatpay-Serial` header (public key id), the Alipay `app_id` field, the UnionPay `merId` field.
 * Undefined when the body is not even well-formed enough to say.
 */
export type NotifyIdentityOf = (notification: IncomingNotification) => string | undefined;

/** What every provider module exports. */
export interface ProviderModule<P extends Provider> {
  provider: P;
  notifyIdentityOf: NotifyIdentityOf;
  /** The settings value that `notifyIdentityOf` returns for this merchant (stored as channel_settings.notify_identity). */
  notifyIdentity(settings: MerchantAccount<P>['settings']): string;
  /** `fetchImpl` defaults to global fetch; tests may pass one that records traffic. */
  adapter(account: MerchantAccount<P>, options?: { fetchImpl?: typeof fetch; timeoutMs?: number }): ChannelAdapter;
}
