// SQL of the receipts module: the receipt number series, receipts with their payment, tenant and org, and the
// bills a receipt's payment was applied to.

import { and, asc, count, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { bills, orgs, paymentAllocations, payments, receipts, tenants } from '../../db/schema.ts';
import { takeNumbers } from '../../db/sequences.ts';
import type { CalendarDate } from '../../domain/calendar.ts';

export type ReceiptRow = typeof receipts.$inferSelect;
export type NewReceiptRow = typeof receipts.$inferInsert;

export interface ReceiptFilter {
  orgId: string;
  tenantId?: string;
  status?: ReceiptRow['status'];
  from?: CalendarDate;
  to?: CalendarDate;
  /** A part of the receipt number, e.g. 2026-0001. */
  number?: string;
}

function receiptWhere(filter: ReceiptFilter): SQL {
  const conditions: SQL[] = [eq(receipts.orgId, filter.orgId)];
  if (filter.tenantId) conditions.push(eq(receipts.tenantId, filter.tenantId));
  if (filter.status) conditions.push(eq(receipts.status, filter.status));
  if (filter.from) conditions.push(gte(receipts.issuedOn, filter.from));
  if (filter.to) conditions.push(lte(receipts.issuedOn, filter.to));
  if (filter.number) conditions.push(sql`strpos(${receipts.number}, ${filter.number}) > 0`);
  return and(...conditions)!;
}

const listed = {
  receipt: receipts,
  tenantName: tenants.name,
  paymentNumber: payments.number,
  method: payments.method,
  reference: payments.reference,
  paymentOrderNo: payments.paymentOrderNo,
};

export const receiptsRepository = {
  takeNumber: (tx: Executor, orgId: string, series: string) => takeNumbers(tx, orgId, series),

  async insert(tx: Executor, row: NewReceiptRow): Promise<ReceiptRow> {
    const [inserted] = await tx.insert(receipts).values(row).returning();
    return inserted!;
  },

  async list(db: Executor, filter: ReceiptFilter, page: number, pageSize: number) {
    const where = receiptWhere(filter);
    const [items, [total]] = await Promise.all([
      db
        .select(listed)
        .from(receipts)
        .innerJoin(tenants, and(eq(tenants.orgId, receipts.orgId), eq(tenants.id, receipts.tenantId)))
        .innerJoin(payments, and(eq(payments.orgId, receipts.orgId), eq(payments.id, receipts.paymentId)))
        .where(where)
        .orderBy(desc(receipts.issuedOn), desc(receipts.year), desc(receipts.sequence))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ value: count() }).from(receipts).where(where),
    ]);
    return { items, total: total?.value ?? 0 };
  },

  /** A receipt with everything its PDF shows: the org, the payer, the payment. */
  async find(db: Executor, orgId: string, id: string) {
    const [row] = await db
      .select({
        receipt: receipts,
        orgName: orgs.name,
        tenantName: tenants.name,
        tenantKind: tenants.kind,
        payment: payments,
      })
      .from(receipts)
      .innerJoin(orgs, eq(orgs.id, receipts.orgId))
      .innerJoin(tenants, and(eq(tenants.orgId, receipts.orgId), eq(tenants.id, receipts.tenantId)))
      .innerJoin(payments, and(eq(payments.orgId, receipts.orgId), eq(payments.id, receipts.paymentId)))
      .where(and(eq(receipts.orgId, orgId), eq(receipts.id, id)));
    return row;
  },

  /** The receipt a verification code names, with no more than the public check shows. */
  async findByVerifyCode(db: Executor, verifyCode: string) {
    const [row] = await db
      .select({
        receipt: receipts,
        orgName: orgs.name,
        tenantName: tenants.name,
        tenantKind: tenants.kind,
        method: payments.method,
      })
      .from(receipts)
      .innerJoin(orgs, eq(orgs.id, receipts.orgId))
      .innerJoin(tenants, and(eq(tenants.orgId, receipts.orgId), eq(tenants.id, receipts.tenantId)))
      .innerJoin(payments, and(eq(payments.orgId, receipts.orgId), eq(payments.id, receipts.paymentId)))
      .where(eq(receipts.verifyCode, verifyCode));
    return row;
  },

  /** The bills a payment was applied to, in the order it was applied. */
  async allocations(db: Executor, orgId: string, paymentId: string) {
    return db
      .select({
        billId: bills.id,
        billNumber: bills.number,
        kind: bills.kind,
        periodStart: bills.periodStart,
        periodEnd: bills.periodEnd,
        description: bills.description,
        principalFen: paymentAllocations.principalFen,
        lateFeeFen: paymentAllocations.lateFeeFen,
      })
      .from(paymentAllocations)
      .innerJoin(bills, and(eq(bills.orgId, paymentAllocations.orgId), eq(bills.id, paymentAllocations.billId)))
      .where(and(eq(paymentAllocations.orgId, orgId), eq(paymentAllocations.paymentId, paymentId)))
      .orderBy(asc(paymentAllocations.id));
  },
};
