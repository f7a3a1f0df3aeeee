import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, compareDates, dateOfDayNumber, dayNumber } from './calendar.ts';
import { RuleViolations } from './field-rules.ts';
import { type LateFeeQuestion, lateFee, lateFeeQuestionProblems, type PrincipalPayment } from './late-fee.ts';
import { parseRate, rational, roundHalfUp } from './money.ts';

const question = (overrides: Partial<LateFeeQuestion>): LateFeeQuestion => ({
  principalFen: 1_000_000,
  dueDate: '2026-03-10',
  lateFee: { dailyRate: '0.0005' },
  payments: [],
  asOf: '2026-03-20',
  ...overrides,
});

describe('late-payment penalty, computed by hand', () => {
  it('starts the day after the due date: 10 days × 1,000,000 × 0.0005 = 5,000', () => {
    // Days 03-11 … 03-20 = 10 days; 1,000,000 × 0.0005 = 500 a day.
    expect(lateFee(question({}))).toEqual({ lateFeeFen: 5000, overdueDays: 10 });
    expect(lateFee(question({ asOf: '2026-03-10' }))).toEqual({ lateFeeFen: 0, overdueDays: 0 });
    expect(lateFee(question({ asOf: '2026-03-11' }))).toEqual({ lateFeeFen: 500, overdueDays: 1 });
    expect(lateFee(question({ asOf: '2026-02-01' }))).toEqual({ lateFeeFen: 0, overdueDays: 0 });
  });

  it('waits out the grace days: due 03-10 + 5 grace days → accrues from 03-16', () => {
    // asOf 03-25: days 03-16 … 03-25 = 10 days × 500 = 5,000. On the last grace day (03-15) nothing yet.
    const withGrace = (asOf: string) => lateFee(question({ lateFee: { dailyRate: '0.0005', graceDays: 5 }, asOf }));
    expect(withGrace('2026-03-25')).toEqual({ lateFeeFen: 5000, overdueDays: 10 });
    expect(withGrace('2026-03-15')).toEqual({ lateFeeFen: 0, overdueDays: 0 });
    expect(withGrace('2026-03-16')).toEqual({ lateFeeFen: 500, overdueDays: 1 });
  });

  it('a partial payment mid-way lowers the outstanding principal from its own day; rounded once, not per day', () => {
    // Principal 333,333 due 03-10; 133,333 paid on 03-15; as of 03-20.
    //   03-11 … 03-14: 4 days × 333,333 = 1,333,332 fen·days
    //   03-15 … 03-20: 6 days × 200,000 = 1,200,000 fen·days (the payment counts at the end of 03-15)
    //   (1,333,332 + 1,200,000) × 0.0005 = 1,266.666 → 1,267.  Rounding each day would give 4 × 167 + 6 × 100 = 1,268.
    expect(
      lateFee(
        question({ principalFen: 333_333, payments: [{ date: '2026-03-15', amountFen: 133_333 }], asOf: '2026-03-20' }),
      ),
    ).toEqual({ lateFeeFen: 1267, overdueDays: 10 });
  });

  it('stops on the day the principal is paid in full, and counts payments made before the due date', () => {
    // 03-11 … 03-14 at 1,000,000 → 4 × 500 = 2,000; nothing from 03-15.
    expect(lateFee(question({ payments: [{ date: '2026-03-15', amountFen: 1_000_000 }] }))).toEqual({
      lateFeeFen: 2000,
      overdueDays: 4,
    });
    // 600,000 paid early leaves 400,000: 10 days × 200 = 2,000. An overpayment leaves nothing to charge.
    expect(lateFee(question({ payments: [{ date: '2026-03-01', amountFen: 600_000 }] })).lateFeeFen).toBe(2000);
    expect(lateFee(question({ payments: [{ date: '2026-03-01', amountFen: 2_000_000 }] }))).toEqual({
      lateFeeFen: 0,
      overdueDays: 0,
    });
  });

  it('ignores payments after the as-of date and takes payments in any order', () => {
    const payments: PrincipalPayment[] = [
      { date: '2026-03-25', amountFen: 500_000 },
      { date: '2026-03-16', amountFen: 100_000 },
      { date: '2026-03-13', amountFen: 100_000 },
      { date: '2026-03-13', amountFen: 100_000 },
    ];
    // 03-11, 03-12 at 1,000,000 (2 × 500); 03-13 … 03-15 at 800,000 (3 × 400); 03-16 … 03-20 at 700,000 (5 × 350)
    // = 1,000 + 1,200 + 1,750 = 3,950
    expect(lateFee(question({ payments }))).toEqual({ lateFeeFen: 3950, overdueDays: 10 });
  });

  it('caps the penalty at capRatio × the original principal', () => {
    // 100,000 × 0.0005 = 50 a day; cap 100,000 × 0.3 = 30,000, reached after 600 days (2027-08-24).
    const capped = (asOf: string) =>
      lateFee({
        principalFen: 100_000,
        dueDate: '2026-01-01',
        lateFee: { dailyRate: '0.0005', capRatio: '0.3' },
        payments: [],
        asOf,
      });
    expect(capped('2027-08-23')).toEqual({ lateFeeFen: 29_950, overdueDays: 599 });
    expect(capped('2027-08-24')).toEqual({ lateFeeFen: 30_000, overdueDays: 600 });
    expect(capped('2027-12-02')).toEqual({ lateFeeFen: 30_000, overdueDays: 700 });
    // The cap is on the original principal, not what is left: 40,000 paid on day 1 still caps at 30,000.
    const partly = lateFee({
      principalFen: 100_000,
      dueDate: '2026-01-01',
      lateFee: { dailyRate: '0.0005', capRatio: '0.3' },
      payments: [{ date: '2026-01-02', amountFen: 40_000 }],
      asOf: '2028-12-31',
    });
    expect(partly.lateFeeFen).toBe(30_000);
    // A cap of 0.333 on 1,001 fen is 333.333 fen → 333.
    expect(
      lateFee({
        principalFen: 1001,
        dueDate: '2026-01-01',
        lateFee: { dailyRate: '0.1', capRatio: '0.333' },
        payments: [],
        asOf: '2026-12-31',
      }).lateFeeFen,
    ).toBe(333);
  });
});

