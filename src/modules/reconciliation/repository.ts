// SQL of reconciliation (对账) only: runs, the staged statement lines matched set-based against payment orders, and
// the differences a run leaves for finance.
import { and, asc, count, desc, eq } from 'drizzle-orm';
import { insertByColumns } from '../../db/bulk.ts';
import { type Executor, queryRows, sql } from '../../db/client.ts';
import { type Provider, reconciliationDifferences, reconciliationLines, reconciliationRuns } from '../../db/schema.ts';

export type ReconciliationRunRow = typeof reconciliationRuns.$inferSelect;
export type ReconciliationLineRow = typeof reconciliationLines.$inferSelect;
export type ReconciliationDifferenceRow = typeof reconciliationDifferences.$inferSelect;

/** Outcomes whose money this run settles. */
const SETTLED = sql`('matched', 'repaired')`;

export const reconciliationRepository = {
  /** The new run, or undefined when this org already imported the same file for that day and provider. */
  async insertRun(
    tx: Executor,
    run: typeof reconciliationRuns.$inferInsert,
  ): Promise<ReconciliationRunRow | undefined> {
    const [row] = await tx.insert(reconciliationRuns).values(run).onConflictDoNothing().returning();
    return row;
  },

  async runByFile(tx: Executor, orgId: string, provider: Provider, date: string, fileHash: string) {
    const [row] = await tx
      .select()
      .from(reconciliationRuns)
      .where(
        and(
          eq(reconciliationRuns.orgId, orgId),
          eq(reconciliationRuns.provider, provider),
          eq(reconciliationRuns.statementDate, date),
          eq(reconciliationRuns.fileHash, fileHash),
        ),
      );
    return row;
  },

  async lockRun(tx: Executor, orgId: string, id: string) {
    const [row] = await tx
      .select()
      .from(reconciliationRuns)
      .where(and(eq(reconciliationRuns.orgId, orgId), eq(reconciliationRuns.id, id)))
      .for('update');
    return row;
  },

  async run(tx: Executor, orgId: string, id: string) {
    const [row] = await tx
      .select()
      .from(reconciliationRuns)
      .where(and(eq(reconciliationRuns.orgId, orgId), eq(reconciliationRuns.id, id)));
    return row;
  },

  async listRuns(tx: Executor, orgId: string, filter: { provider?: Provider }, page: number, pageSize: number) {
    const where = and(
      eq(reconciliationRuns.orgId, orgId),
      filter.provider ? eq(reconciliationRuns.provider, filter.provider) : undefined,
    );
    const items = await tx
      .select()
      .from(reconciliationRuns)
      .where(where)
      .orderBy(desc(reconciliationRuns.statementDate), desc(reconciliationRuns.createdAt))
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const [total] = await tx.select({ n: count() }).from(reconciliationRuns).where(where);
    return { items, total: Number(total?.n ?? 0) };
  },

  stageLines: (tx: Executor, lines: (typeof reconciliationLines.$inferInsert)[]) =>
    insertByColumns(tx, reconciliationLines, lines, 2000),

  /**
   * Matches the run's payment lines to orders by (provider, order number): the same transaction and amount on an order
   * that succeeded → matched (or settled_before, when an earlier run of another file settled it); the same
   * transaction at another amount → amount_differs; an order that succeeded with another transaction → missing_here.
   * Lines of orders not succeeded here, or of no order, stay unmatched for the channel to be asked. Refund lines wait
   * for refunds to be reconciled.
   */
  async matchLines(tx: Executor, runId: string): Promise<void> {
    await tx.execute(sql`
      UPDATE reconciliation_lines l
         SET payment_order_id = o.id,
             outcome = CASE
               WHEN o.transaction_id = l.transaction_id AND o.amount_fen <> l.amount_fen THEN 'amount_differs'
               WHEN o.status NOT IN ('succeeded', 'refunding', 'refunded') THEN
                 CASE WHEN o.transaction_id = l.transaction_id THEN 'missing_here' END
               WHEN o.transaction_id <> l.transaction_id THEN 'missing_here'
               WHEN EXISTS (SELECT 1 FROM reconciliation_lines earlier
                             WHERE earlier.org_id = l.org_id AND earlier.provider = l.provider
                               AND earlier.transaction_id = l.transaction_id AND earlier.kind = 'payment'
                               AND earlier.run_id <> l.run_id AND earlier.outcome IN ${SETTLED})
                 THEN 'settled_before'
               ELSE 'matched'
             END
        FROM payment_orders o
       WHERE l.run_id = ${runId} AND l.kind = 'payment'
         AND o.org_id = l.org_id AND o.provider = l.provider AND o.order_no = l.order_no`);
    await tx.execute(
      sql`UPDATE reconciliation_lines SET outcome = 'refund' WHERE run_id = ${runId} AND kind = 'refund'`,
    );
  },

  unmatchedLines: (tx: Executor, runId: string) =>
    tx
      .select()
      .from(reconciliationLines)
      .where(and(eq(reconciliationLines.runId, runId), sql`${reconciliationLines.outcome} IS NULL`))
      .orderBy(asc(reconciliationLines.lineNo)),

  async setOutcome(
    tx: Executor,
    runId: string,
    lineNo: number,
    outcome: 'repaired' | 'matched' | 'missing_here',
    paymentOrderId: string | null,
  ) {
    await tx
      .update(reconciliationLines)
      .set({ outcome, paymentOrderId })
      .where(
        and(
          eq(reconciliationLines.runId, runId),
          eq(reconciliationLines.lineNo, lineNo),
          sql`${reconciliationLines.outcome} IS NULL`,
        ),
      );
  },

  /** The transaction is already known as money in suspense (挂账). */
  async inSuspense(tx: Executor, provider: Provider, transactionId: string): Promise<boolean> {
    const rows = await queryRows(
      tx,
      sql`SELECT 1 FROM suspense_items WHERE provider = ${provider} AND transaction_id = ${transactionId}`,
    );
    return rows.length > 0;
  },

  /**
   * The run's differences: lines that did not tie out, and orders that succeeded here within the statement's day
   * [from, to) but are absent from the channel's statement.
   */
  async insertDifferences(
    tx: Executor,
    run: { id: string; orgId: string; provider: Provider },
    from: Date,
    to: Date,
  ): Promise<void> {
    await tx.execute(sql`
      INSERT INTO reconciliation_differences (org_id, run_id, provider, kind, line_no, order_no, transaction_id,
                                              payment_order_id, channel_amount_fen, our_amount_fen)
      SELECT l.org_id, l.run_id, l.provider, l.outcome, l.line_no, l.order_no, l.transaction_id, o.id, l.amount_fen,
             o.amount_fen
        FROM reconciliation_lines l
        LEFT JOIN payment_orders o ON o.id = l.payment_order_id
       WHERE l.run_id = ${run.id} AND l.outcome IN ('amount_differs', 'missing_here')
      UNION ALL
      SELECT o.org_id, ${run.id}::uuid, o.provider, 'missing_in_channel', NULL, o.order_no, o.transaction_id, o.id,
             NULL, o.amount_fen
        FROM payment_orders o
       WHERE o.org_id = ${run.orgId} AND o.provider = ${run.provider}
         AND o.status IN ('succeeded', 'refunding', 'refunded')
         AND o.paid_at >= ${from.toISOString()}::timestamptz AND o.paid_at < ${to.toISOString()}::timestamptz
         AND NOT EXISTS (SELECT 1 FROM reconciliation_lines l
                          WHERE l.run_id = ${run.id} AND l.kind = 'payment' AND l.transaction_id = o.transaction_id)`);
  },

  async totals(tx: Executor, runId: string) {
    const [row] = await queryRows<Record<string, string | number | null>>(
      tx,
      sql`SELECT count(*) AS "lineCount",
                 count(*) FILTER (WHERE kind = 'payment') AS "paymentCount",
                 count(*) FILTER (WHERE kind = 'refund') AS "refundCount",
                 count(*) FILTER (WHERE outcome = 'matched') AS "matchedCount",
                 count(*) FILTER (WHERE outcome = 'repaired') AS "repairedCount",
                 coalesce(sum(amount_fen) FILTER (WHERE kind = 'payment'), 0) AS "channelPaidFen",
                 coalesce(sum(amount_fen) FILTER (WHERE kind = 'refund'), 0) AS "channelRefundFen",
                 coalesce(sum(fee_fen), 0) AS "channelFeeFen",
                 coalesce(sum(amount_fen) FILTER (WHERE outcome IN ${SETTLED}), 0) AS "settledGrossFen",
                 coalesce(sum(fee_fen) FILTER (WHERE outcome IN ${SETTLED}), 0) AS "settledFeeFen",
                 (SELECT count(*) FROM reconciliation_differences d WHERE d.run_id = ${runId}) AS "differenceCount"
            FROM reconciliation_lines WHERE run_id = ${runId}`,
    );
    const number = (key: string) => Number(row?.[key] ?? 0);
    return {
      lineCount: number('lineCount'),
      paymentCount: number('paymentCount'),
      refundCount: number('refundCount'),
      matchedCount: number('matchedCount'),
      repairedCount: number('repairedCount'),
      differenceCount: number('differenceCount'),
      channelPaidFen: number('channelPaidFen'),
      channelRefundFen: number('channelRefundFen'),
      channelFeeFen: number('channelFeeFen'),
      settledGrossFen: number('settledGrossFen'),
      settledFeeFen: number('settledFeeFen'),
    };
  },

  async completeRun(tx: Executor, id: string, values: Partial<typeof reconciliationRuns.$inferInsert>) {
    const [row] = await tx
      .update(reconciliationRuns)
      .set({ ...values, status: 'completed', completedAt: new Date() })
      .where(eq(reconciliationRuns.id, id))
      .returning();
    return row!;
  },

  differences: (tx: Executor, runId: string) =>
    tx
      .select()
      .from(reconciliationDifferences)
      .where(eq(reconciliationDifferences.runId, runId))
      .orderBy(asc(reconciliationDifferences.kind), asc(reconciliationDifferences.lineNo)),
};
