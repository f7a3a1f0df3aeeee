import { describe, expect, it } from 'vitest';
import { formatCell, formatPercent, groupDecimal } from './report-format.ts';

describe('report cells', () => {
  it('reads a 4-place ratio as a percent with 2 places, exactly', () => {
    expect(formatPercent('0.9523')).toBe('95.23%');
    expect(formatPercent('1.0000')).toBe('100.00%');
    expect(formatPercent('0.0005')).toBe('0.05%');
    expect(formatPercent('12.5')).toBe('1,250.00%');
    expect(formatPercent(null)).toBe('-');
  });

  it('groups areas and counts by thousands without touching the decimals', () => {
    expect(groupDecimal('16849.23')).toBe('16,849.23');
    expect(groupDecimal('1234567')).toBe('1,234,567');
    expect(groupDecimal('-1000.5')).toBe('-1,000.5');
    expect(groupDecimal('120.00')).toBe('120.00');
  });

  it('formats each kind of column as the table shows it', () => {
    expect(formatCell({ kind: 'fen' }, 123456789, 'zh')).toBe('¥1,234,567.89');
    expect(formatCell({ kind: 'integer' }, 1801, 'zh')).toBe('1,801');
    expect(formatCell({ kind: 'date' }, '2026-11-26', 'zh')).toBe('2026-11-26');
    const bucket = { kind: 'text' as const, labels: { '31-90': { zh: '逾期31–90天', en: '31–90 days' } } };
    expect(formatCell(bucket, '31-90', 'zh')).toBe('逾期31–90天');
    expect(formatCell(bucket, '31-90', 'en')).toBe('31–90 days');
    expect(formatCell(bucket, 'other', 'en')).toBe('other');
    expect(formatCell({ kind: 'fen' }, null, 'zh')).toBe('-');
  });
});
