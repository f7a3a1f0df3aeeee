import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecimalFormatError,
  fenOfYuan,
  formatYuan,
  multiplyFen,
  parseDecimal,
  parseRate,
  prorateFen,
  rational,
  roundHalfUp,
  tryParseRate,
  vatSplit,
} from './money.ts';

describe('rates as exact rationals', () => {
  it('reads decimal strings exactly, in lowest terms', () => {
    expect(parseRate('0.05')).toEqual({ numerator: 1n, denominator: 20n });
    expect(parseRate('0.0005')).toEqual({ numerator: 1n, denominator: 2000n });
    expect(parseRate('0.09')).toEqual({ numerator: 9n, denominator: 100n });
    expect(parseRate('1')).toEqual({ numerator: 1n, denominator: 1n });
    expect(parseRate('0')).toEqual({ numerator: 0n, denominator: 1n });
    // 0.1 + 0.2 is not 0.3 in floating point; here it is.
    expect(parseRate('0.30')).toEqual(parseRate('0.3'));
  });

  it('refuses malformed rates, saying why', () => {
    for (const text of [
      '',
      '5%',
      '-0.05',
      '+0.05',
      '.5',
      '5.',
      '1e-3',
      ' 0.05',
      '0.05 ',
      '0,05',
      '0..5',
      'abc',
      '五',
    ]) {
      expect(() => parseRate(text), text).toThrow(DecimalFormatError);
      expect(tryParseRate(text)).toBeNull();
    }
    expect(() => parseRate('0.00000000001')).toThrow(/more than 10 decimal places/);
    expect(() => parseDecimal('120.555', 2)).toThrow(expect.objectContaining({ problem: 'too_many_places' }));
    expect(() => parseRate('9%')).toThrow(expect.objectContaining({ problem: 'format' }));
  });
});

describe('rounding half-up (四舍五入) only where a rule says', () => {
  it('rounds halves away from zero and everything else to the nearest fen', () => {
    expect(roundHalfUp(rational(5n, 2n))).toBe(3n);
    expect(roundHalfUp(rational(7n, 2n))).toBe(4n);
    expect(roundHalfUp(rational(-5n, 2n))).toBe(-3n);
    expect(roundHalfUp(rational(1n, 3n))).toBe(0n);
    expect(roundHalfUp(rational(2n, 3n))).toBe(1n);
    expect(roundHalfUp(rational(-2n, 3n))).toBe(-1n);
    expect(roundHalfUp(rational(499999n, 1000000n))).toBe(0n);
  });

  it('multiplies exactly before the one rounding: 4550 fen × 120.55 m² = 548502.5 → 548503', () => {
    expect(multiplyFen(4550, parseDecimal('120.55', 2))).toBe(548503n);
    expect(multiplyFen(4550, parseDecimal('120.50', 2))).toBe(548275n);
    // 333333 × 1.03 = 343332.99 → 343333
    expect(multiplyFen(333333, rational(103n, 100n))).toBe(343333n);
  });

  it('prorates by days: 1,000,000 × 16/31 = 516129.03 → 516129; 1,000,000 × 10/28 = 357142.86 → 357143', () => {
    expect(prorateFen(1_000_000, 16, 31)).toBe(516129n);
    expect(prorateFen(1_000_000, 10, 28)).toBe(357143n);
    expect(prorateFen(3, 1, 2)).toBe(2n);
  });

  it('never goes through a float: amounts beyond 2^53 stay exact', () => {
    expect(multiplyFen(2n ** 60n + 1n, rational(1n, 1n))).toBe(2n ** 60n + 1n);
  });
});

describe('VAT split of a tax-inclusive amount', () => {
  it('net = round(amount / (1 + rate)), tax = amount − net', () => {
    // 1,000,000 / 1.09 = 917431.19 → 917431; tax 82569
    expect(vatSplit(1_000_000, parseRate('0.09'))).toEqual({ netFen: 917431, taxFen: 82569 });
    // 1,000,000 / 1.05 = 952380.95 → 952381; tax 47619
    expect(vatSplit(1_000_000, parseRate('0.05'))).toEqual({ netFen: 952381, taxFen: 47619 });
    expect(vatSplit(0, parseRate('0.09'))).toEqual({ netFen: 0, taxFen: 0 });
    expect(vatSplit(12345, parseRate('0'))).toEqual({ netFen: 12345, taxFen: 0 });
    // 1 fen / 1.09 = 0.917 → 1 fen net, no tax
    expect(vatSplit(1, parseRate('0.09'))).toEqual({ netFen: 1, taxFen: 0 });
  });

  it('always adds back up to the amount, the tax never negative and within one fen of amount × rate / (1 + rate)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e13 }),
        fc.constantFrom('0.09', '0.05', '0.06', '0.13', '0.03', '0'),
        (amount, rate) => {
          const { netFen, taxFen } = vatSplit(amount, parseRate(rate));
          expect(netFen + taxFen).toBe(amount);
          expect(taxFen).toBeGreaterThanOrEqual(0);
          const r = parseRate(rate);
          // |tax × (1 + r) − amount × r| ≤ (1 + r) / 2, in integers: |2·tax·(d+n) − 2·amount·n| ≤ d + n
          const gap = 2n * BigInt(taxFen) * (r.denominator + r.numerator) - 2n * BigInt(amount) * r.numerator;
          expect(gap < 0n ? -gap : gap).toBeLessThanOrEqual(r.denominator + r.numerator);
        },
      ),
    );
  });
});

describe('yuan formatting', () => {
  it('writes fen as yuan with two places and thousands separators', () => {
    expect(formatYuan(123456789)).toBe('1,234,567.89');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(100)).toBe('1.00');
    expect(formatYuan(-150)).toBe('-1.50');
    expect(formatYuan(100000000, { grouping: false })).toBe('1000000.00');
    expect(formatYuan(0)).toBe('0.00');
  });

  it('refuses a fraction of a fen', () => {
    expect(() => formatYuan(1.5)).toThrow(/whole number of fen/);
  });
});

describe('fenOfYuan', () => {
  it('reads yuan text exactly, to the fen', () => {
    expect(fenOfYuan('12.34')).toBe(1234);
    expect(fenOfYuan('12.3')).toBe(1230);
    expect(fenOfYuan('12')).toBe(1200);
    expect(fenOfYuan('0.07')).toBe(7);
    expect(fenOfYuan('9999999999999.99')).toBe(999_999_999_999_999);
    expect(fenOfYuan('90071992547409.92')).toBeNull();
  });

  it('refuses what is not an amount: signs unless asked, places past the fen unless rounding, other characters', () => {
    for (const text of ['', '.5', '5.', '1e3', '1,234.00', ' 1.00', '¥1', '12.345', '-1.00', '+1', '0x10']) {
      expect(fenOfYuan(text), text).toBeNull();
    }
    expect(fenOfYuan('-0.07', { signed: true })).toBe(-7);
    expect(fenOfYuan('+5', { signed: true })).toBe(500);
  });

  it('rounds decimals past the fen half-up only when asked (statements write "3.60000")', () => {
    expect(fenOfYuan('3.60000', { pastFen: 'round' })).toBe(360);
    expect(fenOfYuan('0.00500', { pastFen: 'round' })).toBe(1);
    expect(fenOfYuan('0.00499', { pastFen: 'round' })).toBe(0);
    expect(fenOfYuan('-0.005', { signed: true, pastFen: 'round' })).toBe(-1);
  });

  it('reads back what formatYuan writes without grouping', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(fenOfYuan(formatYuan(fen, { grouping: false }))).toBe(fen);
      }),
    );
  });
});
