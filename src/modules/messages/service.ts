// Messages to tenants: reminders (催缴提醒) by the org's rules, queued by a daily scan (one message per bill and
// channel, in the scan's own transaction); login codes and payment confirmations, queued by other modules through
// queueForTenant; the delivery job that sends them with retries; and the pay-link view.

import type { PiiCipher } from '../../crypto/pii.ts';
import type { Executor, Orm } from '../../db/client.ts';
import { type CalendarDate, chinaDate } from '../../domain/calendar.ts';
import { maskPhone } from '../../domain/masking.ts';
import { formatYuan } from '../../domain/money.ts';
import { isMobile } from '../../domain/phone.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { bodyProblemsError } from '../../http/rule-problems.ts';
import { type Actor, auditService, systemActor } from '../audit/service.ts';
import { billFigures } from '../billing/penalty.ts';
import { orgSettingsSection, replaceOrgSettingsSection } from '../orgs/service.ts';
import { payLinkUrl, signPayLink, verifyPayLink } from './pay-link.ts';
import { type MessageRow, type NewMessage, messagesRepository as repo } from './repository.ts';
import {
  type Channel,
  heldUntil,
  type MessageKind,
  nextAttemptAfterFailure,
  type ReminderKind,
  type ReminderSettings,
  reminderDue,
  reminderSettingsOf,
  reminderSettingsProblems,
} from './rules.ts';
import { type MessageSender, type OutgoingMessage, SendError, type Senders } from './senders.ts';

const SETTINGS_SECTION = 'reminders';
export const REMINDER_MESSAGE_KIND: MessageKind = 'bill_reminder';
/** A claimed message is hidden from other workers this long while it is being sent. */
const SEND_LEASE_MS = 5 * 60_000;

export interface MessagingDeps {
  pii: PiiCipher;
  payLinkKey: Buffer;
  publicBaseUrl: string;
  senders: Senders;
}

type OrgActor = Actor & { orgId: string };

/** An individual's name shown to whoever holds a link: the family name only (张三 → 张*). */
export function maskedTenantName(name: string, kind: 'individual' | 'enterprise'): string {
  if (kind === 'enterprise') return name;
  const characters = [...name];
  return characters.length <= 1 ? name : `${characters[0]}${'*'.repeat(characters.length - 1)}`;
}

const TEMPLATE_CODES: Record<ReminderKind, string> = {
  before_due: 'bill_reminder_before_due',
  due_today: 'bill_reminder_due_today',
  overdue: 'bill_reminder_overdue',
};

function reminderText(
  kind: ReminderKind,
  days: number,
  p: { tenantName: string; billNumber: string; dueDate: string; amount: string; penalty: string; payLink: string },
): string {
  switch (kind) {
    case 'before_due':
      return `${p.tenantName}，您好：您的账单 ${p.billNumber} 将于 ${p.dueDate} 到期（还有 ${days} 天），应缴 ${p.amount} 元。查看账单并缴费：${p.payLink}`;
    case 'due_today':
      return `${p.tenantName}，您好：您的账单 ${p.billNumber} 今日（${p.dueDate}）到期，应缴 ${p.amount} 元，请及时缴纳。查看账单并缴费：${p.payLink}`;
    case 'overdue':
      return `${p.tenantName}，您好：您的账单 ${p.billNumber} 已于 ${p.dueDate} 到期，已逾期 ${days} 天，今日应缴 ${p.amount} 元（含违约金 ${p.penalty} 元），请尽快缴纳。查看账单并缴费：${p.payLink}`;
  }
}

