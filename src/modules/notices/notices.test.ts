import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { pdfText } from '../../../test/helpers/pdf-text.ts';
import { queryRows } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import { chineseAmount } from '../../domain/chinese-amount.ts';
import { lateFee } from '../../domain/late-fee.ts';
import { formatYuan } from '../../domain/money.ts';
import { NOTICE_FONT_NAME } from './pdf.ts';

let t: TestApp;
let tenantId: string;
let billId: string;
const today = chinaDate(new Date());
const dueDate = addDays(today, -40);
const paidOn = addDays(today, -20);
const terms = { dailyRate: '0.0005' };

beforeAll(async () => {
  t = await createTestApp();
  const [contract] = await queryRows<{ id: string; tenantId: string }>(
    t.database.orm,
    sql`SELECT id, tenant_id AS "tenantId" FROM contracts WHERE org_id = ${t.orgId} AND status = 'active'
         ORDER BY number LIMIT 1`,
  );
  tenantId = contract!.tenantId;
  // A rent bill 40 days overdue, 1,000 yuan of it paid 20 days ago (until the billing and payments code lands,
  // written as those will write them).
  const [bill] = await queryRows<{ id: string }>(
    t.database.orm,
    sql`INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, period_index, revision, period_start, period_end,
                           due_date, amount_fen, net_fen, tax_fen, tax_rate, late_fee_terms, principal_paid_fen, status)
        VALUES (${t.orgId}, 'TZD-NOTICE-0001', ${contract!.id}, ${tenantId}, 'rent', 900, 0, ${addDays(dueDate, -10)},
                ${addDays(dueDate, 80)}, ${dueDate}, 1234567, 1132630, 101937, '0.09', ${JSON.stringify(terms)}::jsonb,
                100000, 'partial')
        RETURNING id`,
  );
  billId = bill!.id;
  await t.database.orm.execute(sql`
    WITH payment AS (
      INSERT INTO payments (org_id, number, tenant_id, method, amount_fen, received_on)
      VALUES (${t.orgId}, 'TSK-NOTICE-0001', ${tenantId}, 'bank_transfer', 100000, ${paidOn}) RETURNING id)
    INSERT INTO payment_allocations (org_id, payment_id, bill_id, applied_on, principal_fen, late_fee_fen)
    SELECT ${t.orgId}, id, ${billId}, ${paidOn}, 100000, 0 FROM payment`);
});
afterAll(() => t.close());

async function get(url: string, user = 'caiwu') {
  return t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: await t.as(user) });
}

describe('the payment notice of a bill (缴费通知单)', () => {
  it('is a small PDF with an embedded, subset Chinese font, the bill and its total in figures and in 大写', async () => {
    const response = await get(`/bills/${billId}/notice.pdf`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toContain('.pdf');
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeLessThan(300 * 1024);
    const raw = pdf.toString('latin1');
    // A TrueType font program embedded (FontFile2), subset (the ABCDEF+ prefix), with glyphs for Chinese.
    expect(raw).toMatch(/\/FontFile2 \d+ 0 R/);
    expect(raw).toMatch(new RegExp(`/BaseFont /[A-Z]{6}\\+${NOTICE_FONT_NAME}`));

    // The penalty through today on what was unpaid each day, by the domain's rule (the same as the bill view's).
    const penalty = lateFee({
      principalFen: 1_234_567,
      dueDate,
      lateFee: terms,
      payments: [{ date: paidOn, amountFen: 100_000 }],
      asOf: addDays(today, -1),
    }).lateFeeFen;
    expect(penalty).toBeGreaterThan(0);
    const payable = 1_234_567 - 100_000 + penalty;

    const text = pdfText(pdf);
    for (const expected of [
      '缴 费 通 知 单',
      'TZD-NOTICE-0001',
      dueDate,
      '12,345.67',
      formatYuan(penalty, { grouping: true }),
      '1,000.00',
      formatYuan(payable, { grouping: true }),
      `应缴合计：¥${formatYuan(payable, { grouping: true })}`,
      `人民币（大写）：${chineseAmount(payable)}`,
      '缴费方式：',
    ]) {
      expect(text).toContain(expected);
    }
    const [org] = await queryRows<{ name: string }>(t.database.orm, sql`SELECT name FROM orgs WHERE id = ${t.orgId}`);
    const [tenant] = await queryRows<{ name: string }>(
      t.database.orm,
      sql`SELECT name FROM tenants WHERE id = ${tenantId}`,
    );
    expect(text).toContain(org!.name);
    expect(text).toContain(`承租方：${tenant!.name}`);
  });

  it('answers 404 for an unknown bill, 409 for a void one, and only to staff who may read bills', async () => {
    const missing = await get('/bills/00000000-0000-4000-8000-000000000000/notice.pdf');
    expect(missing.statusCode).toBe(404);
    expect(problemOf(missing).detail).toContain('账单');

    const [voided] = await queryRows<{ id: string }>(
      t.database.orm,
      sql`INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, period_index, due_date, amount_fen, net_fen,
                             tax_fen, status, void_reason)
          SELECT org_id, 'TZD-NOTICE-0002', contract_id, tenant_id, 'rent', 901, due_date, 100, 100, 0, 'void', '开错了'
            FROM bills WHERE id = ${billId}
          RETURNING id`,
    );
    const refusedVoid = await get(`/bills/${voided!.id}/notice.pdf`);
    expect(refusedVoid.statusCode).toBe(409);
    expect(problemOf(refusedVoid).detail).toContain('TZD-NOTICE-0002');

    const { token } = await t.app.auth.openSession(
      { principal: 'tenant', orgId: t.orgId, tenantId },
      { ip: null, userAgent: null },
    );
    for (const url of [`/api/v1/bills/${billId}/notice.pdf`, `/api/v1/tenants/${tenantId}/payment-notice.pdf`]) {
      const refused = await t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
      expect(refused.statusCode).toBe(403);
      expect((await t.app.inject({ url })).statusCode).toBe(401);
    }
    // Every staff role reads bills today; the routes ask for exactly that permission.
    const routes = t.app.routeAccess.filter((route) => route.url.endsWith('notice.pdf') && route.method === 'GET');
    expect(routes.map((route) => route.access)).toEqual(['bill:read', 'bill:read']);
    expect((await get(`/bills/${billId}/notice.pdf`, 'zichan')).statusCode).toBe(200);
  });
});

describe('the payment notice of a tenant', () => {
  it('lists all the tenant’s unsettled bills with a pay-link QR code each', async () => {
    const response = await get(`/tenants/${tenantId}/payment-notice.pdf`);
    expect(response.statusCode).toBe(200);
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('TZD-NOTICE-0001');
    const [unsettled] = await queryRows<{ count: string }>(
      t.database.orm,
      sql`SELECT count(*) AS count FROM bills WHERE tenant_id = ${tenantId} AND status IN ('open', 'partial')`,
    );
    // One “扫码缴费” caption under each bill's QR code.
    expect(text.match(/扫码缴费/g)?.length).toBe(Number(unsettled!.count));
    expect(text).toContain('人民币（大写）：');
    expect((await get('/tenants/00000000-0000-4000-8000-000000000000/payment-notice.pdf')).statusCode).toBe(404);
  });
});
