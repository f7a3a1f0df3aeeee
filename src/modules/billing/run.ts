// The billing run (开账): every plan row due on or before a date becomes a bill, with its principal line and its
// journal entry (Dr receivable / Cr revenue, deposits and output VAT), in one transaction and set-based statements.
// Running it again issues nothing twice: bills_period_key is the idempotency key.

import { sql } from 'drizzle-orm';
import type { Orm } from '../../db/client.ts';
import { queryRows } from '../../db/client.ts';
import { type CalendarDate, chinaDate, isCalendarDate } from '../../domain/calendar.ts';
import { AppError } from '../../http/problem.ts';
import { type Actor, auditService, systemActor } from '../audit/service.ts';
import type { AccountPurpose } from '../ledger/chart.ts';
import { ensureChart } from '../ledger/journal.ts';
import { planUnplanned } from './plan.ts';

export interface BillingRunResult {
  id: string;
  throughDate: CalendarDate;
  issued: number;
  skipped: number;
  amountFen: number;
}

/** The latest date a run may bill through: a year ahead (bills in advance of a due date are allowed). */
const MAX_AHEAD_DAYS = 366;

/** `<contract number>-<suffix>` of a plan row: -R01… rent, -D deposit, -F final. */
const billNumber = sql`c.number || CASE p.kind
      WHEN 'rent' THEN '-R' || lpad((p.period_index + 1)::text, greatest(2, length((p.period_index + 1)::text)), '0')
      WHEN 'deposit' THEN '-D'
      ELSE '-F' END`;

