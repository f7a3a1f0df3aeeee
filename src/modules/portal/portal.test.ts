import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { issueBill, makeContract } from '../../../test/helpers/collections.ts';
import { pdfText } from '../../../test/helpers/pdf-text.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import { type Actor, systemActor } from '../audit/service.ts';
import { billFigures } from '../billing/penalty.ts';
import { applyPayment } from '../collections/service.ts';
import { receiptsService } from '../receipts/service.ts';
import { LOGIN_CODE_MAX_ATTEMPTS } from './login-code.ts';

let t: TestApp;
const today = chinaDate(new Date());
const tag = () => randomBytes(3).toString('hex').toUpperCase();
const newPhone = () => `139${String(randomInt(0, 10 ** 8)).padStart(8, '0')}`;
let ipCount = 0;
/** Each test from an address of its own, so the per-address limit counts only what the test means it to. */
const newIp = () => `10.0.${Math.floor(++ipCount / 250)}.${ipCount % 250}`;

/** A tenant whose phone is stored as the tenants module stores it (encrypted, with its blind index). */
async function tenantWithPhone(phone: string, name = `门户承租方${tag()}`) {
  const [row] = await queryRows<{ id: string }>(
    t.database.orm,
    sql`INSERT INTO tenants (org_id, code, kind, name, id_number_enc, id_number_index, phone_enc, phone_index)
        VALUES (${t.orgId}, ${`P${tag()}`}, 'individual', ${name}, 'v1:test', ${`idx-${tag()}`},
                ${t.pii.encrypt('phone', phone)}, ${t.pii.blindIndex('phone', phone)})
        RETURNING id`,
  );
  return { id: row!.id, name };
}

function requestCode(phone: string, ip: string) {
  return t.app.inject({ method: 'POST', url: '/api/v1/portal/auth/otp', payload: { phone }, remoteAddress: ip });
}

function login(phone: string, code: string, ip: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/auth/login',
    payload: { phone, code },
    remoteAddress: ip,
  });
}

