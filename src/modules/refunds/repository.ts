// SQL for refunds (退款) only; the tenant's advance (2203) and deposit (2241) balances read from the journal; the
// deposit refund requests a lease's end leaves (with the contract's deposit bill and unpaid bills for the list).
import { and, count, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import { depositRefundRequests, type RefundStatus, refunds, tenants } from '../../db/schema.ts';

export type RefundRow = typeof refunds.$inferSelect;
export type NewRefundRow = typeof refunds.$inferInsert;
export type DepositRefundRequestRow = typeof depositRefundRequests.$inferSelect;
export type DepositRefundRequestStatus = DepositRefundRequestRow['status'];

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

  /** Refunds handed to a channel and not settled since `before`, oldest first, for the backstop to ask about. */
  unsettledChannelRefunds: (db: Executor, before: Date, limit: number) =>
    db
      .select({ id: refunds.id, orgId: refunds.orgId, refundNo: refunds.refundNo })
      .from(refunds)
      .where(and(eq(refunds.status, 'paying'), sql`${refunds.updatedAt} < ${before.toISOString()}::timestamptz`))
      .orderBy(refunds.updatedAt)
      .limit(limit),

  async find(db: Executor, orgId: string, id: string) {
    const [row] = await db
      .select({ refund: refunds, tenantName: tenants.name })
      .from(refunds)
      .leftJoin(tenants, eq(tenants.id, refunds.tenantId))
      .where(and(eq(refunds.orgId, orgId), eq(refunds.id, id)));
    return row ? { ...row.refund, tenantName: row.tenantName } : undefined;
  },

  async list(db: Executor, filter: RefundFilter, page: number, pageSize: number) {
    const where = refundWhere(filter);
    const [rows, [total]] = await Promise.all([
      db
        .select({ refund: refunds, tenantName: tenants.name })
        .from(refunds)
        .leftJoin(tenants, eq(tenants.id, refunds.tenantId))
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
  /** What live refunds through one payment order take or took back of it (the channel refunds no more than it took). */
  async heldFromOrder(db: Executor, paymentOrderId: string, exceptId?: string): Promise<number> {
    const [row] = await db
      .select({ fen: sql<string | null>`sum(${refunds.amountFen})` })
      .from(refunds)
      .where(
        and(
          eq(refunds.paymentOrderId, paymentOrderId),
          inArray(refunds.status, LIVE),
          exceptId ? sql`${refunds.id} <> ${exceptId}` : undefined,
        ),
      );
    return Number(row?.fen ?? 0);
  },

  /** What refunds through the same order paid back before this one (Alipay's notifications give the running total). */
  async refundedBefore(db: Executor, refund: RefundRow): Promise<number> {
    if (!refund.paymentOrderId) return 0;
    const [row] = await db
      .select({ fen: sql<string | null>`sum(${refunds.amountFen})` })
      .from(refunds)
      .where(
        and(
          eq(refunds.paymentOrderId, refund.paymentOrderId),
          eq(refunds.status, 'refunded'),
          sql`${refunds.id} <> ${refund.id}`,
        ),
      );
    return Number(row?.fen ?? 0);
  },

  /** A deposit refund under way or done for this deposit bill. */
  async liveDepositRefund(db: Executor, depositBillId: string): Promise<boolean> {
    const [row] = await db
      .select({ id: refunds.id })
      .from(refunds)
      .where(and(eq(refunds.depositBillId, depositBillId), inArray(refunds.status, LIVE)))
      .limit(1);
    return row !== undefined;
  },

  /** A tenant's refunds, newest first (the portal). */
  async ofTenant(db: Executor, orgId: string, tenantId: string): Promise<RefundRow[]> {
    return db
      .select()
      .from(refunds)
      .where(and(eq(refunds.orgId, orgId), eq(refunds.tenantId, tenantId)))
      .orderBy(desc(refunds.requestedAt), desc(refunds.id))
      .limit(200);
  },

  // ---- deposit refund requests ----

  async lockRequestOfContract(tx: Executor, orgId: string, contractId: string) {
    const [row] = await tx
      .select()
      .from(depositRefundRequests)
      .where(and(eq(depositRefundRequests.orgId, orgId), eq(depositRefundRequests.contractId, contractId)))
      .for('update');
    return row as DepositRefundRequestRow | undefined;
  },

  async lockRequest(tx: Executor, id: string) {
    const [row] = await tx.select().from(depositRefundRequests).where(eq(depositRefundRequests.id, id)).for('update');
    return row as DepositRefundRequestRow | undefined;
  },

  async updateRequest(
    tx: Executor,
    id: string,
    changes: { status?: DepositRefundRequestStatus; refundId?: string | null },
  ): Promise<DepositRefundRequestRow> {
    const [row] = await tx
      .update(depositRefundRequests)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(depositRefundRequests.id, id))
      .returning();
    return row!;
  },

  /**
   * Deposit refund requests, newest first, each with its contract, tenant, the contract's deposit bill (what was paid
   * on it) and the refund answering it.
   */
  async listRequests(
    db: Executor,
    filter: { orgId: string; status?: DepositRefundRequestStatus; contractId?: string },
    page: number,
    pageSize: number,
  ) {
    const where = sql`r.org_id = ${filter.orgId}
      ${filter.status ? sql`AND r.status = ${filter.status}` : sql``}
      ${filter.contractId ? sql`AND r.contract_id = ${filter.contractId}` : sql``}`;
    const [items, [total]] = await Promise.all([
      queryRows<DepositRequestListRow>(
        db,
        sql`SELECT r.id, r.contract_id AS "contractId", c.number AS "contractNo", r.tenant_id AS "tenantId",
                   t.name AS "tenantName", r.amount_fen::text AS "amountFen", r.reason, r.status,
                   r.created_at AS "createdAt", r.updated_at AS "updatedAt",
                   d.id AS "depositBillId", d.number AS "depositBillNo",
                   d.principal_paid_fen::text AS "depositPaidFen", d.status AS "depositBillStatus",
                   r.refund_id AS "refundId", f.refund_no AS "refundNo", f.status AS "refundStatus",
                   f.amount_fen::text AS "refundAmountFen"
              FROM deposit_refund_requests r
              JOIN contracts c ON c.id = r.contract_id
              JOIN tenants t ON t.id = r.tenant_id
              LEFT JOIN LATERAL (
                SELECT b.id, b.number, b.principal_paid_fen, b.status FROM bills b
                 WHERE b.contract_id = r.contract_id AND b.kind = 'deposit' AND b.status <> 'void'
                 ORDER BY b.due_date, b.number LIMIT 1) d ON true
              LEFT JOIN refunds f ON f.id = r.refund_id
             WHERE ${where}
             ORDER BY r.created_at DESC, r.id
             LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
      ),
      queryRows<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM deposit_refund_requests r WHERE ${where}`),
    ]);
    return { items, total: Number(total?.n ?? 0) };
  },

  /** The contracts' bills other than the deposit still owing something, by due date. */
  async unpaidBillsOfContracts(db: Executor, contractIds: string[]) {
    if (contractIds.length === 0) return [];
    return queryRows<{
      id: string;
      contractId: string;
      billNo: string;
      kind: string;
      periodStart: string | null;
      periodEnd: string | null;
      dueDate: string;
      outstandingFen: string;
    }>(
      db,
      sql`SELECT id, contract_id AS "contractId", number AS "billNo", kind, period_start::text AS "periodStart",
                 period_end::text AS "periodEnd", due_date::text AS "dueDate",
                 (amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen)::text
                   AS "outstandingFen"
            FROM bills
           WHERE contract_id IN (${sql.join(
             contractIds.map((id) => sql`${id}`),
             sql`, `,
           )})
             AND kind <> 'deposit' AND status IN ('open', 'partial')
           ORDER BY due_date, number`,
    );
  },
};

export interface DepositRequestListRow {
  id: string;
  contractId: string;
  contractNo: string;
  tenantId: string;
  tenantName: string;
  amountFen: string;
  reason: 'terminated' | 'expired';
  status: DepositRefundRequestStatus;
  createdAt: Date | string;
  updatedAt: Date | string;
  depositBillId: string | null;
  depositBillNo: string | null;
  depositPaidFen: string | null;
  depositBillStatus: string | null;
  refundId: string | null;
  refundNo: string | null;
  refundStatus: RefundStatus | null;
  refundAmountFen: string | null;
}