async function queueForOrg(
  tx: Executor,
  deps: Omit<MessagingDeps, 'senders'>,
  org: { id: string; settings: Record<string, unknown> },
  asOf: CalendarDate,
  now: Date,
): Promise<number> {
  const settings = reminderSettingsOf(org.settings[SETTINGS_SECTION]);
  if (settings.channels.length === 0) return 0;
  const candidates = await repo.billsToRemind(tx, org.id, asOf, settings);
  const payments = await repo.principalPayments(
    tx,
    candidates.map(({ bill }) => bill.id),
  );
  const messages: NewMessage[] = [];
  for (const { bill, tenant } of candidates) {
    const due = reminderDue(bill.dueDate, asOf, settings);
    if (!due) continue;
    const figures = billFigures(bill, payments.get(bill.id) ?? [], asOf);
    if (figures.payableFen <= 0) continue;
    const token = signPayLink(deps.payLinkKey, { billId: bill.id, orgId: org.id }, now);
    const payLink = payLinkUrl(deps.publicBaseUrl, token);
    const params = {
      tenantName: tenant.name,
      billNumber: bill.number,
      dueDate: bill.dueDate,
      amount: formatYuan(figures.payableFen, { grouping: false }),
      penalty: formatYuan(figures.penaltyOwedFen, { grouping: false }),
      payLink,
    };
    const body = reminderText(due.kind, due.days, params);
    const recipients: { channel: Channel; recipient: string; masked: string }[] = [];
    if (settings.channels.includes('sms')) {
      const phone = deps.pii.decrypt('phone', tenant.phoneEnc);
      // A fixed line cannot receive an SMS.
      if (isMobile(phone)) recipients.push({ channel: 'sms', recipient: phone, masked: maskPhone(phone) });
    }
    if (settings.channels.includes('wechat') && tenant.wechatOpenid) {
      const openid = tenant.wechatOpenid;
      recipients.push({ channel: 'wechat', recipient: openid, masked: `${openid.slice(0, 4)}****${openid.slice(-4)}` });
    }
    for (const { channel, recipient, masked } of recipients) {
      messages.push({
        orgId: org.id,
        channel,
        kind: REMINDER_MESSAGE_KIND,
        tenantId: tenant.id,
        billId: bill.id,
        recipientEnc: deps.pii.encrypt('recipient', recipient),
        recipientMasked: masked,
        templateCode: TEMPLATE_CODES[due.kind],
        params: { ...params, title: due.kind === 'overdue' ? '逾期催缴' : '缴费提醒' },
        body,
        payLink,
        dedupeKey: `reminder:${bill.id}:${asOf}:${channel}`,
      });
    }
  }
  return repo.queue(tx, messages);
}

/** An SMS to one tenant, queued by another module in its own transaction (a login code, a payment confirmation). */
export interface TenantMessage {
  orgId: string;
  tenantId: string;
  kind: MessageKind;
  /** Ours (portal_login_code, payment_received): what the message log shows. The provider's template is by kind. */
  templateCode: string;
  /** The template's variables, sent to the provider. */
  params: Record<string, string>;
  /** The text as the message log shows it. */
  body: string;
  /** One message per key and org: queued again, it is left alone. */
  dedupeKey: string;
  /** The mobile number to send to; the tenant's own number on file when absent. */
  recipient?: string;
  billId?: string | null;
  payLink?: string | null;
  /**
   * The caller sends it itself at once (sendNow): counted as an attempt, and the delivery job leaves it alone until
   * then, after which it retries it like any message.
   */
  sendingUntil?: Date;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  dead: number;
  deferred: number;
}

