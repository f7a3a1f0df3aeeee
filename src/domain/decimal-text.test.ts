import { describe, expect, it } from 'vitest';
import { fenOfYuanText, formatHundredths, hundredthsOf, hundredthsOfNumber, normalizeArea } from './decimal-text.ts';

describe('decimal text with 2 places', () => {
  it('reads areas exactly and answers them with 2 places', () => {
    expect(normalizeArea('120.5')).toBe('120.50');
    expect(normalizeArea('120')).toBe('120.00');
    expect(normalizeArea('0.01')).toBe('0.01');
    expect(normalizeArea('9999999999.99')).toBe('9999999999.99');
    expect(normalizeArea('1,234.5')).toBe('1234.50');
  });

  it('refuses a third decimal, a sign, letters and more than 10 integer digits (numeric(12,2))', () => {
    for (const text of ['1.234', '-1', 'abc', '12345678901', '1e3', '']) expect(hundredthsOf(text)).toBeNull();
  });

  it('turns yuan into integer fen: 1234.56 yuan = 123456 fen', () => {
    expect(fenOfYuanText('1234.56')).toBe(123456);
    expect(fenOfYuanText('0.1')).toBe(10);
    expect(formatHundredths(123456n)).toBe('1234.56');
  });

  it('reads spreadsheet floats without floating-point error, refusing a third decimal', () => {
    expect(hundredthsOfNumber(120.1)).toBe(12010n);
    expect(hundredthsOfNumber(0.29)).toBe(29n);
    expect(hundredthsOfNumber(120.125)).toBeNull();
    expect(hundredthsOfNumber(-1)).toBeNull();
  });
});