describe('late-fee questions that break a rule', () => {
  it('names each field', () => {
    const problems = lateFeeQuestionProblems(
      question({
        principalFen: -1,
        dueDate: '2026-02-30',
        lateFee: { dailyRate: '万分之五', graceDays: 1.5, capRatio: '0.3000000000001' },
        payments: [{ date: '2026/03/15', amountFen: 0 }],
      }),
    ).map((problem) => [problem.path, problem.code]);
    expect(problems).toEqual([
      ['principalFen', 'field_fen_invalid'],
      ['dueDate', 'field_date_invalid'],
      ['lateFee/dailyRate', 'field_rate_format'],
      ['lateFee/graceDays', 'field_whole_number_invalid'],
      ['lateFee/capRatio', 'field_rate_too_precise'],
      ['payments/0/date', 'field_date_invalid'],
      ['payments/0/amountFen', 'field_fen_invalid'],
    ]);
    expect(() => lateFee(question({ asOf: 'today' }))).toThrow(RuleViolations);
  });
});

// ---- properties ----

/** The rule read literally: walk every day, outstanding at its end × rate, sum exactly, cap, round once. */
function lateFeeByDay(input: LateFeeQuestion): { lateFeeFen: number; overdueDays: number } {
  const rate = parseRate(input.lateFee.dailyRate);
  let sum = 0n;
  let overdueDays = 0;
  for (
    let day = addDays(input.dueDate, (input.lateFee.graceDays ?? 0) + 1);
    compareDates(day, input.asOf) <= 0;
    day = addDays(day, 1)
  ) {
    const paid = input.payments
      .filter((payment) => compareDates(payment.date, day) <= 0)
      .reduce((total, payment) => total + payment.amountFen, 0);
    const outstanding = Math.max(0, input.principalFen - paid);
    if (outstanding > 0) overdueDays += 1;
    sum += BigInt(outstanding);
  }
  let fee = rational(sum * rate.numerator, rate.denominator);
  if (input.lateFee.capRatio !== undefined) {
    const cap = parseRate(input.lateFee.capRatio);
    const capFee = rational(BigInt(input.principalFen) * cap.numerator, cap.denominator);
    if (fee.numerator * capFee.denominator > capFee.numerator * fee.denominator) fee = capFee;
  }
  return { lateFeeFen: Number(roundHalfUp(fee)), overdueDays };
}

