// SQL of online payment: each org's channel settings, payment orders and the bills they hold, suspense items (挂账).

import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import {
  bills,
  channelSettings,
  orgs,
  type PayChannel,
  type PaymentOrderStatus,
  type Provider,
  paymentOrderBills,
  paymentOrders,
  payments,
  receipts,
  suspenseItems,
  tenants,
} from '../../db/schema.ts';
import { takeNumbers } from '../../db/sequences.ts';

export type ChannelSettingsRow = typeof channelSettings.$inferSelect;
export type PaymentOrderRow = typeof paymentOrders.$inferSelect;
export type NewPaymentOrderRow = typeof paymentOrders.$inferInsert;
export type SuspenseItemRow = typeof suspenseItems.$inferSelect;
export type NewSuspenseItemRow = typeof suspenseItems.$inferInsert;

export interface OrderFilter {
  orgId: string;
  tenantId?: string;
  status?: PaymentOrderStatus;
  provider?: Provider;
  channel?: PayChannel;
  orderNo?: string;
  /** Created on or after / before the start of the day after (China time). */
  from?: string;
  to?: string;
}

export interface SuspenseFilter {
  orgId: string;
  status?: 'open' | 'refunding' | 'resolved';
  provider?: Provider;
  id?: string;
}

/** An order as the views show it: with its tenant, payment and receipt. */
export interface OrderWithNames extends PaymentOrderRow {
  tenantName: string;
  paymentNumber: string | null;
  receiptId: string | null;
  receiptNumber: string | null;
}

export interface OrderBillView {
  orderId: string;
  billId: string;
  billNumber: string;
  amountFen: number;
  open: boolean;
  dueDate: string;
  status: string;
  periodStart: string | null;
  periodEnd: string | null;
}