export const messagesService = {
  /**
   * Queues an SMS to a tenant in the caller's transaction. Nothing is queued (null) when the number is not a mobile
   * (a fixed line cannot receive it) or a message under the same dedupe key is already there.
   */
  async queueForTenant(
    tx: Executor,
    deps: Pick<MessagingDeps, 'pii'>,
    message: TenantMessage,
  ): Promise<{ id: string } | null> {
    let phone = message.recipient;
    if (phone === undefined) {
      const phoneEnc = await repo.tenantPhone(tx, message.orgId, message.tenantId);
      if (!phoneEnc) return null;
      try {
        phone = deps.pii.decrypt('phone', phoneEnc);
      } catch {
        return null;
      }
    }
    if (!isMobile(phone)) return null;
    const queued = await repo.queueOne(tx, {
      orgId: message.orgId,
      channel: 'sms',
      kind: message.kind,
      tenantId: message.tenantId,
      billId: message.billId ?? null,
      recipientEnc: deps.pii.encrypt('recipient', phone),
      recipientMasked: maskPhone(phone),
      templateCode: message.templateCode,
      params: message.params,
      body: message.body,
      payLink: message.payLink ?? null,
      dedupeKey: message.dedupeKey,
      ...(message.sendingUntil ? { attempts: 1, nextAttemptAt: message.sendingUntil } : {}),
    });
    return queued ?? null;
  },

  /**
   * Sends a message queued with `sendingUntil` straight away (no transaction open) and records the outcome; one that
   * fails is left to the delivery job, which retries it on the usual schedule.
   */
  async sendNow(
    db: Orm,
    sender: MessageSender,
    outgoing: OutgoingMessage,
    now = new Date(),
  ): Promise<{ sent: true } | { sent: false; error: string }> {
    try {
      const { providerMessageId } = await sender.send(outgoing);
      await repo.update(db, outgoing.id, {
        status: 'sent',
        provider: sender.provider,
        providerMessageId,
        sentAt: new Date(),
        lastError: null,
      });
      return { sent: true };
    } catch (error) {
      const reason = (error as Error).message;
      await repo
        .update(db, outgoing.id, {
          status: 'failed',
          provider: sender.provider,
          lastError: reason.slice(0, 1000),
          nextAttemptAt: nextAttemptAfterFailure(1, now) ?? now,
        })
        .catch(() => {});
      return { sent: false, error: reason };
    }
  },

  async reminderSettings(db: Executor, orgId: string): Promise<ReminderSettings> {
    return reminderSettingsOf(await orgSettingsSection(db, orgId, SETTINGS_SECTION));
  },

  async updateReminderSettings(db: Orm, actor: OrgActor, settings: ReminderSettings): Promise<ReminderSettings> {
    return db.transaction(async (tx) => {
      const before = await this.reminderSettings(tx, actor.orgId);
      const after: ReminderSettings = {
        ...settings,
        beforeDueDays: [...settings.beforeDueDays].sort((a, b) => b - a),
      };
      const problem = bodyProblemsError(reminderSettingsProblems(settings));
      if (problem) throw problem;
      await replaceOrgSettingsSection(tx, actor.orgId, SETTINGS_SECTION, after);
      await auditService.record(tx, actor, {
        action: 'settings.reminders_update',
        entityType: 'org',
        entityId: actor.orgId,
        before,
        after,
      });
      return after;
    });
  },

  /**
   * Queues the reminders due on `asOf` (China date) for one org (`actor.orgId`) or, run by the job, for every org;
   * one transaction, so a scan queues all of its messages or none. A rerun for the same day queues nothing twice.
   */
  async queueReminders(
    db: Orm,
    deps: Omit<MessagingDeps, 'senders'>,
    asOf: CalendarDate,
    actor: Actor = systemActor,
    now = new Date(),
  ): Promise<{ queued: number }> {
    return db.transaction(async (tx) => {
      let queued = 0;
      for (const org of await repo.orgs(tx, actor.orgId ?? undefined)) {
        const forOrg = await queueForOrg(tx, deps, org, asOf, now);
        queued += forOrg;
        if (forOrg > 0 || actor.kind !== 'system') {
          await auditService.record(
            tx,
            { ...actor, orgId: org.id },
            { action: 'reminders.queue', entityType: 'org', entityId: org.id, after: { asOf, queued: forOrg } },
          );
        }
      }
      return { queued };
    });
  },

  /**
   * Sends the messages that are due, a small batch at a time: each batch is locked (FOR UPDATE SKIP LOCKED) and
   * claimed in one short transaction, then sent with no transaction open, then each outcome written by itself.
   * Reminders in their org's quiet hours wait until the quiet hours end; login codes and payment confirmations
   * (the tenant is waiting for them) go at once.
   */
  async deliverDue(
    db: Orm,
    deps: Pick<MessagingDeps, 'pii' | 'senders'>,
    options: { now?: Date; batchSize?: number; maxBatches?: number } = {},
  ): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0, dead: 0, deferred: 0 };
    const batchSize = options.batchSize ?? 10;
    const quietHoursByOrg = new Map<string, ReminderSettings['quietHours']>();
    for (let batch = 0; batch < (options.maxBatches ?? 20); batch++) {
      const now = options.now ?? new Date();
      const { claimed, seen } = await db.transaction(async (tx) => {
        const due = await repo.lockDue(tx, now, batchSize);
        const claimed: MessageRow[] = [];
        for (const message of due) {
          let quietHours = quietHoursByOrg.get(message.orgId);
          if (!quietHours) {
            quietHours = (await this.reminderSettings(tx, message.orgId)).quietHours;
            quietHoursByOrg.set(message.orgId, quietHours);
          }
          const until = heldUntil(message.kind, now, quietHours);
          if (until) {
            await repo.update(tx, message.id, { nextAttemptAt: until });
            report.deferred += 1;
          } else {
            claimed.push(message);
          }
        }
        await repo.claim(
          tx,
          claimed.map((message) => message.id),
          new Date(now.getTime() + SEND_LEASE_MS),
        );
        return { claimed, seen: due.length };
      });
      for (const message of claimed) await deliverOne(db, deps, message, now, report);
      if (seen < batchSize) break;
    }
    return report;
  },

  async list(
    db: Orm,
    filter: { orgId: string; channel?: string; status?: string; tenantId?: string; billId?: string },
    page: number,
    pageSize: number,
  ) {
    const { items, total } = await repo.list(db, filter, page, pageSize);
    return {
      items: items.map(({ message, tenantName, billNumber }) => messageView(message, tenantName, billNumber)),
      total,
    };
  },

  /**
   * Re-encrypts the recipients still under an older personal-data key with the current one (pii:rotate-key, after
   * the tenants), in short batches; returns how many were re-encrypted.
   */
  async rotateRecipientKey(db: Orm, pii: PiiCipher, batchSize = 500): Promise<number> {
    let reencrypted = 0;
    for (;;) {
      const done = await db.transaction(async (tx) => {
        const batch = await repo.staleRecipients(tx, pii.currentPrefix, batchSize);
        for (const row of batch) {
          await repo.update(tx, row.id, { recipientEnc: pii.reencrypt('recipient', row.recipientEnc) });
        }
        return batch.length;
      });
      reencrypted += done;
      if (done === 0) return reencrypted;
    }
  },

  /** The bill a pay link names, as the tenant may see it; forged 403, expired or void 410. */
  async payLinkView(db: Orm, payLinkKey: Buffer, token: string, now = new Date()) {
    const check = verifyPayLink(payLinkKey, token, now);
    if (!check.ok && check.reason === 'forged') throw new AppError(403, 'pay_link_forged');
    if (!check.ok) {
      const expiresAt = expiryOf(token);
      throw new AppError(410, 'pay_link_expired', { expiredAt: expiresAt ? chinaDate(expiresAt) : '' });
    }
    const { billId, orgId, expiresAt } = check.claims;
    const row = await repo.findBill(db, orgId, billId);
    if (!row) throw notFound('bill', billId);
    const { bill } = row;
    if (bill.status === 'void') throw new AppError(410, 'pay_link_bill_void', { number: bill.number });
    const payments = await repo.principalPayments(db, [bill.id]);
    const figures = billFigures(bill, payments.get(bill.id) ?? [], chinaDate(now));
    return {
      bill: {
        id: bill.id,
        number: bill.number,
        kind: bill.kind,
        periodStart: bill.periodStart,
        periodEnd: bill.periodEnd,
        dueDate: bill.dueDate,
        amountFen: bill.amountFen,
        paidFen: figures.paidFen,
        lateFeeFen: figures.lateFeeFen,
        payableFen: figures.payableFen,
        status: bill.status,
        overdue: figures.overdue,
        overdueDays: figures.overdueDays,
        description: bill.description,
      },
      tenantName: maskedTenantName(row.tenantName, row.tenantKind),
      orgName: row.orgName,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    };
  },
};

