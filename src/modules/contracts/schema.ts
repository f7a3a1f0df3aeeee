import { type Static, Type } from '@sinclair/typebox';
import {
  BILLING_CYCLES,
  MAX_DUE_OFFSET_DAYS,
  MAX_MONTHLY_RENT_FEN,
  MAX_TERM_YEARS,
} from '../../domain/rent-schedule.ts';

// The contract terms JSON of domain.md ("Contract terms"). Shapes and types are checked here; the rules
// (dates in order, rent-free days inside the term, rates as exact decimals …) by domain/rent-schedule.ts,
// whose messages say what to change.

const fen = (description: string, minimum = 0, maximum = Number.MAX_SAFE_INTEGER) =>
  Type.Integer({ minimum, maximum, description });
// Dates are checked by the rules (a message naming the field and an example), so no `format` here.
const date = (description: string) => Type.String({ maxLength: 10, description, examples: ['2026-01-15'] });
const decimalText = (description: string, example: string) =>
  Type.String({ maxLength: 30, description, examples: [example] });

export const FixedRentSchema = Type.Object(
  {
    mode: Type.Literal('fixed'),
    monthlyFen: fen('月租金（分，含税）', 1, MAX_MONTHLY_RENT_FEN),
  },
  { additionalProperties: false, description: '固定月租金' },
);

export const PerAreaRentSchema = Type.Object(
  {
    mode: Type.Literal('per_area'),
    unitPriceFen: fen('单价（分/㎡/月，含税）', 1, MAX_MONTHLY_RENT_FEN),
    areaSqm: decimalText('计租面积（㎡），最多 2 位小数', '120.50'),
  },
  { additionalProperties: false, description: '按面积计租：月租金 = round(单价 × 面积)' },
);

/** One of the two rent modes, chosen by `mode`; only the chosen mode's fields are checked and reported. */
export const RentTermsSchema = Type.Unsafe<Static<typeof FixedRentSchema> | Static<typeof PerAreaRentSchema>>({
  type: 'object',
  oneOf: [FixedRentSchema, PerAreaRentSchema],
  discriminator: { propertyName: 'mode' },
  required: ['mode'],
  description: 'mode = fixed：固定月租金；mode = per_area：按面积计租',
});

export const BillingCycleSchema = Type.Unsafe<(typeof BILLING_CYCLES)[number]>({
  type: 'integer',
  enum: [...BILLING_CYCLES],
  description: '缴费周期（月）：1 月付 · 3 季付 · 6 半年付 · 12 年付',
});

export const RentFreeRangeSchema = Type.Object(
  { from: date('免租开始日 YYYY-MM-DD'), to: date('免租结束日（含当日）YYYY-MM-DD') },
  { additionalProperties: false, description: '免租期（含首尾两日）' },
);

export const EscalationSchema = Type.Object(
  {
    everyMonths: Type.Integer({ minimum: 1, maximum: MAX_TERM_YEARS * 12, description: '每隔多少个合同月递增一次' }),
    rate: decimalText('递增率（小数），如 "0.03" 表示每次上涨 3%', '0.03'),
  },
  { additionalProperties: false, description: '租金递增：R(s) = round(R(s−1) × (1 + rate))' },
);

export const DepositSchema = Type.Object(
  { amountFen: fen('保证金/押金（分）') },
  { additionalProperties: false, description: '保证金，单独出账，应缴日 = 开始日期 + dueOffsetDays' },
);

export const LateFeeTermsSchema = Type.Object(
  {
    dailyRate: decimalText('日违约金率（小数），如 "0.0005" 即每日万分之五', '0.0005'),
    graceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, description: '宽限天数，默认 0' })),
    capRatio: Type.Optional(decimalText('违约金上限占本金的比例，如 "0.3"；不填则不设上限', '0.3')),
  },
  { additionalProperties: false, description: '逾期付款违约金' },
);
export type LateFeeTermsBody = Static<typeof LateFeeTermsSchema>;

export const ContractTermsSchema = Type.Object(
  {
    startDate: date('租期开始日期 YYYY-MM-DD'),
    endDate: date('租期结束日期（含当日）YYYY-MM-DD'),
    rent: RentTermsSchema,
    billingCycleMonths: BillingCycleSchema,
    dueOffsetDays: Type.Integer({
      minimum: -MAX_DUE_OFFSET_DAYS,
      maximum: MAX_DUE_OFFSET_DAYS,
      description: '应缴日 = 账期开始日 + 该天数；负数表示提前缴纳，如 -10',
    }),
    rentFree: Type.Optional(Type.Array(RentFreeRangeSchema, { maxItems: 50 })),
    escalation: Type.Optional(EscalationSchema),
    deposit: Type.Optional(DepositSchema),
    lateFee: Type.Optional(LateFeeTermsSchema),
    taxRate: decimalText('增值税税率（小数）：一般计税 "0.09"，简易计税 "0.05"', '0.09'),
  },
  { additionalProperties: false, description: '合同条款（金额为含税“分”）' },
);
export type ContractTermsBody = Static<typeof ContractTermsSchema>;

const DateOut = Type.String({ description: 'YYYY-MM-DD' });

export const BillingPeriodSchema = Type.Object({
  index: Type.Integer({ description: '账期序号 j，从 0 开始' }),
  periodStart: DateOut,
  periodEnd: DateOut,
  dueDate: DateOut,
  amountFen: Type.Integer({ description: '含税金额（分）' }),
  netFen: Type.Integer({ description: '不含税金额（分）= round(含税金额 / (1 + 税率))' }),
  taxFen: Type.Integer({ description: '税额（分）= 含税金额 − 不含税金额' }),
});

export const SchedulePreviewSchema = Type.Object({
  monthlyRentFen: Type.Integer({ description: '首期月租金（分，递增前）' }),
  periods: Type.Array(BillingPeriodSchema, { description: '全部账期，含金额为 0 的免租账期' }),
  deposit: Type.Union([Type.Object({ amountFen: Type.Integer(), dueDate: DateOut }), Type.Null()]),
  totalRentFen: Type.Integer({ description: '租期内租金合计（分）' }),
});

export const LateFeePreviewBody = Type.Object(
  {
    principalFen: fen('账单本金（分，不含违约金）'),
    dueDate: date('应缴日期 YYYY-MM-DD'),
    lateFee: LateFeeTermsSchema,
    payments: Type.Array(
      Type.Object(
        { date: date('缴款日期（当日计入）'), amountFen: fen('缴款本金（分）', 1) },
        { additionalProperties: false },
      ),
      { maxItems: 1000, description: '已缴本金，按日期计入当日末未缴本金' },
    ),
    asOf: date('计算截止日期（含当日）YYYY-MM-DD'),
  },
  { additionalProperties: false },
);
export type LateFeePreviewBody = Static<typeof LateFeePreviewBody>;

export const LateFeePreviewSchema = Type.Object({
  lateFeeFen: Type.Integer({ description: '违约金（分），整体四舍五入一次并按上限封顶' }),
  overdueDays: Type.Integer({ description: '计收违约金的天数（宽限期后、截止日前仍有未缴本金的天数）' }),
});
