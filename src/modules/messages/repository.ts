// SQL of the messages module: the bills a reminder scan looks at, the outbox (outbound_messages) and its delivery.

import { and, asc, count, desc, eq, gt, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { bills, orgs, outboundMessages, paymentAllocations, tenants } from '../../db/schema.ts';
import type { CalendarDate } from '../../domain/calendar.ts';
import type { PrincipalPayment } from '../../domain/late-fee.ts';
import type { ReminderSettings } from './rules.ts';

export type MessageRow = typeof outboundMessages.$inferSelect;
export type NewMessage = typeof outboundMessages.$inferInsert;
export type BillRow = typeof bills.$inferSelect;

export const messagesRepository = {
  async orgs(db: Executor, orgId?: string) {
    return db
      .select({ id: orgs.id, name: orgs.name, settings: orgs.settings })
      .from(orgs)
      .where(orgId ? eq(orgs.id, orgId) : undefined);
  },

  /**
   * The org's unsettled bills that a reminder is due for on `asOf`: due in one of the `beforeDueDays`, due today,
   * or overdue by a multiple of `overdueEveryDays`; with the tenant they go to.
   */
  async billsToRemind(db: Executor, orgId: string, asOf: CalendarDate, settings: ReminderSettings) {
    const dueDates = settings.beforeDueDays.map((days) => sql`${asOf}::date + ${days}::int`);
    if (settings.onDueDate) dueDates.push(sql`${asOf}::date`);
    const when: SQL[] = dueDates.map((dueDate) => sql`${bills.dueDate} = ${dueDate}`);
    if (settings.overdueEveryDays > 0) {
      when.push(
        sql`(${bills.dueDate} < ${asOf}::date AND (${asOf}::date - ${bills.dueDate}) % ${settings.overdueEveryDays}::int = 0)`,
      );
    }
    if (when.length === 0) return [];
    return db
      .select({
        bill: bills,
        tenant: {
          id: tenants.id,
          name: tenants.name,
          kind: tenants.kind,
          phoneEnc: tenants.phoneEnc,
          wechatOpenid: tenants.wechatOpenid,
        },
      })
      .from(bills)
      .innerJoin(tenants, eq(tenants.id, bills.tenantId))
      .where(and(eq(bills.orgId, orgId), inArray(bills.status, ['open', 'partial']), or(...when)))
      .orderBy(asc(bills.dueDate), asc(bills.number));
  },

  /** The principal parts of the payments applied to each bill, by date (what the penalty depends on). */
  async principalPayments(db: Executor, billIds: string[]): Promise<Map<string, PrincipalPayment[]>> {
    const byBill = new Map<string, PrincipalPayment[]>();
    if (billIds.length === 0) return byBill;
    const rows = await db
      .select({
        billId: paymentAllocations.billId,
        date: paymentAllocations.appliedOn,
        amountFen: paymentAllocations.principalFen,
      })
      .from(paymentAllocations)
      .where(and(inArray(paymentAllocations.billId, billIds), gt(paymentAllocations.principalFen, 0)))
      .orderBy(asc(paymentAllocations.appliedOn), asc(paymentAllocations.id));
    for (const { billId, date, amountFen } of rows) {
      const list = byBill.get(billId) ?? [];
      list.push({ date, amountFen });
      byBill.set(billId, list);
    }
    return byBill;
  },

  /** Writes the messages; one already queued under the same dedupe key is left alone. Returns how many were new. */
  async queue(db: Executor, messages: NewMessage[]): Promise<number> {
    if (messages.length === 0) return 0;
    const inserted = await db
      .insert(outboundMessages)
      .values(messages)
      .onConflictDoNothing({ target: [outboundMessages.orgId, outboundMessages.dedupeKey] })
      .returning({ id: outboundMessages.id });
    return inserted.length;
  },

  /** Writes one message; undefined when one is already queued under its dedupe key. */
  async queueOne(db: Executor, message: NewMessage): Promise<{ id: string } | undefined> {
    const [row] = await db
      .insert(outboundMessages)
      .values(message)
      .onConflictDoNothing({ target: [outboundMessages.orgId, outboundMessages.dedupeKey] })
      .returning({ id: outboundMessages.id });
    return row;
  },

  /** The tenant's phone number on file (encrypted). */
  async tenantPhone(db: Executor, orgId: string, tenantId: string): Promise<string | undefined> {
    const [row] = await db
      .select({ phoneEnc: tenants.phoneEnc })
      .from(tenants)
      .where(and(eq(tenants.orgId, orgId), eq(tenants.id, tenantId)));
    return row?.phoneEnc;
  },

  /** Due messages, locked for this transaction; rows another worker holds are skipped. */
  async lockDue(db: Executor, now: Date, limit: number): Promise<MessageRow[]> {
    return db
      .select()
      .from(outboundMessages)
      .where(and(inArray(outboundMessages.status, ['pending', 'failed']), lte(outboundMessages.nextAttemptAt, now)))
      .orderBy(asc(outboundMessages.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
  },

  async update(db: Executor, id: string, changes: Partial<NewMessage>) {
    await db.update(outboundMessages).set(changes).where(eq(outboundMessages.id, id));
  },

  /** Claims a message for one attempt: counted, and hidden from other workers until `leaseUntil`. */
  async claim(db: Executor, ids: string[], leaseUntil: Date) {
    if (ids.length === 0) return;
    await db
      .update(outboundMessages)
      .set({ attempts: sql`${outboundMessages.attempts} + 1`, nextAttemptAt: leaseUntil })
      .where(inArray(outboundMessages.id, ids));
  },

  async list(
    db: Executor,
    filter: { orgId: string; channel?: string; status?: string; tenantId?: string; billId?: string },
    page: number,
    pageSize: number,
  ) {
    const where = and(
      eq(outboundMessages.orgId, filter.orgId),
      filter.channel ? eq(outboundMessages.channel, filter.channel as MessageRow['channel']) : undefined,
      filter.status ? eq(outboundMessages.status, filter.status as MessageRow['status']) : undefined,
      filter.tenantId ? eq(outboundMessages.tenantId, filter.tenantId) : undefined,
      filter.billId ? eq(outboundMessages.billId, filter.billId) : undefined,
    );
    const [items, [total]] = await Promise.all([
      db
        .select({ message: outboundMessages, tenantName: tenants.name, billNumber: bills.number })
        .from(outboundMessages)
        .leftJoin(tenants, eq(tenants.id, outboundMessages.tenantId))
        .leftJoin(bills, eq(bills.id, outboundMessages.billId))
        .where(where)
        .orderBy(desc(outboundMessages.createdAt), desc(outboundMessages.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ value: count() }).from(outboundMessages).where(where),
    ]);
    return { items, total: total?.value ?? 0 };
  },

  /** Messages whose recipient is encrypted under an older key, locked; rows another worker holds are skipped. */
  async staleRecipients(db: Executor, currentPrefix: string, limit: number) {
    return db
      .select({ id: outboundMessages.id, recipientEnc: outboundMessages.recipientEnc })
      .from(outboundMessages)
      .where(sql`${outboundMessages.recipientEnc} NOT LIKE ${`${currentPrefix}%`}`)
      .limit(limit)
      .for('update', { skipLocked: true });
  },

  async findBill(db: Executor, orgId: string, billId: string) {
    const [row] = await db
      .select({ bill: bills, tenantName: tenants.name, tenantKind: tenants.kind, orgName: orgs.name })
      .from(bills)
      .innerJoin(tenants, eq(tenants.id, bills.tenantId))
      .innerJoin(orgs, eq(orgs.id, bills.orgId))
      .where(and(eq(bills.orgId, orgId), eq(bills.id, billId)));
    return row;
  },
};
