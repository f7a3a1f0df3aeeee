// SQL of the tenant portal: login codes, the tenant a phone belongs to, the logged-in tenant's bills and payments.
// The login-code SMS goes through the messages module.

import { and, asc, count, desc, eq, gt, gte, inArray, ne, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import {
  bills,
  orgs,
  paymentAllocations,
  paymentOrderBills,
  paymentOrders,
  payments,
  portalLoginCodes,
  receipts,
  tenants,
} from '../../db/schema.ts';
import type { PrincipalPayment } from '../../domain/late-fee.ts';

export type LoginCodeRow = typeof portalLoginCodes.$inferSelect;
export type BillRow = typeof bills.$inferSelect;

export interface PhoneOwner {
  id: string;
  orgId: string;
  name: string;
  kind: 'individual' | 'enterprise';
}

export const portalRepository = {
  /** Serialises the code requests and logins of one phone (two at once would both pass the one-a-minute check). */
  async lockPhone(tx: Executor, phoneIndex: string): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`portal-login:${phoneIndex}`}, 0))`);
  },

  async latestCode(tx: Executor, phoneIndex: string): Promise<LoginCodeRow | undefined> {
    const [row] = await tx
      .select()
      .from(portalLoginCodes)
      .where(eq(portalLoginCodes.phoneIndex, phoneIndex))
      .orderBy(desc(portalLoginCodes.createdAt), desc(portalLoginCodes.id))
      .limit(1);
    return row;
  },

  async codesSince(tx: Executor, phoneIndex: string, since: Date): Promise<number> {
    const [row] = await tx
      .select({ value: count() })
      .from(portalLoginCodes)
      .where(and(eq(portalLoginCodes.phoneIndex, phoneIndex), gte(portalLoginCodes.createdAt, since)));
    return row?.value ?? 0;
  },

  async insertCode(tx: Executor, row: typeof portalLoginCodes.$inferInsert): Promise<void> {
    await tx.insert(portalLoginCodes).values(row);
  },

  async updateCode(tx: Executor, id: string, changes: Partial<LoginCodeRow>): Promise<void> {
    await tx.update(portalLoginCodes).set(changes).where(eq(portalLoginCodes.id, id));
  },

  /**
   * The tenant a phone (or an enterprise's contact phone) belongs to. One phone may be several tenants' (across
   * orgs too): the one with an active contract, then the latest contract start, then the newest tenant wins.
   */
  async tenantByPhone(db: Executor, phoneIndex: string): Promise<PhoneOwner | undefined> {
    const [row] = await queryRows<PhoneOwner>(
      db,
      sql`SELECT t.id, t.org_id AS "orgId", t.name, t.kind
            FROM tenants t
            LEFT JOIN LATERAL (
              SELECT bool_or(c.status = 'active') AS active, max(c.start_date) AS latest
                FROM contracts c
               WHERE c.org_id = t.org_id AND c.tenant_id = t.id AND c.status NOT IN ('draft', 'rejected')
            ) contract ON true
           WHERE t.phone_index = ${phoneIndex} OR t.contact_phone_index = ${phoneIndex}
           ORDER BY contract.active DESC NULLS LAST, contract.latest DESC NULLS LAST, t.created_at DESC, t.id
           LIMIT 1`,
    );
    return row;
  },

  async tenant(db: Executor, orgId: string, tenantId: string) {
    const [row] = await db
      .select({ id: tenants.id, name: tenants.name, kind: tenants.kind, orgName: orgs.name })
      .from(tenants)
      .innerJoin(orgs, eq(orgs.id, tenants.orgId))
      .where(and(eq(tenants.orgId, orgId), eq(tenants.id, tenantId)));
    return row;
  },

  /** The tenant's bills other than voided ones. */
  async bills(db: Executor, orgId: string, tenantId: string): Promise<BillRow[]> {
    return db
      .select()
      .from(bills)
      .where(and(eq(bills.orgId, orgId), eq(bills.tenantId, tenantId), ne(bills.status, 'void')))
      .orderBy(asc(bills.dueDate), asc(bills.number));
  },

  /** The principal parts of the payments applied to each bill, by date (what the penalty depends on). */
  async principalPayments(db: Executor, orgId: string, billIds: string[]): Promise<Map<string, PrincipalPayment[]>> {
    const byBill = new Map<string, PrincipalPayment[]>();
    if (billIds.length === 0) return byBill;
    const rows = await db
      .select({
        billId: paymentAllocations.billId,
        date: paymentAllocations.appliedOn,
        amountFen: paymentAllocations.principalFen,
      })
      .from(paymentAllocations)
      .where(
        and(
          eq(paymentAllocations.orgId, orgId),
          inArray(paymentAllocations.billId, billIds),
          gt(paymentAllocations.principalFen, 0),
        ),
      )
      .orderBy(asc(paymentAllocations.appliedOn), asc(paymentAllocations.id));
    for (const { billId, date, amountFen } of rows) {
      const list = byBill.get(billId) ?? [];
      list.push({ date, amountFen });
      byBill.set(billId, list);
    }
    return byBill;
  },

  /** The payment order still waiting for its money that each bill is in. */
  async openOrderNumbers(db: Executor, orgId: string, billIds: string[]): Promise<Map<string, string>> {
    const byBill = new Map<string, string>();
    if (billIds.length === 0) return byBill;
    const rows = await db
      .select({ billId: paymentOrderBills.billId, orderNo: paymentOrders.orderNo })
      .from(paymentOrderBills)
      .innerJoin(
        paymentOrders,
        and(eq(paymentOrders.orgId, paymentOrderBills.orgId), eq(paymentOrders.id, paymentOrderBills.orderId)),
      )
      .where(
        and(
          eq(paymentOrderBills.orgId, orgId),
          inArray(paymentOrderBills.billId, billIds),
          eq(paymentOrderBills.open, true),
          eq(paymentOrders.status, 'created'),
        ),
      );
    for (const { billId, orderNo } of rows) byBill.set(billId, orderNo);
    return byBill;
  },

  /** The tenant's payments, newest first, with their receipts. */
  async payments(db: Executor, orgId: string, tenantId: string, page: number, pageSize: number) {
    const where = and(eq(payments.orgId, orgId), eq(payments.tenantId, tenantId));
    const [items, [total]] = await Promise.all([
      db
        .select({ payment: payments, receiptId: receipts.id, receiptNumber: receipts.number })
        .from(payments)
        .leftJoin(receipts, and(eq(receipts.orgId, payments.orgId), eq(receipts.paymentId, payments.id)))
        .where(where)
        .orderBy(desc(payments.receivedOn), desc(payments.createdAt), desc(payments.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ value: count() }).from(payments).where(where),
    ]);
    return { items, total: total?.value ?? 0 };
  },

  async allocations(db: Executor, orgId: string, paymentIds: string[]) {
    if (paymentIds.length === 0) return [];
    return db
      .select({
        paymentId: paymentAllocations.paymentId,
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
      .where(and(eq(paymentAllocations.orgId, orgId), inArray(paymentAllocations.paymentId, paymentIds)))
      .orderBy(asc(paymentAllocations.id));
  },
};