/** The expiry a (verified) token states, for the message that it has passed. */
function expiryOf(token: string): Date | null {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { e?: number };
    return typeof claims.e === 'number' ? new Date(claims.e * 1000) : null;
  } catch {
    return null;
  }
}

async function deliverOne(
  db: Orm,
  deps: Pick<MessagingDeps, 'pii' | 'senders'>,
  message: MessageRow,
  now: Date,
  report: DeliveryReport,
) {
  const sender = deps.senders[message.channel];
  const attempts = message.attempts + 1;
  try {
    const outgoing: OutgoingMessage = {
      id: message.id,
      channel: message.channel,
      kind: message.kind,
      recipient: deps.pii.decrypt('recipient', message.recipientEnc),
      templateCode: message.templateCode,
      params: message.params,
      body: message.body,
      payLink: message.payLink,
    };
    const { providerMessageId } = await sender.send(outgoing);
    await repo.update(db, message.id, {
      status: 'sent',
      provider: sender.provider,
      providerMessageId,
      sentAt: new Date(),
      lastError: null,
    });
    report.sent += 1;
  } catch (error) {
    const next = nextAttemptAfterFailure(attempts, now);
    const reason = error instanceof SendError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    await repo.update(db, message.id, {
      status: next ? 'failed' : 'dead',
      provider: sender.provider,
      lastError: reason.slice(0, 1000),
      ...(next ? { nextAttemptAt: next } : {}),
    });
    if (next) report.failed += 1;
    else report.dead += 1;
  }
}

export function messageView(message: MessageRow, tenantName: string | null, billNumber: string | null) {
  return {
    id: message.id,
    channel: message.channel,
    kind: message.kind,
    tenantId: message.tenantId,
    tenantName,
    billId: message.billId,
    billNumber,
    recipientMasked: message.recipientMasked,
    templateCode: message.templateCode,
    body: message.body,
    payLink: message.payLink,
    status: message.status,
    attempts: message.attempts,
    nextAttemptAt: message.nextAttemptAt.toISOString(),
    provider: message.provider,
    lastError: message.lastError,
    createdAt: message.createdAt.toISOString(),
    sentAt: message.sentAt?.toISOString() ?? null,
  };
}
