// Late-payment penalty (逾期付款违约金, domain.md): accrues on the unpaid principal of a bill from the day after
// dueDate + graceDays through the as-of date; Σ over days of (outstanding principal at the end of the day × dailyRate),
// rounded half-up once, capped at capRatio × the original principal.

import { type CalendarDate, dayNumber } from './calendar.ts';
import { type FieldRuleCode, ProblemList, type RuleProblem } from './field-rules.ts';
import {
  compareRational,
  fenFromBigInt,
  fenToBigInt,
  multiplyRational,
  parseRate,
  type Rational,
  rational,
  roundHalfUp,
} from './money.ts';

/** The `lateFee` part of contract terms. */
export interface LateFeeTerms {
  /** 日违约金率, e.g. "0.0005" (万分之五 per day). */
  dailyRate: string;
  /** 宽限期: days after the due date before the penalty starts; 0 when absent. */
  graceDays?: number;
  /** 违约金上限 as a share of the original principal, e.g. "0.3"; no cap when absent. */
  capRatio?: string;
}

/** A payment of principal (never of the penalty itself) on a date. */
export interface PrincipalPayment {
  date: CalendarDate;
  amountFen: number;
}

export interface LateFeeQuestion {
  /** The bill's original principal (rent and fees). */
  principalFen: number;
  dueDate: CalendarDate;
  lateFee: LateFeeTerms;
  payments: readonly PrincipalPayment[];
  /** The penalty accrues through this day (inclusive); later payments are not yet made. */
  asOf: CalendarDate;
}

export interface LateFeeAnswer {
  lateFeeFen: number;
  /** Days that accrued a penalty: after the grace period, through asOf, with principal still unpaid at day end. */
  overdueDays: number;
}

export const MAX_GRACE_DAYS = 365;
/** Above these a rate is a typing mistake: 100% a day, a cap of ten times the principal. */
export const MAX_DAILY_RATE = '1';
export const MAX_CAP_RATIO = '10';

export type LateFeeProblemCode = FieldRuleCode;

/** Problems with `lateFee` terms, their paths under `path` ('lateFee/dailyRate'). */
export function lateFeeTermsProblems(terms: LateFeeTerms, path = 'lateFee'): RuleProblem<LateFeeProblemCode>[] {
  const problems = new ProblemList<LateFeeProblemCode>();
  checkLateFeeTerms(problems, terms, path);
  return problems.problems;
}

function checkLateFeeTerms(problems: ProblemList<LateFeeProblemCode>, terms: LateFeeTerms, path: string) {
  problems.rate(`${path}/dailyRate`, terms.dailyRate, { max: MAX_DAILY_RATE, example: '0.0005' });
  if (terms.graceDays !== undefined) problems.wholeNumber(`${path}/graceDays`, terms.graceDays, 0, MAX_GRACE_DAYS);
  if (terms.capRatio !== undefined) {
    problems.rate(`${path}/capRatio`, terms.capRatio, { max: MAX_CAP_RATIO, example: '0.3' });
  }
}

/** Every problem with a late-fee question, paths as in the preview's body. */
export function lateFeeQuestionProblems(question: LateFeeQuestion): RuleProblem<LateFeeProblemCode>[] {
  const problems = new ProblemList<LateFeeProblemCode>();
  problems.fen('principalFen', question.principalFen, 0);
  problems.date('dueDate', question.dueDate);
  problems.date('asOf', question.asOf);
  checkLateFeeTerms(problems, question.lateFee, 'lateFee');
  question.payments.forEach((payment, index) => {
    problems.date(`payments/${index}/date`, payment.date);
    problems.fen(`payments/${index}/amountFen`, payment.amountFen, 1);
  });
  return problems.problems;
}

/**
 * The penalty on one bill as of a day. Throws RuleViolations when the question breaks a rule.
 * A payment on day d already counts at the end of day d; payments after asOf are ignored.
 */
export function lateFee(question: LateFeeQuestion): LateFeeAnswer {
  const problems = new ProblemList<LateFeeProblemCode>();
  problems.problems.push(...lateFeeQuestionProblems(question));
  problems.throwIfAny();

  const principal = fenToBigInt(question.principalFen);
  const dailyRate = parseRate(question.lateFee.dailyRate);
  const firstDay = dayNumber(question.dueDate) + (question.lateFee.graceDays ?? 0) + 1;
  const lastDay = dayNumber(question.asOf);

  const payments = question.payments
    .map((payment) => ({ day: dayNumber(payment.date), amount: fenToBigInt(payment.amountFen) }))
    .filter((payment) => payment.day <= lastDay)
    .sort((a, b) => a.day - b.day);

  // Outstanding principal only changes on payment days: sum it over runs of equal days.
  let paid = 0n;
  let fenDays = 0n;
  let overdueDays = 0;
  let cursor = firstDay;
  const accrueUntil = (lastOfRun: number) => {
    const outstanding = principal - paid;
    if (lastOfRun >= cursor && outstanding > 0n) {
      const days = lastOfRun - cursor + 1;
      fenDays += outstanding * BigInt(days);
      overdueDays += days;
    }
  };
  for (const payment of payments) {
    if (payment.day > cursor) {
      accrueUntil(payment.day - 1);
      cursor = payment.day;
    }
    paid += payment.amount;
  }
  accrueUntil(lastDay);

  let fee: Rational = multiplyRational(rational(fenDays), dailyRate);
  if (question.lateFee.capRatio !== undefined) {
    const cap = multiplyRational(rational(principal), parseRate(question.lateFee.capRatio));
    if (compareRational(fee, cap) > 0) fee = cap;
  }
  return { lateFeeFen: fenFromBigInt(roundHalfUp(fee)), overdueDays };
}
