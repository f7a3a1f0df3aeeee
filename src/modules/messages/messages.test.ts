import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { PiiCipher } from '../../crypto/pii.ts';
import { queryRows } from '../../db/client.ts';
import { addDays } from '../../domain/calendar.ts';
import { scheduledJobs } from '../../jobs/index.ts';
import { today } from '../contracts/service.ts';
import { signPayLink } from './pay-link.ts';
import type { MessageSender, OutgoingMessage, Senders } from './senders.ts';
import { SendError } from './senders.ts';
import { messagesService } from './service.ts';

let t: TestApp;
/** A demo contract of a tenant whose phone (13900001111) and WeChat openid this file sets. */
let contract: { id: string; tenantId: string; tenantName: string };
const PHONE = '13900001111';
const OPENID = 'oTEST-openid-0001';

beforeAll(async () => {
  t = await createTestApp();
  const [row] = await queryRows<{ id: string; tenant_id: string; name: string }>(
    t.database.orm,
    sql`SELECT c.id, c.tenant_id, tn.name FROM contracts c JOIN tenants tn ON tn.id = c.tenant_id
        WHERE c.org_id = ${t.orgId} AND tn.kind = 'enterprise' ORDER BY c.number LIMIT 1`,
  );
  contract = { id: row!.id, tenantId: row!.tenant_id, tenantName: row!.name };
  await t.database.orm.execute(
    sql`UPDATE tenants SET phone_enc = ${t.pii.encrypt('phone', PHONE)}, wechat_openid = ${OPENID}
        WHERE id = ${contract.tenantId}`,
  );
});
afterAll(() => t.close());

let billCount = 0;
/** A bill written straight into `bills` (a one-off charge), as the billing run would have issued it. */
async function bill(input: {
  dueDate: string;
  amountFen?: number;
  status?: 'open' | 'void';
  lateFeeTerms?: object | null;
  tenantId?: string;
  contractId?: string;
}): Promise<{ id: string; number: string }> {
  billCount += 1;
  const number = `MSG-${randomUUID().slice(0, 8)}-${billCount}`;
  const amount = input.amountFen ?? 300_000;
  const [row] = await queryRows<{ id: string }>(
    t.database.orm,
    sql`INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, due_date, amount_fen, net_fen, tax_fen,
                           late_fee_terms, status, void_reason, charge_item, description)
        VALUES (${t.orgId}, ${number}, ${input.contractId ?? contract.id}, ${input.tenantId ?? contract.tenantId},
                'charge', ${input.dueDate}, ${amount}, ${amount}, 0,
                ${input.lateFeeTerms ? JSON.stringify(input.lateFeeTerms) : null}::jsonb,
                ${input.status ?? 'open'}, ${input.status === 'void' ? '录入错误' : null}, 'other', '测试费用')
        RETURNING id`,
  );
  return { id: row!.id, number };
}

const messagesOf = (billIds: string[]) =>
  queryRows<{
    bill_id: string;
    channel: string;
    status: string;
    attempts: number;
    recipient_enc: string;
    recipient_masked: string;
    template_code: string;
    body: string;
    pay_link: string;
    dedupe_key: string;
    next_attempt_at: string;
    provider: string | null;
    provider_message_id: string | null;
    last_error: string | null;
    sent_at: Date | null;
    params: Record<string, string>;
  }>(
    t.database.orm,
    sql`SELECT * FROM outbound_messages WHERE bill_id IN ${sql.raw(`(${billIds.map((id) => `'${id}'`).join(',')})`)}
        ORDER BY bill_id, channel`,
  );

const run = async (asOf: string, user = 'caiwu') =>
  t.app.inject({ method: 'POST', url: '/api/v1/reminders/run', headers: await t.as(user), payload: { asOf } });

