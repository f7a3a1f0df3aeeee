// How payment order statuses, channels, suspense reasons and receipt statuses read in the console's language, and
// the merchant settings each provider needs (the fields of src/modules/payments/channels/types.ts).

import type { BadgeStatus, ValueEnum } from '../../components/ListPage.tsx';
import { knownKey, type MessageKey } from '../../i18n.ts';
import type { Translate } from '../assets/asset-labels.ts';
import type {
  PayChannel,
  PaymentOrderStatus,
  Provider,
  ReceiptStatus,
  SuspenseReason,
  SuspenseStatus,
} from './payments-api.ts';

export const PROVIDERS: Provider[] = ['wechatpay', 'alipay', 'unionpay'];
export const PAY_CHANNELS: PayChannel[] = [
  'wechat_native',
  'wechat_h5',
  'wechat_jsapi',
  'alipay_qr',
  'alipay_wap',
  'alipay_page',
  'unionpay',
];
export const ORDER_STATUSES: PaymentOrderStatus[] = [
  'created',
  'succeeded',
  'closed',
  'failed',
  'refunding',
  'refunded',
];
export const SUSPENSE_REASONS: SuspenseReason[] = [
  'unknown_order',
  'order_closed',
  'order_failed',
  'amount_mismatch',
  'order_paid_twice',
];
export const SUSPENSE_STATUSES: SuspenseStatus[] = ['open', 'resolved'];
export const RECEIPT_STATUSES: ReceiptStatus[] = ['valid', 'void'];

const ORDER_STATUS_BADGES: Record<PaymentOrderStatus, BadgeStatus> = {
  created: 'processing',
  succeeded: 'success',
  closed: 'default',
  failed: 'error',
  refunding: 'warning',
  refunded: 'default',
};

const SUSPENSE_STATUS_BADGES: Record<SuspenseStatus, BadgeStatus> = { open: 'warning', resolved: 'success' };
const RECEIPT_STATUS_BADGES: Record<ReceiptStatus, BadgeStatus> = { valid: 'success', void: 'default' };

/** A label for any code under a key prefix, the code itself when unknown (a value the console does not know yet). */
function labelOf(prefix: string, code: string, t: Translate): string {
  const key = knownKey(`${prefix}.${code}`);
  return key ? t(key) : code;
}

export const providerLabel = (provider: string, t: Translate) => labelOf('paymentOrder.provider', provider, t);
export const payChannelLabel = (channel: string, t: Translate) => labelOf('paymentOrder.channel', channel, t);
export const orderStatusLabel = (status: string, t: Translate) => labelOf('paymentOrder.status', status, t);
export const orderStatusBadge = (status: PaymentOrderStatus): BadgeStatus => ORDER_STATUS_BADGES[status] ?? 'default';
export const closeReasonLabel = (reason: string, t: Translate) => labelOf('paymentOrder.closeReason', reason, t);
export const channelStateLabel = (state: string, t: Translate) => labelOf('paymentOrder.channelState', state, t);
export const orderEventLabel = (kind: string, t: Translate) => labelOf('paymentOrder.event', kind, t);
export const suspenseReasonLabel = (reason: string, t: Translate) => labelOf('suspense.reason', reason, t);
export const suspenseStatusLabel = (status: string, t: Translate) => labelOf('suspense.status', status, t);
export const resolutionLabel = (resolution: string, t: Translate) => labelOf('suspense.resolution', resolution, t);
export const receiptStatusLabel = (status: string, t: Translate) => labelOf('receipt.status', status, t);

const enumOf = <Code extends string>(
  codes: readonly Code[],
  label: (code: Code) => string,
  badge?: (code: Code) => BadgeStatus,
): ValueEnum => Object.fromEntries(codes.map((code) => [code, { text: label(code), status: badge?.(code) }]));

export const providerEnum = (t: Translate) => enumOf(PROVIDERS, (provider) => providerLabel(provider, t));
export const payChannelEnum = (t: Translate) => enumOf(PAY_CHANNELS, (channel) => payChannelLabel(channel, t));
export const orderStatusEnum = (t: Translate) =>
  enumOf(ORDER_STATUSES, (status) => orderStatusLabel(status, t), orderStatusBadge);
export const suspenseReasonEnum = (t: Translate) =>
  enumOf(SUSPENSE_REASONS, (reason) => suspenseReasonLabel(reason, t));
export const suspenseStatusEnum = (t: Translate) =>
  enumOf(
    SUSPENSE_STATUSES,
    (status) => suspenseStatusLabel(status, t),
    (status) => SUSPENSE_STATUS_BADGES[status],
  );
export const receiptStatusEnum = (t: Translate) =>
  enumOf(
    RECEIPT_STATUSES,
    (status) => receiptStatusLabel(status, t),
    (status) => RECEIPT_STATUS_BADGES[status],
  );

