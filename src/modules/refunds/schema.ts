import { type Static, Type } from '@sinclair/typebox';
import { PROVIDERS, REFUND_KINDS, REFUND_METHODS, REFUND_STATUSES } from '../../db/schema.ts';
import { PageQuery } from '../../http/schemas.ts';
import { literals } from '../assets/schema.ts';

const nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });

const KIND_TEXT = 'overpayment 多缴/预收款退款 · deposit 保证金退款 · suspense 挂账原路退回付款人';
const METHOD_TEXT = 'original_channel 原路退回（在线支付渠道退款接口） · offline 线下退款（财务转账后登记）';
const STATUS_TEXT =
  'requested 待审批 · approved 已批准（线下待登记） · rejected 已驳回 · paying 渠道退款中 · refunded 已退款 · failed 退款失败';

export const DeductionSchema = Type.Object(
  {
    item: Type.String({ minLength: 1, maxLength: 200, description: '扣除项目，如“墙面维修”“2026年10月租金”' }),
    amountFen: Type.Integer({ minimum: 1, description: '扣除金额（分）' }),
    billId: Type.Optional(nullable(uuid('抵扣的未结清账单（欠租等）；不填则作为维修等其他业务收入（6051.03）'))),
  },
  { additionalProperties: false },
);

export const RefundSchema = Type.Object({
  id: uuid(),
  refundNo: Type.String({ description: '退款单号（out_refund_no），字母+中国时间 yyyyMMddHHmmss+数字' }),
  kind: literals(REFUND_KINDS, { description: KIND_TEXT }),
  tenantId: nullable(uuid('挂账退款的付款人不是已知承租方时为 null')),
  tenantName: nullable(Type.String()),
  paymentId: nullable(uuid()),
  paymentOrderId: nullable(uuid()),
  provider: Type.Union([literals(PROVIDERS), Type.Null()]),
  depositBillId: nullable(uuid()),
  contractId: nullable(uuid()),
  depositPaidFen: nullable(Type.Integer({ description: '已收保证金（分）' })),
  deductions: Type.Array(Type.Object({ item: Type.String(), amountFen: Type.Integer(), billId: nullable(uuid()) })),
  amountFen: Type.Integer({ description: '退还金额（分）' }),
  reason: Type.String(),
  method: literals(REFUND_METHODS, { description: METHOD_TEXT }),
  status: literals(REFUND_STATUSES, { description: STATUS_TEXT }),
  requestedBy: nullable(uuid('申请人（用户 id）：申请人不能审批自己的申请')),
  requestedByName: nullable(Type.String()),
  requestedAt: Type.String(),
  decidedByName: nullable(Type.String()),
  decidedAt: nullable(Type.String()),
  decisionNote: nullable(Type.String()),
  channelRefundId: nullable(Type.String({ description: '渠道退款单号（refund_id / trade_no / queryId）' })),
  failureReason: nullable(Type.String()),
  paidByName: nullable(Type.String()),
  paidReference: nullable(Type.String()),
  refundedAt: nullable(Type.String()),
  journalEntryId: nullable(uuid()),
  depositRefundRequestId: nullable(uuid('保证金退款对应的退租退保证金待办')),
  suspenseItemId: nullable(uuid('挂账退款：退还的挂账')),
});

export const CreateRefundBody = Type.Object(
  {
    kind: literals(REFUND_KINDS, { description: KIND_TEXT }),
    paymentId: Type.Optional(uuid('多缴退款：产生预收款的收款记录；保证金原路退回：支付保证金的在线收款')),
    depositBillId: Type.Optional(uuid('保证金退款：保证金账单')),
    suspenseItemId: Type.Optional(uuid('挂账退款：要原路退回付款人的挂账（整笔）')),
    amountFen: Type.Optional(
      Type.Integer({ minimum: 1, description: '多缴退款金额（分），不超过该笔收款剩余的预收款；保证金退款自动计算' }),
    ),
    deductions: Type.Optional(Type.Array(DeductionSchema, { maxItems: 50, description: '保证金扣除明细' })),
    reason: Type.String({ minLength: 1, maxLength: 500, description: '退款原因' }),
    method: literals(REFUND_METHODS, { description: METHOD_TEXT }),
  },
  { additionalProperties: false },
);
export type CreateRefundBody = Static<typeof CreateRefundBody>;

