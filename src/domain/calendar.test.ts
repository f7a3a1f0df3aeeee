import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonthsClamped,
  chinaDate,
  compareDates,
  dateOfDayNumber,
  dateParts,
  dayNumber,
  daysBetween,
  daysInMonth,
  isCalendarDate,
} from './calendar.ts';

describe('calendar dates', () => {
  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    for (const text of ['2026-1-5', '2026/01/05', '2026-13-01', '2026-04-31', '2026-01-00', '20260105', '']) {
      expect(isCalendarDate(text), text).toBe(false);
    }
    expect(dateParts('2026-01-15')).toEqual({ year: 2026, month: 1, day: 15 });
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
  });

  it('counts days across month, year and leap-day boundaries', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-15', -10)).toBe('2026-01-05');
    expect(daysBetween('2026-01-15', '2026-02-15')).toBe(31);
    expect(daysBetween('2028-01-31', '2028-02-29')).toBe(29);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(compareDates('2026-01-02', '2026-01-10')).toBe(-1);
  });

  it('agrees with UTC Date arithmetic for every day from 1900 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: -25567, max: 84000 }), (days) => {
        const date = dateOfDayNumber(days);
        expect(date).toBe(new Date(days * 86_400_000).toISOString().slice(0, 10));
        expect(dayNumber(date)).toBe(days);
      }),
    );
  });

  it('adds months from the anchor, clamping to the month end (not chained)', () => {
    expect(addMonthsClamped('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsClamped('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonthsClamped('2026-01-31', 2)).toBe('2026-03-31');
    expect(addMonthsClamped('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonthsClamped('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonthsClamped('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonthsClamped('2026-01-15', 240)).toBe('2046-01-15');
    expect(addMonthsClamped('2026-03-31', -1)).toBe('2026-02-28');
  });

  it('keeps the day of month when it exists, else lands on the last day of the target month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60000 }), fc.integer({ min: 0, max: 300 }), (days, months) => {
        const start = dateOfDayNumber(days);
        const result = dateParts(addMonthsClamped(start, months))!;
        const from = dateParts(start)!;
        expect((result.year - from.year) * 12 + result.month - from.month).toBe(months);
        expect(result.day).toBe(Math.min(from.day, daysInMonth(result.year, result.month)));
      }),
    );
  });

  it('takes “today” in China time whatever the machine’s zone: 2026-03-31T16:30Z is 2026-04-01 in Beijing', () => {
    expect(chinaDate(new Date('2026-03-31T16:30:00Z'))).toBe('2026-04-01');
    expect(chinaDate(new Date('2026-03-31T15:59:59Z'))).toBe('2026-03-31');
  });
});
