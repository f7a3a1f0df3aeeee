// The rent schedule (租金计划, domain.md): contract months anchored on the start date, escalation rounded at every
// step, rent-free days, partial months prorated by days, billing periods of 1/3/6/12 months, due dates by offset,
// the deposit, and each period's VAT split.

import {
  addDays,
  addMonthsClamped,
  type CalendarDate,
  compareDates,
  daysBetween,
  earlierOf,
  isCalendarDate,
  laterOf,
} from './calendar.ts';
import { type FieldRuleCode, ProblemList, type RuleProblem } from './field-rules.ts';
import { type LateFeeTerms, lateFeeTermsProblems } from './late-fee.ts';
import {
  addRational,
  DecimalFormatError,
  fenFromBigInt,
  fenToBigInt,
  MAX_SAFE_FEN,
  multiplyFen,
  ONE,
  parseDecimal,
  parseRate,
  prorateFen,
  type Rational,
  vatSplit,
} from './money.ts';

export const BILLING_CYCLES = [1, 3, 6, 12] as const;
export type BillingCycleMonths = (typeof BILLING_CYCLES)[number];

/** Civil Code art. 705: a lease term never exceeds 20 years (the org's own limit, default 5, is a setting). */
export const MAX_TERM_YEARS = 20;
/** Pay up to a year before or after the period starts. */
export const MAX_DUE_OFFSET_DAYS = 365;
/** 100 亿元 a month: anything above is a typing mistake. */
export const MAX_MONTHLY_RENT_FEN = 1_000_000_000_000;
/** Areas are numeric(12,2) in the asset registry. */
export const AREA_MAX_PLACES = 2;

export type RentTerms =
  | { mode: 'fixed'; monthlyFen: number }
  /** Price per m² per month: monthly rent = round(unitPriceFen × areaSqm). */
  | { mode: 'per_area'; unitPriceFen: number; areaSqm: string };

/** Both ends inclusive. */
export interface RentFreeRange {
  from: CalendarDate;
  to: CalendarDate;
}

export interface EscalationTerms {
  /** The rent steps up every this many contract months. */
  everyMonths: number;
  /** Each step multiplies the rent by (1 + rate), e.g. "0.03". */
  rate: string;
}

/** The contract terms JSON of domain.md. */
export interface ContractTerms {
  startDate: CalendarDate;
  /** The last day of the lease, inclusive. */
  endDate: CalendarDate;
  rent: RentTerms;
  billingCycleMonths: number;
  /** Due date = period start + this many days; negative: pay in advance. */
  dueOffsetDays: number;
  rentFree?: RentFreeRange[];
  escalation?: EscalationTerms;
  deposit?: { amountFen: number };
  lateFee?: LateFeeTerms;
  /** VAT rate of the tax-inclusive amounts, e.g. "0.09" (general) or "0.05" (simple method). */
  taxRate: string;
}

/** One contract month k: [M(k), M(k+1) − 1 day], cut at the end date. */
export interface ContractMonth {
  /** k, from 0 */
  index: number;
  start: CalendarDate;
  /** The last day billed: M(k+1) − 1 day, or the end date when that comes first. */
  end: CalendarDate;
  /** D(k): days from M(k) to M(k+1), the divisor of a partial month. */
  days: number;
  /** c(k): days on or before the end date and outside every rent-free range. */
  chargedDays: number;
  /** s(k) = floor(k / everyMonths) */
  step: number;
  /** R(s(k)) */
  monthlyRentFen: number;
  /** R when c = D, else round(R × c / D). */
  amountFen: number;
}

export interface BillingPeriod {
  /** j, from 0: the period groups contract months j·cycle … (j+1)·cycle − 1. */
  index: number;
  periodStart: CalendarDate;
  periodEnd: CalendarDate;
  dueDate: CalendarDate;
  /** Tax-inclusive: the sum of its month amounts. */
  amountFen: number;
  netFen: number;
  taxFen: number;
}

