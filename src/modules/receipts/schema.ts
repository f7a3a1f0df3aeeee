import { Type } from '@sinclair/typebox';
import { PAYMENT_METHODS } from '../../db/schema.ts';
import { DateString, PageQuery } from '../../http/schemas.ts';

const ReceiptStatus = Type.Union([Type.Literal('valid'), Type.Literal('void')], {
  description: 'valid 有效；void 已作废',
});
const PaymentMethod = Type.Union(
  PAYMENT_METHODS.map((method) => Type.Literal(method)),
  { description: 'bank_transfer 银行转账；cash 现金；pos 刷卡；wechatpay 微信支付；alipay 支付宝；unionpay 银联' },
);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const ReceiptListQuery = Type.Object(
  {
    tenantId: Type.Optional(Type.String({ format: 'uuid' })),
    status: Type.Optional(ReceiptStatus),
    from: Type.Optional({ ...DateString, description: '收款日期起（含）' }),
    to: Type.Optional({ ...DateString, description: '收款日期止（含）' }),
    number: Type.Optional(Type.String({ maxLength: 40, description: '收据编号（部分即可）' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ReceiptSchema = Type.Object({
  id: Type.String(),
  number: Type.String({ description: '收据编号 SJ-年份-6 位序号，按年连续不跳号' }),
  issuedOn: DateString,
  amountFen: Type.Integer(),
  status: ReceiptStatus,
  voidReason: NullableString,
  tenantId: Type.String(),
  tenantName: Type.String(),
  paymentId: Type.String(),
  paymentNumber: Type.String(),
  method: PaymentMethod,
  reference: Type.Union([Type.String({ description: '银行或渠道交易流水号' }), Type.Null()]),
  paymentOrderNo: NullableString,
  verifyCode: Type.String({ description: '收据核验码（二维码 /m/receipts/{verifyCode}）' }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const VerifyCodeParams = Type.Object(
  { verifyCode: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const ReceiptVerificationSchema = Type.Object({
  number: Type.String(),
  orgName: Type.String(),
  amountFen: Type.Integer(),
  issuedOn: DateString,
  status: ReceiptStatus,
  method: PaymentMethod,
  methodName: Type.String({ description: '收款方式的中文名称' }),
  payerMasked: Type.String({ description: '交款人（脱敏：个人只显示姓氏，企业只显示首尾各两字）' }),
});

export const PdfResponse = Type.String({ description: 'application/pdf', contentMediaType: 'application/pdf' });
