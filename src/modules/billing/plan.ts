// The bill plan (bill_plan): what each contract bills, period by period, computed from its rent schedule when it is
// activated (or by the first billing run for older contracts), and cut by an early termination.

import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import { type CalendarDate, chinaDate } from '../../domain/calendar.ts';
import { parseRate, vatSplit } from '../../domain/money.ts';
import { type BillingPeriod, type ContractTerms, rentSchedule } from '../../domain/rent-schedule.ts';
import type { Actor } from '../audit/service.ts';
import { voidBillIn } from './void.ts';

/** Contracts in these states are billed. */
export const BILLABLE_CONTRACT_STATUSES = ['active', 'expired', 'terminated'] as const;

/** Statements insert this many plan rows at a time. */
const CHUNK_ROWS = 5000;

export const TERMINATION_VOID_REASON = '合同提前终止';

export interface PlanRow {
  org_id: string;
  contract_id: string;
  tenant_id: string;
  kind: 'rent' | 'deposit' | 'final';
  period_index: number;
  period_start: CalendarDate;
  period_end: CalendarDate;
  due_date: CalendarDate;
  amount_fen: number;
  net_fen: number;
  tax_fen: number;
  cancelled: boolean;
}

export interface PlannedContract {
  id: string;
  orgId: string;
  tenantId: string;
  status: string;
  terms: ContractTerms;
  /** The final settlement of an early termination (contracts.final_settlement). */
  finalSettlement?: { finalPeriod: BillingPeriod } | null;
}

/**
 * The plan rows of a contract: one rent row per schedule period (zero amounts too), the deposit (index 0, due with the
 * first period), and for a terminated contract the final row of the cut period with the periods from it cancelled.
 */
export function planRowsOf(contract: PlannedContract): PlanRow[] {
  const schedule = rentSchedule(contract.terms);
  const base = { org_id: contract.orgId, contract_id: contract.id, tenant_id: contract.tenantId };
  const final = contract.status === 'terminated' ? (contract.finalSettlement?.finalPeriod ?? null) : null;
  const rows: PlanRow[] = schedule.periods.map((period) => ({
    ...base,
    kind: 'rent',
    period_index: period.index,
    period_start: period.periodStart,
    period_end: period.periodEnd,
    due_date: period.dueDate,
    amount_fen: period.amountFen,
    net_fen: period.netFen,
    tax_fen: period.taxFen,
    cancelled: final !== null && period.index >= final.index,
  }));
  if (schedule.deposit) {
    rows.push({
      ...base,
      kind: 'deposit',
      period_index: 0,
      period_start: contract.terms.startDate,
      period_end: contract.terms.endDate,
      due_date: schedule.deposit.dueDate,
      amount_fen: schedule.deposit.amountFen,
      net_fen: schedule.deposit.amountFen,
      tax_fen: 0,
      cancelled: false,
    });
  }
  if (final) rows.push(finalRow(base, final, final.amountFen, final.netFen, final.taxFen));
  return rows;
}

function finalRow(
  base: Pick<PlanRow, 'org_id' | 'contract_id' | 'tenant_id'>,
  period: BillingPeriod,
  amountFen: number,
  netFen: number,
  taxFen: number,
): PlanRow {
  return {
    ...base,
    kind: 'final',
    period_index: period.index,
    period_start: period.periodStart,
    period_end: period.periodEnd,
    due_date: period.dueDate,
    amount_fen: amountFen,
    net_fen: netFen,
    tax_fen: taxFen,
    cancelled: false,
  };
}

/** Inserts plan rows, one statement per chunk; rows already planned are kept. */
export async function insertPlanRows(tx: Executor, rows: readonly PlanRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS);
    await tx.execute(sql`
      INSERT INTO bill_plan (org_id, contract_id, tenant_id, kind, period_index, period_start, period_end, due_date,
                             amount_fen, net_fen, tax_fen, cancelled)
      SELECT r.org_id, r.contract_id, r.tenant_id, r.kind, r.period_index, r.period_start, r.period_end, r.due_date,
             r.amount_fen, r.net_fen, r.tax_fen, r.cancelled
        FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
             AS r (org_id uuid, contract_id uuid, tenant_id uuid, kind text, period_index integer, period_start date,
                   period_end date, due_date date, amount_fen bigint, net_fen bigint, tax_fen bigint, cancelled boolean)
      ON CONFLICT (contract_id, kind, period_index) DO NOTHING`);
  }
}

