import { Type } from '@sinclair/typebox';
import { RECONCILIATION_DIFFERENCE_KINDS } from '../../db/schema.ts';
import { DateString, PageQuery } from '../../http/schemas.ts';
import { literals } from '../assets/schema.ts';
import { ProviderSchema } from '../payments/schema.ts';

const fen = (description: string) => Type.Integer({ description });
const nullable = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const DIFFERENCE_KIND_NAMES =
  'amount_differs 金额不符 · missing_here 渠道有、本系统未成功 · missing_in_channel 本系统成功、渠道无';

export const ReconcileBody = Type.Object(
  { channel: ProviderSchema, date: { ...DateString, description: '对账日期（渠道账单日，须早于今天）' } },
  { additionalProperties: false },
);

export const ReconciliationListQuery = Type.Object(
  { ...PageQuery, channel: Type.Optional(ProviderSchema) },
  { additionalProperties: false },
);

export const DifferenceSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: literals(RECONCILIATION_DIFFERENCE_KINDS, { description: DIFFERENCE_KIND_NAMES }),
  lineNo: nullable(Type.Integer({ description: '对账单行号（渠道无此笔时为空）' })),
  orderNo: nullable(Type.String()),
  transactionId: nullable(Type.String()),
  channelAmountFen: nullable(fen('渠道金额（分）')),
  ourAmountFen: nullable(fen('本系统订单金额（分）')),
  status: literals(['open', 'resolved'] as const),
});

export const ReconciliationSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  channel: ProviderSchema,
  date: DateString,
  status: literals(['staged', 'completed'] as const, { description: 'staged 已导入待结算 · completed 已完成' }),
  fileHash: Type.String({ description: '对账单文件 SHA-256：同一文件再次导入不重复处理' }),
  duplicate: Type.Boolean({ description: '该文件此前已导入：返回的是当时的结果，未做任何改动' }),
  lines: Type.Integer({ description: '对账单明细行数' }),
  payments: Type.Integer(),
  refunds: Type.Integer({ description: '退款行数（退款对账另行处理）' }),
  matched: Type.Integer({ description: '勾对一致的支付笔数' }),
  repaired: Type.Integer({ description: '通知丢失、经查询渠道补记入账的笔数' }),
  differences: Type.Integer({ description: '差异笔数' }),
  channelPaidFen: fen('渠道支付合计'),
  channelRefundFen: fen('渠道退款合计'),
  channelFeeFen: fen('渠道手续费合计（退款退回的手续费为负）'),
  settledGrossFen: fen('本次结算的交易金额（贷 1012）'),
  settledFeeFen: fen('本次结算的手续费（借 6603）'),
  settledNetFen: fen('本次结算净额（借 1002）'),
  settlementEntryId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  createdByName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  differenceItems: Type.Array(DifferenceSchema, { description: '差异明细（列表接口中为空）' }),
});
