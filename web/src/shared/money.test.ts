import { describe, expect, it } from 'vitest';
import { formatFen } from './money.ts';

describe('formatFen', () => {
  it('formats integer fen as yuan with thousands separators and two decimals', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(100)).toBe('¥1.00');
    expect(formatFen(-123456789)).toBe('-¥1,234,567.89');
  });

  it('stays exact beyond float precision', () => {
    expect(formatFen(9007199254740991)).toBe('¥90,071,992,547,409.91');
    expect(formatFen(12345678901234567890n)).toBe('¥123,456,789,012,345,678.90');
  });

  it('rejects amounts that are not whole fen', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
  });
});