export async function runBilling(
  db: Orm,
  actor: Actor,
  input: { orgId: string; throughDate: CalendarDate; trigger: 'manual' | 'schedule' },
): Promise<BillingRunResult> {
  const { orgId, throughDate, trigger } = input;
  if (!isCalendarDate(throughDate)) {
    throw new AppError(422, 'billing_through_date_invalid', { date: String(throughDate) }, [
      { path: 'body/throughDate', key: 'billing_through_date_invalid', params: { date: String(throughDate) } },
    ]);
  }
  const day = chinaDate(new Date());
  const latest = chinaDate(new Date(Date.now() + MAX_AHEAD_DAYS * 86_400_000));
  if (throughDate > latest) {
    throw new AppError(422, 'billing_through_date_too_far', { date: throughDate, latest }, [
      { path: 'body/throughDate', key: 'billing_through_date_too_far', params: { date: throughDate, latest } },
    ]);
  }
  const runActor = { ...actor, orgId };
  return db.transaction(async (tx) => {
    // One run per org at a time: a second waits, then finds the bills issued.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('billing-run'), hashtext(${orgId}))`);
    const [run] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO billing_runs (org_id, through_date, trigger, started_by, started_by_name)
          VALUES (${orgId}, ${throughDate}, ${trigger}, ${actor.id}, ${actor.name}) RETURNING id`,
    );
    await planUnplanned(tx, orgId);
    const accounts = await ensureChart(tx, orgId);
    const [counts] = await queryRows<{ due: string; issued: string; amountFen: string | null }>(
      tx,
      issueStatement({ orgId, throughDate, runId: run!.id, actor, day, accounts }),
    );
    const issued = Number(counts!.issued);
    const result: BillingRunResult = {
      id: run!.id,
      throughDate,
      issued,
      skipped: Number(counts!.due) - issued,
      amountFen: Number(counts!.amountFen ?? 0),
    };
    await tx.execute(sql`
      UPDATE billing_runs SET issued = ${result.issued}, skipped = ${result.skipped}, amount_fen = ${result.amountFen},
                              finished_at = now()
       WHERE id = ${run!.id}`);
    await auditService.record(tx, runActor, {
      action: 'billing.run',
      entityType: 'billing_run',
      entityId: run!.id,
      after: { throughDate, trigger, issued: result.issued, skipped: result.skipped, amountFen: result.amountFen },
    });
    return result;
  });
}

/** The daily job: every organisation billed through today. */
export async function runBillingForAllOrgs(db: Orm, throughDate: CalendarDate = chinaDate(new Date())) {
  const orgs = await queryRows<{ id: string }>(db, sql`SELECT id FROM orgs ORDER BY id`);
  const results: BillingRunResult[] = [];
  for (const org of orgs) {
    results.push(await runBilling(db, systemActor, { orgId: org.id, throughDate, trigger: 'schedule' }));
  }
  return {
    orgs: results.length,
    issued: results.reduce((sum, run) => sum + run.issued, 0),
    amountFen: results.reduce((sum, run) => sum + run.amountFen, 0),
  };
}

/**
 * The one statement of a run: plan rows due → bills (ON CONFLICT on bills_period_key skips those issued before) →
 * their journal entries, principal lines and journal lines, all from the rows the insert returned. Answers how many
 * were due, how many issued and their amount.
 */
export function issueStatement(input: {
  orgId: string;
  throughDate: CalendarDate;
  runId: string;
  actor: Actor;
  day: CalendarDate;
  /** The org's accounts by purpose (ensureChart). */
  accounts: Map<AccountPurpose, string>;
}) {
  const { orgId, throughDate, actor, day, accounts } = input;
  const run = { id: input.runId };
  return sql`
  WITH due AS (
    SELECT p.*, ${billNumber} AS number, c.terms->'lateFee' AS late_fee_terms,
           coalesce(c.terms->>'taxRate', '0') AS tax_rate
      FROM bill_plan p JOIN contracts c ON c.id = p.contract_id
     WHERE p.org_id = ${orgId} AND NOT p.cancelled AND p.amount_fen > 0 AND p.due_date <= ${throughDate}
       AND c.status IN ('active', 'expired', 'terminated')
  ),
  issued AS (
    INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, period_index, revision, period_start, period_end,
                       due_date, amount_fen, net_fen, tax_fen, tax_rate, late_fee_terms, billing_run_id, issued_by,
                       issued_by_name)
    SELECT org_id, number, contract_id, tenant_id, kind, period_index, 0, period_start, period_end, due_date,
           amount_fen, net_fen, CASE WHEN kind = 'deposit' THEN 0 ELSE tax_fen END,
           CASE WHEN kind = 'deposit' THEN '0' ELSE tax_rate END, late_fee_terms, ${run.id}, ${actor.id},
           ${actor.name}
      FROM due
     ORDER BY contract_id, due_date, kind, period_index
    ON CONFLICT ON CONSTRAINT bills_period_key DO NOTHING
    RETURNING id, org_id, number, contract_id, tenant_id, kind, period_index, period_start, period_end, amount_fen,
              net_fen, tax_fen
  ),
  entries AS (
    INSERT INTO journal_entries (org_id, entry_date, kind, memo, source_type, source_id, created_by, created_by_name)
    SELECT org_id, ${day}, 'bill_issued', '开具账单 ' || number, 'bill', id, ${actor.id}, ${actor.name}
      FROM issued ORDER BY number
    RETURNING id, source_id
  ),
  principal_lines AS (
    INSERT INTO bill_lines (bill_id, org_id, kind, description, amount_fen, net_fen, tax_fen, journal_entry_id)
    SELECT i.id, i.org_id, i.kind,
           CASE i.kind WHEN 'deposit' THEN '押金'
                       WHEN 'final' THEN '提前终止结算租金 ' || i.period_start || ' 至 ' || i.period_end
                       ELSE '租金 ' || i.period_start || ' 至 ' || i.period_end END,
           i.amount_fen, i.net_fen, i.tax_fen, e.id
      FROM issued i JOIN entries e ON e.source_id = i.id
    RETURNING id
  ),
  posted AS (
    INSERT INTO journal_lines (entry_id, org_id, account_id, debit_fen, credit_fen, tenant_id, contract_id, bill_id)
    SELECT e.id, i.org_id, l.account_id, l.debit_fen, l.credit_fen, i.tenant_id, i.contract_id, i.id
      FROM issued i
      JOIN entries e ON e.source_id = i.id
      CROSS JOIN LATERAL (VALUES
        (1, ${accounts.get('receivable')}::uuid, i.amount_fen, 0::bigint),
        (2, CASE i.kind WHEN 'deposit' THEN ${accounts.get('deposits')}::uuid ELSE ${accounts.get('rent_revenue')}::uuid END,
         0::bigint, i.net_fen),
        (3, ${accounts.get('output_vat')}::uuid, 0::bigint, i.tax_fen)) AS l (n, account_id, debit_fen, credit_fen)
     WHERE l.debit_fen <> 0 OR l.credit_fen <> 0
     ORDER BY e.source_id, l.n
    RETURNING id
  )
  SELECT (SELECT count(*) FROM due) AS due, count(*) AS issued, sum(amount_fen) AS "amountFen" FROM issued`;
}
