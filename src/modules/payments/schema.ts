import { type Static, Type } from '@sinclair/typebox';
import { PAY_CHANNELS, PAYMENT_ORDER_STATUSES, PROVIDERS, SUSPENSE_REASONS } from '../../db/schema.ts';
import { DateString, PageQuery } from '../../http/schemas.ts';
import { literals } from '../assets/schema.ts';

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });
const timestamp = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) });

export const PROVIDER_NAMES = 'wechatpay 微信支付 · alipay 支付宝 · unionpay 银联';
export const CHANNEL_NAMES =
  'wechat_native 微信扫码 · wechat_h5 微信 H5 · wechat_jsapi 微信公众号 · alipay_qr 支付宝扫码 · alipay_wap 支付宝手机网站 · ' +
  'alipay_page 支付宝电脑网站 · unionpay 银联在线（银行卡）';
export const ORDER_STATUS_NAMES =
  'created 待支付 · succeeded 已支付 · closed 已关闭 · failed 失败 · refunding 退款中 · refunded 已退款';
export const CLOSE_REASON_NAMES = 'expired 超时 · replaced 被新订单替代 · cancelled 已取消 · bill_settled 账单已结清';
export const SUSPENSE_REASON_NAMES =
  'unknown_order 无对应订单 · order_closed 订单已关闭 · order_failed 订单已失败 · amount_mismatch 金额不符 · ' +
  'order_paid_twice 重复支付';

export const ProviderSchema = literals(PROVIDERS, { description: PROVIDER_NAMES });
export const ProviderParams = Type.Object({ provider: ProviderSchema }, { additionalProperties: false });
export const OrderNoParams = Type.Object(
  { orderNo: Type.String({ pattern: '^[A-Za-z0-9]{6,32}$', description: '支付订单号' }) },
  { additionalProperties: false },
);
export const PayLinkOrderParams = Type.Object(
  {
    token: Type.String({ minLength: 10, maxLength: 400 }),
    orderNo: Type.String({ pattern: '^[A-Za-z0-9]{6,32}$' }),
  },
  { additionalProperties: false },
);
export const PayLinkParams = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 400 }) },
  { additionalProperties: false },
);

// ---- Channel settings ----

export const ChannelSettingsSchema = Type.Object({
  provider: ProviderSchema,
  configured: Type.Boolean({ description: '是否已设置' }),
  enabled: Type.Boolean({ description: '是否启用' }),
  settings: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()], {
    description: '商户号、应用 ID、公钥、证书、接口地址等（明文保存）',
  }),
  secretsSet: Type.Boolean({ description: '密钥是否已全部设置（密钥加密保存，从不返回）' }),
  fingerprints: Type.Record(Type.String(), Type.String(), {
    description: '各密钥、公钥、证书的 SHA-256 指纹（私钥为其公钥的指纹），用于核对所用密钥',
  }),
  notifyIdentity: nullable(Type.String({ description: '通知中用于识别商户的标识' })),
  updatedAt: nullable(timestamp()),
  updatedByName: nullable(Type.String()),
});

