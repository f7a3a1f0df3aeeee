import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { RuleViolations } from '../../domain/field-rules.ts';
import { lateFee } from '../../domain/late-fee.ts';
import { rentSchedule } from '../../domain/rent-schedule.ts';
import { languageOf, type MessageKey } from '../../http/messages.ts';
import { type FieldLabel, ruleViolationsError } from '../../http/rule-problems.ts';
import { errorResponses } from '../../http/schemas.ts';
import { ContractTermsSchema, LateFeePreviewBody, LateFeePreviewSchema, SchedulePreviewSchema } from './schema.ts';

const LABELS: Record<string, MessageKey> = {
  startDate: 'label_start_date',
  endDate: 'label_end_date',
  'rent/monthlyFen': 'label_monthly_rent',
  'rent/unitPriceFen': 'label_unit_price',
  'rent/areaSqm': 'label_area',
  dueOffsetDays: 'label_due_offset_days',
  'rentFree/*/from': 'label_rent_free_from',
  'rentFree/*/to': 'label_rent_free_to',
  'escalation/everyMonths': 'label_escalation_every_months',
  'escalation/rate': 'label_escalation_rate',
  'deposit/amountFen': 'label_deposit',
  'lateFee/dailyRate': 'label_daily_rate',
  'lateFee/graceDays': 'label_grace_days',
  'lateFee/capRatio': 'label_cap_ratio',
  taxRate: 'label_tax_rate',
  principalFen: 'label_principal',
  dueDate: 'label_due_date',
  asOf: 'label_as_of',
  'payments/*/date': 'label_payment_date',
  'payments/*/amountFen': 'label_payment_amount',
};

/** 'rentFree/1/to' → “第 2 段免租期的结束日”: list items are counted from 1 for people. */
function fieldLabel(path: string): FieldLabel {
  const index = /\/(\d+)\//.exec(path)?.[1];
  const key = LABELS[path.replace(/\/\d+\//, '/*/')] ?? 'label_field';
  return index === undefined ? { key } : { key, params: { n: Number(index) + 1 } };
}

/**
 * Terms' rule violations as a 422 problem in the caller's language; `prefix` places the terms in a larger body
 * ('terms/' for a contract).
 */
export function termsViolationsError(error: RuleViolations<MessageKey>, request: FastifyRequest, prefix = '') {
  const violations = new RuleViolations(error.problems.map((problem) => ({ ...problem, path: prefix + problem.path })));
  const labelOf = (path: string) => fieldLabel(path.slice(prefix.length));
  return ruleViolationsError(violations, languageOf(request.headers['accept-language']), labelOf);
}

/** Runs a pure rule, turning its violations into a 422 problem in the caller's language. */
function applyRule<T>(request: FastifyRequest, rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    if (!(error instanceof RuleViolations)) throw error;
    throw termsViolationsError(error, request);
  }
}

const problemResponses = { ...errorResponses, 422: Type.Ref('Problem') };

/** `POST /contracts/schedule-preview`: the rent schedule of contract terms, before any contract exists. */
export const schedulePreviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/contracts/schedule-preview',
    {
      config: { access: 'contract:read' },
      schema: {
        tags: ['合同'],
        summary: '租金计划预览',
        description:
          '按合同条款计算租金计划：合同月以开始日期为锚点（月末对齐）、递增逐级四舍五入、免租天数不计租、' +
          '不足整月按天折算、按缴费周期分期；每期给出含税金额及价税分离。条款有误时返回 422，errors 逐项指出字段。',
        body: ContractTermsSchema,
        response: { 200: SchedulePreviewSchema, ...problemResponses },
      },
    },
    async (request) => {
      const { monthlyRentFen, periods, deposit, totalRentFen } = applyRule(request, () => rentSchedule(request.body));
      return { monthlyRentFen, periods, deposit, totalRentFen };
    },
  );
};

/** `POST /late-fee-preview`: the late-payment penalty on one bill as of a day. */
export const lateFeePreviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/late-fee-preview',
    {
      config: { access: 'bill:read' },
      schema: {
        tags: ['账单'],
        summary: '逾期违约金试算',
        description:
          '自应缴日期 + 宽限天数的次日起至截止日（含）逐日按当日末未缴本金 × 日违约金率累计，' +
          '合计四舍五入一次，并以本金 × 上限比例封顶；当日缴款计入当日末未缴本金。',
        body: LateFeePreviewBody,
        response: { 200: LateFeePreviewSchema, ...problemResponses },
      },
    },
    async (request) => applyRule(request, () => lateFee(request.body)),
  );
};
