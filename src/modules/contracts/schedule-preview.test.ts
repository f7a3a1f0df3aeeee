import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** domain.md's example terms. */
const exampleTerms = {
  startDate: '2026-01-15',
  endDate: '2029-01-14',
  rent: { mode: 'fixed', monthlyFen: 1000000 },
  billingCycleMonths: 3,
  dueOffsetDays: -10,
  rentFree: [{ from: '2026-01-15', to: '2026-03-14' }],
  escalation: { everyMonths: 12, rate: '0.03' },
  deposit: { amountFen: 3000000 },
  lateFee: { dailyRate: '0.0005', graceDays: 0, capRatio: '0.3' },
  taxRate: '0.09',
};

const preview = async (payload: unknown, username = 'zichan', language?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/contracts/schedule-preview',
    headers: { ...(await t.as(username)), ...(language ? { 'accept-language': language } : {}) },
    payload: payload as object,
  });

describe('POST /api/v1/contracts/schedule-preview', () => {
  it('answers domain.md’s example terms with the schedule computed by hand', async () => {
    // Months 0 and 1 ([01-15, 03-14]) are rent-free, month 2 is whole: period 0 = 1,000,000.
    // Escalation every 12 months × 1.03: R(1) = 1,030,000, R(2) = 1,060,900.
    // Quarters 1–3 = 3,000,000; 4–7 = 3,090,000; 8–11 = 3,182,700. Total = 1,000,000 + 9,000,000 + 12,360,000 + 12,730,800.
    // VAT 9%: 1,000,000/1.09 → 917,431; 3,000,000/1.09 → 2,752,294; 3,090,000/1.09 → 2,834,862; 3,182,700/1.09 → 2,919,908.
    const response = await preview(exampleTerms);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['deposit', 'monthlyRentFen', 'periods', 'totalRentFen']);
    expect(body.monthlyRentFen).toBe(1000000);
    expect(body.deposit).toEqual({ amountFen: 3000000, dueDate: '2026-01-05' });
    expect(body.totalRentFen).toBe(35090800);
    expect(body.periods).toHaveLength(12);
    expect(body.periods[0]).toEqual({
      index: 0,
      periodStart: '2026-01-15',
      periodEnd: '2026-04-14',
      dueDate: '2026-01-05',
      amountFen: 1000000,
      netFen: 917431,
      taxFen: 82569,
    });
    expect(body.periods.map((period: { amountFen: number }) => period.amountFen)).toEqual([
      1000000, 3000000, 3000000, 3000000, 3090000, 3090000, 3090000, 3090000, 3182700, 3182700, 3182700, 3182700,
    ]);
    expect(body.periods[11]).toEqual({
      index: 11,
      periodStart: '2028-10-15',
      periodEnd: '2029-01-14',
      dueDate: '2028-10-05',
      amountFen: 3182700,
      netFen: 2919908,
      taxFen: 262792,
    });
  });

  it('takes per-area rent and answers a null deposit when there is none', async () => {
    // 4,550 × 120.55 m² = 548,502.5 → 548,503 a month.
    const response = await preview({
      startDate: '2026-03-01',
      endDate: '2026-03-31',
      rent: { mode: 'per_area', unitPriceFen: 4550, areaSqm: '120.55' },
      billingCycleMonths: 1,
      dueOffsetDays: 0,
      taxRate: '0.05',
    });
    expect(response.json()).toEqual({
      monthlyRentFen: 548503,
      periods: [
        {
          index: 0,
          periodStart: '2026-03-01',
          periodEnd: '2026-03-31',
          dueDate: '2026-03-01',
          amountFen: 548503,
          netFen: 522384,
          taxFen: 26119,
        },
      ],
      deposit: null,
      totalRentFen: 548503,
    });
  });

  it('is open to every staff role that reads contracts, and to no one logged out', async () => {
    for (const username of ['caiwu', 'shenpi', 'shenji']) {
      expect((await preview(exampleTerms, username)).statusCode).toBe(200);
    }
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/contracts/schedule-preview',
      payload: exampleTerms,
    });
    expect(problemOf(anonymous)).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('refuses a body of the wrong shape with 400 naming the field', async () => {
    const wrongType = problemOf(await preview({ ...exampleTerms, rent: { mode: 'fixed', monthlyFen: '10000.00' } }));
    expect(wrongType).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(wrongType.errors).toEqual([{ path: 'body/rent/monthlyFen', message: expect.any(String) }]);

    const missingArea = problemOf(await preview({ ...exampleTerms, rent: { mode: 'per_area', unitPriceFen: 4550 } }));
    expect(missingArea.errors?.map((error) => error.path)).toEqual(['body/rent/areaSqm']);

    const unknownField = problemOf(await preview({ ...exampleTerms, monthlyRent: 100 }));
    expect(unknownField.errors).toEqual([{ path: 'body/monthlyRent', message: '不允许的字段' }]);

    const badCycle = problemOf(await preview({ ...exampleTerms, billingCycleMonths: 2 }));
    expect(badCycle.errors?.map((error) => error.path)).toEqual(['body/billingCycleMonths']);

    const { taxRate: _omitted, ...withoutTaxRate } = exampleTerms;
    const missing = problemOf(await preview(withoutTaxRate));
    expect(missing.errors?.map((error) => error.path)).toEqual(['body/taxRate']);
  });

  it('refuses terms that break a rule with 422, one message per field a person can act on', async () => {
    const single = problemOf(await preview({ ...exampleTerms, endDate: '2026-01-01' }));
    expect(single).toMatchObject({
      status: 422,
      code: 'terms_end_not_after_start',
      detail: '结束日期 2026-01-01 应晚于开始日期 2026-01-15',
    });
    expect(single.errors).toEqual([{ path: 'body/endDate', message: single.detail }]);

    const several = problemOf(
      await preview({
        ...exampleTerms,
        startDate: '2026-02-30',
        taxRate: '9%',
        rentFree: [
          { from: '2026-02-01', to: '2026-03-01' },
          { from: '2026-05-10', to: '2026-05-01' },
        ],
        lateFee: { dailyRate: '0.0005', capRatio: '30%' },
      }),
    );
    expect(several).toMatchObject({ status: 422, code: 'rules_broken', detail: expect.stringContaining('4 处') });
    expect(several.errors).toEqual([
      { path: 'body/startDate', message: '开始日期应为 YYYY-MM-DD 格式的有效日期，如 2026-01-15' },
      { path: 'body/rentFree/1/to', message: '免租期结束日 2026-05-01 早于开始日 2026-05-10，请对调两个日期' },
      {
        path: 'body/lateFee/capRatio',
        message: '违约金上限比例应为写成文本的小数，如 "0.3"（不用百分号、正负号或科学计数法）',
      },
      { path: 'body/taxRate', message: '税率应为写成文本的小数，如 "0.09"（不用百分号、正负号或科学计数法）' },
    ]);
  });

  it('speaks English when asked', async () => {
    const problem = problemOf(await preview({ ...exampleTerms, endDate: '2046-01-15' }, 'zichan', 'en'));
    expect(problem).toMatchObject({
      status: 422,
      code: 'terms_too_long',
      detail: 'A lease runs at most 20 years (Civil Code art. 705); the latest end date is 2046-01-14',
    });
    const outside = problemOf(
      await preview({ ...exampleTerms, rentFree: [{ from: '2025-12-01', to: '2026-01-31' }] }, 'zichan', 'en'),
    );
    expect(outside.errors).toEqual([
      {
        path: 'body/rentFree/0',
        message:
          'The rent-free range 2025-12-01 to 2026-01-31 is outside the term 2026-01-15 to 2029-01-14; keep it inside',
      },
    ]);
  });
});