/** One field of a provider's merchant settings form. */
export interface MerchantField {
  name: string;
  label: MessageKey;
  /** A PEM or other long text: a textarea. */
  multiline?: boolean;
  required?: boolean;
  placeholder?: string;
  /** What the value must look like, and what to say when it does not. */
  pattern?: { regex: RegExp; message: MessageKey };
}

export interface ProviderForm {
  /** Kept in clear and shown again. */
  settings: MerchantField[];
  /** Encrypted; written, never read back. */
  secrets: MerchantField[];
}

const PEM_PUBLIC = '-----BEGIN PUBLIC KEY-----';
const PEM_PRIVATE = '-----BEGIN PRIVATE KEY-----';
const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const publicKey = { regex: /-----BEGIN PUBLIC KEY-----/, message: 'channelSettings.pemPublicInvalid' } as const;
const privateKey = {
  regex: /-----BEGIN (RSA )?PRIVATE KEY-----/,
  message: 'channelSettings.pemPrivateInvalid',
} as const;
const certificate = { regex: /-----BEGIN CERTIFICATE-----/, message: 'channelSettings.pemCertInvalid' } as const;
const url = { regex: /^https?:\/\/\S+$/, message: 'channelSettings.urlInvalid' } as const;

export const PROVIDER_FORMS: Record<Provider, ProviderForm> = {
  wechatpay: {
    settings: [
      { name: 'mchid', label: 'channelSettings.wechatpay.mchid', required: true, placeholder: '1900000001' },
      { name: 'appid', label: 'channelSettings.wechatpay.appid', required: true, placeholder: 'wx8888888888888888' },
      { name: 'merchantSerialNo', label: 'channelSettings.wechatpay.merchantSerialNo', required: true },
      {
        name: 'baseUrl',
        label: 'channelSettings.baseUrl',
        required: true,
        placeholder: 'https://api.mch.weixin.qq.com',
        pattern: url,
      },
      {
        name: 'platformPublicKeyId',
        label: 'channelSettings.wechatpay.platformPublicKeyId',
        required: true,
        placeholder: 'PUB_KEY_ID_…',
      },
      {
        name: 'platformPublicKeyPem',
        label: 'channelSettings.wechatpay.platformPublicKeyPem',
        multiline: true,
        required: true,
        placeholder: PEM_PUBLIC,
        pattern: publicKey,
      },
    ],
    secrets: [
      {
        name: 'merchantPrivateKeyPem',
        label: 'channelSettings.wechatpay.merchantPrivateKeyPem',
        multiline: true,
        placeholder: PEM_PRIVATE,
        pattern: privateKey,
      },
      {
        name: 'apiV3Key',
        label: 'channelSettings.wechatpay.apiV3Key',
        pattern: { regex: /^[\x21-\x7e]{32}$/, message: 'channelSettings.apiV3KeyInvalid' },
      },
    ],
  },
  alipay: {
    settings: [
      { name: 'appId', label: 'channelSettings.alipay.appId', required: true, placeholder: '2021000000000000' },
      {
        name: 'gateway',
        label: 'channelSettings.alipay.gateway',
        required: true,
        placeholder: 'https://openapi.alipay.com/gateway.do',
        pattern: url,
      },
      {
        name: 'alipayPublicKeyPem',
        label: 'channelSettings.alipay.alipayPublicKeyPem',
        multiline: true,
        required: true,
        placeholder: PEM_PUBLIC,
        pattern: publicKey,
      },
      { name: 'sellerId', label: 'channelSettings.alipay.sellerId', placeholder: '2088…' },
    ],
    secrets: [
      {
        name: 'appPrivateKeyPem',
        label: 'channelSettings.alipay.appPrivateKeyPem',
        multiline: true,
        placeholder: PEM_PRIVATE,
        pattern: privateKey,
      },
    ],
  },
  unionpay: {
    settings: [
      { name: 'merId', label: 'channelSettings.unionpay.merId', required: true, placeholder: '777290058110048' },
      {
        name: 'baseUrl',
        label: 'channelSettings.baseUrl',
        required: true,
        placeholder: 'https://gateway.95516.com/gateway/api',
        pattern: url,
      },
      { name: 'certId', label: 'channelSettings.unionpay.certId', required: true },
      {
        name: 'rootCertPem',
        label: 'channelSettings.unionpay.rootCertPem',
        multiline: true,
        required: true,
        placeholder: PEM_CERTIFICATE,
        pattern: certificate,
      },
      {
        name: 'middleCertPem',
        label: 'channelSettings.unionpay.middleCertPem',
        multiline: true,
        required: true,
        placeholder: PEM_CERTIFICATE,
        pattern: certificate,
      },
    ],
    secrets: [
      {
        name: 'signPrivateKeyPem',
        label: 'channelSettings.unionpay.signPrivateKeyPem',
        multiline: true,
        placeholder: PEM_PRIVATE,
        pattern: privateKey,
      },
    ],
  },
};