const DUE_DAY = dayNumber('2026-01-01');
const arbitraryQuestion = fc
  .record({
    principalFen: fc.integer({ min: 0, max: 100_000_000 }),
    dueOffset: fc.integer({ min: 0, max: 400 }),
    dailyRate: fc.constantFrom('0.0005', '0.0003', '0.001', '0.00033', '0'),
    graceDays: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    capRatio: fc.option(fc.constantFrom('0.3', '0.1', '0.05', '1'), { nil: undefined }),
    payments: fc.array(
      fc.record({ day: fc.integer({ min: -30, max: 500 }), amountFen: fc.integer({ min: 1, max: 50_000_000 }) }),
      {
        maxLength: 6,
      },
    ),
    asOfDay: fc.integer({ min: -30, max: 500 }),
  })
  .map(
    (draw): LateFeeQuestion => ({
      principalFen: draw.principalFen,
      dueDate: dateOfDayNumber(DUE_DAY + draw.dueOffset),
      lateFee: {
        dailyRate: draw.dailyRate,
        ...(draw.graceDays === undefined ? {} : { graceDays: draw.graceDays }),
        ...(draw.capRatio === undefined ? {} : { capRatio: draw.capRatio }),
      },
      payments: draw.payments.map((payment) => ({
        date: dateOfDayNumber(DUE_DAY + draw.dueOffset + payment.day),
        amountFen: payment.amountFen,
      })),
      asOf: dateOfDayNumber(DUE_DAY + draw.dueOffset + draw.asOfDay),
    }),
  );

describe('late-fee properties', () => {
  it('equals the day-by-day reading of the rule', () => {
    fc.assert(
      fc.property(arbitraryQuestion, (input) => {
        expect(lateFee(input)).toEqual(lateFeeByDay(input));
      }),
      { numRuns: 300 },
    );
  });

  it('never falls as the as-of date moves on, and never exceeds the cap', () => {
    fc.assert(
      fc.property(arbitraryQuestion, fc.integer({ min: 1, max: 400 }), (input, later) => {
        const now = lateFee(input);
        const then = lateFee({ ...input, asOf: addDays(input.asOf, later) });
        expect(then.lateFeeFen).toBeGreaterThanOrEqual(now.lateFeeFen);
        expect(then.overdueDays).toBeGreaterThanOrEqual(now.overdueDays);
        if (input.lateFee.capRatio !== undefined) {
          const cap = parseRate(input.lateFee.capRatio);
          const capFen = roundHalfUp(rational(BigInt(input.principalFen) * cap.numerator, cap.denominator));
          expect(BigInt(then.lateFeeFen)).toBeLessThanOrEqual(capFen);
        }
      }),
    );
  });

  it('never rises when more is paid', () => {
    fc.assert(
      fc.property(
        arbitraryQuestion,
        fc.integer({ min: -30, max: 500 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (input, day, amountFen) => {
          const extra = { date: addDays(input.dueDate, day), amountFen };
          expect(lateFee({ ...input, payments: [...input.payments, extra] }).lateFeeFen).toBeLessThanOrEqual(
            lateFee(input).lateFeeFen,
          );
        },
      ),
    );
  });
});
