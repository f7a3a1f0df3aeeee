import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonthsClamped, compareDates, dateOfDayNumber, dayNumber, daysBetween } from './calendar.ts';
import { RuleViolations } from './field-rules.ts';
import { parseRate, prorateFen, vatSplit } from './money.ts';
import {
  baseMonthlyRentFen,
  type ContractTerms,
  contractTermsProblems,
  escalatedRent,
  escalatedRents,
  latestEndDate,
  type RentFreeRange,
  rentSchedule,
} from './rent-schedule.ts';

const terms = (overrides: Partial<ContractTerms>): ContractTerms => ({
  startDate: '2026-01-15',
  endDate: '2027-01-14',
  rent: { mode: 'fixed', monthlyFen: 1_000_000 },
  billingCycleMonths: 1,
  dueOffsetDays: 0,
  taxRate: '0.09',
  ...overrides,
});

/** The fixed API fields of each period. */
const rows = (input: ContractTerms) =>
  rentSchedule(input).periods.map(({ periodStart, periodEnd, dueDate, amountFen, netFen, taxFen }) => [
    periodStart,
    periodEnd,
    dueDate,
    amountFen,
    netFen,
    taxFen,
  ]);

describe('rent schedule, computed by hand', () => {
  it('a start on the 31st: months anchored on the start date, clamped, not chained; last month cut by the end', () => {
    // M(k) = 2026-01-31 + k months: 01-31, 02-28 (clamped), 03-31 (not 03-28: not chained), 04-30, 05-31, 06-30, 07-31.
    // Months 0–4 are whole: 1,000,000 each. Month 5 is [06-30, 07-15] (cut at the end date): c = 16 days,
    // D = 07-31 − 06-30 = 31 → round(1,000,000 × 16 / 31) = round(516129.03) = 516129.
    // VAT 5%: 1,000,000 / 1.05 = 952380.95 → 952381, tax 47619; 516129 / 1.05 = 491551.43 → 491551, tax 24578.
    // Due = period start + 5 days.
    const input = terms({ startDate: '2026-01-31', endDate: '2026-07-15', dueOffsetDays: 5, taxRate: '0.05' });
    expect(rows(input)).toEqual([
      ['2026-01-31', '2026-02-27', '2026-02-05', 1_000_000, 952381, 47619],
      ['2026-02-28', '2026-03-30', '2026-03-05', 1_000_000, 952381, 47619],
      ['2026-03-31', '2026-04-29', '2026-04-05', 1_000_000, 952381, 47619],
      ['2026-04-30', '2026-05-30', '2026-05-05', 1_000_000, 952381, 47619],
      ['2026-05-31', '2026-06-29', '2026-06-05', 1_000_000, 952381, 47619],
      ['2026-06-30', '2026-07-15', '2026-07-05', 516129, 491551, 24578],
    ]);
    const schedule = rentSchedule(input);
    expect(schedule.totalRentFen).toBe(5 * 1_000_000 + 516129);
    expect(schedule.months.map((month) => month.days)).toEqual([28, 31, 30, 31, 30, 31]);
    expect(schedule.periods.map((period) => period.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('February of a leap year, with a rent-free fortnight inside it, billed quarterly in advance', () => {
    // M(k) from 2027-12-31: 12-31, 2028-01-31, 2028-02-29 (leap, clamped), 03-31, 04-30, 05-31, 06-30.
    // Month 1 = [2028-01-31, 2028-02-28], D = 29 days (Jan 31 → Feb 29). Rent-free 02-01..02-14 = 14 days,
    // so c = 29 − 14 = 15 → round(1,200,000 × 15 / 29) = round(620689.66) = 620690.
    // Month 2 = [02-29, 03-30], D = 31: whole. Period 0 = 1,200,000 + 620,690 + 1,200,000 = 3,020,690.
    // Period 1 = 3 × 1,200,000 = 3,600,000. Due = start − 10 days.
    // VAT 9%: 3,020,690 / 1.09 = 2771275.23 → 2771275, tax 249415; 3,600,000 / 1.09 = 3302752.29 → 3302752, tax 297248.
    const input = terms({
      startDate: '2027-12-31',
      endDate: '2028-06-29',
      rent: { mode: 'fixed', monthlyFen: 1_200_000 },
      billingCycleMonths: 3,
      dueOffsetDays: -10,
      rentFree: [{ from: '2028-02-01', to: '2028-02-14' }],
    });
    expect(rows(input)).toEqual([
      ['2027-12-31', '2028-03-30', '2027-12-21', 3_020_690, 2_771_275, 249_415],
      ['2028-03-31', '2028-06-29', '2028-03-21', 3_600_000, 3_302_752, 297_248],
    ]);
    const months = rentSchedule(input).months;
    expect(months[1]).toMatchObject({ start: '2028-01-31', end: '2028-02-28', days: 29, chargedDays: 15 });
    expect(months[2]).toMatchObject({ start: '2028-02-29', end: '2028-03-30', days: 31, chargedDays: 31 });
  });

  it('a rent-free range that splits a month (domain.md’s example terms, first year)', () => {
    // Month 0 = [01-15, 02-14], D = 31: all rent-free → 0.
    // Month 1 = [02-15, 03-14], D = 28; rent-free 02-15..03-04 = 14 + 4 = 18 days, c = 10
    //   → round(1,000,000 × 10 / 28) = round(357142.86) = 357143.
    // Month 2 = [03-15, 04-14]: whole, 1,000,000. Period 0 = 1,357,143; due 2026-01-15 − 10 = 2026-01-05.
    // 1,357,143 / 1.09 = 1245085.32 → 1245085, tax 112058.
    const input = terms({
      billingCycleMonths: 3,
      dueOffsetDays: -10,
      rentFree: [{ from: '2026-01-15', to: '2026-03-04' }],
      deposit: { amountFen: 3_000_000 },
    });
    expect(rows(input)).toEqual([
      ['2026-01-15', '2026-04-14', '2026-01-05', 1_357_143, 1_245_085, 112_058],
      ['2026-04-15', '2026-07-14', '2026-04-05', 3_000_000, 2_752_294, 247_706],
      ['2026-07-15', '2026-10-14', '2026-07-05', 3_000_000, 2_752_294, 247_706],
      ['2026-10-15', '2027-01-14', '2026-10-05', 3_000_000, 2_752_294, 247_706],
    ]);
    const schedule = rentSchedule(input);
    expect(schedule.months.slice(0, 3).map((month) => [month.chargedDays, month.days, month.amountFen])).toEqual([
      [0, 31, 0],
      [10, 28, 357_143],
      [31, 31, 1_000_000],
    ]);
    expect(schedule.totalRentFen).toBe(1_357_143 + 9_000_000);
    // The deposit is its own bill, due on the start date + dueOffsetDays.
    expect(schedule.deposit).toEqual({ amountFen: 3_000_000, dueDate: '2026-01-05' });
  });

  it('lists a period that is wholly rent-free, with 0', () => {
    const schedule = rentSchedule(
      terms({ billingCycleMonths: 3, rentFree: [{ from: '2026-01-15', to: '2026-04-14' }] }),
    );
    expect(schedule.periods[0]).toMatchObject({ amountFen: 0, netFen: 0, taxFen: 0 });
    expect(schedule.periods).toHaveLength(4);
    expect(schedule.totalRentFen).toBe(9_000_000);
    expect(schedule.deposit).toBeNull();
  });

  it('escalation that steps inside a quarterly period, rounded at every step', () => {
    // R(0) = 333,333; every 4 months × 1.05: R(1) = round(349,999.65) = 350,000; R(2) = round(367,500) = 367,500.
    // Months 0–3 at R(0), 4–7 at R(1), 8–11 at R(2). Quarters:
    //   P0 = 3 × 333,333 = 999,999            P1 = 333,333 + 2 × 350,000 = 1,033,333
    //   P2 = 2 × 350,000 + 367,500 = 1,067,500  P3 = 3 × 367,500 = 1,102,500        total 4,203,332
    // VAT 9%: 999,999/1.09 = 917430.28 → 917430; 1,033,333/1.09 = 948012.0 → 948012;
    //         1,067,500/1.09 = 979357.80 → 979358; 1,102,500/1.09 = 1011467.89 → 1011468.
    const input = terms({
      startDate: '2026-01-01',
      endDate: '2026-12-31',
      rent: { mode: 'fixed', monthlyFen: 333_333 },
      billingCycleMonths: 3,
      escalation: { everyMonths: 4, rate: '0.05' },
    });
    expect(rows(input)).toEqual([
      ['2026-01-01', '2026-03-31', '2026-01-01', 999_999, 917_430, 82_569],
      ['2026-04-01', '2026-06-30', '2026-04-01', 1_033_333, 948_012, 85_321],
      ['2026-07-01', '2026-09-30', '2026-07-01', 1_067_500, 979_358, 88_142],
      ['2026-10-01', '2026-12-31', '2026-10-01', 1_102_500, 1_011_468, 91_032],
    ]);
    const schedule = rentSchedule(input);
    expect(schedule.monthlyRentFen).toBe(333_333);
    expect(schedule.months.map((month) => month.step)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(schedule.totalRentFen).toBe(4_203_332);
  });

  it('rounds the escalated rent at every step, not once at the end', () => {
    // 150 × 1.01 = 151.5 → 152; 152 × 1.01 = 153.52 → 154. Compounded once: 150 × 1.0201 = 153.015 → 153.
    expect(escalatedRents(150, '0.01', 2)).toEqual([150n, 152n, 154n]);
    expect(escalatedRent(150, { everyMonths: 12, rate: '0.01' }, 2)).toBe(154);
    // 1,000,000 × 1.03 = 1,030,000; × 1.03 = 1,060,900 (domain.md's example rate)
    expect(escalatedRents(1_000_000, '0.03', 2)).toEqual([1_000_000n, 1_030_000n, 1_060_900n]);
  });

  it('per-area rent with a fractional area: round(unit price × area), half up', () => {
    // 4,550 fen/m² × 120.55 m² = 548,502.5 → 548,503.   domain.md's 4,550 × 120.50 = 548,275 exactly.
    expect(baseMonthlyRentFen({ mode: 'per_area', unitPriceFen: 4550, areaSqm: '120.55' })).toBe(548_503);
    expect(baseMonthlyRentFen({ mode: 'per_area', unitPriceFen: 4550, areaSqm: '120.50' })).toBe(548_275);
    // 4,567 × 33.33 = 152,218.11 → 152,218
    expect(baseMonthlyRentFen({ mode: 'per_area', unitPriceFen: 4567, areaSqm: '33.33' })).toBe(152_218);
    // 548,503 / 1.09 = 503213.76 → 503214, tax 45289
    const input = terms({
      startDate: '2026-03-01',
      endDate: '2026-05-31',
      rent: { mode: 'per_area', unitPriceFen: 4550, areaSqm: '120.55' },
    });
    expect(rentSchedule(input).monthlyRentFen).toBe(548_503);
    expect(rows(input)).toEqual([
      ['2026-03-01', '2026-03-31', '2026-03-01', 548_503, 503_214, 45_289],
      ['2026-04-01', '2026-04-30', '2026-04-01', 548_503, 503_214, 45_289],
      ['2026-05-01', '2026-05-31', '2026-05-01', 548_503, 503_214, 45_289],
    ]);
  });

  it('a last period cut short by the end date', () => {
    // Quarters from 2026-01-15; the end 2026-09-30 cuts the third. Its month 8 = [09-15, 09-30]: c = 16,
    // D = 10-15 − 09-15 = 30 → round(1,000,000 × 16 / 30) = round(533,333.33) = 533,333.
    // P2 = 1,000,000 + 1,000,000 + 533,333 = 2,533,333; / 1.09 = 2324158.72 → 2324159, tax 209174.
    const input = terms({ endDate: '2026-09-30', billingCycleMonths: 3 });
    expect(rows(input)).toEqual([
      ['2026-01-15', '2026-04-14', '2026-01-15', 3_000_000, 2_752_294, 247_706],
      ['2026-04-15', '2026-07-14', '2026-04-15', 3_000_000, 2_752_294, 247_706],
      ['2026-07-15', '2026-09-30', '2026-07-15', 2_533_333, 2_324_159, 209_174],
    ]);
    expect(rentSchedule(input).totalRentFen).toBe(8_533_333);
  });

  it('a term shorter than one cycle is one period', () => {
    // [2026-01-15, 2026-02-20]: month 0 whole; month 1 = [02-15, 02-20], c = 6, D = 28 → round(214,285.71) = 214,286.
    const schedule = rentSchedule(terms({ endDate: '2026-02-20', billingCycleMonths: 12 }));
    expect(schedule.periods).toHaveLength(1);
    expect(schedule.periods[0]).toMatchObject({ periodEnd: '2026-02-20', amountFen: 1_214_286 });
  });
});

describe('contract terms that break a rule', () => {
  const problemsOf = (input: ContractTerms) => contractTermsProblems(input).map((p) => [p.path, p.code]);

  it('names the field and the rule', () => {
    expect(problemsOf(terms({ endDate: '2026-01-15' }))).toEqual([['endDate', 'terms_end_not_after_start']]);
    expect(problemsOf(terms({ startDate: '2026-02-30' }))).toEqual([['startDate', 'field_date_invalid']]);
    expect(problemsOf(terms({ billingCycleMonths: 2 }))).toEqual([
      ['billingCycleMonths', 'terms_billing_cycle_invalid'],
    ]);
    expect(problemsOf(terms({ taxRate: '9%' }))).toEqual([['taxRate', 'field_rate_format']]);
    expect(problemsOf(terms({ taxRate: '1' }))).toEqual([['taxRate', 'field_rate_not_below']]);
    expect(problemsOf(terms({ escalation: { everyMonths: 0, rate: '-0.03' } }))).toEqual([
      ['escalation/everyMonths', 'field_whole_number_invalid'],
      ['escalation/rate', 'field_rate_format'],
    ]);
    expect(problemsOf(terms({ rent: { mode: 'per_area', unitPriceFen: 4550, areaSqm: '120.555' } }))).toEqual([
      ['rent/areaSqm', 'terms_rent_area_invalid'],
    ]);
    expect(problemsOf(terms({ rent: { mode: 'fixed', monthlyFen: 0 } }))).toEqual([
      ['rent/monthlyFen', 'field_fen_invalid'],
    ]);
    expect(problemsOf(terms({ lateFee: { dailyRate: '0.05%', graceDays: -1 } }))).toEqual([
      ['lateFee/dailyRate', 'field_rate_format'],
      ['lateFee/graceDays', 'field_whole_number_invalid'],
    ]);
  });

  it('keeps rent-free ranges inside the term, in order and apart', () => {
    expect(
      problemsOf(
        terms({
          rentFree: [
            { from: '2026-01-01', to: '2026-01-20' },
            { from: '2026-03-10', to: '2026-03-01' },
            { from: '2026-05-01', to: '2026-05-31' },
            { from: '2026-05-31', to: '2026-06-10' },
          ],
        }),
      ),
    ).toEqual([
      ['rentFree/0', 'terms_rent_free_outside_term'],
      ['rentFree/1/to', 'terms_rent_free_reversed'],
      ['rentFree/3', 'terms_rent_free_overlap'],
    ]);
  });

  it('never takes a term above 20 years (Civil Code art. 705), nor above the org’s own limit', () => {
    expect(latestEndDate('2026-01-15')).toBe('2046-01-14');
    expect(problemsOf(terms({ endDate: '2046-01-14' }))).toEqual([]);
    expect(contractTermsProblems(terms({ endDate: '2046-01-15' }))).toEqual([
      { path: 'endDate', code: 'terms_too_long', params: { years: 20, latest: '2046-01-14' } },
    ]);
    expect(contractTermsProblems(terms({ endDate: '2031-01-15' }), { maxTermYears: 5 })[0]?.params).toEqual({
      years: 5,
      latest: '2031-01-14',
    });
    expect(contractTermsProblems(terms({ endDate: '2046-01-15' }), { maxTermYears: 30 })[0]?.params.years).toBe(20);
  });

  it('throws every problem at once from rentSchedule', () => {
    const attempt = () => rentSchedule(terms({ endDate: '2025-01-01', billingCycleMonths: 4, taxRate: 'x' }));
    expect(attempt).toThrow(RuleViolations);
    try {
      attempt();
    } catch (error) {
      expect((error as RuleViolations).problems.map((problem) => problem.path)).toEqual([
        'endDate',
        'billingCycleMonths',
        'taxRate',
      ]);
    }
  });

  it('refuses an escalation that would grow beyond what fen can carry', () => {
    const input = terms({
      endDate: '2046-01-14',
      rent: { mode: 'fixed', monthlyFen: 1_000_000_000_000 },
      escalation: { everyMonths: 1, rate: '1' },
    });
    expect(() => rentSchedule(input)).toThrow(
      expect.objectContaining({ message: 'escalation/rate: terms_amount_too_large' }),
    );
  });
});

// ---- properties ----

const DAY_2020 = dayNumber('2020-01-01');

/** Valid terms: any start in 2020–2039, a term up to 6 years, any cycle, optional escalation, disjoint rent-free ranges. */
const arbitraryTerms = (options: { rentFree?: boolean; escalation?: boolean } = {}) =>
  fc
    .record({
      startDay: fc.integer({ min: 0, max: 7300 }),
      termDays: fc.integer({ min: 1, max: 6 * 366 }),
      monthlyFen: fc.integer({ min: 1, max: 100_000_000 }),
      cycle: fc.constantFrom(1, 3, 6, 12),
      dueOffsetDays: fc.integer({ min: -60, max: 60 }),
      taxRate: fc.constantFrom('0.09', '0.05', '0'),
      everyMonths: fc.integer({ min: 1, max: 24 }),
      rate: fc.constantFrom('0.03', '0.05', '0.1', '0.0125'),
      // Sorted distinct day offsets, paired into ranges [a, b − 1]: disjoint by construction.
      cuts: fc.uniqueArray(fc.integer({ min: 0, max: 6 * 366 }), { maxLength: 8 }),
    })
    .map((draw): ContractTerms => {
      const startDate = dateOfDayNumber(DAY_2020 + draw.startDay);
      const endDate = addDays(startDate, draw.termDays);
      const cuts = draw.cuts.filter((cut) => cut <= draw.termDays + 1).sort((a, b) => a - b);
      const rentFree: RentFreeRange[] = [];
      for (let index = 0; index + 1 < cuts.length; index += 2) {
        rentFree.push({ from: addDays(startDate, cuts[index]!), to: addDays(startDate, cuts[index + 1]! - 1) });
      }
      return {
        startDate,
        endDate,
        rent: { mode: 'fixed', monthlyFen: draw.monthlyFen },
        billingCycleMonths: draw.cycle,
        dueOffsetDays: draw.dueOffsetDays,
        taxRate: draw.taxRate,
        ...(options.rentFree && rentFree.length > 0 ? { rentFree } : {}),
        ...(options.escalation ? { escalation: { everyMonths: draw.everyMonths, rate: draw.rate } } : {}),
      };
    });

const isRentFree = (date: string, ranges: readonly RentFreeRange[]) =>
  ranges.some((range) => compareDates(range.from, date) <= 0 && compareDates(date, range.to) <= 0);

describe('rent schedule properties', () => {
  it('periods cover the term from start to end with no gap or overlap; due = start + offset', () => {
    fc.assert(
      fc.property(arbitraryTerms({ rentFree: true, escalation: true }), (input) => {
        expect(contractTermsProblems(input)).toEqual([]);
        const { periods, totalRentFen } = rentSchedule(input);
        expect(periods[0]!.periodStart).toBe(input.startDate);
        expect(periods.at(-1)!.periodEnd).toBe(input.endDate);
        periods.forEach((period, index) => {
          expect(period.index).toBe(index);
          expect(compareDates(period.periodStart, period.periodEnd)).toBeLessThanOrEqual(0);
          expect(period.dueDate).toBe(addDays(period.periodStart, input.dueOffsetDays));
          expect(period.periodStart).toBe(addMonthsClamped(input.startDate, index * input.billingCycleMonths));
          if (index > 0) expect(period.periodStart).toBe(addDays(periods[index - 1]!.periodEnd, 1));
        });
        expect(totalRentFen).toBe(periods.reduce((sum, period) => sum + period.amountFen, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('no rent accrues on a rent-free day: each month bills its rent for exactly the days that are not rent-free', () => {
    // Oracle: walk every day of each contract month and count the days that are on or before the end date and
    // in no rent-free range; the month bills round(R × c / D), and a month with no such day bills nothing.
    fc.assert(
      fc.property(arbitraryTerms({ rentFree: true, escalation: true }), (input) => {
        const ranges = input.rentFree ?? [];
        const withFree = rentSchedule(input);
        const withoutFree = rentSchedule({ ...input, rentFree: [] });
        withFree.months.forEach((month, k) => {
          const next = addMonthsClamped(input.startDate, k + 1);
          let charged = 0;
          let free = 0;
          for (let day = month.start; compareDates(day, next) < 0; day = addDays(day, 1)) {
            if (compareDates(day, input.endDate) > 0) break;
            if (isRentFree(day, ranges)) free += 1;
            else charged += 1;
          }
          const rent = withoutFree.months[k]!.monthlyRentFen;
          expect(month.chargedDays).toBe(charged);
          expect(month.amountFen).toBe(
            charged === month.days ? rent : Number(prorateFen(rent, charged, daysBetween(month.start, next))),
          );
          if (charged === 0) expect(month.amountFen).toBe(0);
          if (free === 0) expect(month.amountFen).toBe(withoutFree.months[k]!.amountFen);
          else expect(month.amountFen).toBeLessThanOrEqual(withoutFree.months[k]!.amountFen);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a term that is rent-free from start to end bills nothing', () => {
    fc.assert(
      fc.property(arbitraryTerms({ escalation: true }), (input) => {
        const schedule = rentSchedule({ ...input, rentFree: [{ from: input.startDate, to: input.endDate }] });
        expect(schedule.totalRentFen).toBe(0);
        expect(schedule.periods.every((period) => period.amountFen === 0 && period.taxFen === 0)).toBe(true);
      }),
    );
  });

  it('with no rent-free days and no escalation, every full month bills exactly the monthly rent', () => {
    fc.assert(
      fc.property(arbitraryTerms(), (input) => {
        const { months, periods, monthlyRentFen } = rentSchedule(input);
        expect(monthlyRentFen).toBe((input.rent as { monthlyFen: number }).monthlyFen);
        months.forEach((month, k) => {
          // Full: not cut by the end date, so it runs to M(k+1) − 1 day.
          const full = addDays(month.end, 1) === addMonthsClamped(input.startDate, k + 1);
          if (full) expect(month.amountFen).toBe(monthlyRentFen);
          else expect(month.amountFen).toBeLessThanOrEqual(monthlyRentFen);
        });
        // Every period but possibly the last is whole months: exactly cycle × monthly rent.
        for (const period of periods.slice(0, -1)) {
          expect(period.amountFen).toBe(input.billingCycleMonths * monthlyRentFen);
        }
      }),
    );
  });

  it('splits every period’s VAT so net + tax = amount, with net = round(amount / (1 + rate))', () => {
    fc.assert(
      fc.property(arbitraryTerms({ rentFree: true, escalation: true }), (input) => {
        for (const period of rentSchedule(input).periods) {
          expect(period.netFen + period.taxFen).toBe(period.amountFen);
          expect({ netFen: period.netFen, taxFen: period.taxFen }).toEqual(
            vatSplit(period.amountFen, parseRate(input.taxRate)),
          );
        }
      }),
    );
  });
});
