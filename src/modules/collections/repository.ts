import { and, asc, count, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { billLines, bills, lateFeeWaivers, paymentAllocations, payments, receipts, tenants } from '../../db/schema.ts';
import { takeNumbers } from '../../db/sequences.ts';
import type { CalendarDate } from '../../domain/calendar.ts';
import type { PrincipalPayment } from '../../domain/late-fee.ts';

export type BillRow = typeof bills.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type NewPaymentRow = typeof payments.$inferInsert;
export type WaiverRow = typeof lateFeeWaivers.$inferSelect;
export type NewBillLineRow = typeof billLines.$inferInsert;

export interface PaymentFilter {
  orgId: string;
  tenantId?: string;
  method?: PaymentRow['method'];
  from?: CalendarDate;
  to?: CalendarDate;
}

export interface WaiverFilter {
  orgId: string;
  status?: WaiverRow['status'];
  billId?: string;
  id?: string;
}

export interface AllocationView {
  billId: string;
  billNumber: string;
  principalFen: number;
  lateFeeFen: number;
}

function paymentWhere(filter: PaymentFilter): SQL {
  const conditions: SQL[] = [eq(payments.orgId, filter.orgId)];
  if (filter.tenantId) conditions.push(eq(payments.tenantId, filter.tenantId));
  if (filter.method) conditions.push(eq(payments.method, filter.method));
  if (filter.from) conditions.push(gte(payments.receivedOn, filter.from));
  if (filter.to) conditions.push(lte(payments.receivedOn, filter.to));
  return and(...conditions)!;
}

function waiverWhere(filter: WaiverFilter): SQL {
  const conditions: SQL[] = [eq(lateFeeWaivers.orgId, filter.orgId)];
  if (filter.status) conditions.push(eq(lateFeeWaivers.status, filter.status));
  if (filter.billId) conditions.push(eq(lateFeeWaivers.billId, filter.billId));
  if (filter.id) conditions.push(eq(lateFeeWaivers.id, filter.id));
  return and(...conditions)!;
}

export const collectionsRepository = {
  takeNumber: (tx: Executor, orgId: string, series: string) => takeNumbers(tx, orgId, series),

  async tenantName(db: Executor, orgId: string, tenantId: string): Promise<string | undefined> {
    const [row] = await db
      .select({ name: tenants.name })
      .from(tenants)
      .where(and(eq(tenants.orgId, orgId), eq(tenants.id, tenantId)));
    return row?.name;
  },

  /** These bills, locked in id order (one order for every writer, so two payments never deadlock). */
  lockBills(tx: Executor, orgId: string, ids: string[]): Promise<BillRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return tx
      .select()
      .from(bills)
      .where(and(eq(bills.orgId, orgId), inArray(bills.id, ids)))
      .orderBy(asc(bills.id))
      .for('update');
  },

  /** The tenant's open and partly paid bills, locked in id order. */
  lockUnsettledBills(tx: Executor, orgId: string, tenantId: string): Promise<BillRow[]> {
    return tx
      .select()
      .from(bills)
      .where(and(eq(bills.orgId, orgId), eq(bills.tenantId, tenantId), inArray(bills.status, ['open', 'partial'])))
      .orderBy(asc(bills.id))
      .for('update');
  },

  /** Ids of open or partly paid bills whose due date is before the day, with late-fee terms: month-end candidates. */
  async overdueBillIds(
    db: Executor,
    before: CalendarDate,
    only: { orgId?: string; tenantId?: string } = {},
  ): Promise<{ id: string; orgId: string }[]> {
    return db
      .select({ id: bills.id, orgId: bills.orgId })
      .from(bills)
      .where(
        and(
          only.orgId ? eq(bills.orgId, only.orgId) : undefined,
          only.tenantId ? eq(bills.tenantId, only.tenantId) : undefined,
          inArray(bills.status, ['open', 'partial']),
          sql`${bills.dueDate} < ${before}::date`,
          sql`${bills.lateFeeTerms} IS NOT NULL`,
          sql`${bills.lateFeeTerms} <> 'null'::jsonb`,
        ),
      )
      .orderBy(asc(bills.orgId), asc(bills.id));
  },

  /** The principal part of each payment applied to the bill, by day: what lowers the penalty's daily base. */
  async principalPayments(db: Executor, billId: string): Promise<PrincipalPayment[]> {
    const rows = await db
      .select({ date: paymentAllocations.appliedOn, amountFen: paymentAllocations.principalFen })
      .from(paymentAllocations)
      .where(and(eq(paymentAllocations.billId, billId), sql`${paymentAllocations.principalFen} > 0`))
      .orderBy(asc(paymentAllocations.appliedOn), asc(paymentAllocations.id));
    return rows;
  },

  async updateBill(
    tx: Executor,
    bill: BillRow,
    changes: Partial<
      Pick<BillRow, 'lateFeeFen' | 'lateFeeWaivedFen' | 'principalPaidFen' | 'lateFeePaidFen' | 'status' | 'settledOn'>
    >,
  ): Promise<BillRow> {
    const [row] = await tx
      .update(bills)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(bills.orgId, bill.orgId), eq(bills.id, bill.id)))
      .returning();
    return row!;
  },

  async insertBillLine(tx: Executor, line: NewBillLineRow): Promise<void> {
    await tx.insert(billLines).values(line);
  },

  async paymentByReference(db: Executor, orgId: string, method: string, reference: string) {
    const [row] = await db
      .select({ id: payments.id, number: payments.number })
      .from(payments)
      .where(
        and(
          eq(payments.orgId, orgId),
          eq(payments.method, method as PaymentRow['method']),
          eq(payments.reference, reference),
        ),
      );
    return row;
  },

  async insertPayment(tx: Executor, row: NewPaymentRow): Promise<PaymentRow> {
    const [inserted] = await tx.insert(payments).values(row).returning();
    return inserted!;
  },

  async insertAllocations(
    tx: Executor,
    rows: {
      orgId: string;
      paymentId: string;
      billId: string;
      appliedOn: string;
      principalFen: number;
      lateFeeFen: number;
    }[],
  ): Promise<void> {
    if (rows.length > 0) await tx.insert(paymentAllocations).values(rows);
  },

  async findPayment(db: Executor, orgId: string, id: string) {
    const [row] = await db
      .select({ payment: payments, tenantName: tenants.name, receiptId: receipts.id, receiptNumber: receipts.number })
      .from(payments)
      .innerJoin(tenants, eq(tenants.id, payments.tenantId))
      .leftJoin(receipts, eq(receipts.paymentId, payments.id))
      .where(and(eq(payments.orgId, orgId), eq(payments.id, id)));
    return row
      ? { ...row.payment, tenantName: row.tenantName, receiptId: row.receiptId, receiptNumber: row.receiptNumber }
      : undefined;
  },

  async listPayments(db: Executor, filter: PaymentFilter, page: number, pageSize: number) {
    const where = paymentWhere(filter);
    const [rows, [total]] = await Promise.all([
      db
        .select({ payment: payments, tenantName: tenants.name, receiptId: receipts.id, receiptNumber: receipts.number })
        .from(payments)
        .innerJoin(tenants, eq(tenants.id, payments.tenantId))
        .leftJoin(receipts, eq(receipts.paymentId, payments.id))
        .where(where)
        .orderBy(desc(payments.receivedOn), desc(payments.number))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(payments).where(where),
    ]);
    return {
      items: rows.map((row) => ({
        ...row.payment,
        tenantName: row.tenantName,
        receiptId: row.receiptId,
        receiptNumber: row.receiptNumber,
      })),
      total: total?.n ?? 0,
    };
  },

  /** The allocations of each payment, in the order they were applied. */
  async allocationsOf(db: Executor, paymentIds: string[]): Promise<Map<string, AllocationView[]>> {
    const result = new Map<string, AllocationView[]>();
    if (paymentIds.length === 0) return result;
    const rows = await db
      .select({
        paymentId: paymentAllocations.paymentId,
        billId: paymentAllocations.billId,
        billNumber: bills.number,
        principalFen: paymentAllocations.principalFen,
        lateFeeFen: paymentAllocations.lateFeeFen,
      })
      .from(paymentAllocations)
      .innerJoin(bills, eq(bills.id, paymentAllocations.billId))
      .where(inArray(paymentAllocations.paymentId, paymentIds))
      .orderBy(asc(paymentAllocations.id));
    for (const { paymentId, ...allocation } of rows) {
      const list = result.get(paymentId) ?? [];
      list.push(allocation);
      result.set(paymentId, list);
    }
    return result;
  },

  async insertWaiver(tx: Executor, row: typeof lateFeeWaivers.$inferInsert): Promise<WaiverRow> {
    const [inserted] = await tx.insert(lateFeeWaivers).values(row).returning();
    return inserted!;
  },

  async pendingWaiverOf(db: Executor, billId: string): Promise<WaiverRow | undefined> {
    const [row] = await db
      .select()
      .from(lateFeeWaivers)
      .where(and(eq(lateFeeWaivers.billId, billId), eq(lateFeeWaivers.status, 'pending')));
    return row;
  },

  async lockWaiver(tx: Executor, orgId: string, id: string): Promise<WaiverRow | undefined> {
    const [row] = await tx
      .select()
      .from(lateFeeWaivers)
      .where(and(eq(lateFeeWaivers.orgId, orgId), eq(lateFeeWaivers.id, id)))
      .for('update');
    return row;
  },

  async decideWaiver(
    tx: Executor,
    id: string,
    decision: Pick<WaiverRow, 'status' | 'decidedBy' | 'decidedByName' | 'decisionNote' | 'journalEntryId'>,
  ): Promise<WaiverRow> {
    const [row] = await tx
      .update(lateFeeWaivers)
      .set({ ...decision, decidedAt: new Date() })
      .where(eq(lateFeeWaivers.id, id))
      .returning();
    return row!;
  },

  async listWaivers(db: Executor, filter: WaiverFilter, page: number, pageSize: number) {
    const where = waiverWhere(filter);
    const [rows, [total]] = await Promise.all([
      db
        .select({ waiver: lateFeeWaivers, billNumber: bills.number, tenantName: tenants.name })
        .from(lateFeeWaivers)
        .innerJoin(bills, eq(bills.id, lateFeeWaivers.billId))
        .innerJoin(tenants, eq(tenants.id, bills.tenantId))
        .where(where)
        .orderBy(desc(lateFeeWaivers.requestedAt), desc(lateFeeWaivers.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(lateFeeWaivers).where(where),
    ]);
    return {
      items: rows.map((row) => ({ ...row.waiver, billNumber: row.billNumber, tenantName: row.tenantName })),
      total: total?.n ?? 0,
    };
  },

  async findWaiver(db: Executor, orgId: string, id: string) {
    const { items } = await this.listWaivers(db, { orgId, id }, 1, 1);
    return items[0];
  },
};