describe('reminder settings', () => {
  it('answers the defaults, saves valid rules (audited) and names what is wrong', async () => {
    const got = await t.app.inject({ url: '/api/v1/settings/reminders', headers: await t.as('caiwu') });
    expect(got.json()).toEqual({
      beforeDueDays: [3],
      onDueDate: true,
      overdueEveryDays: 7,
      quietHours: { start: '21:00', end: '08:00' },
      channels: ['sms', 'wechat'],
    });
    const rules = {
      beforeDueDays: [3, 7],
      onDueDate: true,
      overdueEveryDays: 7,
      quietHours: { start: '21:00', end: '08:00' },
      channels: ['sms', 'wechat'],
    };
    const saved = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/reminders',
      headers: await t.as('caiwu'),
      payload: rules,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().beforeDueDays).toEqual([7, 3]);
    const [audit] = await queryRows<{ action: string }>(
      t.database.orm,
      sql`SELECT action FROM audit_log WHERE action = 'settings.reminders_update'`,
    );
    expect(audit).toEqual({ action: 'settings.reminders_update' });

    const repeated = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/reminders',
      headers: await t.as('admin'),
      payload: { ...rules, beforeDueDays: [3, 3], channels: ['sms', 'sms'] },
    });
    expect(problemOf(repeated)).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(problemOf(repeated).errors).toEqual([
      { path: 'body/beforeDueDays/1', message: '提前提醒天数 3 重复了，每个天数只填一次' },
      { path: 'body/channels/1', message: '提醒渠道 sms 重复了，每个渠道只选一次' },
    ]);
    const badTime = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/reminders',
      headers: await t.as('caiwu'),
      payload: { ...rules, quietHours: { start: '25:00', end: '08:00' } },
    });
    expect(problemOf(badTime).status).toBe(400);
    const zichan = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/reminders',
      headers: await t.as('zichan'),
      payload: rules,
    });
    expect(problemOf(zichan)).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('the reminder scan', () => {
  it('queues one message per channel for bills due in 7 or 3 days, today, or overdue by a multiple of 7 days; once', async () => {
    const asOf = addDays(today(), 40);
    const terms = { dailyRate: '0.001' };
    const inSeven = await bill({ dueDate: addDays(asOf, 7) });
    const inThree = await bill({ dueDate: addDays(asOf, 3) });
    const dueToday = await bill({ dueDate: asOf });
    const overdue14 = await bill({ dueDate: addDays(asOf, -14), lateFeeTerms: terms, amountFen: 100_000 });
    const quiet = [
      await bill({ dueDate: addDays(asOf, 2) }),
      await bill({ dueDate: addDays(asOf, -10), lateFeeTerms: terms }),
      await bill({ dueDate: asOf, status: 'void' }),
    ];

    const first = await run(asOf);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().queued).toBeGreaterThanOrEqual(8);
    const rows = await messagesOf([inSeven, inThree, dueToday, overdue14, ...quiet].map((b) => b.id));
    const byBill = (id: string) => rows.filter((row) => row.bill_id === id).map((row) => row.channel);
    expect(byBill(inSeven.id)).toEqual(['sms', 'wechat']);
    expect(byBill(inThree.id)).toEqual(['sms', 'wechat']);
    expect(byBill(dueToday.id)).toEqual(['sms', 'wechat']);
    expect(byBill(overdue14.id)).toEqual(['sms', 'wechat']);
    expect(rows).toHaveLength(8);

    const sms = rows.find((row) => row.bill_id === overdue14.id && row.channel === 'sms')!;
    expect(sms).toMatchObject({
      status: 'pending',
      attempts: 0,
      recipient_masked: '139****1111',
      template_code: 'bill_reminder_overdue',
      dedupe_key: `reminder:${overdue14.id}:${asOf}:sms`,
    });
    expect(t.pii.decrypt('recipient', sms.recipient_enc)).toBe(PHONE);
    // 1,000 yuan 14 days overdue at 0.1% a day; paid today, today accrues nothing: 13 yuan of penalty, 1,013 payable.
    expect(sms.body).toContain(overdue14.number);
    expect(sms.body).toContain('已逾期 14 天，今日应缴 1013.00 元（含违约金 13.00 元）');
    expect(sms.body).toContain(sms.pay_link);
    expect(sms.pay_link).toMatch(/^http:\/\/localhost:3000\/m\/pay\/[\w-]+\.[\w-]+$/);
    const wechat = rows.find((row) => row.bill_id === overdue14.id && row.channel === 'wechat')!;
    expect(t.pii.decrypt('recipient', wechat.recipient_enc)).toBe(OPENID);
    expect(wechat.recipient_masked).toBe('oTES****0001');
    expect(rows.find((row) => row.bill_id === inSeven.id)!.body).toContain('还有 7 天');

    const again = await run(asOf);
    expect(again.json()).toEqual({ queued: 0 });
    expect(await messagesOf([inSeven, inThree, dueToday, overdue14].map((b) => b.id))).toHaveLength(8);
    expect((await run(asOf, 'zichan')).statusCode).toBe(403);
  });

  it('sends only the configured channels, and SMS only to mobiles', async () => {
    const asOf = addDays(today(), 80);
    const headers = await t.as('caiwu');
    const current = (await t.app.inject({ url: '/api/v1/settings/reminders', headers })).json();
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/reminders',
      headers,
      payload: { ...current, channels: ['wechat'] },
    });
    const wechatOnly = await bill({ dueDate: asOf });
    await run(asOf);
    expect((await messagesOf([wechatOnly.id])).map((row) => row.channel)).toEqual(['wechat']);
    await t.app.inject({ method: 'PUT', url: '/api/v1/settings/reminders', headers, payload: current });
  });
});