export interface RentSchedule {
  /** R(0): the base monthly rent. */
  monthlyRentFen: number;
  months: ContractMonth[];
  periods: BillingPeriod[];
  deposit: { amountFen: number; dueDate: CalendarDate } | null;
  totalRentFen: number;
}

export type ContractTermsProblemCode =
  | FieldRuleCode
  | 'terms_end_not_after_start'
  | 'terms_too_long'
  | 'terms_billing_cycle_invalid'
  | 'terms_rent_mode_invalid'
  | 'terms_rent_area_invalid'
  | 'terms_rent_free_reversed'
  | 'terms_rent_free_outside_term'
  | 'terms_rent_free_overlap'
  | 'terms_amount_too_large';

export interface TermsRules {
  /** The longest term allowed, in years (the org's setting); never above 20. */
  maxTermYears?: number;
}

/** The last end date a term starting on startDate may have: startDate + N years − 1 day. */
export function latestEndDate(startDate: CalendarDate, maxTermYears = MAX_TERM_YEARS): CalendarDate {
  return addDays(addMonthsClamped(startDate, Math.min(maxTermYears, MAX_TERM_YEARS) * 12), -1);
}

/** Every rule the terms break, each naming its field ('rentFree/1/to'); empty when the terms are good. */
export function contractTermsProblems(
  terms: ContractTerms,
  rules: TermsRules = {},
): RuleProblem<ContractTermsProblemCode>[] {
  const problems = new ProblemList<ContractTermsProblemCode>();
  const startOk = problems.date('startDate', terms.startDate);
  const endOk = problems.date('endDate', terms.endDate);
  const termOk = startOk && endOk && checkTermLength(problems, terms, rules);

  checkRent(problems, terms.rent);
  if (!(BILLING_CYCLES as readonly number[]).includes(terms.billingCycleMonths)) {
    problems.add('billingCycleMonths', 'terms_billing_cycle_invalid', { cycles: BILLING_CYCLES.join('、') });
  }
  problems.wholeNumber('dueOffsetDays', terms.dueOffsetDays, -MAX_DUE_OFFSET_DAYS, MAX_DUE_OFFSET_DAYS);
  (terms.rentFree ?? []).forEach((range, index) => {
    checkRentFreeRange(problems, terms, termOk, index, range);
  });
  if (terms.escalation) {
    problems.wholeNumber('escalation/everyMonths', terms.escalation.everyMonths, 1, MAX_TERM_YEARS * 12);
    problems.rate('escalation/rate', terms.escalation.rate, { max: '1', example: '0.03' });
  }
  if (terms.deposit) problems.fen('deposit/amountFen', terms.deposit.amountFen, 0);
  if (terms.lateFee) problems.problems.push(...lateFeeTermsProblems(terms.lateFee));
  problems.rate('taxRate', terms.taxRate, { max: '1', below: true, example: '0.09' });
  return problems.problems;
}

function checkTermLength(problems: ProblemList<ContractTermsProblemCode>, terms: ContractTerms, rules: TermsRules) {
  if (compareDates(terms.endDate, terms.startDate) <= 0) {
    return problems.add('endDate', 'terms_end_not_after_start', { startDate: terms.startDate, endDate: terms.endDate });
  }
  const years = Math.min(rules.maxTermYears ?? MAX_TERM_YEARS, MAX_TERM_YEARS);
  const latest = latestEndDate(terms.startDate, years);
  if (compareDates(terms.endDate, latest) > 0) return problems.add('endDate', 'terms_too_long', { years, latest });
  return true;
}

function checkRent(problems: ProblemList<ContractTermsProblemCode>, rent: RentTerms) {
  if (rent?.mode === 'fixed') {
    problems.fen('rent/monthlyFen', rent.monthlyFen, 1, MAX_MONTHLY_RENT_FEN);
  } else if (rent?.mode === 'per_area') {
    problems.fen('rent/unitPriceFen', rent.unitPriceFen, 1, MAX_MONTHLY_RENT_FEN);
    if (areaOf(rent.areaSqm) === null) problems.add('rent/areaSqm', 'terms_rent_area_invalid');
  } else {
    problems.add('rent/mode', 'terms_rent_mode_invalid');
  }
}

