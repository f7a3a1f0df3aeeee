// The summary the dashboard reads (bill_due_totals, migration 0014): kept by the bills' statement triggers as rows of
// differences, folded here into one row per organisation and due date.
import { type Executor, type Orm, queryRows, sql } from '../../db/client.ts';

/**
 * Folds each (org, due date) with several rows into one; groups that add up to nothing disappear. Rows appended meanwhile by
 * other transactions are not seen by the DELETE and stay as they are, so nothing is counted twice or lost; two
 * compactions at once cannot take the same row (the second finds it deleted).
 */
export async function compactBillDueTotals(db: Orm): Promise<{ rowsBefore: number; rowsAfter: number }> {
  const [counts] = await queryRows<{ before: string; after: string }>(
    db,
    sql`WITH gone AS (
               DELETE FROM bill_due_totals
                WHERE (org_id, due_date) IN (SELECT org_id, due_date FROM bill_due_totals
                                              GROUP BY org_id, due_date HAVING count(*) > 1)
               RETURNING *),
             folded AS (
               INSERT INTO bill_due_totals (org_id, due_date, bill_count, billed_fen, principal_paid_fen, owed_count, owed_fen)
               SELECT * FROM (
                 SELECT org_id, due_date, sum(bill_count) AS bill_count, sum(billed_fen) AS billed_fen,
                        sum(principal_paid_fen) AS principal_paid_fen, sum(owed_count) AS owed_count,
                        sum(owed_fen) AS owed_fen
                   FROM gone GROUP BY org_id, due_date) t
                WHERE (bill_count, billed_fen, principal_paid_fen, owed_count, owed_fen) <> (0, 0, 0, 0, 0)
               RETURNING 1)
        SELECT (SELECT count(*) FROM gone)::text AS before, (SELECT count(*) FROM folded)::text AS after`,
  );
  return { rowsBefore: Number(counts!.before), rowsAfter: Number(counts!.after) };
}

/**
 * The summary's figures per due date next to the same figures computed from the bills themselves: the dates where
 * they differ (none, unless a bill changed without its trigger).
 */
export async function billDueTotalsDrift(db: Executor, orgId: string) {
  return queryRows<{ due_date: string; summary: string; bills: string }>(
    db,
    sql`WITH summary AS (
          SELECT due_date, sum(bill_count) AS bill_count, sum(billed_fen) AS billed_fen,
                 sum(principal_paid_fen) AS paid_fen, sum(owed_count) AS owed_count, sum(owed_fen) AS owed_fen
            FROM bill_due_totals WHERE org_id = ${orgId} GROUP BY due_date),
        actual AS (
          SELECT due_date, count(*) FILTER (WHERE status <> 'void') AS bill_count,
                 coalesce(sum(amount_fen) FILTER (WHERE status <> 'void'), 0) AS billed_fen,
                 coalesce(sum(principal_paid_fen) FILTER (WHERE status <> 'void'), 0) AS paid_fen,
                 count(*) FILTER (WHERE status IN ('open', 'partial') AND owed > 0) AS owed_count,
                 coalesce(sum(owed) FILTER (WHERE status IN ('open', 'partial') AND owed > 0), 0) AS owed_fen
            FROM (SELECT *, amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen AS owed
                    FROM bills WHERE org_id = ${orgId}) b
           GROUP BY due_date)
        SELECT coalesce(s.due_date, a.due_date)::text AS due_date,
               concat_ws('/', s.bill_count, s.billed_fen, s.paid_fen, s.owed_count, s.owed_fen) AS summary,
               concat_ws('/', a.bill_count, a.billed_fen, a.paid_fen, a.owed_count, a.owed_fen) AS bills
          FROM summary s FULL JOIN actual a ON a.due_date = s.due_date
         WHERE (coalesce(s.bill_count, 0), coalesce(s.billed_fen, 0), coalesce(s.paid_fen, 0), coalesce(s.owed_count, 0),
                coalesce(s.owed_fen, 0))
               IS DISTINCT FROM
               (coalesce(a.bill_count, 0), coalesce(a.billed_fen, 0), coalesce(a.paid_fen, 0),
                coalesce(a.owed_count, 0), coalesce(a.owed_fen, 0))
         ORDER BY 1`,
  );
}
