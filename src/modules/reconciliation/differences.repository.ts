// SQL of reconciliation differences (对账差异) only: finance's worklist, one difference locked for its decision, what
// the ledger already holds for the line's transaction, and the later run that resolves an earlier run's difference.
import { and, eq } from 'drizzle-orm';
import { type Executor, queryRows, sql } from '../../db/client.ts';
import {
  type Provider,
  type ReconciliationDifferenceKind,
  type ReconciliationDifferenceStatus,
  reconciliationDifferences,
} from '../../db/schema.ts';

export type DifferenceRow = typeof reconciliationDifferences.$inferSelect;
/** A difference with what the views name: its run's day and the suspense item its settlement made or used. */
export type DifferenceListRow = DifferenceRow & { statementDate: string; suspenseNumber: string | null };

export interface DifferenceFilter {
  orgId: string;
  id?: string;
  runId?: string;
  status?: ReconciliationDifferenceStatus;
  provider?: Provider;
  kind?: ReconciliationDifferenceKind;
}

const LIST_COLUMNS = sql`d.id, d.org_id AS "orgId", d.run_id AS "runId", d.provider, d.kind, d.line_no AS "lineNo",
  d.order_no AS "orderNo", d.transaction_id AS "transactionId", d.payment_order_id AS "paymentOrderId",
  d.channel_amount_fen AS "channelAmountFen", d.our_amount_fen AS "ourAmountFen", d.status,
  d.resolution_note AS "resolutionNote", d.resolved_by AS "resolvedBy", d.resolved_by_name AS "resolvedByName",
  d.resolved_at AS "resolvedAt", d.created_at AS "createdAt", d.refund_no AS "refundNo", d.refund_id AS "refundId",
  d.channel_fee_fen AS "channelFeeFen", d.action, d.proposed_by AS "proposedBy",
  d.proposed_by_name AS "proposedByName", d.proposed_at AS "proposedAt", d.decided_by AS "decidedBy",
  d.decided_by_name AS "decidedByName", d.decided_at AS "decidedAt", d.decision_note AS "decisionNote",
  d.suspense_item_id AS "suspenseItemId", d.journal_entry_id AS "journalEntryId",
  d.auto_resolved_by_run_id AS "autoResolvedByRunId", r.statement_date::text AS "statementDate",
  s.number AS "suspenseNumber"`;

const toInstant = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
const toFen = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function listRow(row: Record<string, unknown>): DifferenceListRow {
  return {
    ...(row as DifferenceListRow),
    lineNo: row.lineNo === null ? null : Number(row.lineNo),
    channelAmountFen: toFen(row.channelAmountFen),
    ourAmountFen: toFen(row.ourAmountFen),
    channelFeeFen: toFen(row.channelFeeFen),
    resolvedAt: toInstant(row.resolvedAt),
    proposedAt: toInstant(row.proposedAt),
    decidedAt: toInstant(row.decidedAt),
    createdAt: toInstant(row.createdAt)!,
  };
}

