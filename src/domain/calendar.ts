// Calendar dates in China time, as the API writes them ('YYYY-MM-DD'). Arithmetic is done on whole day
// numbers (days since 1970-01-01 in the proleptic Gregorian calendar), so no time zone or daylight-saving
// rule of the machine running the code can shift a date.

/** A calendar date 'YYYY-MM-DD'. */
export type CalendarDate = string;

/** China has kept UTC+8 all year since 1991. */
const CHINA_OFFSET_MINUTES = 8 * 60;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month, month 1–12. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export interface DateParts {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

/** The parts of a valid 'YYYY-MM-DD' date (years 1000–9999), or null. */
export function dateParts(text: string): DateParts | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isCalendarDate(text: string): boolean {
  return dateParts(text) !== null;
}

function partsOf(date: CalendarDate): DateParts {
  const parts = dateParts(date);
  if (!parts) throw new RangeError(`"${date}" is not a calendar date YYYY-MM-DD`);
  return parts;
}

export function formatDate({ year, month, day }: DateParts): CalendarDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
export function dayNumber(date: CalendarDate): number {
  const { year, month, day } = partsOf(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The date of a day number (civil_from_days). */
export function dateOfDayNumber(days: number): CalendarDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return formatDate({ year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day });
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** `to − from` in days: 0 for the same day, 1 for the next. */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * The same day `months` months later, clamped to the month's last day when that day does not exist:
 * 2026-01-31 + 1 month = 2026-02-28, 2028-01-31 + 1 = 2028-02-29, 2026-01-31 + 2 = 2026-03-31.
 */
export function addMonthsClamped(date: CalendarDate, months: number): CalendarDate {
  const { year, month, day } = partsOf(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return formatDate({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** −1, 0 or 1; 'YYYY-MM-DD' strings order as text, but this also checks they are dates. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return Math.sign(dayNumber(a) - dayNumber(b));
}

export const earlierOf = (a: CalendarDate, b: CalendarDate): CalendarDate => (compareDates(a, b) <= 0 ? a : b);
export const laterOf = (a: CalendarDate, b: CalendarDate): CalendarDate => (compareDates(a, b) >= 0 ? a : b);

/** The calendar date in China at an instant: what "today" means for due dates and penalties. */
export function chinaDate(instant: Date): CalendarDate {
  const shifted = new Date(instant.getTime() + CHINA_OFFSET_MINUTES * 60_000);
  return formatDate({ year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() });
}
