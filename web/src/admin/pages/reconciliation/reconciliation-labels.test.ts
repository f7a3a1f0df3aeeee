import { describe, expect, it } from 'vitest';
import { actionsFor, chinaYesterday } from './reconciliation-labels.ts';

describe('the reconciliation form defaults and the resolutions offered', () => {
  it('defaults to yesterday in China time, whatever the browser’s clock zone', () => {
    // 2026-03-01 00:30 in Beijing is still 2026-02-28 in UTC: the statement day is 2026-02-28.
    expect(chinaYesterday(new Date('2026-02-28T16:30:00Z'))).toBe('2026-02-28');
    // 23:30 UTC on 2026-03-01 is 07:30 on 2026-03-02 in Beijing.
    expect(chinaYesterday(new Date('2026-03-01T23:30:00Z'))).toBe('2026-03-01');
    expect(chinaYesterday(new Date('2026-01-01T02:00:00Z'))).toBe('2025-12-31');
  });

  it('offers posting at the channel’s figures only where the channel has money the ledger does not', () => {
    expect(actionsFor({ kind: 'missing_here' })).toEqual(['acknowledge', 'settle']);
    expect(actionsFor({ kind: 'amount_differs' })).toEqual(['acknowledge', 'settle']);
    for (const kind of [
      'missing_in_channel',
      'refund_differs',
      'refund_missing_here',
      'refund_missing_in_channel',
    ] as const) {
      expect(actionsFor({ kind })).toEqual(['acknowledge']);
    }
  });
});