function orderWhere(filter: OrderFilter): SQL {
  const conditions: (SQL | undefined)[] = [eq(paymentOrders.orgId, filter.orgId)];
  if (filter.tenantId) conditions.push(eq(paymentOrders.tenantId, filter.tenantId));
  if (filter.status) conditions.push(eq(paymentOrders.status, filter.status));
  if (filter.provider) conditions.push(eq(paymentOrders.provider, filter.provider));
  if (filter.channel) conditions.push(eq(paymentOrders.channel, filter.channel));
  if (filter.orderNo) conditions.push(eq(paymentOrders.orderNo, filter.orderNo));
  if (filter.from)
    conditions.push(sql`${paymentOrders.createdAt} >= ${filter.from}::date::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (filter.to) {
    conditions.push(sql`${paymentOrders.createdAt} < (${filter.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  }
  return and(...conditions)!;
}

const orderColumns = {
  order: paymentOrders,
  tenantName: tenants.name,
  paymentNumber: payments.number,
  receiptId: receipts.id,
  receiptNumber: receipts.number,
};

type OrderJoinRow = {
  order: PaymentOrderRow;
  tenantName: string;
  paymentNumber: string | null;
  receiptId: string | null;
  receiptNumber: string | null;
};
const withNames = ({ order, ...names }: OrderJoinRow): OrderWithNames => ({ ...order, ...names });

export const paymentsRepository = {
  // ---- Channel settings ----

  async settingsOf(db: Executor, orgId: string, provider: Provider): Promise<ChannelSettingsRow | undefined> {
    const [row] = await db
      .select()
      .from(channelSettings)
      .where(and(eq(channelSettings.orgId, orgId), eq(channelSettings.provider, provider)));
    return row;
  },

  async settingsOfOrg(db: Executor, orgId: string): Promise<ChannelSettingsRow[]> {
    return db.select().from(channelSettings).where(eq(channelSettings.orgId, orgId));
  },

  /** The settings a notification names before it is verified (its merchant identity). */
  async settingsByIdentity(
    db: Executor,
    provider: Provider,
    identity: string,
  ): Promise<ChannelSettingsRow | undefined> {
    const [row] = await db
      .select()
      .from(channelSettings)
      .where(and(eq(channelSettings.provider, provider), eq(channelSettings.notifyIdentity, identity)));
    return row;
  },

  async saveSettings(tx: Executor, row: typeof channelSettings.$inferInsert): Promise<ChannelSettingsRow> {
    const [saved] = await tx
      .insert(channelSettings)
      .values(row)
      .onConflictDoUpdate({
        target: [channelSettings.orgId, channelSettings.provider],
        set: {
          enabled: row.enabled,
          settings: row.settings,
          secretsEnc: row.secretsEnc,
          notifyIdentity: row.notifyIdentity,
          updatedBy: row.updatedBy,
          updatedByName: row.updatedByName,
          updatedAt: new Date(),
        },
      })
      .returning();
    return saved!;
  },

  // ---- Numbers ----

  takeNumber: (tx: Executor, orgId: string, series: string) => takeNumbers(tx, orgId, series),

  // ---- Orders ----

  async insertOrder(
    tx: Executor,
    order: NewPaymentOrderRow,
    orderBills: { billId: string; amountFen: number }[],
  ): Promise<PaymentOrderRow> {
    const [row] = await tx.insert(paymentOrders).values(order).returning();
    await tx.insert(paymentOrderBills).values(
      orderBills.map((bill) => ({
        orderId: row!.id,
        orgId: row!.orgId,
        billId: bill.billId,
        amountFen: bill.amountFen,
      })),
    );
    return row!;
  },

  async updateOrder(tx: Executor, id: string, changes: Partial<NewPaymentOrderRow>): Promise<PaymentOrderRow> {
    const [row] = await tx
      .update(paymentOrders)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(paymentOrders.id, id))
      .returning();
    return row!;
  },

  /** The order no longer holds its bills (it is paid, closed or failed). */
  async releaseBills(tx: Executor, orderId: string): Promise<void> {
    await tx.update(paymentOrderBills).set({ open: false }).where(eq(paymentOrderBills.orderId, orderId));
  },

  async lockOrder(tx: Executor, orderNo: string): Promise<PaymentOrderRow | undefined> {
    const [row] = await tx.select().from(paymentOrders).where(eq(paymentOrders.orderNo, orderNo)).for('update');
    return row;
  },

  async order(db: Executor, orderNo: string): Promise<PaymentOrderRow | undefined> {
    const [row] = await db.select().from(paymentOrders).where(eq(paymentOrders.orderNo, orderNo));
    return row;
  },

  async orderWithNames(db: Executor, orgId: string, orderNo: string): Promise<OrderWithNames | undefined> {
    const [row] = await db
      .select(orderColumns)
      .from(paymentOrders)
      .innerJoin(tenants, eq(tenants.id, paymentOrders.tenantId))
      .leftJoin(payments, eq(payments.id, paymentOrders.paymentId))
      .leftJoin(receipts, eq(receipts.paymentId, paymentOrders.paymentId))
      .where(and(eq(paymentOrders.orgId, orgId), eq(paymentOrders.orderNo, orderNo)));
    return row ? withNames(row) : undefined;
  },

  async listOrders(db: Executor, filter: OrderFilter, page: number, pageSize: number) {
    const where = orderWhere(filter);
    const [rows, [total]] = await Promise.all([
      db
        .select(orderColumns)
        .from(paymentOrders)
        .innerJoin(tenants, eq(tenants.id, paymentOrders.tenantId))
        .leftJoin(payments, eq(payments.id, paymentOrders.paymentId))
        .leftJoin(receipts, eq(receipts.paymentId, paymentOrders.paymentId))
        .where(where)
        .orderBy(desc(paymentOrders.createdAt), desc(paymentOrders.orderNo))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(paymentOrders).where(where),
    ]);
    return { items: rows.map(withNames), total: total?.n ?? 0 };
  },

  /** The order posted for a channel transaction, if any (the posting key). */
  async orderByTransaction(db: Executor, provider: Provider, transactionId: string) {
    const [row] = await db
      .select()
      .from(paymentOrders)
      .where(and(eq(paymentOrders.provider, provider), eq(paymentOrders.transactionId, transactionId)));
    return row;
  },

  async orderBills(db: Executor, orderIds: string[]): Promise<OrderBillView[]> {
    if (orderIds.length === 0) return [];
    return db
      .select({
        orderId: paymentOrderBills.orderId,
        billId: paymentOrderBills.billId,
        billNumber: bills.number,
        amountFen: paymentOrderBills.amountFen,
        open: paymentOrderBills.open,
        dueDate: bills.dueDate,
        status: bills.status,
        periodStart: bills.periodStart,
        periodEnd: bills.periodEnd,
      })
      .from(paymentOrderBills)
      .innerJoin(bills, eq(bills.id, paymentOrderBills.billId))
      .where(inArray(paymentOrderBills.orderId, orderIds))
      .orderBy(asc(bills.dueDate), asc(bills.number));
  },

  /** The orders still holding any of these bills. */
  async openOrdersOf(db: Executor, orgId: string, billIds: string[]): Promise<PaymentOrderRow[]> {
    if (billIds.length === 0) return [];
    const held = db
      .selectDistinct({ orderId: paymentOrderBills.orderId })
      .from(paymentOrderBills)
      .where(
        and(
          eq(paymentOrderBills.orgId, orgId),
          inArray(paymentOrderBills.billId, billIds),
          eq(paymentOrderBills.open, true),
        ),
      );
    return db.select().from(paymentOrders).where(inArray(paymentOrders.id, held)).orderBy(asc(paymentOrders.createdAt));
  },

  /**
   * Takes the right to ask the channel about an order now: only one caller per interval (the result page polls,
   * several tabs may be open), and only while it is `created`.
   */
  async claimQuery(db: Executor, id: string, now: Date, intervalMs: number): Promise<boolean> {
    const before = new Date(now.getTime() - intervalMs);
    const rows = await db
      .update(paymentOrders)
      .set({ lastQueriedAt: now })
      .where(
        and(
          eq(paymentOrders.id, id),
          eq(paymentOrders.status, 'created'),
          or(isNull(paymentOrders.lastQueriedAt), lt(paymentOrders.lastQueriedAt, before)),
        ),
      )
      .returning({ id: paymentOrders.id });
    return rows.length > 0;
  },

  /** Orders still `created` that were made before `createdBefore`: the backstop asks their channel. */
  async ordersToCheck(db: Executor, createdBefore: Date, limit: number): Promise<PaymentOrderRow[]> {
    return db
      .select()
      .from(paymentOrders)
      .where(and(eq(paymentOrders.status, 'created'), lte(paymentOrders.createdAt, createdBefore)))
      .orderBy(asc(paymentOrders.createdAt))
      .limit(limit);
  },

  // ---- Tenants and bills ----

  async tenant(db: Executor, orgId: string, tenantId: string) {
    const [row] = await db
      .select({ id: tenants.id, name: tenants.name, kind: tenants.kind, phoneEnc: tenants.phoneEnc })
      .from(tenants)
      .where(and(eq(tenants.orgId, orgId), eq(tenants.id, tenantId)));
    return row;
  },

  async orgName(db: Executor, orgId: string): Promise<string | undefined> {
    const [row] = await db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, orgId));
    return row?.name;
  },

  // ---- Suspense items ----

  async suspenseByTransaction(db: Executor, provider: Provider, transactionId: string) {
    const [row] = await db
      .select()
      .from(suspenseItems)
      .where(and(eq(suspenseItems.provider, provider), eq(suspenseItems.transactionId, transactionId)));
    return row;
  },

  async insertSuspense(tx: Executor, row: NewSuspenseItemRow): Promise<SuspenseItemRow> {
    const [inserted] = await tx.insert(suspenseItems).values(row).returning();
    return inserted!;
  },

  async lockSuspense(tx: Executor, orgId: string, id: string): Promise<SuspenseItemRow | undefined> {
    const [row] = await tx
      .select()
      .from(suspenseItems)
      .where(and(eq(suspenseItems.orgId, orgId), eq(suspenseItems.id, id)))
      .for('update');
    return row;
  },

  async updateSuspense(tx: Executor, id: string, changes: Partial<NewSuspenseItemRow>): Promise<SuspenseItemRow> {
    const [row] = await tx.update(suspenseItems).set(changes).where(eq(suspenseItems.id, id)).returning();
    return row!;
  },

  async listSuspense(db: Executor, filter: SuspenseFilter, page: number, pageSize: number) {
    const conditions: SQL[] = [eq(suspenseItems.orgId, filter.orgId)];
    if (filter.status) conditions.push(eq(suspenseItems.status, filter.status));
    if (filter.provider) conditions.push(eq(suspenseItems.provider, filter.provider));
    if (filter.id) conditions.push(eq(suspenseItems.id, filter.id));
    const where = and(...conditions)!;
    const [rows, [total]] = await Promise.all([
      db
        .select({
          item: suspenseItems,
          tenantId: paymentOrders.tenantId,
          tenantName: tenants.name,
          resolvedPaymentNumber: payments.number,
        })
        .from(suspenseItems)
        .leftJoin(paymentOrders, eq(paymentOrders.id, suspenseItems.paymentOrderId))
        .leftJoin(tenants, eq(tenants.id, paymentOrders.tenantId))
        .leftJoin(payments, eq(payments.id, suspenseItems.resolvedPaymentId))
        .where(where)
        .orderBy(desc(suspenseItems.createdAt), desc(suspenseItems.number))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(suspenseItems).where(where),
    ]);
    return {
      items: rows.map(({ item, ...names }) => ({ ...item, ...names })),
      total: total?.n ?? 0,
    };
  },
};