export const differencesRepository = {
  /** Newest first (the worklist), or in line order within one run. */
  async list(tx: Executor, filter: DifferenceFilter, page: number, pageSize: number) {
    const where = sql.join(
      [
        sql`d.org_id = ${filter.orgId}`,
        ...(filter.id ? [sql`d.id = ${filter.id}`] : []),
        ...(filter.runId ? [sql`d.run_id = ${filter.runId}`] : []),
        ...(filter.status ? [sql`d.status = ${filter.status}`] : []),
        ...(filter.provider ? [sql`d.provider = ${filter.provider}`] : []),
        ...(filter.kind ? [sql`d.kind = ${filter.kind}`] : []),
      ],
      sql` AND `,
    );
    const order = filter.runId
      ? sql`d.kind, d.line_no NULLS LAST, d.order_no`
      : sql`r.statement_date DESC, d.created_at DESC, d.line_no NULLS LAST, d.id`;
    const rows = await queryRows<Record<string, unknown>>(
      tx,
      sql`SELECT ${LIST_COLUMNS}
            FROM reconciliation_differences d
            JOIN reconciliation_runs r ON r.id = d.run_id
            LEFT JOIN suspense_items s ON s.id = d.suspense_item_id
           WHERE ${where}
           ORDER BY ${order}
           LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    const [total] = await queryRows<{ n: string }>(
      tx,
      sql`SELECT count(*)::text AS n FROM reconciliation_differences d WHERE ${where}`,
    );
    return { items: rows.map(listRow), total: Number(total?.n ?? 0) };
  },

  async lock(tx: Executor, orgId: string, id: string): Promise<DifferenceRow | undefined> {
    const [row] = await tx
      .select()
      .from(reconciliationDifferences)
      .where(and(eq(reconciliationDifferences.orgId, orgId), eq(reconciliationDifferences.id, id)))
      .for('update');
    return row;
  },

  async update(tx: Executor, id: string, values: Partial<typeof reconciliationDifferences.$inferInsert>) {
    await tx.update(reconciliationDifferences).set(values).where(eq(reconciliationDifferences.id, id));
  },

  /** The statement line a difference came from: the channel's amount, fee and time. */
  async line(tx: Executor, runId: string, lineNo: number) {
    const [row] = await queryRows<{ amountFen: string; feeFen: string; occurredAt: string; orderNo: string }>(
      tx,
      sql`SELECT amount_fen::text AS "amountFen", fee_fen::text AS "feeFen", occurred_at AS "occurredAt",
                 order_no AS "orderNo"
            FROM reconciliation_lines WHERE run_id = ${runId} AND line_no = ${lineNo}`,
    );
    return row
      ? {
          amountFen: Number(row.amountFen),
          feeFen: Number(row.feeFen),
          occurredAt: new Date(row.occurredAt),
          orderNo: row.orderNo,
        }
      : undefined;
  },

  /**
   * What the clearing account (1012) already holds for this channel transaction: its suspense item (posted Dr 1012 /
   * Cr 2202 when it arrived), or the order it paid (posted Dr 1012 / Cr 1122); nothing when it was never posted.
   */
  async postedForTransaction(tx: Executor, orgId: string, provider: Provider, transactionId: string) {
    const [suspense] = await queryRows<{ id: string; amountFen: string }>(
      tx,
      sql`SELECT id, amount_fen::text AS "amountFen" FROM suspense_items
           WHERE org_id = ${orgId} AND provider = ${provider} AND transaction_id = ${transactionId}`,
    );
    if (suspense) return { postedFen: Number(suspense.amountFen), suspenseItemId: suspense.id as string | null };
    const [order] = await queryRows<{ amountFen: string }>(
      tx,
      sql`SELECT amount_fen::text AS "amountFen" FROM payment_orders
           WHERE org_id = ${orgId} AND provider = ${provider} AND transaction_id = ${transactionId}
             AND status IN ('succeeded', 'refunding', 'refunded')`,
    );
    return { postedFen: order ? Number(order.amountFen) : 0, suspenseItemId: null };
  },

  /** The order the line names (its status decides why the money is in suspense). */
  async orderStatus(tx: Executor, orgId: string, provider: Provider, orderNo: string | null) {
    if (!orderNo) return undefined;
    const [row] = await queryRows<{ id: string; status: string; tenantId: string }>(
      tx,
      sql`SELECT id, status, tenant_id AS "tenantId" FROM payment_orders
           WHERE org_id = ${orgId} AND provider = ${provider} AND order_no = ${orderNo}`,
    );
    return row;
  },

  /** The transaction's money was already settled: a run matched it, or another difference of it was settled. */
  async settledElsewhere(tx: Executor, difference: DifferenceRow): Promise<boolean> {
    const rows = await queryRows(
      tx,
      sql`SELECT 1 FROM reconciliation_lines
           WHERE org_id = ${difference.orgId} AND provider = ${difference.provider}
             AND transaction_id = ${difference.transactionId} AND kind = 'payment'
             AND outcome IN ('matched', 'repaired', 'settled_before')
          UNION ALL
          SELECT 1 FROM reconciliation_differences
           WHERE org_id = ${difference.orgId} AND provider = ${difference.provider}
             AND transaction_id = ${difference.transactionId} AND id <> ${difference.id}
             AND action = 'settle' AND status = 'resolved'
           LIMIT 1`,
    );
    return rows.length > 0;
  },

  /**
   * An earlier run's "succeeded here, not in the channel" that this run's statement has after all (the channel put
   * it on the next day): resolved by this run. The same for refunds. Returns how many.
   */
  async autoResolve(tx: Executor, run: { id: string; orgId: string; provider: Provider }): Promise<number> {
    const rows = await queryRows(
      tx,
      sql`UPDATE reconciliation_differences d
             SET status = 'resolved', auto_resolved_by_run_id = ${run.id}, resolved_at = now(),
                 resolved_by_name = '系统',
                 resolution_note = '后续对账单中已有该笔交易，勾对一致'
            FROM reconciliation_lines l
           WHERE l.run_id = ${run.id} AND d.org_id = ${run.orgId} AND d.provider = ${run.provider}
             AND d.run_id <> ${run.id} AND d.status = 'open'
             AND ((d.kind = 'missing_in_channel' AND l.kind = 'payment'
                   AND l.outcome IN ('matched', 'repaired', 'settled_before') AND l.transaction_id = d.transaction_id)
               OR (d.kind = 'refund_missing_in_channel' AND l.kind = 'refund'
                   AND l.outcome IN ('refund_matched', 'settled_before') AND l.refund_id = d.refund_id))
          RETURNING d.id`,
    );
    return rows.length;
  },
};