/** A positive area with at most 2 decimals, or null. */
function areaOf(text: unknown): Rational | null {
  if (typeof text !== 'string') return null;
  try {
    const area = parseDecimal(text, AREA_MAX_PLACES);
    return area.numerator > 0n ? area : null;
  } catch (error) {
    if (error instanceof DecimalFormatError) return null;
    throw error;
  }
}

function checkRentFreeRange(
  problems: ProblemList<ContractTermsProblemCode>,
  terms: ContractTerms,
  termOk: boolean,
  index: number,
  range: RentFreeRange,
) {
  const path = `rentFree/${index}`;
  const fromOk = problems.date(`${path}/from`, range.from);
  const toOk = problems.date(`${path}/to`, range.to);
  if (!fromOk || !toOk) return;
  if (compareDates(range.to, range.from) < 0) {
    problems.add(`${path}/to`, 'terms_rent_free_reversed', { from: range.from, to: range.to });
    return;
  }
  if (termOk && (compareDates(range.from, terms.startDate) < 0 || compareDates(range.to, terms.endDate) > 0)) {
    problems.add(path, 'terms_rent_free_outside_term', {
      from: range.from,
      to: range.to,
      startDate: terms.startDate,
      endDate: terms.endDate,
    });
    return;
  }
  // Overlapping ranges are almost always a typing mistake; asking for one range keeps the appendix readable.
  (terms.rentFree ?? []).slice(0, index).forEach((earlier, other) => {
    const valid = [earlier.from, earlier.to].every((date) => typeof date === 'string' && isCalendarDate(date));
    if (valid && compareDates(earlier.from, range.to) <= 0 && compareDates(range.from, earlier.to) <= 0) {
      problems.add(path, 'terms_rent_free_overlap', { other: other + 1, from: earlier.from, to: earlier.to });
    }
  });
}

/** The base monthly rent R(0): `monthlyFen`, or `round(unitPriceFen × areaSqm)` for per-area rent. */
export function baseMonthlyRentFen(rent: RentTerms): number {
  return fenFromBigInt(baseRent(rent));
}

function baseRent(rent: RentTerms): bigint {
  if (rent.mode === 'fixed') return fenToBigInt(rent.monthlyFen);
  const area = areaOf(rent.areaSqm);
  if (!area) throw new RangeError(`"${rent.areaSqm}" is not an area in m²`);
  return multiplyFen(rent.unitPriceFen, area);
}

/** R(0) … R(steps): `R(s) = round(R(s−1) × (1 + rate))`, rounded at every step. */
export function escalatedRents(baseFen: number | bigint, rate: string, steps: number): bigint[] {
  const factor = addRational(ONE, parseRate(rate));
  const rents = [typeof baseFen === 'bigint' ? baseFen : fenToBigInt(baseFen)];
  for (let step = 1; step <= steps; step += 1) rents.push(multiplyFen(rents[step - 1]!, factor));
  return rents;
}

/** R(s) for one step s. */
export function escalatedRent(baseFen: number, escalation: EscalationTerms | undefined, step: number): number {
  if (!escalation || step === 0) return baseFen;
  return fenFromBigInt(escalatedRents(baseFen, escalation.rate, step)[step]!);
}

/** Rent-free ranges merged into disjoint, sorted ranges, so a day counts once however the ranges were typed. */
function mergedRanges(ranges: readonly RentFreeRange[]): RentFreeRange[] {
  const sorted = [...ranges].sort((a, b) => compareDates(a.from, b.from));
  const merged: RentFreeRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && compareDates(range.from, addDays(last.to, 1)) <= 0) last.to = laterOf(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged;
}

/** Days of [from, to] (inclusive) that are in none of the ranges. */
function daysOutside(from: CalendarDate, to: CalendarDate, ranges: readonly RentFreeRange[]): number {
  let days = daysBetween(from, to) + 1;
  for (const range of ranges) {
    const overlapFrom = laterOf(from, range.from);
    const overlapTo = earlierOf(to, range.to);
    if (compareDates(overlapFrom, overlapTo) <= 0) days -= daysBetween(overlapFrom, overlapTo) + 1;
  }
  return days;
}

