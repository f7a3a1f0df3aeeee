import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { CONTRACT_STATUSES, MAX_APPROVAL_LEVELS } from '../../domain/contract-rules.ts';
import {
  BILLING_CYCLES,
  type ContractTerms,
  MAX_DUE_OFFSET_DAYS,
  MAX_MONTHLY_RENT_FEN,
  MAX_TERM_YEARS,
} from '../../domain/rent-schedule.ts';
import { PageQuery } from '../../http/schemas.ts';

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

// Contracts: the requests of the workflow and what it answers.

const uuid = (description: string) => Type.String({ format: 'uuid', description });
const optionalText = (description: string, maxLength = 200) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()], { description }));
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ContractStatusSchema = Type.Union(
  CONTRACT_STATUSES.map((status) => Type.Literal(status)),
  {
    description:
      'draft 草稿 · pending_approval 审批中 · approved 已审批 · active 生效 · expired 到期 · terminated 终止',
  },
);

const contractFields = {
  tenantId: uuid('承租方 id'),
  assetIds: Type.Array(Type.String({ format: 'uuid' }), {
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
    description: '出租的资产（房间/铺位、车位、土地、仓库、厂房）id',
  }),
  terms: ContractTermsSchema,
  purpose: optionalText('租赁用途，如 办公、商业、居住', 100),
  tenderAnnouncementNo: optionalText('招租公告编号（年租金达到公开招租标准时必填）', 100),
  dealConfirmationNo: optionalText('成交确认书编号（年租金达到公开招租标准时必填）', 100),
  remarks: optionalText('备注', 1000),
};

export const CreateContractBody = Type.Object(contractFields, { additionalProperties: false });

export const UpdateContractBody = Type.Object(
  {
    tenantId: Type.Optional(contractFields.tenantId),
    assetIds: Type.Optional(contractFields.assetIds),
    terms: Type.Optional(ContractTermsSchema),
    purpose: contractFields.purpose,
    tenderAnnouncementNo: contractFields.tenderAnnouncementNo,
    dealConfirmationNo: contractFields.dealConfirmationNo,
    remarks: contractFields.remarks,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ContractListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.Array(ContractStatusSchema, { description: '状态，可多选' })),
    tenantId: Type.Optional(uuid('承租方')),
    assetId: Type.Optional(uuid('资产')),
    endingWithinDays: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3650, description: '生效中且在今天起 N 天内到期的合同' }),
    ),
    keyword: Type.Optional(Type.String({ maxLength: 100, description: '合同编号、承租方名称、资产编号或名称' })),
  },
  { additionalProperties: false },
);

export const ExpiringQuery = Type.Object(
  {
    withinDays: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3650, description: '天数；默认为合同设置中的到期提醒天数（默认 90）' }),
    ),
  },
  { additionalProperties: false },
);

export const CommentBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 1000, description: '审批意见' })) },
  { additionalProperties: false },
);

export const RejectBody = Type.Object(
  { comment: Type.String({ minLength: 1, maxLength: 1000, description: '驳回理由（必填）' }) },
  { additionalProperties: false },
);

export const ActivateBody = Type.Object(
  { signDate: Type.String({ format: 'date', description: '签订日期 YYYY-MM-DD，不能晚于今天' }) },
  { additionalProperties: false },
);

export const TerminateBody = Type.Object(
  {
    terminationDate: Type.String({
      format: 'date',
      description: '提前终止日期（租金计至当日），晚于开始日期且早于结束日期',
    }),
    reason: Type.String({ minLength: 1, maxLength: 1000, description: '终止原因' }),
  },
  { additionalProperties: false },
);

const ContractAssetSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  areaSqm: Nullable(Type.String()),
  status: Type.String({ description: '资产当前状态' }),
});

