// Voiding a bill (作废): only when nothing was paid on it; its issue entry and any penalty and waiver entries are
// reversed in red, so the receivable it made goes back to 0.

import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import type { CalendarDate } from '../../domain/calendar.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { journal } from '../ledger/journal.ts';

export interface LockedBill {
  id: string;
  orgId: string;
  number: string;
  status: 'open' | 'partial' | 'paid' | 'void';
  principalPaidFen: string;
  lateFeePaidFen: string;
}

export async function lockedBill(tx: Executor, orgId: string, id: string): Promise<LockedBill> {
  const [bill] = await queryRows<LockedBill>(
    tx,
    sql`SELECT id, org_id AS "orgId", number, status, principal_paid_fen AS "principalPaidFen",
               late_fee_paid_fen AS "lateFeePaidFen"
          FROM bills WHERE org_id = ${orgId} AND id = ${id} FOR UPDATE`,
  );
  if (!bill) throw notFound('bill', id);
  return bill;
}

/** Voids a bill inside the caller's transaction; refused (409) when it is void already or anything was paid on it. */
export async function voidBillIn(
  tx: Executor,
  actor: Actor & { orgId: string },
  id: string,
  reason: string,
  onDay: CalendarDate,
): Promise<void> {
  const bill = await lockedBill(tx, actor.orgId, id);
  if (bill.status === 'void') throw new AppError(409, 'bill_already_void', { number: bill.number });
  if (Number(bill.principalPaidFen) > 0 || Number(bill.lateFeePaidFen) > 0) {
    throw new AppError(409, 'bill_void_paid', { number: bill.number });
  }
  const entries = await queryRows<{ id: string }>(
    tx,
    sql`SELECT e.id FROM journal_entries e
         WHERE e.org_id = ${actor.orgId} AND e.kind IN ('bill_issued', 'late_fee', 'waiver')
           AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.entry_id = e.id AND l.bill_id = ${id})
           AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id)
         ORDER BY e.entry_no`,
  );
  for (const entry of entries) {
    await journal.reverse(tx, actor, actor.orgId, entry.id, {
      entryDate: onDay,
      memo: `作废账单 ${bill.number}：${reason}`,
      sourceType: 'bill',
      sourceId: id,
    });
  }
  await tx.execute(sql`
    UPDATE bills SET status = 'void', void_reason = ${reason}, voided_at = now(), voided_by = ${actor.id},
                     voided_by_name = ${actor.name}, updated_at = now()
     WHERE id = ${id}`);
  await auditService.record(tx, actor, {
    action: 'bill.void',
    entityType: 'bill',
    entityId: id,
    before: { status: bill.status },
    after: { status: 'void', reason },
  });
}
