import { describe, expect, it } from 'vitest';
import { agingBucket } from './aging.ts';

describe('aging buckets', () => {
  it('puts a bill due today in not-due and counts overdue days from the due date', () => {
    expect([-5, 0, 1, 30, 31, 90, 91, 180, 181, 365, 366, 2000].map((days) => [days, agingBucket(days)])).toEqual([
      [-5, 'not-due'],
      [0, 'not-due'],
      [1, '1-30'],
      [30, '1-30'],
      [31, '31-90'],
      [90, '31-90'],
      [91, '91-180'],
      [180, '91-180'],
      [181, '181-365'],
      [365, '181-365'],
      [366, 'over-365'],
      [2000, 'over-365'],
    ]);
  });
});