export const ContractSchema = Type.Object({
  id: Type.String(),
  number: Type.String({ description: '合同编号，如 ZX-2026-0001' }),
  status: ContractStatusSchema,
  tenantId: Type.String(),
  tenantName: Type.String(),
  assetIds: Type.Array(Type.String()),
  assets: Type.Array(ContractAssetSchema),
  terms: Type.Unsafe<ContractTerms>({
    type: 'object',
    additionalProperties: true,
    description: '合同条款（domain.md "Contract terms"）',
  }),
  startDate: Type.String(),
  endDate: Type.String(),
  monthlyRentFen: Type.Integer({ description: '首期月租金（分）' }),
  annualRentFen: Type.Integer({ description: '年租金（分）= 月租金 × 12，用于审批级数和公开招租标准' }),
  totalRentFen: Type.Integer({ description: '租期内租金合计（分）' }),
  depositFen: Type.Integer(),
  purpose: Nullable(Type.String()),
  tenderAnnouncementNo: Nullable(Type.String()),
  dealConfirmationNo: Nullable(Type.String()),
  remarks: Nullable(Type.String()),
  approvalLevels: Nullable(Type.Integer({ description: '提交时确定的审批级数' })),
  signDate: Nullable(Type.String()),
  terminationDate: Nullable(Type.String()),
  terminationReason: Nullable(Type.String()),
  renewedFromId: Nullable(Type.String({ description: '续签自哪份合同' })),
  createdByName: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ContractAttachmentSchema = Type.Object({
  id: Type.String(),
  contractId: Type.String(),
  fileName: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  uploadedByName: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const ContractDetailSchema = Type.Composite([
  ContractSchema,
  Type.Object({
    tenderRequired: Type.Boolean({ description: '年租金达到公开招租标准，提交前须有招租记录' }),
    requiredApprovalLevels: Type.Integer({ description: '需要的审批级数（已提交的按提交时，否则按当前设置）' }),
    schedule: SchedulePreviewSchema,
    approval: Type.Object({
      round: Type.Integer({ description: '第几次提交' }),
      approvedLevels: Type.Integer({ description: '本次提交已通过的级数' }),
      nextLevel: Nullable(Type.Integer({ description: '待审批的级数' })),
      approverIds: Type.Array(Nullable(Type.String()), { description: '本次提交已审批通过的审批人（下一级须换人）' }),
      steps: Type.Array(
        Type.Object({
          round: Type.Integer(),
          level: Type.Integer(),
          decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
          approverId: Nullable(Type.String()),
          approverName: Nullable(Type.String()),
          comment: Nullable(Type.String()),
          decidedAt: Type.String(),
        }),
      ),
    }),
    attachments: Type.Array(ContractAttachmentSchema),
    history: Type.Array(
      Type.Object({
        at: Type.String(),
        action: Type.String({ description: '审计动作，如 contract.submit' }),
        actorName: Nullable(Type.String()),
        fromStatus: Nullable(Type.String()),
        toStatus: Nullable(Type.String()),
        comment: Nullable(Type.String()),
      }),
      { description: '状态变更历史（来自审计日志），按时间先后' },
    ),
    activatedAt: Nullable(Type.String()),
    finalSettlement: Type.Unknown({
      description:
        '提前终止的结算：periods 为计至终止日的租金计划，finalPeriod 为按天折算的最后一期（scheduledAmountFen 为原计划金额），cancelledPeriods 为不再收取的账期',
    }),
    depositRefundRequest: Nullable(
      Type.Object({ id: Type.String(), amountFen: Type.Integer(), reason: Type.String(), status: Type.String() }),
    ),
    renewal: Nullable(Type.Object({ id: Type.String(), number: Type.String() }, { description: '续签合同' })),
  }),
]);

export const ExpiringSchema = Type.Object({
  withinDays: Type.Integer(),
  items: Type.Array(Type.Composite([ContractSchema, Type.Object({ daysLeft: Type.Integer() })])),
});

export const ApprovalTierSchema = Type.Object(
  {
    fromAnnualRentFen: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: '年租金起点（分）' }),
    levels: Type.Integer({ minimum: 1, maximum: MAX_APPROVAL_LEVELS, description: '审批级数' }),
  },
  { additionalProperties: false },
);

const settingsFields = {
  approvalTiers: Type.Array(ApprovalTierSchema, {
    minItems: 1,
    maxItems: MAX_APPROVAL_LEVELS,
    description: '按年租金分档的审批级数；默认 40 万元以下 1 级，40 万元及以上 2 级',
  }),
  tenderThresholdFen: Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: '公开招租标准：年租金达到该金额（分）须公开招租，默认 5 万元',
  }),
  maxTermYears: Type.Integer({ minimum: 1, maximum: MAX_TERM_YEARS, description: '租期上限（年），默认 5，最多 20' }),
  expiryAlertDays: Type.Integer({ minimum: 1, maximum: 365, description: '到期提醒天数，默认 90' }),
  numberPrefix: Type.String({ minLength: 1, maxLength: 10, description: '合同编号前缀，如 ZX' }),
};

export const ContractSettingsSchema = Type.Object(settingsFields);

export const UpdateContractSettingsBody = Type.Object(
  {
    approvalTiers: Type.Optional(settingsFields.approvalTiers),
    tenderThresholdFen: Type.Optional(settingsFields.tenderThresholdFen),
    maxTermYears: Type.Optional(settingsFields.maxTermYears),
    expiryAlertDays: Type.Optional(settingsFields.expiryAlertDays),
    numberPrefix: Type.Optional(settingsFields.numberPrefix),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TemplateSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  fileName: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  placeholders: Type.Array(Type.String()),
  active: Type.Boolean({ description: '正在使用的模板；没有时使用系统默认模板' }),
  uploadedByName: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const PlaceholdersSchema = Type.Object({
  fields: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
  loops: Type.Array(
    Type.Object({
      name: Type.String(),
      fields: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
    }),
  ),
});

export const AttachmentParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), attachmentId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
