// Lease contract rules (domain.md "Lease contracts"): the org's settings and their defaults, the approval chain by
// annual rent, the public-tender threshold, the workflow's states, numbering, renewal and early termination terms.

import { addDays, addMonthsClamped, type CalendarDate, compareDates, daysBetween } from './calendar.ts';
import { type ContractTerms, contractMonths, MAX_TERM_YEARS } from './rent-schedule.ts';

export const CONTRACT_STATUSES = ['draft', 'pending_approval', 'approved', 'active', 'expired', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/** Statuses in which a contract holds its units: signed, for the days it covers (or covered). */
export const SIGNED_STATUSES: readonly ContractStatus[] = ['active', 'expired', 'terminated'];

/** Asset types a contract may lease; projects, buildings and floors are containers, leased unit by unit. */
export const LEASABLE_ASSET_TYPES = ['unit', 'parking', 'land', 'warehouse', 'factory'] as const;

/** 400,000 yuan a year: from here the chain has two levels (department head, then general manager). */
export const DEFAULT_TWO_LEVEL_FROM_FEN = 40_000_000;
/** 50,000 yuan a year: from here the lease goes through a public tender (公开招租). */
export const DEFAULT_TENDER_THRESHOLD_FEN = 5_000_000;
export const DEFAULT_MAX_TERM_YEARS = 5;
export const DEFAULT_EXPIRY_ALERT_DAYS = 90;
export const MAX_APPROVAL_LEVELS = 5;

export interface ApprovalTier {
  /** Annual rents at or above this amount (fen) need `levels` approvals … */
  fromAnnualRentFen: number;
  /** … by that many different approvers, one after the other. */
  levels: number;
}

/** Per organisation (orgs.settings.contracts): leasing rules differ by province, so they are settings, not code. */
export interface ContractSettings {
  /** Sorted by amount; the first starts at 0. */
  approvalTiers: ApprovalTier[];
  /** A contract whose annual rent is at or above this needs a tender record before it is submitted. */
  tenderThresholdFen: number;
  /** The longest term the org allows, never above 20 years (Civil Code art. 705). */
  maxTermYears: number;
  /** Active contracts ending within this many days are listed and announced to the asset managers. */
  expiryAlertDays: number;
  /** Contract numbers read `<prefix>-<year>-0001`. */
  numberPrefix: string;
}

export const DEFAULT_CONTRACT_SETTINGS: ContractSettings = {
  approvalTiers: [
    { fromAnnualRentFen: 0, levels: 1 },
    { fromAnnualRentFen: DEFAULT_TWO_LEVEL_FROM_FEN, levels: 2 },
  ],
  tenderThresholdFen: DEFAULT_TENDER_THRESHOLD_FEN,
  maxTermYears: DEFAULT_MAX_TERM_YEARS,
  expiryAlertDays: DEFAULT_EXPIRY_ALERT_DAYS,
  numberPrefix: 'HT',
};

export type SettingsProblemCode =
  | 'settings_tiers_first_not_zero'
  | 'settings_tiers_not_increasing'
  | 'settings_term_above_law'
  | 'settings_prefix_invalid';

export interface SettingsProblem {
  path: string;
  code: SettingsProblemCode;
  params: Record<string, string | number>;
}

/** The stored settings over the defaults (a missing or malformed key takes its default). */
export function contractSettingsOf(stored: unknown): ContractSettings {
  const value = (stored && typeof stored === 'object' ? stored : {}) as Partial<ContractSettings>;
  return { ...DEFAULT_CONTRACT_SETTINGS, ...value };
}

/** What is wrong with settings an admin wants to save (shapes are checked by the request schema). */
export function contractSettingsProblems(settings: ContractSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const tiers = settings.approvalTiers;
  if (tiers[0]?.fromAnnualRentFen !== 0) {
    problems.push({ path: 'approvalTiers/0/fromAnnualRentFen', code: 'settings_tiers_first_not_zero', params: {} });
  }
  tiers.forEach((tier, index) => {
    const previous = tiers[index - 1];
    if (previous && (tier.fromAnnualRentFen <= previous.fromAnnualRentFen || tier.levels < previous.levels)) {
      problems.push({
        path: `approvalTiers/${index}`,
        code: 'settings_tiers_not_increasing',
        params: { n: index + 1 },
      });
    }
  });
  if (settings.maxTermYears > MAX_TERM_YEARS) {
    problems.push({ path: 'maxTermYears', code: 'settings_term_above_law', params: { max: MAX_TERM_YEARS } });
  }
  if (!/^[A-Z][A-Z0-9]{0,9}$/.test(settings.numberPrefix)) {
    problems.push({ path: 'numberPrefix', code: 'settings_prefix_invalid', params: {} });
  }
  return problems;
}

/** How many approval levels a contract of this annual rent needs. */
export function approvalLevelsFor(annualRentFen: number, settings: ContractSettings): number {
  let levels = 1;
  for (const tier of settings.approvalTiers) if (annualRentFen >= tier.fromAnnualRentFen) levels = tier.levels;
  return levels;
}

/**
 * Whether the lease needs a public tender: its annual rent at or above the threshold. The whole contract's rent is
 * compared, so letting several units under one contract cannot slip under the threshold set for one asset.
 */
export function tenderRequired(annualRentFen: number, settings: ContractSettings): boolean {
  return annualRentFen >= settings.tenderThresholdFen;
}

/** The annual rent used for approval and tender rules: twelve times the base monthly rent (before escalation). */
export function annualRentFen(monthlyRentFen: number): number {
  return monthlyRentFen * 12;
}

/** 'ZX', 2026, 1 → 'ZX-2026-0001' (four digits at least; the 10,000th contract of a year reads 10000). */
export function contractNumber(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(4, '0')}`;
}

export type ContractAction = 'update' | 'submit' | 'approve' | 'reject' | 'activate' | 'terminate' | 'renew';

const ALLOWED_FROM: Record<ContractAction, readonly ContractStatus[]> = {
  update: ['draft'],
  submit: ['draft'],
  approve: ['pending_approval'],
  reject: ['pending_approval'],
  activate: ['approved'],
  terminate: ['active'],
  renew: ['active', 'expired'],
};

/** Whether the workflow lets `action` happen to a contract in `status`. */
export function actionAllowed(action: ContractAction, status: ContractStatus): boolean {
  return ALLOWED_FROM[action].includes(status);
}

/** A term in whole contract months and the days left over: 2026-01-15 … 2027-07-20 is 18 months and 6 days. */
export function termLength(startDate: CalendarDate, endDate: CalendarDate): { months: number; days: number } {
  const dayAfter = addDays(endDate, 1);
  let months = 0;
  while (compareDates(addMonthsClamped(startDate, months + 1), dayAfter) <= 0) months += 1;
  return { months, days: daysBetween(addMonthsClamped(startDate, months), dayAfter) };
}

/**
 * The terms of a renewal, prefilled from the old contract: it starts the day after the old end date and runs as
 * many months as the old term (within the org's limit); a fixed rent continues at the last monthly rent paid;
 * rent-free days are not carried over.
 */
export function renewalTerms(old: ContractTerms, maxTermYears: number): ContractTerms {
  const startDate = addDays(old.endDate, 1);
  const { months } = termLength(old.startDate, old.endDate);
  const termMonths = Math.max(1, Math.min(months, Math.min(maxTermYears, MAX_TERM_YEARS) * 12));
  const endDate = addDays(addMonthsClamped(startDate, termMonths), -1);
  const lastMonth = contractMonths(old).at(-1)!;
  const { rentFree: _dropped, ...rest } = old;
  return {
    ...rest,
    startDate,
    endDate,
    rent: old.rent.mode === 'fixed' ? { mode: 'fixed', monthlyFen: lastMonth.monthlyRentFen } : old.rent,
  };
}

/**
 * The terms cut at an early termination date: the same rent, escalation and cycle, ending on `terminationDate`,
 * with rent-free ranges cut to it. Its schedule is what the tenant owes up to that day.
 */
export function terminatedTerms(terms: ContractTerms, terminationDate: CalendarDate): ContractTerms {
  const rentFree = (terms.rentFree ?? [])
    .filter((range) => compareDates(range.from, terminationDate) <= 0)
    .map((range) => (compareDates(range.to, terminationDate) > 0 ? { ...range, to: terminationDate } : range));
  const { rentFree: _old, ...rest } = terms;
  return { ...rest, endDate: terminationDate, ...(rentFree.length > 0 ? { rentFree } : {}) };
}

/** Days from `today` to the end date (0 on the last day); negative once the contract has ended. */
export function daysUntilEnd(endDate: CalendarDate, today: CalendarDate): number {
  return daysBetween(today, endDate);
}
