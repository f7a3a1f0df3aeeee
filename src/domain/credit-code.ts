// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
// alphabet (digits and upper-case letters without I, O, Z, S, V); the 18th is a check character.
// A company's code is public information, so it is stored in clear.

export const CREDIT_CODE_LENGTH = 18;
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type CreditCodeProblem =
  | { key: 'credit_code_length'; params: { length: number } }
  | { key: 'credit_code_character'; params: { position: number; character: string } }
  | { key: 'credit_code_checksum'; params: { expected: string } };

export function normalizeCreditCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** The check character for the first 17 characters: 31 − (Σ value × weight mod 31), where 31 counts as 0. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_ALPHABET.indexOf(first17[i]!) * CREDIT_CODE_WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** The first thing wrong with a credit code, or null when it is valid. */
export function creditCodeProblem(input: string): CreditCodeProblem | null {
  const code = normalizeCreditCode(input);
  if (code.length !== CREDIT_CODE_LENGTH) return { key: 'credit_code_length', params: { length: code.length } };
  for (let i = 0; i < CREDIT_CODE_LENGTH; i++) {
    if (!CREDIT_CODE_ALPHABET.includes(code[i]!)) {
      return { key: 'credit_code_character', params: { position: i + 1, character: code[i]! } };
    }
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return { key: 'credit_code_checksum', params: { expected } };
  return null;
}

/** A valid code from its first 17 characters (demo data and tests). */
export function makeCreditCode(first17: string): string {
  return `${first17}${creditCodeCheckChar(first17)}`;
}
