import { Type } from '@sinclair/typebox';
import { BILL_KINDS, PAYMENT_METHODS } from '../../db/schema.ts';
import { DateString, PageQuery } from '../../http/schemas.ts';

const Phone = Type.String({ minLength: 1, maxLength: 30, description: '手机号（11 位，可带 +86）' });

export const OtpBody = Type.Object({ phone: Phone }, { additionalProperties: false });

export const OtpReply = Type.Object({
  sent: Type.Literal(true, { description: '总是 true：无论手机号是否登记，回答都相同' }),
  resendAfterSeconds: Type.Integer({ description: '多少秒后可重新获取' }),
});

export const PortalLoginBody = Type.Object(
  {
    phone: Phone,
    code: Type.String({ pattern: '^[0-9]{6}$', description: '短信中的 6 位验证码' }),
  },
  { additionalProperties: false },
);

const PortalTenant = Type.Object({ id: Type.String(), name: Type.String() });

export const PortalLoginReply = Type.Object({
  token: Type.String({ description: '放在 Authorization: Bearer 中' }),
  tenant: PortalTenant,
});

export const PortalMe = Type.Object({
  tenant: Type.Object({
    id: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('individual'), Type.Literal('enterprise')]),
  }),
  orgName: Type.String(),
});

const NullableDate = Type.Union([DateString, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const PortalBill = Type.Object({
  id: Type.String(),
  number: Type.String(),
  kind: Type.Union(
    BILL_KINDS.map((kind) => Type.Literal(kind)),
    { description: 'rent 租金；deposit 保证金；charge 杂费；final 终止结算' },
  ),
  contractId: Type.String(),
  periodStart: NullableDate,
  periodEnd: NullableDate,
  dueDate: DateString,
  description: NullableString,
  status: Type.String({ description: 'open 未缴；partial 部分已缴；paid 已结清' }),
  amountFen: Type.Integer({ description: '本金（分）' }),
  paidFen: Type.Integer({ description: '已缴（本金与违约金）' }),
  outstandingFen: Type.Integer({ description: '未缴（本金与已计入账单的违约金）' }),
  lateFeeFen: Type.Integer({ description: '截至昨日的违约金（结清的账单：结清时的违约金）' }),
  lateFeeTodayFen: Type.Integer({ description: '今日应缴中的违约金部分（已减去减免与已缴）' }),
  payableFen: Type.Integer({ description: '今日缴清应付（分）；已结清为 0' }),
  overdue: Type.Boolean(),
  overdueDays: Type.Integer(),
  settledOn: NullableDate,
  openOrderNo: Type.Union([Type.String(), Type.Null()], { description: '该账单正在等待支付的订单号' }),
});

export const PortalBills = Type.Object({
  items: Type.Array(PortalBill, { description: '未结清的按到期日在前，已结清的按到期日倒序在后；不含已作废账单' }),
  asOf: DateString,
});

export const PortalPayment = Type.Object({
  id: Type.String(),
  number: Type.String(),
  amountFen: Type.Integer(),
  advanceFen: Type.Integer({ description: '转为预收款的部分' }),
  method: Type.Union(PAYMENT_METHODS.map((method) => Type.Literal(method))),
  methodName: Type.String(),
  receivedOn: DateString,
  createdAt: Type.String({ format: 'date-time' }),
  reference: NullableString,
  paymentOrderNo: NullableString,
  allocations: Type.Array(
    Type.Object({
      billId: Type.String(),
      billNumber: Type.String(),
      item: Type.String({ description: '项目/账期，如“租金 2026-01-01～2026-01-31”' }),
      principalFen: Type.Integer(),
      lateFeeFen: Type.Integer(),
      amountFen: Type.Integer(),
    }),
  ),
  receiptId: NullableString,
  receiptNumber: NullableString,
});

export const PortalPaymentsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