/** The code in the latest login SMS to the tenant, as the outbox holds it with the development sender. */
async function codeSentTo(tenantId: string): Promise<string> {
  const [row] = await queryRows<{ body: string }>(
    t.database.orm,
    sql`SELECT body FROM outbound_messages WHERE kind = 'login_code' AND tenant_id = ${tenantId}
         ORDER BY created_at DESC LIMIT 1`,
  );
  const code = row?.body.match(/验证码为 (\d{6})/)?.[1];
  if (!code) throw new Error(`no login code sent to ${tenantId}`);
  return code;
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function loggedIn(phone: string, tenantId: string) {
  const ip = newIp();
  expect((await requestCode(phone, ip)).statusCode).toBe(202);
  const response = await login(phone, await codeSentTo(tenantId), ip);
  expect(response.statusCode).toBe(200);
  return { authorization: `Bearer ${response.json().token as string}` };
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('portal login by SMS code', () => {
  it('answers a known and an unknown phone alike; only the known one gets an SMS, shown to admins under the dev sender', async () => {
    const phone = newPhone();
    const tenant = await tenantWithPhone(phone);
    const unknownPhone = newPhone();
    const before = await queryRows<{ count: string }>(
      t.database.orm,
      sql`SELECT count(*) AS count FROM outbound_messages WHERE kind = 'login_code'`,
    );

    const known = await requestCode(` +86 ${phone.slice(0, 3)}-${phone.slice(3)}`, newIp());
    const unknown = await requestCode(unknownPhone, newIp());
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.json()).toEqual({ sent: true, resendAfterSeconds: 60 });
    expect(unknown.body).toBe(known.body);

    const after = await queryRows<{ count: string }>(
      t.database.orm,
      sql`SELECT count(*) AS count FROM outbound_messages WHERE kind = 'login_code'`,
    );
    expect(Number(after[0]!.count) - Number(before[0]!.count)).toBe(1);
    const code = await codeSentTo(tenant.id);
    // The code is stored only as a keyed hash.
    const stored = await queryRows<{ code_hash: string; phone_index: string }>(
      t.database.orm,
      sql`SELECT code_hash, phone_index FROM portal_login_codes WHERE phone_index = ${t.pii.blindIndex('phone', phone)}`,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.code_hash).not.toContain(code);

    const log = await t.app.inject({
      method: 'GET',
      url: `/api/v1/messages?tenantId=${tenant.id}`,
      headers: await t.as('admin'),
    });
    expect(log.statusCode).toBe(200);
    const [message] = log.json().items;
    expect(message).toMatchObject({
      kind: 'login_code',
      channel: 'sms',
      recipientMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      templateCode: 'portal_login_code',
    });
    expect(message.body).toContain(code);
    // Sent at once, not at the delivery job's next minute.
    await vi.waitFor(async () => {
      const [status] = await queryRows<{ status: string; provider: string }>(
        t.database.orm,
        sql`SELECT status, provider FROM outbound_messages WHERE kind = 'login_code' AND tenant_id = ${tenant.id}`,
      );
      expect(status).toEqual({ status: 'sent', provider: 'dev' });
    });
  });

  it('logs in with the right code once; a wrong code says how many tries are left; a used code no longer works', async () => {
    const phone = newPhone();
    const tenant = await tenantWithPhone(phone, '李门户');
    const ip = newIp();
    await requestCode(phone, ip);
    const code = await codeSentTo(tenant.id);

    const wrong = await login(phone, wrongCode(code), ip);
    expect(problemOf(wrong)).toMatchObject({
      status: 401,
      code: 'portal_code_wrong',
      detail: '验证码错误，还可再试 4 次',
    });

    const right = await login(phone, code, ip);
    expect(right.statusCode).toBe(200);
    expect(right.json()).toEqual({ token: expect.any(String), tenant: { id: tenant.id, name: '李门户' } });
    const headers = { authorization: `Bearer ${right.json().token}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/portal/me', headers });
    expect(me.json()).toMatchObject({ tenant: { id: tenant.id, name: '李门户', kind: 'individual' } });

    const again = await login(phone, code, ip);
    expect(problemOf(again)).toMatchObject({ status: 401, code: 'portal_code_expired' });

    const audit = await queryRows<{ action: string }>(
      t.database.orm,
      sql`SELECT action FROM audit_log WHERE action LIKE 'portal.%' AND (entity_id = ${tenant.id} OR actor_id = ${tenant.id})
          ORDER BY seq`,
    );
    expect(audit.map((row) => row.action)).toEqual([
      'portal.login_code_send',
      'portal.login_failed',
      'portal.login',
      'portal.login_failed',
    ]);

    const logout = await t.app.inject({ method: 'POST', url: '/api/v1/portal/auth/logout', headers });
    expect(logout.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/portal/me', headers })).statusCode).toBe(401);
  });

  it('refuses an expired code', async () => {
    const phone = newPhone();
    const tenant = await tenantWithPhone(phone);
    const ip = newIp();
    await requestCode(phone, ip);
    const code = await codeSentTo(tenant.id);
    await t.database.orm.execute(
      sql`UPDATE portal_login_codes SET expires_at = now() - interval '1 second'
           WHERE phone_index = ${t.pii.blindIndex('phone', phone)}`,
    );
    expect(problemOf(await login(phone, code, ip))).toMatchObject({ status: 401, code: 'portal_code_expired' });
  });

  it(`lets a code be tried ${LOGIN_CODE_MAX_ATTEMPTS} times, then not even the right code works`, async () => {
    const phone = newPhone();
    const tenant = await tenantWithPhone(phone);
    const ip = newIp();
    await requestCode(phone, ip);
    const code = await codeSentTo(tenant.id);
    const answers: string[] = [];
    for (let attempt = 0; attempt < LOGIN_CODE_MAX_ATTEMPTS; attempt += 1) {
      answers.push(problemOf(await login(phone, wrongCode(code), ip)).code);
    }
    expect(answers).toEqual([...Array(LOGIN_CODE_MAX_ATTEMPTS - 1).fill('portal_code_wrong'), 'portal_code_attempts']);
    expect(problemOf(await login(phone, code, ip))).toMatchObject({ status: 401, code: 'portal_code_attempts' });
  });

  it('gives one code a minute per phone, known or not, and answers an unknown phone’s login like a wrong code', async () => {
    const known = newPhone();
    await tenantWithPhone(known);
    const unknown = newPhone();
    for (const phone of [known, unknown]) {
      expect((await requestCode(phone, newIp())).statusCode).toBe(202);
      const again = problemOf(await requestCode(phone, newIp()));
      expect(again).toMatchObject({ status: 429, code: 'portal_code_wait' });
      expect(again.detail).toMatch(/^验证码获取过于频繁，请 (60|59) 秒后再试$/);
    }
    const guess = problemOf(await login(unknown, '123456', newIp()));
    expect(guess).toMatchObject({ status: 401, code: 'portal_code_wrong', detail: '验证码错误，还可再试 4 次' });
    const never = problemOf(await login(newPhone(), '123456', newIp()));
    expect(never).toMatchObject({ status: 401, code: 'portal_code_expired' });
  });

  it('refuses a number that is not a mobile, and limits requests per client address', async () => {
    const ip = newIp();
    const notMobile = problemOf(await requestCode('023-49881234', ip));
    expect(notMobile).toMatchObject({ status: 422, code: 'mobile_format' });
    for (let request = 1; request < t.config.loginRateLimitPerMinute; request += 1) {
      expect((await requestCode('12345', ip)).statusCode).toBe(422);
    }
    const limited = await requestCode(newPhone(), ip);
    expect(limited.statusCode).toBe(429);
    // Another address is not affected.
    expect((await requestCode(newPhone(), newIp())).statusCode).toBe(202);
  });
});

describe("the tenant's own bills, payments and receipts", () => {
  let phone: string;
  let tenant: { id: string; name: string };
  let bills: { overdue: { id: string; number: string }; future: { id: string }; paid: { id: string } };
  let receipt: { id: string; number: string };
  let paymentId: string;
  let headers: Record<string, string>;
  const actor: Actor = { ...systemActor, name: 'alipay' };

  beforeAll(async () => {
    phone = newPhone();
    tenant = await tenantWithPhone(phone, '赵门户');
    const contractId = await makeContract(t.database.orm, t.orgId, tenant.id);
    const base = { contractId, tenantId: tenant.id };
    bills = {
      future: await issueBill(t.database.orm, t.orgId, { ...base, dueDate: addDays(today, 20), amountFen: 30_000 }),
      overdue: await issueBill(t.database.orm, t.orgId, { ...base, dueDate: addDays(today, -30), amountFen: 100_000 }),
      paid: await issueBill(t.database.orm, t.orgId, { ...base, dueDate: addDays(today, -5), amountFen: 50_000 }),
    };
    const paid = await t.database.orm.transaction(async (tx) => {
      const { payment } = await applyPayment(
        tx,
        { ...actor, orgId: t.orgId },
        {
          orgId: t.orgId,
          tenantId: tenant.id,
          // More than the bill and its penalty: the rest is an advance.
          amountFen: 60_000,
          receivedOn: today,
          method: 'alipay',
          reference: `2026${tag()}`,
          billIds: [bills.paid.id],
          debitPurpose: 'clearing_alipay',
        },
      );
      return { payment, receipt: await receiptsService.issueFor(tx, { ...actor, orgId: t.orgId }, payment) };
    });
    receipt = paid.receipt;
    paymentId = paid.payment.id;
    headers = await loggedIn(phone, tenant.id);
  });

  it('lists unsettled bills first by due date with what settles each today, then the settled ones', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/portal/bills', headers });
    expect(response.statusCode).toBe(200);
    const { items, asOf } = response.json();
    expect(asOf).toBe(today);
    expect(items.map((bill: { id: string }) => bill.id)).toEqual([bills.overdue.id, bills.future.id, bills.paid.id]);

    const expected = billFigures(
      {
        status: 'open',
        amountFen: 100_000,
        dueDate: addDays(today, -30),
        lateFeeTerms: { dailyRate: '0.0005' },
        lateFeeFen: 0,
        lateFeeWaivedFen: 0,
        lateFeePaidFen: 0,
        principalPaidFen: 0,
      },
      [],
      today,
    );
    expect(expected.penaltyOwedFen).toBe(1_450); // 29 days through yesterday × 0.05% × 1,000 yuan
    expect(items[0]).toMatchObject({
      id: bills.overdue.id,
      number: bills.overdue.number,
      kind: 'charge',
      status: 'open',
      amountFen: 100_000,
      outstandingFen: 100_000,
      payableFen: 101_450,
      lateFeeTodayFen: 1_450,
      overdue: true,
      overdueDays: 30,
      openOrderNo: null,
    });
    expect(items[1]).toMatchObject({ payableFen: 30_000, lateFeeTodayFen: 0, overdue: false, overdueDays: 0 });
    expect(items[2]).toMatchObject({ status: 'paid', payableFen: 0, outstandingFen: 0, settledOn: today });
  });

  it('lists their payments with the bills each paid and the receipt, and gives them their receipt PDF only', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/portal/payments', headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      total: 1,
      page: 1,
      items: [
        {
          id: paymentId,
          method: 'alipay',
          methodName: '支付宝',
          receivedOn: today,
          receiptId: receipt.id,
          receiptNumber: receipt.number,
          allocations: [{ billId: bills.paid.id, item: '测试费用' }],
        },
      ],
    });

    const pdf = await t.app.inject({ method: 'GET', url: `/api/v1/portal/receipts/${receipt.id}/pdf`, headers });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdfText(pdf.rawPayload)).toContain(`收据编号：${receipt.number}`);

    // Another tenant sees neither the receipt nor the payment.
    const otherPhone = newPhone();
    const other = await tenantWithPhone(otherPhone);
    const otherHeaders = await loggedIn(otherPhone, other.id);
    const refused = await t.app.inject({
      method: 'GET',
      url: `/api/v1/portal/receipts/${receipt.id}/pdf`,
      headers: otherHeaders,
    });
    expect(problemOf(refused)).toMatchObject({ status: 404 });
    const theirs = await t.app.inject({ method: 'GET', url: '/api/v1/portal/payments', headers: otherHeaders });
    expect(theirs.json()).toMatchObject({ items: [], total: 0 });
    const theirBills = await t.app.inject({ method: 'GET', url: '/api/v1/portal/bills', headers: otherHeaders });
    expect(theirBills.json().items).toEqual([]);

    // A tenant session is not a staff one, and the other way round.
    const staffRoute = await t.app.inject({ method: 'GET', url: '/api/v1/receipts', headers });
    expect(problemOf(staffRoute)).toMatchObject({ status: 403, code: 'staff_only' });
    const portalRoute = await t.app.inject({
      method: 'GET',
      url: '/api/v1/portal/bills',
      headers: await t.as('caiwu'),
    });
    expect(problemOf(portalRoute)).toMatchObject({ status: 403, code: 'tenant_only' });
  });
});
