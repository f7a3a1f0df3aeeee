// SQL for refunds (退款) only; the tenant's advance (2203) and deposit (2241) balances read from the journal.
import { and, count, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import { type RefundStatus, refunds, tenants } from '../../db/schema.ts';

export type RefundRow = typeof refunds.$inferSelect;
export type NewRefundRow = typeof refunds.$inferInsert;

export interface RefundFilter {
  orgId: string;
  status?: RefundStatus;
  kind?: RefundRow['kind'];
  tenantId?: string;
}

/** Refunds that still hold money back or have paid it: everything but the rejected and the failed. */
const LIVE: RefundStatus[] = ['requested', 'approved', 'paying', 'refunded'];

function refundWhere(filter: RefundFilter): SQL | undefined {
  return and(
    eq(refunds.orgId, filter.orgId),
    filter.status ? eq(refunds.status, filter.status) : undefined,
    filter.kind ? eq(refunds.kind, filter.kind) : undefined,
    filter.tenantId ? eq(refunds.tenantId, filter.tenantId) : undefined,
  );
}

export const refundsRepository = {
  async insert(tx: Executor, row: NewRefundRow): Promise<RefundRow> {
    const [inserted] = await tx.insert(refunds).values(row).returning();
    return inserted!;
  },

  async update(tx: Executor, id: string, changes: Partial<NewRefundRow>): Promise<RefundRow> {
    const [row] = await tx
      .update(refunds)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(refunds.id, id))
      .returning();
    return row!;
  },

  async lock(tx: Executor, orgId: string, id: string): Promise<RefundRow | undefined> {
    const [row] = await tx
      .select()
      .from(refunds)
      .where(and(eq(refunds.orgId, orgId), eq(refunds.id, id)))
      .for('update');
    return row;
  },

  async lockByRefundNo(tx: Executor, refundNo: string): Promise<RefundRow | undefined> {
    const [row] = await tx.select().from(refunds).where(eq(refunds.refundNo, refundNo)).for('update');
    return row;
  },

  async find(db: Executor, orgId: string, id: string) {
    const [row] = await db
      .select({ refund: refunds, tenantName: tenants.name })
      .from(refunds)
      .innerJoin(tenants, eq(tenants.id, refunds.tenantId))
      .where(and(eq(refunds.orgId, orgId), eq(refunds.id, id)));
    return row ? { ...row.refund, tenantName: row.tenantName } : undefined;
  },

  async list(db: Executor, filter: RefundFilter, page: number, pageSize: number) {
    const where = refundWhere(filter);
    const [rows, [total]] = await Promise.all([
      db
        .select({ refund: refunds, tenantName: tenants.name })
        .from(refunds)
        .innerJoin(tenants, eq(tenants.id, refunds.tenantId))
        .where(where)
        .orderBy(desc(refunds.requestedAt), desc(refunds.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(refunds).where(where),
    ]);
    return { items: rows.map((row) => ({ ...row.refund, tenantName: row.tenantName })), total: total?.n ?? 0 };
  },

  /** What live refunds already take from one payment's advance. */
  async heldFromPayment(db: Executor, paymentId: string, exceptId?: string): Promise<number> {
    const [row] = await db
      .select({ fen: sql<string | null>`sum(${refunds.amountFen})` })
      .from(refunds)
      .where(
        and(
          eq(refunds.paymentId, paymentId),
          eq(refunds.kind, 'overpayment'),
          inArray(refunds.status, LIVE),
          exceptId ? sql`${refunds.id} <> ${exceptId}` : undefined,
        ),
      );
    return Number(row?.fen ?? 0);
  },

  /** What live overpayment refunds not yet paid hold of the tenant's advance. */
  async pendingAdvanceOfTenant(db: Executor, orgId: string, tenantId: string, exceptId?: string): Promise<number> {
    const [row] = await db
      .select({ fen: sql<string | null>`sum(${refunds.amountFen})` })
      .from(refunds)
      .where(
        and(
          eq(refunds.orgId, orgId),
          eq(refunds.tenantId, tenantId),
          eq(refunds.kind, 'overpayment'),
          inArray(refunds.status, ['requested', 'approved', 'paying']),
          exceptId ? sql`${refunds.id} <> ${exceptId}` : undefined,
        ),
      );
    return Number(row?.fen ?? 0);
  },

  /** The balance (credit − debit) of an account purpose for a tenant in the journal. */
  async creditBalance(db: Executor, orgId: string, purpose: string, tenantId: string): Promise<number> {
    const [row] = await queryRows<{ balance: string | null }>(
      db,
      sql`SELECT sum(l.credit_fen - l.debit_fen) AS balance
            FROM journal_lines l JOIN ledger_accounts a ON a.id = l.account_id
           WHERE l.org_id = ${orgId} AND a.purpose = ${purpose} AND l.tenant_id = ${tenantId}`,
    );
    return Number(row?.balance ?? 0);
  },
};
