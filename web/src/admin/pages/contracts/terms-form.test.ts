import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import {
  defaultTermsForm,
  formOfTerms,
  IncompleteTerms,
  percentOfRate,
  rateOfPercent,
  termsFieldOfPath,
  termsOfForm,
  totalArea,
} from './terms-form.ts';

describe('percentages ⇄ decimal-string rates, exactly', () => {
  it.each([
    ['3', '0.03'],
    ['0.05', '0.0005'],
    ['12.5', '0.125'],
    ['30', '0.3'],
    ['100', '1'],
    ['0', '0'],
    ['9 %', '0.09'],
    ['0.00000001', '0.0000000001'],
  ])('%s %% is %s', (percent, rate) => {
    expect(rateOfPercent(percent)).toBe(rate);
    expect(percentOfRate(rate)).toBe(percent.replace(/\s*%$/, ''));
  });

  it('refuses what is not a percentage', () => {
    for (const text of ['', 'abc', '-3', '1e2', '3.', '0.000000001', '1000']) expect(rateOfPercent(text)).toBeNull();
  });
});

describe('the terms of the wizard form', () => {
  it('converts 元 to fen and percentages to rates without floats', () => {
    const values = {
      ...defaultTermsForm(),
      startDate: dayjs('2026-01-31'),
      endDate: dayjs('2029-01-30'),
      monthlyYuan: '1,234,567.89',
      depositYuan: '0.1',
      escalationEnabled: true,
      escalationEveryMonths: 12,
      escalationRatePercent: '3',
      rentFree: [[dayjs('2026-01-31'), dayjs('2026-03-15')] as [dayjs.Dayjs, dayjs.Dayjs]],
    };
    expect(termsOfForm(values)).toEqual({
      startDate: '2026-01-31',
      endDate: '2029-01-30',
      rent: { mode: 'fixed', monthlyFen: 123456789 },
      billingCycleMonths: 3,
      dueOffsetDays: -10,
      rentFree: [{ from: '2026-01-31', to: '2026-03-15' }],
      escalation: { everyMonths: 12, rate: '0.03' },
      deposit: { amountFen: 10 },
      lateFee: { dailyRate: '0.0005', graceDays: 0, capRatio: '0.3' },
      taxRate: '0.09',
    });
  });

  it('takes per-area rent with a fractional area, and round-trips through the form', () => {
    const terms = termsOfForm({
      ...defaultTermsForm('0.05'),
      startDate: dayjs('2026-02-01'),
      endDate: dayjs('2027-01-31'),
      rentMode: 'per_area',
      unitPriceYuan: '45.5',
      areaSqm: '120.5',
      lateFeeEnabled: false,
    });
    expect(terms.rent).toEqual({ mode: 'per_area', unitPriceFen: 4550, areaSqm: '120.50' });
    expect(terms.lateFee).toBeUndefined();
    expect(termsOfForm(formOfTerms(terms))).toEqual(terms);
  });

  it('names the first field that is missing or malformed', () => {
    const values = { ...defaultTermsForm(), monthlyYuan: '12.345' };
    expect(() => termsOfForm(values)).toThrow(IncompleteTerms);
    try {
      termsOfForm(values);
    } catch (error) {
      expect((error as IncompleteTerms).field).toBe('monthlyYuan');
    }
  });

  it('adds areas exactly', () => {
    expect(totalArea(['49.60', '89.44', null, '0.1'])).toBe('139.14');
    expect(totalArea([null])).toBeNull();
  });

  it('places the API’s error paths under the fields', () => {
    expect(termsFieldOfPath('body/terms/rent/monthlyFen')).toBe('monthlyYuan');
    expect(termsFieldOfPath('body/rent/unitPriceFen')).toBe('unitPriceYuan');
    expect(termsFieldOfPath('/terms/rentFree/1/to')).toEqual(['rentFree', 1]);
    expect(termsFieldOfPath('body/terms/rentFree/0')).toEqual(['rentFree', 0]);
    expect(termsFieldOfPath('body/endDate')).toBe('endDate');
    expect(termsFieldOfPath('body/tenderAnnouncementNo')).toBe('tenderAnnouncementNo');
    expect(termsFieldOfPath('body/tenantId')).toBeNull();
  });
});