/** A sender that answers from a script: ok, or a failure. */
function scripted(provider: string, outcomes: ('ok' | 'fail')[]): MessageSender & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    provider,
    sent,
    async send(message) {
      sent.push(message);
      if ((outcomes.shift() ?? 'ok') === 'fail') throw new SendError(`${provider} 网关超时`);
      return { providerMessageId: `${provider}-${sent.length}` };
    },
  };
}

describe('delivery', () => {
  /** Queues reminders for one new bill due on a day far from every other test's, and returns its messages. */
  async function queued(daysAhead: number) {
    const asOf = addDays(today(), daysAhead);
    const b = await bill({ dueDate: asOf });
    await run(asOf);
    // The demo's own bills get reminders that day too; only this bill's are left to deliver.
    await t.database.orm.execute(
      sql`UPDATE outbound_messages SET status = 'dead' WHERE bill_id <> ${b.id} AND status IN ('pending', 'failed')`,
    );
    return b;
  }

  it('sends due messages outside quiet hours and defers them to the end of the quiet hours', async () => {
    const b = await queued(120);
    // 22:30 in China: nothing goes out; they wait until 08:00.
    const night = new Date(Date.now() + 86_400_000);
    night.setUTCHours(14, 30, 0, 0);
    const senders: Senders = { sms: scripted('aliyun', []), wechat: scripted('wechat_mp', []) };
    const deferred = await messagesService.deliverDue(t.database.orm, { pii: t.pii, senders }, { now: night });
    expect(deferred.sent).toBe(0);
    expect(deferred.deferred).toBeGreaterThanOrEqual(2);
    const morning = new Date(night.getTime() + 9.5 * 3_600_000); // 08:00 China next day
    for (const row of await messagesOf([b.id])) {
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
      expect(new Date(row.next_attempt_at).toISOString()).toBe(morning.toISOString());
    }

    const report = await messagesService.deliverDue(t.database.orm, { pii: t.pii, senders }, { now: morning });
    expect(report.sent).toBeGreaterThanOrEqual(2);
    const rows = await messagesOf([b.id]);
    expect(rows.map((row) => [row.channel, row.status, row.attempts, row.provider])).toEqual([
      ['sms', 'sent', 1, 'aliyun'],
      ['wechat', 'sent', 1, 'wechat_mp'],
    ]);
    expect(rows.every((row) => row.provider_message_id && row.sent_at)).toBe(true);
    const smsSent = (senders.sms as ReturnType<typeof scripted>).sent.find((m) => m.params.billNumber === b.number);
    expect(smsSent).toMatchObject({ channel: 'sms', recipient: PHONE });
  });

  it('sends a login code and a payment confirmation in the quiet hours at once; a reminder still waits', async () => {
    const reminder = await queued(200);
    const key = randomUUID();
    const queuedNow = await t.database.orm.transaction(async (tx) => ({
      loginCode: await messagesService.queueForTenant(
        tx,
        { pii: t.pii },
        {
          orgId: t.orgId,
          tenantId: contract.tenantId,
          recipient: PHONE,
          kind: 'login_code',
          templateCode: 'portal_login_code',
          params: { code: '381204', minutes: '5' },
          body: '您的登录验证码为 ******',
          dedupeKey: `login_code:${key}`,
        },
      ),
      // No recipient: the tenant's own number on file.
      paymentReceived: await messagesService.queueForTenant(
        tx,
        { pii: t.pii },
        {
          orgId: t.orgId,
          tenantId: contract.tenantId,
          kind: 'payment_received',
          templateCode: 'payment_received',
          params: { amount: '100.00', paymentNumber: `SK-${key}` },
          body: '您缴纳的 100.00 元已到账',
          dedupeKey: `payment_received:${key}:sms`,
        },
      ),
    }));
    expect(queuedNow.loginCode?.id).toBeTruthy();
    expect(queuedNow.paymentReceived?.id).toBeTruthy();

    // 23:10 in China, in the default quiet hours (21:00–08:00).
    const night = new Date(Date.now() + 3 * 86_400_000);
    night.setUTCHours(15, 10, 0, 0);
    const sms = scripted('aliyun', []);
    const senders: Senders = { sms, wechat: scripted('wechat_mp', []) };
    const report = await messagesService.deliverDue(t.database.orm, { pii: t.pii, senders }, { now: night });
    expect(report.sent).toBeGreaterThanOrEqual(2);
    expect(report.deferred).toBeGreaterThanOrEqual(1);
    const ours = sms.sent.filter((message) =>
      [queuedNow.loginCode!.id, queuedNow.paymentReceived!.id].includes(message.id),
    );
    expect(ours.map((message) => [message.kind, message.recipient]).sort()).toEqual([
      ['login_code', PHONE],
      ['payment_received', PHONE],
    ]);
    const [loginCode, paymentReceived] = await queryRows<{ status: string; kind: string }>(
      t.database.orm,
      sql`SELECT status, kind FROM outbound_messages WHERE id IN (${queuedNow.loginCode!.id}, ${queuedNow.paymentReceived!.id})
           ORDER BY kind`,
    );
    expect([loginCode, paymentReceived]).toEqual([
      { status: 'sent', kind: 'login_code' },
      { status: 'sent', kind: 'payment_received' },
    ]);
    const morning = new Date(night.getTime() + (8 * 60 + 50) * 60_000); // 08:00 China next day
    for (const row of await messagesOf([reminder.id])) {
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
      expect(new Date(row.next_attempt_at).toISOString()).toBe(morning.toISOString());
    }
  });

  it('retries after 1, 5, 30 minutes, 2 and 6 hours, keeps the last error, and gives up after 6 attempts', async () => {
    const b = await queued(160);
    const failing: Senders = { sms: scripted('tencent', Array(50).fill('fail')), wechat: scripted('dev', []) };
    // 10:00 China, well outside the quiet hours, and so is every retry below.
    let now = new Date(Date.now() + 2 * 86_400_000);
    now.setUTCHours(2, 0, 0, 0);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      await messagesService.deliverDue(t.database.orm, { pii: t.pii, senders: failing }, { now });
      const sms = (await messagesOf([b.id])).find((row) => row.channel === 'sms')!;
      expect(sms.attempts).toBe(attempt);
      expect(sms.last_error).toBe('tencent 网关超时');
      if (attempt < 6) {
        expect(sms.status).toBe('failed');
        waits.push((Date.parse(sms.next_attempt_at) - now.getTime()) / 60_000);
        // Not yet due a minute early.
        const early = await messagesService.deliverDue(
          t.database.orm,
          { pii: t.pii, senders: failing },
          { now: new Date(Date.parse(sms.next_attempt_at) - 60_000) },
        );
        expect((await messagesOf([b.id])).find((row) => row.channel === 'sms')!.attempts).toBe(attempt);
        expect(early.failed + early.dead).toBe(0);
        now = new Date(sms.next_attempt_at);
      } else {
        expect(sms.status).toBe('dead');
      }
    }
    expect(waits).toEqual([1, 5, 30, 120, 360]);
    const wechat = (await messagesOf([b.id])).find((row) => row.channel === 'wechat')!;
    expect(wechat).toMatchObject({ status: 'sent', provider: 'dev', attempts: 1 });
  });
});