const lateFeePreview = async (payload: unknown, username = 'caiwu') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/late-fee-preview',
    headers: await t.as(username),
    payload: payload as object,
  });

describe('POST /api/v1/late-fee-preview', () => {
  it('computes the penalty with a partial payment mid-way, rounded once', async () => {
    // 03-11 … 03-14: 4 × 333,333; 03-15 … 03-20: 6 × 200,000 → 2,533,332 fen·days × 0.0005 = 1,266.67 → 1,267.
    const response = await lateFeePreview({
      principalFen: 333333,
      dueDate: '2026-03-10',
      lateFee: { dailyRate: '0.0005' },
      payments: [{ date: '2026-03-15', amountFen: 133333 }],
      asOf: '2026-03-20',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ lateFeeFen: 1267, overdueDays: 10 });
  });

  it('applies the grace days and the cap', async () => {
    const graced = await lateFeePreview({
      principalFen: 1000000,
      dueDate: '2026-03-10',
      lateFee: { dailyRate: '0.0005', graceDays: 5, capRatio: '0.3' },
      payments: [],
      asOf: '2026-03-25',
    });
    expect(graced.json()).toEqual({ lateFeeFen: 5000, overdueDays: 10 });
    const capped = await lateFeePreview({
      principalFen: 100000,
      dueDate: '2026-01-01',
      lateFee: { dailyRate: '0.0005', capRatio: '0.3' },
      payments: [],
      asOf: '2027-12-02',
    });
    expect(capped.json()).toEqual({ lateFeeFen: 30000, overdueDays: 700 });
  });

  it('refuses bad input naming the field', async () => {
    const shape = problemOf(
      await lateFeePreview({
        principalFen: 100.5,
        dueDate: '2026-03-10',
        lateFee: { dailyRate: '0.0005' },
        asOf: '2026-03-20',
      }),
    );
    expect(shape.status).toBe(400);
    expect(shape.errors?.map((error) => error.path).sort()).toEqual(['body/payments', 'body/principalFen']);

    const rules = problemOf(
      await lateFeePreview({
        principalFen: 100000,
        dueDate: '2026-03-10',
        lateFee: { dailyRate: '0.05%' },
        payments: [{ date: '2026-3-15', amountFen: 100 }],
        asOf: '2026-03-20',
      }),
    );
    expect(rules).toMatchObject({ status: 422, code: 'rules_broken' });
    expect(rules.errors).toEqual([
      {
        path: 'body/lateFee/dailyRate',
        message: '日违约金率应为写成文本的小数，如 "0.0005"（不用百分号、正负号或科学计数法）',
      },
      { path: 'body/payments/0/date', message: '第 1 笔缴款的日期应为 YYYY-MM-DD 格式的有效日期，如 2026-01-15' },
    ]);
  });

  it('is documented in the OpenAPI document with the schedule preview', async () => {
    const paths = (await t.app.inject({ url: '/openapi.json' })).json().paths;
    expect(paths['/api/v1/late-fee-preview']?.post).toBeDefined();
    expect(paths['/api/v1/contracts/schedule-preview']?.post).toBeDefined();
  });
});
