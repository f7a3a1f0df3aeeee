// The terms step of the contract wizard: what a person types (元, percentages, calendar dates) and the contract
// terms JSON the API takes (integer fen, decimal-string rates). Every conversion is exact text arithmetic, never a
// float: "3,500.1" 元 is 350010 fen, "0.05" % is "0.0005".

import dayjs, { type Dayjs } from 'dayjs';
import { fenOfYuanText, hundredthsOf, normalizeArea } from '../../../../../src/domain/decimal-text.ts';
import { formatYuan } from '../../../../../src/domain/money.ts';
import type { BillingCycleMonths, ContractTerms } from '../../../../../src/domain/rent-schedule.ts';

export type RentMode = 'fixed' | 'per_area';

/** A form field's name: 'monthlyYuan', or ['rentFree', 1] inside a list. */
export type NamePath = string | (string | number)[];

export interface TermsFormValues {
  startDate?: Dayjs | null;
  endDate?: Dayjs | null;
  rentMode: RentMode;
  /** 元 per month, tax included. */
  monthlyYuan?: string;
  /** 元 per m² per month. */
  unitPriceYuan?: string;
  areaSqm?: string;
  billingCycleMonths: BillingCycleMonths;
  dueOffsetDays?: number | null;
  rentFree?: ([Dayjs | null, Dayjs | null] | null | undefined)[];
  escalationEnabled?: boolean;
  escalationEveryMonths?: number | null;
  /** Percent per step, e.g. "3". */
  escalationRatePercent?: string;
  /** 元. */
  depositYuan?: string;
  lateFeeEnabled?: boolean;
  /** Percent per day, e.g. "0.05" (万分之五). */
  lateFeeDailyPercent?: string;
  lateFeeGraceDays?: number | null;
  /** Percent of the principal, e.g. "30"; empty for no cap. */
  lateFeeCapPercent?: string;
  /** Decimal string, e.g. "0.09". */
  taxRate: string;
  purpose?: string;
  tenderAnnouncementNo?: string;
  dealConfirmationNo?: string;
  remarks?: string;
}

/** The rates the API accepts have at most 10 decimal places, so a percentage at most 8. */
const PERCENT = /^(\d{1,3})(?:\.(\d{1,8}))?$/;

