import { type Static, Type } from '@sinclair/typebox';
import { DateString, PageQuery } from '../../http/schemas.ts';
import { literals } from '../assets/schema.ts';

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });

export const OFFLINE_METHODS = ['bank_transfer', 'cash', 'pos'] as const;
export const PAYMENT_METHOD_NAMES =
  'bank_transfer 银行转账 · cash 现金 · pos POS 刷卡 · wechatpay 微信支付 · alipay 支付宝 · unionpay 银联';

export const AllocationSchema = Type.Object({
  billId: uuid(),
  billNumber: Type.String(),
  principalFen: Type.Integer({ description: '核销本金（分）' }),
  lateFeeFen: Type.Integer({ description: '核销违约金（分）' }),
});

export const PaymentSchema = Type.Object({
  id: uuid(),
  number: Type.String({ description: '收款单号，如 SK-2026-000001' }),
  tenantId: uuid(),
  tenantName: Type.String(),
  method: Type.String({ description: PAYMENT_METHOD_NAMES }),
  amountFen: Type.Integer({ description: '收款金额（分）' }),
  advanceFen: Type.Integer({ description: '转为预收款的部分（分）' }),
  receivedOn: Type.String({ description: '到账日期' }),
  reference: nullable(Type.String({ description: '银行流水号等' })),
  paymentOrderNo: nullable(Type.String({ description: '线上支付订单号' })),
  remarks: nullable(Type.String()),
  allocations: Type.Array(AllocationSchema, { description: '核销明细：每张账单核销的违约金和本金' }),
  createdAt: Type.String(),
  recordedByName: nullable(Type.String()),
  receiptId: Type.Union([uuid('收据'), Type.Null()]),
  receiptNumber: nullable(Type.String({ description: '收据号，如 SJ-2026-000001' })),
});

export const CreatePaymentBody = Type.Object(
  {
    tenantId: uuid('承租方'),
    amountFen: Type.Integer({ maximum: Number.MAX_SAFE_INTEGER, description: '收款金额（分），大于 0' }),
    receivedOn: DateString,
    method: literals(OFFLINE_METHODS, { description: 'bank_transfer 银行转账 · cash 现金 · pos POS 刷卡' }),
    reference: Type.Optional(
      nullable(Type.String({ maxLength: 100, description: '银行流水号等；同一方式下不可重复' })),
    ),
    billIds: Type.Optional(
      Type.Array(uuid(), {
        maxItems: 500,
        description: '核销这些账单（须为该承租方未作废、未结清的账单）；不填则按到期日从早到晚自动核销，余额转预收',
      }),
    ),
    remarks: Type.Optional(nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

export const PaymentListQuery = Type.Object(
  {
    ...PageQuery,
    tenantId: Type.Optional(uuid()),
    method: Type.Optional(Type.String({ maxLength: 20, description: PAYMENT_METHOD_NAMES })),
    from: Type.Optional(DateString),
    to: Type.Optional(DateString),
  },
  { additionalProperties: false },
);

export const WAIVER_STATUSES = ['pending', 'approved', 'rejected'] as const;

export const WaiverSchema = Type.Object({
  id: uuid(),
  billId: uuid(),
  billNumber: Type.String(),
  tenantName: Type.String(),
  amountFen: Type.Integer({ description: '减免金额（分）' }),
  reason: Type.String(),
  status: literals(WAIVER_STATUSES, { description: 'pending 待审批 · approved 已批准 · rejected 已驳回' }),
  requestedByName: nullable(Type.String()),
  requestedAt: Type.String(),
  decidedByName: nullable(Type.String()),
  decidedAt: nullable(Type.String()),
  decisionNote: nullable(Type.String()),
});

export const CreateWaiverBody = Type.Object(
  {
    amountFen: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: '减免金额（分），不超过承租方截至今天尚欠的违约金',
    }),
    reason: Type.String({ minLength: 1, maxLength: 500, description: '减免原因（必填）' }),
  },
  { additionalProperties: false },
);

export const WaiverListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(literals(WAIVER_STATUSES)),
    billId: Type.Optional(uuid()),
  },
  { additionalProperties: false },
);

export const ApproveWaiverBody = Type.Object(
  { note: Type.Optional(nullable(Type.String({ maxLength: 500, description: '审批意见' }))) },
  { additionalProperties: false },
);

export const RejectWaiverBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 500, description: '驳回理由（必填）' }) },
  { additionalProperties: false },
);