async function markPlanned(tx: Executor, contractIds: readonly string[]) {
  if (contractIds.length === 0) return;
  await tx.execute(sql`
    UPDATE contracts SET planned_at = now()
     WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(contractIds)}::jsonb)::uuid)`);
}

/** Writes the plan of one contract (at activation, in its transaction) and stamps contracts.planned_at. */
export async function planContract(tx: Executor, contract: PlannedContract): Promise<void> {
  await insertPlanRows(tx, planRowsOf(contract));
  await markPlanned(tx, [contract.id]);
}

/**
 * Plans every billable contract without a plan yet (of one org, or of all): the schedules computed here, the rows
 * written a chunk per statement. Returns how many contracts were planned.
 */
export async function planUnplanned(tx: Executor, orgId: string | null): Promise<number> {
  const contracts = await queryRows<PlannedContract>(
    tx,
    sql`SELECT id, org_id AS "orgId", tenant_id AS "tenantId", status, terms, final_settlement AS "finalSettlement"
          FROM contracts
         WHERE planned_at IS NULL AND status IN ('active', 'expired', 'terminated')
           ${orgId === null ? sql`` : sql`AND org_id = ${orgId}`}
         ORDER BY id
         FOR UPDATE`,
  );
  let rows: PlanRow[] = [];
  let ids: string[] = [];
  for (const contract of contracts) {
    rows.push(...planRowsOf(contract));
    ids.push(contract.id);
    if (rows.length >= CHUNK_ROWS) {
      await insertPlanRows(tx, rows);
      await markPlanned(tx, ids);
      rows = [];
      ids = [];
    }
  }
  await insertPlanRows(tx, rows);
  await markPlanned(tx, ids);
  return contracts.length;
}

/**
 * An early termination cuts the plan (in the terminate use case's transaction): the periods after the cut one are
 * cancelled, and so is the cut period's rent row; a final row bills the prorated rent of the cut period (less a rent
 * bill already issued for it: only a positive difference is billed). Issued bills of the cancelled periods with
 * nothing paid are voided, their entries reversed.
 */
export async function cutPlanAtTermination(
  tx: Executor,
  actor: Actor & { orgId: string },
  contract: PlannedContract & { finalSettlement: { finalPeriod: BillingPeriod } },
  onDay: CalendarDate = chinaDate(new Date()),
): Promise<{ voided: number; partlyPaidKept: number }> {
  const [planned] = await queryRows<{ plannedAt: string | null }>(
    tx,
    sql`SELECT planned_at AS "plannedAt" FROM contracts WHERE id = ${contract.id}`,
  );
  if (!planned?.plannedAt) {
    // Never planned (an older contract): its whole plan, already cut.
    await planContract(tx, contract);
  } else {
    const final = contract.finalSettlement.finalPeriod;
    await tx.execute(sql`
      UPDATE bill_plan SET cancelled = true
       WHERE contract_id = ${contract.id} AND kind = 'rent' AND period_index >= ${final.index}`);
    const [issued] = await queryRows<{ amountFen: string | null }>(
      tx,
      sql`SELECT sum(amount_fen) AS "amountFen" FROM bills
           WHERE contract_id = ${contract.id} AND kind = 'rent' AND period_index = ${final.index} AND status <> 'void'`,
    );
    const issuedFen = Number(issued?.amountFen ?? 0);
    const base = { org_id: contract.orgId, contract_id: contract.id, tenant_id: contract.tenantId };
    if (issuedFen === 0) {
      await insertPlanRows(tx, [finalRow(base, final, final.amountFen, final.netFen, final.taxFen)]);
    } else if (final.amountFen > issuedFen) {
      const split = vatSplit(final.amountFen - issuedFen, parseRate(contract.terms.taxRate));
      await insertPlanRows(tx, [finalRow(base, final, final.amountFen - issuedFen, split.netFen, split.taxFen)]);
    }
  }
  // Bills of the periods after the cut one are no longer owed.
  const cancelledBills = await queryRows<{ id: string; paid: boolean }>(
    tx,
    sql`SELECT id, (principal_paid_fen > 0 OR late_fee_paid_fen > 0) AS paid FROM bills
         WHERE contract_id = ${contract.id} AND kind = 'rent'
           AND period_index > ${contract.finalSettlement.finalPeriod.index} AND status <> 'void'
         ORDER BY period_index`,
  );
  let voided = 0;
  for (const bill of cancelledBills) {
    if (bill.paid) continue;
    await voidBillIn(tx, actor, bill.id, TERMINATION_VOID_REASON, onDay);
    voided += 1;
  }
  return { voided, partlyPaidKept: cancelledBills.length - voided };
}