export const ApproveRefundBody = Type.Object(
  { note: Type.Optional(nullable(Type.String({ maxLength: 500, description: '审批意见' }))) },
  { additionalProperties: false },
);
export const RejectRefundBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 500, description: '驳回理由（必填）' }) },
  { additionalProperties: false },
);
export const RecordRefundPaidBody = Type.Object(
  { reference: Type.Optional(nullable(Type.String({ maxLength: 100, description: '银行转账流水号' }))) },
  { additionalProperties: false },
);

export const RefundListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(literals(REFUND_STATUSES)),
    kind: Type.Optional(literals(REFUND_KINDS)),
    tenantId: Type.Optional(uuid()),
  },
  { additionalProperties: false },
);

const DEPOSIT_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'refunded'] as const;
const DEPOSIT_REQUEST_STATUS_TEXT =
  'pending 待退（未申请退款，或退款失败待重新申请）· approved 退款已批准 · rejected 退款被驳回 · refunded 已退还';

export const DepositRefundRequestSchema = Type.Object({
  id: uuid(),
  contractId: uuid(),
  contractNo: Type.String({ description: '合同编号' }),
  tenantId: uuid(),
  tenantName: Type.String(),
  amountFen: Type.Integer({ description: '合同约定的保证金（分）' }),
  reason: literals(['terminated', 'expired'] as const, { description: 'terminated 提前解除 · expired 到期' }),
  status: literals(DEPOSIT_REQUEST_STATUSES, { description: DEPOSIT_REQUEST_STATUS_TEXT }),
  depositBillId: nullable(uuid('保证金账单（退款申请时填 depositBillId）')),
  depositBillNo: nullable(Type.String()),
  depositPaidFen: Type.Integer({ description: '保证金账单已收金额（分），即最多可退金额' }),
  unpaidBills: Type.Array(
    Type.Object({
      id: uuid(),
      billNo: Type.String(),
      kind: Type.String({ description: 'rent 租金 · charge 费用 · final 结算' }),
      period: nullable(Type.String({ description: '账期，如 2026-10-01 至 2026-12-31' })),
      dueDate: Type.String(),
      outstandingFen: Type.Integer({ description: '未结清金额（分，含已计违约金），可从保证金中抵扣' }),
    }),
    { description: '该合同未结清的账单（保证金除外），可作为扣除项抵扣' },
  ),
  refundId: nullable(uuid('对应的退款申请（最近一次）')),
  refundNo: nullable(Type.String()),
  refundStatus: Type.Union([literals(REFUND_STATUSES), Type.Null()]),
  refundAmountFen: nullable(Type.Integer()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const DepositRefundRequestListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(literals(DEPOSIT_REQUEST_STATUSES, { description: DEPOSIT_REQUEST_STATUS_TEXT })),
    contractId: Type.Optional(uuid()),
  },
  { additionalProperties: false },
);

/** A refund as the tenant sees it in the portal. */
export const PortalRefundSchema = Type.Object({
  id: uuid(),
  refundNo: Type.String(),
  kind: literals(REFUND_KINDS, { description: KIND_TEXT }),
  amountFen: Type.Integer({ description: '退还金额（分）' }),
  status: literals(REFUND_STATUSES, { description: STATUS_TEXT }),
  reason: Type.String(),
  depositPaidFen: nullable(Type.Integer({ description: '保证金退款：已收保证金（分）' })),
  deductions: Type.Array(Type.Object({ item: Type.String(), amountFen: Type.Integer() })),
  method: literals(REFUND_METHODS, { description: METHOD_TEXT }),
  provider: Type.Union([literals(PROVIDERS), Type.Null()]),
  requestedAt: Type.String(),
  decidedAt: nullable(Type.String()),
  refundedAt: nullable(Type.String()),
});
export const PortalRefunds = Type.Object({ items: Type.Array(PortalRefundSchema) });
