import { describe, expect, it } from 'vitest';
import {
  actionAllowed,
  approvalLevelsFor,
  contractNumber,
  contractSettingsOf,
  contractSettingsProblems,
  DEFAULT_CONTRACT_SETTINGS,
  renewalTerms,
  tenderRequired,
  terminatedTerms,
  termLength,
} from './contract-rules.ts';
import { type ContractTerms, rentSchedule } from './rent-schedule.ts';

const settings = DEFAULT_CONTRACT_SETTINGS;

const terms: ContractTerms = {
  startDate: '2026-01-15',
  endDate: '2029-01-14',
  rent: { mode: 'fixed', monthlyFen: 1_000_000 },
  billingCycleMonths: 3,
  dueOffsetDays: -10,
  rentFree: [{ from: '2026-01-15', to: '2026-03-14' }],
  escalation: { everyMonths: 12, rate: '0.03' },
  deposit: { amountFen: 3_000_000 },
  taxRate: '0.09',
};

describe('approval levels by annual rent (default: one level below 400,000 yuan, two from it)', () => {
  it('counts the levels at the tier boundaries', () => {
    expect(approvalLevelsFor(0, settings)).toBe(1);
    expect(approvalLevelsFor(39_999_999, settings)).toBe(1);
    expect(approvalLevelsFor(40_000_000, settings)).toBe(2);
    const three = {
      ...settings,
      approvalTiers: [...settings.approvalTiers, { fromAnnualRentFen: 100_000_000, levels: 3 }],
    };
    expect(approvalLevelsFor(100_000_000, three)).toBe(3);
  });

  it('needs a public tender from 50,000 yuan a year', () => {
    expect(tenderRequired(4_999_999, settings)).toBe(false);
    expect(tenderRequired(5_000_000, settings)).toBe(true);
  });
});

describe('settings', () => {
  it('fills what was never saved with the defaults: 5-year terms, 90 days of alert', () => {
    expect(contractSettingsOf(undefined)).toEqual(DEFAULT_CONTRACT_SETTINGS);
    expect(contractSettingsOf({ maxTermYears: 10 })).toMatchObject({ maxTermYears: 10, expiryAlertDays: 90 });
  });

  it('refuses tiers not starting at 0 or not rising, a term above 20 years, a bad prefix', () => {
    const problems = contractSettingsProblems({
      ...settings,
      approvalTiers: [
        { fromAnnualRentFen: 100, levels: 1 },
        { fromAnnualRentFen: 50, levels: 2 },
      ],
      maxTermYears: 21,
      numberPrefix: 'zx',
    });
    expect(problems.map((problem) => problem.code)).toEqual([
      'settings_tiers_first_not_zero',
      'settings_tiers_not_increasing',
      'settings_term_above_law',
      'settings_prefix_invalid',
    ]);
    expect(contractSettingsProblems(settings)).toEqual([]);
  });
});

describe('numbers and the workflow', () => {
  it('numbers ZX-2026-0001, four digits at least', () => {
    expect(contractNumber('ZX', 2026, 1)).toBe('ZX-2026-0001');
    expect(contractNumber('ZX', 2026, 12345)).toBe('ZX-2026-12345');
  });

  it('allows each step only from its state', () => {
    expect(actionAllowed('submit', 'draft')).toBe(true);
    expect(actionAllowed('approve', 'draft')).toBe(false);
    expect(actionAllowed('activate', 'approved')).toBe(true);
    expect(actionAllowed('terminate', 'expired')).toBe(false);
    expect(actionAllowed('renew', 'expired')).toBe(true);
    expect(actionAllowed('update', 'pending_approval')).toBe(false);
  });
});

describe('terms', () => {
  it('measures a term in whole contract months and the days left over', () => {
    expect(termLength('2026-01-15', '2029-01-14')).toEqual({ months: 36, days: 0 });
    expect(termLength('2026-01-15', '2027-07-20')).toEqual({ months: 18, days: 6 });
    // From the 31st the second contract month starts on Feb 28 (clamped), so Feb 27 ends the first.
    expect(termLength('2026-01-31', '2026-02-27')).toEqual({ months: 1, days: 0 });
    expect(termLength('2026-01-31', '2026-02-28')).toEqual({ months: 1, days: 1 });
  });

  it('renews from the day after the end, as long, at the last monthly rent, without rent-free days', () => {
    const renewal = renewalTerms(terms, 5);
    // 10,000.00 → 10,300.00 → 10,609.00 in the third year.
    expect(renewal).toMatchObject({
      startDate: '2029-01-15',
      endDate: '2032-01-14',
      rent: { mode: 'fixed', monthlyFen: 1_060_900 },
      escalation: terms.escalation,
      billingCycleMonths: 3,
    });
    expect(renewal.rentFree).toBeUndefined();
    expect(renewalTerms({ ...terms, endDate: '2030-01-14' }, 3).endDate).toBe('2033-01-14');
  });

  it('cuts the terms at an early termination date, rent-free days with them', () => {
    const cut = terminatedTerms(terms, '2026-02-20');
    expect(cut).toMatchObject({ endDate: '2026-02-20', rentFree: [{ from: '2026-01-15', to: '2026-02-20' }] });
    expect(rentSchedule(cut).totalRentFen).toBe(0);
    expect(
      terminatedTerms({ ...terms, rentFree: [{ from: '2026-06-01', to: '2026-06-30' }] }, '2026-05-31').rentFree,
    ).toBeUndefined();
  });
});
