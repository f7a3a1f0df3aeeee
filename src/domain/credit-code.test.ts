import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, creditCodeProblem, makeCreditCode } from './credit-code.ts';

describe('unified social credit code (GB 32100-2015)', () => {
  it('uses 31 characters: digits and letters without I, O, Z, S, V', () => {
    expect(CREDIT_CODE_ALPHABET).toHaveLength(31);
    expect(CREDIT_CODE_ALPHABET).not.toMatch(/[IOZSV]/);
  });

  it('accepts the standard example 91350100M000100Y43', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
    expect(creditCodeProblem('91350100m000100y43')).toBeNull();
  });

  it('names the 18th character it expected', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toEqual({ key: 'credit_code_checksum', params: { expected: '3' } });
    // Σ value × weight ≡ 0 (mod 31) gives 31 − 0 = 31, which wraps to the character for 0.
    const wraps = Array.from({ length: 31 }, (_, i) => `9150011800000000${CREDIT_CODE_ALPHABET[i]}`).find(
      (first17) => creditCodeCheckChar(first17) === '0',
    );
    expect(wraps).toBeDefined();
  });

  it('names the position of a character outside the alphabet', () => {
    expect(creditCodeProblem('91350100MO00100Y43')).toEqual({
      key: 'credit_code_character',
      params: { position: 10, character: 'O' },
    });
  });

  it('wants 18 characters', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toEqual({ key: 'credit_code_length', params: { length: 17 } });
  });

  it('builds valid codes for demo data', () => {
    expect(creditCodeProblem(makeCreditCode('91500118MA5U12345'))).toBeNull();
  });
});
