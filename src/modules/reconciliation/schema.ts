import { Type } from '@sinclair/typebox';
import {
  RECONCILIATION_ACTIONS,
  RECONCILIATION_DIFFERENCE_KINDS,
  RECONCILIATION_DIFFERENCE_STATUSES,
} from '../../db/schema.ts';
import { DateString, PageQuery } from '../../http/schemas.ts';
import { literals } from '../assets/schema.ts';
import { ProviderSchema } from '../payments/schema.ts';

const fen = (description: string) => Type.Integer({ description });
const nullable = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const DIFFERENCE_KIND_NAMES =
  'amount_differs 金额不符 · missing_here 渠道有、本系统未成功 · missing_in_channel 本系统成功、渠道无 · ' +
  'refund_differs 退款金额不符 · refund_missing_here 渠道有退款、本系统无 · refund_missing_in_channel 本系统已退款、渠道无';
const STATUS_NAMES = 'open 待处理 · awaiting_approval 结算待审批 · resolved 已处理';
const ACTION_NAMES =
  'acknowledge 说明后确认（不入账）· settle 按渠道金额结算入账（需审批，仅 amount_differs、missing_here）';
const nullableText = () => Type.Union([Type.String(), Type.Null()]);
const nullableTime = () => Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const ReconcileBody = Type.Object(
  { channel: ProviderSchema, date: { ...DateString, description: '对账日期（渠道账单日，须早于今天）' } },
  { additionalProperties: false },
);

export const ReconciliationListQuery = Type.Object(
  {
    ...PageQuery,
    channel: Type.Optional(ProviderSchema),
    from: Type.Optional({ ...DateString, description: '对账日期起（含）' }),
    to: Type.Optional({ ...DateString, description: '对账日期止（含）' }),
    hasOpenDifferences: Type.Optional(Type.Boolean({ description: 'true 仅有未处理差异的批次；false 仅已全部处理的' })),
  },
  { additionalProperties: false },
);

export const DifferenceListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(literals(RECONCILIATION_DIFFERENCE_STATUSES, { description: STATUS_NAMES })),
    channel: Type.Optional(ProviderSchema),
    kind: Type.Optional(literals(RECONCILIATION_DIFFERENCE_KINDS, { description: DIFFERENCE_KIND_NAMES })),
  },
  { additionalProperties: false },
);

export const ResolveDifferenceBody = Type.Object(
  {
    action: literals(RECONCILIATION_ACTIONS, { description: ACTION_NAMES }),
    note: Type.String({ maxLength: 500, description: '处理说明（必填）' }),
  },
  { additionalProperties: false },
);
export const ApproveDifferenceBody = Type.Object(
  { note: Type.Optional(Type.Union([Type.String({ maxLength: 500, description: '审批意见' }), Type.Null()])) },
  { additionalProperties: false },
);
export const RejectDifferenceBody = Type.Object(
  { note: Type.String({ maxLength: 500, description: '驳回理由（必填）' }) },
  { additionalProperties: false },
);

export const DifferenceSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  runId: Type.String({ format: 'uuid' }),
  channel: ProviderSchema,
  date: DateString,
  kind: literals(RECONCILIATION_DIFFERENCE_KINDS, { description: DIFFERENCE_KIND_NAMES }),
  lineNo: nullable(Type.Integer({ description: '对账单行号（渠道无此笔时为空）' })),
  orderNo: nullable(Type.String()),
  transactionId: nullable(Type.String({ description: '渠道交易号（退款为渠道退款单号）' })),
  refundNo: nullable(Type.String({ description: '退款单号（退款差异）' })),
  channelAmountFen: nullable(fen('渠道金额（分）')),
  ourAmountFen: nullable(fen('本系统订单或退款金额（分）')),
  status: literals(RECONCILIATION_DIFFERENCE_STATUSES, { description: STATUS_NAMES }),
  action: Type.Union([literals(RECONCILIATION_ACTIONS, { description: ACTION_NAMES }), Type.Null()]),
  note: nullableText(),
  proposedByName: nullableText(),
  proposedAt: nullableTime(),
  decidedByName: nullableText(),
  decidedAt: nullableTime(),
  decisionNote: nullableText(),
  resolvedByName: nullableText(),
  resolvedAt: nullableTime(),
  suspenseNumber: Type.Union([Type.String({ description: '结算产生或关联的挂账编号' }), Type.Null()]),
  autoResolvedByRunId: Type.Union([
    Type.String({ format: 'uuid', description: '由后续对账批次自动勾销' }),
    Type.Null(),
  ]),
});

export const TieOutSchema = Type.Object(
  {
    channelPaidFen: fen('渠道支付合计'),
    matchedFen: fen('勾对一致'),
    repairedFen: fen('补记入账'),
    settledBeforeFen: fen('此前批次已结算'),
    differenceFen: fen('差异（金额不符、渠道有本系统无）'),
    channelRefundFen: fen('渠道退款合计'),
    refundMatchedFen: fen('退款勾对一致'),
    refundSettledBeforeFen: fen('退款此前已结算'),
    refundDifferenceFen: fen('退款差异'),
    settlementClearingFen: fen('结算凭证冲减 1012 的净额（应为 勾对 + 补记 − 退款勾对）'),
    unexplainedFen: fen('无法解释的差额：轧平时为 0'),
  },
  { description: '轧账：渠道合计 = 勾对 + 补记 + 此前已结算 + 差异（退款同理），结算凭证与明细一致' },
);

export const ReconciliationSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  channel: ProviderSchema,
  date: DateString,
  status: literals(['staged', 'completed'] as const, { description: 'staged 已导入待结算 · completed 已完成' }),
  fileHash: Type.String({ description: '对账单文件 SHA-256：同一文件再次导入不重复处理' }),
  duplicate: Type.Boolean({ description: '该文件此前已导入：返回的是当时的结果，未做任何改动' }),
  lines: Type.Integer({ description: '对账单明细行数' }),
  payments: Type.Integer(),
  refunds: Type.Integer({ description: '退款行数' }),
  matched: Type.Integer({ description: '勾对一致的支付笔数' }),
  repaired: Type.Integer({ description: '通知丢失、经查询渠道补记入账的笔数' }),
  differences: Type.Integer({ description: '差异笔数' }),
  channelPaidFen: fen('渠道支付合计'),
  channelRefundFen: fen('渠道退款合计'),
  channelFeeFen: fen('渠道手续费合计（退款退回的手续费为负）'),
  settledGrossFen: fen('本次结算的交易金额（贷 1012）'),
  settledFeeFen: fen('本次结算的手续费（借 6603）'),
  settledNetFen: fen('本次结算净额（借 1002）= 交易 − 退款 − 手续费'),
  settlementEntryId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  createdByName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  refundsMatched: Type.Integer({ description: '勾对一致的退款笔数' }),
  settledRefundFen: fen('本次结算的退款（借 1012，渠道从结算款中扣回）'),
  openDifferences: Type.Integer({ description: '未处理完的差异笔数（待处理与待审批）' }),
  tieOut: TieOutSchema,
  differenceItems: Type.Array(DifferenceSchema, { description: '差异明细（列表接口中为空）' }),
});