/** M(k) = startDate + k months, always from the start date and clamped to the month's last day. */
export function contractMonthStart(startDate: CalendarDate, k: number): CalendarDate {
  return addMonthsClamped(startDate, k);
}

/** Every contract month of valid terms, with its amount (steps 1 to 3 of domain.md). */
export function contractMonths(terms: ContractTerms): ContractMonth[] {
  const base = baseRent(terms.rent);
  const freeRanges = mergedRanges(terms.rentFree ?? []);
  const starts: CalendarDate[] = [];
  for (let k = 0; compareDates(contractMonthStart(terms.startDate, k), terms.endDate) <= 0; k += 1) {
    starts.push(contractMonthStart(terms.startDate, k));
  }
  const everyMonths = terms.escalation?.everyMonths ?? Number.POSITIVE_INFINITY;
  const lastStep = Math.floor((starts.length - 1) / everyMonths);
  const rents = terms.escalation ? escalatedRents(base, terms.escalation.rate, lastStep) : [base];

  return starts.map((start, k) => {
    const next = contractMonthStart(terms.startDate, k + 1);
    const end = earlierOf(addDays(next, -1), terms.endDate);
    const days = daysBetween(start, next);
    const chargedDays = daysOutside(start, end, freeRanges);
    const step = Math.floor(k / everyMonths);
    const rent = rents[step]!;
    const amount = chargedDays === days ? rent : prorateFen(rent, chargedDays, days);
    return {
      index: k,
      start,
      end,
      days,
      chargedDays,
      step,
      monthlyRentFen: safeFen(rent),
      amountFen: safeFen(amount),
    };
  });
}

class AmountTooLarge extends Error {}

function safeFen(amount: bigint): number {
  if (amount > BigInt(MAX_SAFE_FEN)) throw new AmountTooLarge();
  return Number(amount);
}

/** Contract months grouped into billing periods (step 4 of domain.md), each with its due date and VAT split. */
export function billingPeriods(terms: ContractTerms, months: readonly ContractMonth[]): BillingPeriod[] {
  const cycle = terms.billingCycleMonths;
  const taxRate = parseRate(terms.taxRate);
  const periods: BillingPeriod[] = [];
  for (let first = 0; first < months.length; first += cycle) {
    const grouped = months.slice(first, first + cycle);
    const periodStart = grouped[0]!.start;
    const amount = grouped.reduce((sum, month) => sum + BigInt(month.amountFen), 0n);
    const amountFen = safeFen(amount);
    periods.push({
      index: first / cycle,
      periodStart,
      periodEnd: grouped.at(-1)!.end,
      dueDate: addDays(periodStart, terms.dueOffsetDays),
      amountFen,
      ...vatSplit(amountFen, taxRate),
    });
  }
  return periods;
}

/**
 * The whole rent schedule of the terms: every period (zero amounts included), the deposit and the total.
 * Throws RuleViolations naming every field that breaks a rule.
 */
export function rentSchedule(terms: ContractTerms, rules: TermsRules = {}): RentSchedule {
  const problems = new ProblemList<ContractTermsProblemCode>();
  problems.problems.push(...contractTermsProblems(terms, rules));
  problems.throwIfAny();
  try {
    const months = contractMonths(terms);
    const periods = billingPeriods(terms, months);
    const total = periods.reduce((sum, period) => sum + BigInt(period.amountFen), 0n);
    return {
      monthlyRentFen: months[0]!.monthlyRentFen,
      months,
      periods,
      deposit: terms.deposit
        ? { amountFen: terms.deposit.amountFen, dueDate: addDays(terms.startDate, terms.dueOffsetDays) }
        : null,
      totalRentFen: safeFen(total),
    };
  } catch (error) {
    if (!(error instanceof AmountTooLarge)) throw error;
    problems.add(terms.escalation ? 'escalation/rate' : 'rent', 'terms_amount_too_large');
    problems.throwIfAny();
    throw error;
  }
}
