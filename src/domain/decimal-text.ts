// Decimal amounts typed by people (areas in m², amounts in yuan) read exactly, never through a float.

import { fenOfYuan } from './money.ts';

/** Up to 10 integer digits and at most 2 decimals: fits numeric(12,2). */
const TWO_PLACES = /^(\d{1,10})(?:\.(\d{0,2}))?$/;

/** The number of hundredths in "1234.5" (123450n), or null when the text is not such a number. */
export function hundredthsOf(text: string): bigint | null {
  const match = TWO_PLACES.exec(text.trim().replaceAll(',', ''));
  if (!match) return null;
  return BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

/** 123450n → "1234.50". */
export function formatHundredths(hundredths: bigint): string {
  const sign = hundredths < 0n ? '-' : '';
  const abs = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** An area such as "120.5" in the canonical form the API answers with ("120.50"), or null when malformed. */
export function normalizeArea(text: string): string | null {
  const hundredths = hundredthsOf(text);
  return hundredths === null ? null : formatHundredths(hundredths);
}

/** A spreadsheet number (a float) as hundredths, or null when it has more than 2 decimals or is out of range. */
export function hundredthsOfNumber(value: number): bigint | null {
  if (!Number.isFinite(value) || value < 0 || value >= 1e10) return null;
  const scaled = value * 100;
  const rounded = Math.round(scaled);
  // 120.1 × 100 is 12009.999999999998 in binary floating point; anything further off had a third decimal.
  if (Math.abs(scaled - rounded) > 1e-6) return null;
  return BigInt(rounded);
}

/** Yuan typed by a person ("1,234.56") as integer fen (123456), or null (also for nothing typed); limits as `hundredthsOf`. */
export function fenOfYuanText(text: string | undefined): number | null {
  if (!text?.trim()) return null;
  const fen = fenOfYuan(text.trim().replaceAll(',', ''));
  return fen !== null && fen < 1e12 ? fen : null;
}