export const SaveChannelSettingsBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: '是否启用（默认保持不变，首次为启用）' })),
    settings: Type.Record(Type.String(), Type.String({ maxLength: 20_000 }), {
      description:
        'wechatpay: mchid, appid, merchantSerialNo, baseUrl, platformPublicKeyId, platformPublicKeyPem · ' +
        'alipay: appId, gateway, alipayPublicKeyPem, sellerId? · unionpay: merId, baseUrl, certId, rootCertPem, middleCertPem',
    }),
    secrets: Type.Optional(
      Type.Record(Type.String(), Type.String({ maxLength: 20_000 }), {
        description:
          '只填要更换的密钥，未填的保持不变（首次须全部填写）。wechatpay: merchantPrivateKeyPem, apiV3Key · ' +
          'alipay: appPrivateKeyPem · unionpay: signPrivateKeyPem',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SaveChannelSettingsBody = Static<typeof SaveChannelSettingsBody>;

// ---- Payment orders ----

const PayFormSchema = Type.Object({
  action: Type.String(),
  method: Type.Literal('POST'),
  fields: Type.Record(Type.String(), Type.String()),
});

export const TenantOrderSchema = Type.Object({
  orderNo: Type.String({ description: '支付订单号（渠道的商户订单号）' }),
  provider: ProviderSchema,
  channel: literals(PAY_CHANNELS, { description: CHANNEL_NAMES }),
  status: literals(PAYMENT_ORDER_STATUSES, { description: ORDER_STATUS_NAMES }),
  amountFen: Type.Integer({ description: '订单金额（分）：所选账单今日应缴之和（含截至昨日的违约金）' }),
  billIds: Type.Array(uuid()),
  bills: Type.Array(
    Type.Object({
      id: uuid(),
      number: Type.String(),
      periodStart: nullable(DateString),
      periodEnd: nullable(DateString),
      dueDate: DateString,
      amountFen: Type.Integer({ description: '下单时该账单应缴（分）' }),
    }),
  ),
  createdAt: timestamp(),
  expiresAt: timestamp('超过此时间未支付，订单关闭'),
  paidAt: nullable(timestamp()),
  closedAt: nullable(timestamp()),
  closeReason: nullable(Type.String({ description: CLOSE_REASON_NAMES })),
  paymentNumber: nullable(Type.String({ description: '收款单号' })),
  receiptId: nullable(uuid('收据（支付成功后）')),
  receiptNumber: nullable(Type.String()),
  codeUrl: Type.Optional(Type.String({ description: '二维码内容（微信扫码、支付宝扫码），待支付时' })),
  payUrl: Type.Optional(Type.String({ description: '跳转支付的网址（微信 H5、支付宝手机/电脑网站），待支付时' })),
  payForm: Type.Optional(PayFormSchema),
  jsapi: Type.Optional(Type.Record(Type.String(), Type.String(), { description: '公众号 JSAPI 调起支付的参数' })),
  simulatorCashierUrl: Type.Optional(Type.String({ description: '渠道模拟器的收银台页面（仅演示与测试环境）' })),
});

export const CreateOrderBody = Type.Object(
  {
    billIds: Type.Array(uuid(), { minItems: 1, maxItems: 50, description: '要缴的账单（本人的、未结清的）' }),
    channel: literals(PAY_CHANNELS, { description: CHANNEL_NAMES }),
    openid: Type.Optional(Type.String({ maxLength: 128, description: '公众号支付（wechat_jsapi）时付款人的 openid' })),
    mobile: Type.Optional(Type.Boolean({ description: '手机浏览器（银联手机页面）' })),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

export const PayLinkOrderBody = Type.Object(
  {
    channel: literals(PAY_CHANNELS, { description: CHANNEL_NAMES }),
    openid: Type.Optional(Type.String({ maxLength: 128 })),
    mobile: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const StaffOrderSchema = Type.Object({
  id: uuid(),
  orderNo: Type.String(),
  provider: ProviderSchema,
  channel: literals(PAY_CHANNELS, { description: CHANNEL_NAMES }),
  tenantId: uuid(),
  tenantName: Type.String(),
  amountFen: Type.Integer(),
  status: literals(PAYMENT_ORDER_STATUSES, { description: ORDER_STATUS_NAMES }),
  billIds: Type.Array(uuid()),
  createdVia: Type.String({ description: 'portal 承租方门户 · pay_link 缴费链接' }),
  merchantId: Type.String(),
  appId: nullable(Type.String()),
  transactionId: nullable(Type.String({ description: '渠道交易号' })),
  createdAt: timestamp(),
  expiresAt: timestamp(),
  paidAt: nullable(timestamp()),
  closedAt: nullable(timestamp()),
  closeReason: nullable(Type.String({ description: CLOSE_REASON_NAMES })),
  failureReason: nullable(Type.String()),
  lastQueriedAt: nullable(timestamp()),
  paymentId: nullable(uuid()),
  paymentNumber: nullable(Type.String()),
  receiptId: nullable(uuid()),
  receiptNumber: nullable(Type.String()),
});

export const StaffOrderDetailSchema = Type.Composite([
  StaffOrderSchema,
  Type.Object({
    bills: Type.Array(
      Type.Object({
        billId: uuid(),
        billNumber: Type.String(),
        amountFen: Type.Integer({ description: '下单时该账单应缴（分）' }),
        open: Type.Boolean({ description: '订单是否仍占用该账单' }),
        dueDate: DateString,
        status: Type.String(),
        periodStart: nullable(DateString),
        periodEnd: nullable(DateString),
      }),
    ),
    channelState: Type.Optional(
      Type.Object(
        {
          state: Type.String({ description: 'paid · unpaid · closed · failed · refunded · not_found' }),
          transactionId: Type.Optional(Type.String()),
          amountFen: Type.Optional(Type.Integer()),
          paidAt: Type.Optional(timestamp()),
          reason: Type.Optional(Type.String()),
        },
        { description: '刚向渠道查询到的订单状态（同步时）' },
      ),
    ),
  }),
]);

export const OrderListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(literals(PAYMENT_ORDER_STATUSES)),
    provider: Type.Optional(ProviderSchema),
    channel: Type.Optional(literals(PAY_CHANNELS)),
    tenantId: Type.Optional(uuid()),
    orderNo: Type.Optional(Type.String({ maxLength: 32 })),
    from: Type.Optional(DateString),
    to: Type.Optional(DateString),
  },
  { additionalProperties: false },
);

// ---- Suspense items ----

export const SuspenseItemSchema = Type.Object({
  id: uuid(),
  number: Type.String({ description: '挂账编号，如 GZ-2026-000001' }),
  provider: ProviderSchema,
  transactionId: Type.String(),
  orderNo: nullable(Type.String()),
  paymentOrderId: nullable(uuid()),
  amountFen: Type.Integer(),
  reason: literals(SUSPENSE_REASONS, { description: SUSPENSE_REASON_NAMES }),
  detail: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  receivedOn: DateString,
  paidAt: nullable(timestamp()),
  status: Type.String({ description: 'open 待处理 · refunding 原路退回中（退款申请处理中） · resolved 已处理' }),
  resolution: nullable(Type.String({ description: 'applied 已核销 · refunded 已退款 · written_off 已核销转出' })),
  resolvedPaymentId: nullable(uuid()),
  resolvedPaymentNumber: nullable(Type.String()),
  resolutionNote: nullable(Type.String()),
  resolvedByName: nullable(Type.String()),
  resolvedAt: nullable(timestamp()),
  createdAt: timestamp(),
  tenantId: nullable(uuid('订单所属承租方（有对应订单时）')),
  tenantName: nullable(Type.String()),
});

export const SuspenseListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(literals(['open', 'refunding', 'resolved'] as const)),
    provider: Type.Optional(ProviderSchema),
  },
  { additionalProperties: false },
);

export const ResolveSuspenseBody = Type.Object(
  {
    tenantId: uuid('款项所属承租方'),
    billIds: Type.Optional(
      Type.Array(uuid(), { maxItems: 500, description: '核销这些账单；不填则按到期日从早到晚核销，余额转预收' }),
    ),
    note: Type.String({ minLength: 1, maxLength: 500, description: '处理说明（必填）' }),
  },
  { additionalProperties: false },
);