/** "3" → "0.03", "0.05" → "0.0005", "12.5" → "0.125"; null when the text is not a percentage. */
export function rateOfPercent(text: string | undefined): string | null {
  const match = PERCENT.exec((text ?? '').trim().replace(/%$/, '').trim());
  if (!match) return null;
  const digits = `${match[1]}${match[2] ?? ''}`;
  const places = (match[2] ?? '').length + 2;
  const padded = digits.padStart(places + 1, '0');
  const whole = padded.slice(0, padded.length - places).replace(/^0+(?=\d)/, '');
  const fraction = padded.slice(padded.length - places).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** "0.03" → "3", "0.0005" → "0.05", "1" → "100": how a stored rate reads as a percentage. */
export function percentOfRate(rate: string): string {
  const [whole = '0', fraction = ''] = rate.trim().split('.');
  const shifted = `${whole}${fraction.padEnd(2, '0')}`;
  const integer = shifted.slice(0, whole.length + 2).replace(/^0+(?=\d)/, '');
  const rest = shifted.slice(whole.length + 2).replace(/0+$/, '');
  return rest ? `${integer}.${rest}` : integer;
}

/** Whether 元 text is a valid amount (at most 2 decimals). */
export const isYuan = (text: string | undefined): boolean => !text?.trim() || hundredthsOf(text) !== null;

/** Whether percentage text is a valid rate. */
export const isPercent = (text: string | undefined): boolean => !text?.trim() || rateOfPercent(text) !== null;

const day = (value: Dayjs | null | undefined) => (value ? value.format('YYYY-MM-DD') : null);

/** Why the terms cannot be sent yet (a field still empty or malformed), or null when they can. */
export class IncompleteTerms extends Error {
  readonly field: NamePath;
  constructor(field: NamePath) {
    super(`terms field ${String(field)} is missing or malformed`);
    this.field = field;
  }
}

function need<T>(value: T | null | undefined, field: NamePath): T {
  if (value === null || value === undefined || value === '') throw new IncompleteTerms(field);
  return value;
}

/** The contract terms JSON of the form's values; throws IncompleteTerms naming the first field that stops it. */
export function termsOfForm(values: TermsFormValues): ContractTerms {
  const startDate = need(day(values.startDate), 'startDate');
  const endDate = need(day(values.endDate), 'endDate');
  const rent: ContractTerms['rent'] =
    values.rentMode === 'per_area'
      ? {
          mode: 'per_area',
          unitPriceFen: need(fenOfYuanText(values.unitPriceYuan), 'unitPriceYuan'),
          areaSqm: need(values.areaSqm?.trim() ? normalizeArea(values.areaSqm) : null, 'areaSqm'),
        }
      : { mode: 'fixed', monthlyFen: need(fenOfYuanText(values.monthlyYuan), 'monthlyYuan') };
  const terms: ContractTerms = {
    startDate,
    endDate,
    rent,
    billingCycleMonths: need(values.billingCycleMonths, 'billingCycleMonths'),
    dueOffsetDays: values.dueOffsetDays ?? 0,
    taxRate: need(values.taxRate, 'taxRate'),
  };
  const rentFree = (values.rentFree ?? []).map((range, index) => ({
    from: need(day(range?.[0]), ['rentFree', index]),
    to: need(day(range?.[1]), ['rentFree', index]),
  }));
  if (rentFree.length > 0) terms.rentFree = rentFree;
  if (values.escalationEnabled) {
    terms.escalation = {
      everyMonths: need(values.escalationEveryMonths, 'escalationEveryMonths'),
      rate: need(rateOfPercent(values.escalationRatePercent), 'escalationRatePercent'),
    };
  }
  if (values.depositYuan?.trim()) terms.deposit = { amountFen: need(fenOfYuanText(values.depositYuan), 'depositYuan') };
  if (values.lateFeeEnabled) {
    const capRatio = values.lateFeeCapPercent?.trim()
      ? need(rateOfPercent(values.lateFeeCapPercent), 'lateFeeCapPercent')
      : undefined;
    terms.lateFee = {
      dailyRate: need(rateOfPercent(values.lateFeeDailyPercent), 'lateFeeDailyPercent'),
      graceDays: values.lateFeeGraceDays ?? 0,
      ...(capRatio ? { capRatio } : {}),
    };
  }
  return terms;
}

/** The form's values for existing terms (editing a draft or a renewal prefilled by the server). */
export function formOfTerms(terms: ContractTerms): TermsFormValues {
  const yuan = (fen: number) => formatYuan(fen, { grouping: false });
  return {
    startDate: dayjs(terms.startDate),
    endDate: dayjs(terms.endDate),
    rentMode: terms.rent.mode,
    monthlyYuan: terms.rent.mode === 'fixed' ? yuan(terms.rent.monthlyFen) : undefined,
    unitPriceYuan: terms.rent.mode === 'per_area' ? yuan(terms.rent.unitPriceFen) : undefined,
    areaSqm: terms.rent.mode === 'per_area' ? terms.rent.areaSqm : undefined,
    billingCycleMonths: terms.billingCycleMonths as BillingCycleMonths,
    dueOffsetDays: terms.dueOffsetDays,
    rentFree: (terms.rentFree ?? []).map((range) => [dayjs(range.from), dayjs(range.to)]),
    escalationEnabled: terms.escalation !== undefined,
    escalationEveryMonths: terms.escalation?.everyMonths ?? 12,
    escalationRatePercent: terms.escalation ? percentOfRate(terms.escalation.rate) : '3',
    depositYuan: terms.deposit ? yuan(terms.deposit.amountFen) : undefined,
    lateFeeEnabled: terms.lateFee !== undefined,
    lateFeeDailyPercent: terms.lateFee ? percentOfRate(terms.lateFee.dailyRate) : '0.05',
    lateFeeGraceDays: terms.lateFee?.graceDays ?? 0,
    lateFeeCapPercent: terms.lateFee?.capRatio ? percentOfRate(terms.lateFee.capRatio) : '',
    taxRate: terms.taxRate,
  };
}

/** New terms: the first of next month for a year, quarterly, due 10 days ahead, 万分之五 a day capped at 30 %. */
export function defaultTermsForm(taxRate = '0.09'): TermsFormValues {
  const start = dayjs().add(1, 'month').startOf('month');
  return {
    startDate: start,
    endDate: start.add(1, 'year').subtract(1, 'day'),
    rentMode: 'fixed',
    billingCycleMonths: 3,
    dueOffsetDays: -10,
    rentFree: [],
    escalationEnabled: false,
    escalationEveryMonths: 12,
    escalationRatePercent: '3',
    lateFeeEnabled: true,
    lateFeeDailyPercent: '0.05',
    lateFeeGraceDays: 0,
    lateFeeCapPercent: '30',
    taxRate,
  };
}

/** The sum of the units' areas ("49.60" + "89.44" → "139.04"), exactly; null when none has an area. */
export function totalArea(areas: readonly (string | null)[]): string | null {
  let sum = 0n;
  let any = false;
  for (const area of areas) {
    const hundredths = area ? hundredthsOf(area) : null;
    if (hundredths === null) continue;
    sum += hundredths;
    any = true;
  }
  return any ? normalizeArea(`${sum / 100n}.${String(sum % 100n).padStart(2, '0')}`) : null;
}

const TERM_FIELDS: Record<string, NamePath> = {
  startDate: 'startDate',
  endDate: 'endDate',
  'rent/mode': 'rentMode',
  'rent/monthlyFen': 'monthlyYuan',
  'rent/unitPriceFen': 'unitPriceYuan',
  'rent/areaSqm': 'areaSqm',
  billingCycleMonths: 'billingCycleMonths',
  dueOffsetDays: 'dueOffsetDays',
  escalation: 'escalationEveryMonths',
  'escalation/everyMonths': 'escalationEveryMonths',
  'escalation/rate': 'escalationRatePercent',
  deposit: 'depositYuan',
  'deposit/amountFen': 'depositYuan',
  lateFee: 'lateFeeDailyPercent',
  'lateFee/dailyRate': 'lateFeeDailyPercent',
  'lateFee/graceDays': 'lateFeeGraceDays',
  'lateFee/capRatio': 'lateFeeCapPercent',
  taxRate: 'taxRate',
  purpose: 'purpose',
  tenderAnnouncementNo: 'tenderAnnouncementNo',
  dealConfirmationNo: 'dealConfirmationNo',
  remarks: 'remarks',
};

/**
 * The form field an API error path points at: `body/terms/rent/monthlyFen` (a contract), `body/rent/monthlyFen`
 * (the schedule preview) or `/terms/rentFree/1/to` → the field the person typed it in; null for other fields.
 */
export function termsFieldOfPath(path: string): NamePath | null {
  const inner = path
    .replace(/^\/?body\//, '')
    .replace(/^\//, '')
    .replace(/^terms\//, '');
  const rentFree = /^rentFree\/(\d+)(\/(from|to))?$/.exec(inner);
  if (rentFree) return ['rentFree', Number(rentFree[1])];
  return TERM_FIELDS[inner] ?? null;
}