describe('the pay-link page API', () => {
  const link = async (token: string) => t.app.inject({ url: `/api/v1/portal/pay-links/${token}` });

  it('shows the bill the link names, with today’s penalty and payable, to anyone holding the link', async () => {
    const b = await bill({ dueDate: addDays(today(), -10), amountFen: 200_000, lateFeeTerms: { dailyRate: '0.0005' } });
    const token = signPayLink(t.app.messaging.payLinkKey, { billId: b.id, orgId: t.orgId });
    const response = await link(token);
    expect(response.statusCode, response.body).toBe(200);
    const view = response.json();
    expect(view).toMatchObject({
      bill: {
        id: b.id,
        number: b.number,
        kind: 'charge',
        dueDate: addDays(today(), -10),
        amountFen: 200_000,
        paidFen: 0,
        // Settled today: 2,000 yuan × 0.05% × 9 days (the 10th, today, accrues nothing once paid today).
        lateFeeFen: 900,
        payableFen: 200_900,
        status: 'open',
        overdue: true,
        overdueDays: 10,
      },
      tenantName: contract.tenantName,
      orgName: expect.stringContaining('政鑫'),
    });
    expect(Date.parse(view.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it('refuses a forged link (403), an expired one and a void bill (410), in Chinese or English', async () => {
    const b = await bill({ dueDate: today() });
    const key = t.app.messaging.payLinkKey;
    const token = signPayLink(key, { billId: b.id, orgId: t.orgId });
    // A character inside the signature: the last one of base64url may differ only in padding bits (same bytes).
    const at = token.length - 10;
    const forged = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(problemOf(await link(forged))).toMatchObject({ status: 403, code: 'pay_link_forged' });
    const otherKey = signPayLink(Buffer.alloc(32, 7), { billId: b.id, orgId: t.orgId });
    expect(problemOf(await link(otherKey))).toMatchObject({ status: 403, code: 'pay_link_forged' });

    const old = signPayLink(key, { billId: b.id, orgId: t.orgId }, new Date('2026-01-01T00:00:00Z'), 30);
    const expired = problemOf(await link(old));
    expect(expired).toMatchObject({ status: 410, code: 'pay_link_expired' });
    expect(expired.detail).toBe('缴费链接已于 2026-01-31 过期，请联系物业或财务重新获取');
    const english = await t.app.inject({
      url: `/api/v1/portal/pay-links/${old}`,
      headers: { 'accept-language': 'en' },
    });
    expect(problemOf(english).detail).toBe(
      'This pay link expired on 2026-01-31; ask the property office for a new one',
    );

    const voided = await bill({ dueDate: today(), status: 'void' });
    const voidLink = signPayLink(key, { billId: voided.id, orgId: t.orgId });
    expect(problemOf(await link(voidLink))).toMatchObject({
      status: 410,
      code: 'pay_link_bill_void',
      detail: `账单 ${voided.number} 已作废，无需缴费；如有疑问请联系物业或财务`,
    });
  });

  it('masks an individual tenant’s name to the family name', async () => {
    const [individual] = await queryRows<{ id: string; tenant_id: string; name: string }>(
      t.database.orm,
      sql`SELECT c.id, c.tenant_id, tn.name FROM contracts c JOIN tenants tn ON tn.id = c.tenant_id
          WHERE c.org_id = ${t.orgId} AND tn.kind = 'individual' LIMIT 1`,
    );
    if (!individual) return;
    const b = await bill({ dueDate: today(), tenantId: individual.tenant_id, contractId: individual.id });
    const view = (await link(signPayLink(t.app.messaging.payLinkKey, { billId: b.id, orgId: t.orgId }))).json();
    expect(view.tenantName).toBe(`${[...individual.name][0]}${'*'.repeat([...individual.name].length - 1)}`);
  });
});

describe('the message list', () => {
  it('lists messages with tenant and bill for finance, filtered; asset managers may not read it', async () => {
    const b = await queued2();
    const response = await t.app.inject({
      url: `/api/v1/messages?billId=${b.id}&channel=sms`,
      headers: await t.as('caiwu'),
    });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    expect(page).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(page.items[0]).toMatchObject({
      channel: 'sms',
      kind: 'bill_reminder',
      tenantId: contract.tenantId,
      tenantName: contract.tenantName,
      billId: b.id,
      billNumber: b.number,
      recipientMasked: '139****1111',
      status: 'pending',
      attempts: 0,
      templateCode: 'bill_reminder_due_today',
    });
    expect(JSON.stringify(page)).not.toContain(PHONE);
    const pending = await t.app.inject({ url: '/api/v1/messages?status=dead', headers: await t.as('caiwu') });
    expect(pending.json().items.every((item: { status: string }) => item.status === 'dead')).toBe(true);
    expect(problemOf(await t.app.inject({ url: '/api/v1/messages', headers: await t.as('zichan') }))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
  });

  async function queued2() {
    const asOf = addDays(today(), 200);
    const b = await bill({ dueDate: asOf });
    await run(asOf);
    return b;
  }
});

describe('jobs and keys', () => {
  it('schedules the reminder scan at 09:00 and delivery every minute when the server has senders', () => {
    const jobs = scheduledJobs({ auth: t.app.auth, db: t.database.orm, messaging: t.app.messaging });
    expect(jobs.filter((job) => ['bill-reminders', 'message-delivery'].includes(job.name))).toMatchObject([
      { name: 'bill-reminders', cron: '0 9 * * *' },
      { name: 'message-delivery', cron: '* * * * *' },
    ]);
  });

  it('re-encrypts the recipients under a new personal-data key (pii:rotate-key)', async () => {
    const b = await bill({ dueDate: addDays(today(), 240) });
    await run(addDays(today(), 240));
    const rotated = new PiiCipher({
      keys: [{ id: 'k9', key: randomBytes(32) }, ...t.config.piiKeys!],
      indexKey: t.config.piiIndexKey!,
    });
    expect(await messagesService.rotateRecipientKey(t.database.orm, rotated, 3)).toBeGreaterThanOrEqual(2);
    const [stale] = await queryRows<{ n: number }>(
      t.database.orm,
      sql`SELECT count(*)::int AS n FROM outbound_messages WHERE recipient_enc NOT LIKE 'v1:k9:%'`,
    );
    expect(stale?.n).toBe(0);
    const rows = await messagesOf([b.id]);
    expect(rows.map((row) => rotated.decrypt('recipient', row.recipient_enc))).toEqual([PHONE, OPENID]);
    expect(await messagesService.rotateRecipientKey(t.database.orm, rotated)).toBe(0);
  });
});
