// Chinese resident identity card number (居民身份证号码), GB 11643-1999:
// 6-digit region code, 8-digit birth date YYYYMMDD, 3-digit sequence (odd for men), 1 check character.

export const RESIDENT_ID_LENGTH = 18;
export const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** The check character for (Σ digit × weight) mod 11 = 0, 1, 2, … 10. */
export const RESIDENT_ID_CHECK_CHARS = '10X98765432';

/** Province-level region codes (the first two digits) in use: 11 北京 … 65 新疆, 71 台湾, 81 香港, 82 澳门, 83 港澳台居民居住证. */
export const PROVINCE_CODES = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83'.split(' '),
);

export type ResidentIdProblem =
  | { key: 'id_number_old_format' }
  | { key: 'id_number_length'; params: { length: number } }
  | { key: 'id_number_characters' }
  | { key: 'id_number_region'; params: { region: string } }
  | { key: 'id_number_birth_date'; params: { date: string } }
  | { key: 'id_number_checksum'; params: { expected: string } };

/** Spaces removed and a lower-case x made upper-case: what people type for the same number. */
export function normalizeResidentId(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** The check character the first 17 digits call for. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK_CHARS[sum % 11]!;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The first thing wrong with a resident ID number, or null when it is valid.
 * `today` (YYYY-MM-DD) bounds the birth date; it defaults to the current UTC date.
 */
export function residentIdProblem(
  input: string,
  today = new Date().toISOString().slice(0, 10),
): ResidentIdProblem | null {
  const id = normalizeResidentId(input);
  if (/^\d{15}$/.test(id)) return { key: 'id_number_old_format' };
  if (id.length !== RESIDENT_ID_LENGTH) return { key: 'id_number_length', params: { length: id.length } };
  if (!/^\d{17}[\dX]$/.test(id)) return { key: 'id_number_characters' };
  const region = id.slice(0, 2);
  if (!PROVINCE_CODES.has(region)) return { key: 'id_number_region', params: { region } };
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (year < 1900 || !isCalendarDate(year, month, day) || birth > today) {
    return { key: 'id_number_birth_date', params: { date: birth } };
  }
  const expected = residentIdCheckChar(id.slice(0, 17));
  if (id[17] !== expected) return { key: 'id_number_checksum', params: { expected } };
  return null;
}

/** A valid number built from a 6-digit region, a birth date and a 3-digit sequence (demo data and tests). */
export function makeResidentId(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return `${first17}${residentIdCheckChar(first17)}`;
}
