// 收款与核销: applying a payment to bills (domain.md "Applying a payment"), fixing the late-payment penalty into the
// bills and the ledger, and waiving (减免) part of it with an approver's decision.

import { randomUUID } from 'node:crypto';
import type { Executor, Orm } from '../../db/client.ts';
import { constraintViolation } from '../../db/errors.ts';
import type { PAYMENT_METHODS } from '../../db/schema.ts';
import { addDays, type CalendarDate, chinaDate, compareDates } from '../../domain/calendar.ts';
import { formatYuan } from '../../domain/money.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService, systemActor } from '../audit/service.ts';
import { type BillFigures, billFigures, penaltyOf } from '../billing/penalty.ts';
import type { AccountPurpose } from '../ledger/chart.ts';
import { journal } from '../ledger/journal.ts';
import { notificationsService } from '../notifications/service.ts';
import { orgSettingsSection } from '../orgs/service.ts';
import { receiptsService } from '../receipts/service.ts';
import {
  type AllocationView,
  type BillRow,
  type PaymentFilter,
  type PaymentRow,
  collectionsRepository as repo,
  type WaiverFilter,
  type WaiverRow,
} from './repository.ts';

export type { BillRow, PaymentRow } from './repository.ts';
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type OrgActor = Actor & { orgId: string };

export const today = (): CalendarDate => chinaDate(new Date());

/** Within a bill: the penalty first (Civil Code art. 561), or the principal first when the org says so. */
export type ApplyOrder = 'penalty_first' | 'principal_first';
export const APPLY_ORDERS: readonly ApplyOrder[] = ['penalty_first', 'principal_first'];
const SETTINGS_SECTION = 'collections';

export async function applyOrderOf(db: Executor, orgId: string): Promise<ApplyOrder> {
  const section = (await orgSettingsSection(db, orgId, SETTINGS_SECTION)) as { applyOrder?: unknown } | undefined;
  return APPLY_ORDERS.includes(section?.applyOrder as ApplyOrder)
    ? (section!.applyOrder as ApplyOrder)
    : 'penalty_first';
}

/** SK-2026-000001: payments numbered gap-free per organisation and year received. */
export const paymentNumber = (year: number, sequence: number) => `SK-${year}-${String(sequence).padStart(6, '0')}`;

/** What the tenant still owes on a bill beside the penalty not yet fixed. */
const principalOwed = (bill: BillRow) => bill.amountFen - bill.principalPaidFen;
const penaltyOwed = (bill: BillRow) => bill.lateFeeFen - bill.lateFeeWaivedFen - bill.lateFeePaidFen;

/** open, partial or paid from what was paid and waived; paid needs principal and fixed penalty both settled. */
function statusAfter(bill: BillRow): 'open' | 'partial' | 'paid' {
  if (principalOwed(bill) === 0 && penaltyOwed(bill) === 0) return 'paid';
  return bill.principalPaidFen > 0 || bill.lateFeePaidFen > 0 ? 'partial' : 'open';
}

/** The bill's penalty as of a day, from the principal payments applied to it so far. */
export async function billPenalty(db: Executor, bill: BillRow, asOf: CalendarDate) {
  return penaltyOf(bill, await repo.principalPayments(db, bill.id), asOf);
}

/**
 * These bills locked (in id order, as every payment locks them), each with what it owes on the day: `payableFen`
 * is what applying a payment received that day takes to settle it. Returned in due-date order.
 */
export async function lockBillsWithFigures(
  tx: Executor,
  orgId: string,
  ids: string[],
  day: CalendarDate = today(),
): Promise<{ bill: BillRow; figures: BillFigures }[]> {
  const locked = await repo.lockBills(tx, orgId, [...new Set(ids)]);
  const result: { bill: BillRow; figures: BillFigures }[] = [];
  for (const bill of byDueDate(locked)) {
    result.push({ bill, figures: billFigures(bill, await repo.principalPayments(tx, bill.id), day) });
  }
  return result;
}

/** The penalty the tenant owes on the bill if it is settled today (through yesterday, as the bill view shows it). */
export async function penaltyOwedToday(db: Executor, bill: BillRow): Promise<number> {
  return (await billPenalty(db, bill, addDays(today(), -1))).owedFen;
}

/**
 * Fixes the penalty accrued on a (locked) bill through `asOf` and not yet fixed: a late_fee line, its journal entry
 * (Dr receivable / Cr penalty income) and the bill's late_fee_fen. Nothing when none is due. Returns the bill as now.
 */
export async function fixPenalty(
  tx: Executor,
  actor: Actor,
  bill: BillRow,
  asOf: CalendarDate,
): Promise<{ bill: BillRow; fixedFen: number }> {
  if (bill.status !== 'open' && bill.status !== 'partial') return { bill, fixedFen: 0 };
  const { unpostedFen } = await billPenalty(tx, bill, asOf);
  if (unpostedFen <= 0) return { bill, fixedFen: 0 };
  const sub = { tenantId: bill.tenantId, contractId: bill.contractId, billId: bill.id };
  const entry = await journal.post(tx, actor, {
    orgId: bill.orgId,
    entryDate: asOf,
    kind: 'late_fee',
    memo: `账单 ${bill.number} 逾期违约金（计至 ${asOf}）`,
    sourceType: 'bill',
    sourceId: bill.id,
    lines: [
      { purpose: 'receivable', debitFen: unpostedFen, ...sub },
      { purpose: 'penalty_income', creditFen: unpostedFen, ...sub },
    ],
  });
  await repo.insertBillLine(tx, {
    billId: bill.id,
    orgId: bill.orgId,
    kind: 'late_fee',
    description: `逾期违约金（计至 ${asOf}）`,
    amountFen: unpostedFen,
    netFen: unpostedFen,
    taxFen: 0,
    asOf,
    journalEntryId: entry.id,
  });
  const updated = await repo.updateBill(tx, bill, { lateFeeFen: bill.lateFeeFen + unpostedFen });
  return { bill: updated, fixedFen: unpostedFen };
}

export interface PaymentInput {
  orgId: string;
  tenantId: string;
  amountFen: number;
  receivedOn: CalendarDate;
  method: PaymentMethod;
  /** The bank's or channel's reference (流水号); unique per method. */
  reference?: string | null;
  /** Exactly these bills; otherwise the tenant's unsettled bills by due date. */
  billIds?: string[];
  paymentOrderNo?: string | null;
  remarks?: string | null;
  /** Where the money is: bank, cash, or a channel's clearing account. */
  debitPurpose: AccountPurpose;
  /** The debit's sub-ledger when it is one contract's money (a deposit applied to that contract's bills). */
  debitSub?: { contractId?: string | null; billId?: string | null };
  /**
   * Chosen bills settled or voided since they were chosen are passed over instead of refused, and their share
   * becomes an advance: money a channel already took (an online payment order) cannot be turned away.
   */
  skipSettledBills?: boolean;
  /**
   * The day the amount paid was quoted for (a payment order's priced_on): the penalty is fixed through the day before
   * it even when the money arrives later, so the tenant pays what they were quoted and the bill settles.
   */
  penaltyPricedOn?: CalendarDate;
}

export interface AppliedPayment {
  payment: PaymentRow;
  allocations: AllocationView[];
}

/**
 * The chosen bills, each the tenant's and still payable, in due-date order; a problem names the first bad one.
 * With `skipSettled`, paid and void bills are left out instead.
 */
function checkChosenBills(bills: BillRow[], ids: string[], tenantId: string, skipSettled = false): BillRow[] {
  for (const id of ids) {
    const bill = bills.find((candidate) => candidate.id === id);
    if (!bill) {
      throw new AppError(422, 'payment_bill_not_found', { id }, [
        { path: 'body/billIds', key: 'payment_bill_not_found', params: { id } },
      ]);
    }
    if (bill.tenantId !== tenantId) {
      throw new AppError(422, 'payment_bill_other_tenant', { number: bill.number }, [
        { path: 'body/billIds', key: 'payment_bill_other_tenant', params: { number: bill.number } },
      ]);
    }
    if (skipSettled) continue;
    if (bill.status === 'void') throw new AppError(409, 'payment_bill_void', { number: bill.number });
    if (bill.status === 'paid') throw new AppError(409, 'payment_bill_paid', { number: bill.number });
  }
  return byDueDate(skipSettled ? bills.filter((bill) => bill.status === 'open' || bill.status === 'partial') : bills);
}

const earlierOf = (day: CalendarDate, other: CalendarDate | undefined): CalendarDate =>
  other !== undefined && compareDates(other, day) < 0 ? other : day;

const byDueDate = (bills: BillRow[]) =>
  [...bills].sort((a, b) => compareDates(a.dueDate, b.dueDate) || a.number.localeCompare(b.number));

/**
 * Applies money received from a tenant to their bills inside the caller's transaction (any channel: the debit
 * account is the caller's). Chosen bills get exactly that money; without a choice the tenant's bills due first are
 * paid first. Within a bill the penalty is first fixed through the day before the day received (or the day the amount
 * was quoted for, when earlier), then paid before or after the principal as the org says; what is left is an advance
 * (预收). One journal entry, one audit event.
 */
export async function applyPayment(tx: Executor, actor: Actor, input: PaymentInput): Promise<AppliedPayment> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
    throw new AppError(422, 'payment_amount_not_positive', {}, [
      { path: 'body/amountFen', key: 'payment_amount_not_positive' },
    ]);
  }
  const tenantName = await repo.tenantName(tx, input.orgId, input.tenantId);
  if (tenantName === undefined) {
    throw new AppError(422, 'payment_tenant_not_found', { id: input.tenantId }, [
      { path: 'body/tenantId', key: 'payment_tenant_not_found', params: { id: input.tenantId } },
    ]);
  }
  const chosen = input.billIds && input.billIds.length > 0 ? [...new Set(input.billIds)] : undefined;
  const bills = chosen
    ? checkChosenBills(await repo.lockBills(tx, input.orgId, chosen), chosen, input.tenantId, input.skipSettledBills)
    : byDueDate(await repo.lockUnsettledBills(tx, input.orgId, input.tenantId));
  const order = await applyOrderOf(tx, input.orgId);

  const paymentId = randomUUID();
  let remaining = input.amountFen;
  const applied: { bill: BillRow; principalFen: number; lateFeeFen: number }[] = [];
  // The day received accrues on what is left after the payment (domain.md), so the penalty is fixed through the day
  // before; the received day's share, if principal is still unpaid, is fixed with the next payment or month end.
  // Money paid against a quote stops the penalty on the quoted day: a settled bill's penalty is frozen.
  const penaltyThrough = addDays(earlierOf(input.receivedOn, input.penaltyPricedOn), -1);
  for (const locked of bills) {
    if (remaining === 0) break;
    const { bill } = await fixPenalty(tx, actor, locked, penaltyThrough);
    const take = (owed: number) => {
      const part = Math.min(remaining, owed);
      remaining -= part;
      return part;
    };
    let principalFen = 0;
    let lateFeeFen = 0;
    if (order === 'penalty_first') {
      lateFeeFen = take(penaltyOwed(bill));
      principalFen = take(principalOwed(bill));
    } else {
      principalFen = take(principalOwed(bill));
      lateFeeFen = take(penaltyOwed(bill));
    }
    if (principalFen + lateFeeFen > 0) applied.push({ bill, principalFen, lateFeeFen });
  }
  const advanceFen = remaining;

  const year = Number(input.receivedOn.slice(0, 4));
  const number = paymentNumber(year, await repo.takeNumber(tx, input.orgId, `payment:${year}`));
  const entry = await journal.post(tx, actor, {
    orgId: input.orgId,
    entryDate: input.receivedOn,
    kind: 'payment',
    memo: `收款 ${number} ${tenantName}${input.reference ? `（${input.reference}）` : ''}`,
    sourceType: 'payment',
    sourceId: paymentId,
    lines: [
      { purpose: input.debitPurpose, debitFen: input.amountFen, tenantId: input.tenantId, ...input.debitSub },
      ...applied.map(({ bill, principalFen, lateFeeFen }) => ({
        purpose: 'receivable' as const,
        creditFen: principalFen + lateFeeFen,
        tenantId: bill.tenantId,
        contractId: bill.contractId,
        billId: bill.id,
      })),
      ...(advanceFen > 0 ? [{ purpose: 'advances' as const, creditFen: advanceFen, tenantId: input.tenantId }] : []),
    ],
  });
  const payment = await repo.insertPayment(tx, {
    id: paymentId,
    orgId: input.orgId,
    number,
    tenantId: input.tenantId,
    method: input.method,
    amountFen: input.amountFen,
    advanceFen,
    receivedOn: input.receivedOn,
    reference: input.reference ?? null,
    paymentOrderNo: input.paymentOrderNo ?? null,
    remarks: input.remarks ?? null,
    journalEntryId: entry.id,
    recordedBy: actor.kind === 'staff' ? actor.id : null,
    recordedByName: actor.name,
  });
  await repo.insertAllocations(
    tx,
    applied.map(({ bill, principalFen, lateFeeFen }) => ({
      orgId: input.orgId,
      paymentId,
      billId: bill.id,
      appliedOn: input.receivedOn,
      principalFen,
      lateFeeFen,
    })),
  );
  for (const { bill, principalFen, lateFeeFen } of applied) {
    const paid = {
      ...bill,
      principalPaidFen: bill.principalPaidFen + principalFen,
      lateFeePaidFen: bill.lateFeePaidFen + lateFeeFen,
    };
    const status = statusAfter(paid);
    await repo.updateBill(tx, bill, {
      principalPaidFen: paid.principalPaidFen,
      lateFeePaidFen: paid.lateFeePaidFen,
      status,
      settledOn: status === 'paid' ? input.receivedOn : null,
    });
  }
  const allocations = applied.map(({ bill, principalFen, lateFeeFen }) => ({
    billId: bill.id,
    billNumber: bill.number,
    principalFen,
    lateFeeFen,
  }));
  await auditService.record(tx, actor, {
    orgId: input.orgId,
    action: 'payment.record',
    entityType: 'payment',
    entityId: paymentId,
    after: {
      number,
      tenantId: input.tenantId,
      method: input.method,
      amountFen: input.amountFen,
      advanceFen,
      receivedOn: input.receivedOn,
      reference: input.reference ?? null,
      paymentOrderNo: input.paymentOrderNo ?? null,
      allocations,
    },
  });
  return { payment, allocations };
}

/**
 * Fixes the penalty of every overdue bill as of a day (the month-end job: every org; a test or the demo may name one
 * org or tenant); returns what it fixed. One transaction per org.
 */
export async function fixPenaltiesAsOf(
  db: Orm,
  asOf: CalendarDate,
  only: { orgId?: string; tenantId?: string } = {},
): Promise<{ bills: number; fixedFen: number }> {
  const candidates = await repo.overdueBillIds(db, asOf, only);
  const byOrg = new Map<string, string[]>();
  for (const { id, orgId } of candidates) byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), id]);
  let billsFixed = 0;
  let fixedFen = 0;
  for (const [orgId, ids] of byOrg) {
    const actor: Actor = { ...systemActor, orgId };
    await db.transaction(async (tx) => {
      let orgBills = 0;
      let orgFen = 0;
      for (const bill of await repo.lockBills(tx, orgId, ids)) {
        const fixed = await fixPenalty(tx, actor, bill, asOf);
        if (fixed.fixedFen > 0) {
          orgBills += 1;
          orgFen += fixed.fixedFen;
        }
      }
      if (orgBills > 0) {
        await auditService.record(tx, actor, {
          action: 'bill.late_fee_fix',
          entityType: 'org',
          entityId: orgId,
          after: { asOf, bills: orgBills, fixedFen: orgFen },
        });
      }
      billsFixed += orgBills;
      fixedFen += orgFen;
    });
  }
  return { bills: billsFixed, fixedFen };
}

/** The last day of the month before the day's month: what the month-end job fixes penalties through. */
export function lastDayOfPreviousMonth(day: CalendarDate): CalendarDate {
  return addDays(`${day.slice(0, 8)}01`, -1);
}

// Views

type PaymentWithTenant = PaymentRow & { tenantName: string; receiptId: string | null; receiptNumber: string | null };

export function paymentView(row: PaymentWithTenant, allocations: AllocationView[]) {
  return {
    id: row.id,
    number: row.number,
    tenantId: row.tenantId,
    tenantName: row.tenantName,
    method: row.method,
    amountFen: row.amountFen,
    advanceFen: row.advanceFen,
    receivedOn: row.receivedOn,
    reference: row.reference,
    paymentOrderNo: row.paymentOrderNo,
    remarks: row.remarks,
    allocations,
    createdAt: row.createdAt.toISOString(),
    recordedByName: row.recordedByName,
    receiptId: row.receiptId,
    receiptNumber: row.receiptNumber,
  };
}

type WaiverWithNames = WaiverRow & { billNumber: string; tenantName: string };

export function waiverView(row: WaiverWithNames) {
  return {
    id: row.id,
    billId: row.billId,
    billNumber: row.billNumber,
    tenantName: row.tenantName,
    amountFen: row.amountFen,
    reason: row.reason,
    status: row.status,
    requestedByName: row.requestedByName,
    requestedAt: row.requestedAt.toISOString(),
    decidedByName: row.decidedByName,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionNote: row.decisionNote,
  };
}

/** Cash in the till, everything else through the bank (POS settles to the bank account). */
const OFFLINE_DEBIT: Record<'bank_transfer' | 'cash' | 'pos', AccountPurpose> = {
  bank_transfer: 'bank',
  cash: 'cash',
  pos: 'bank',
};

export interface OfflinePaymentInput {
  tenantId: string;
  amountFen: number;
  receivedOn: CalendarDate;
  method: 'bank_transfer' | 'cash' | 'pos';
  reference?: string | null;
  billIds?: string[];
  remarks?: string | null;
}

async function lockedBill(tx: Executor, orgId: string, billId: string): Promise<BillRow> {
  const [bill] = await repo.lockBills(tx, orgId, [billId]);
  if (!bill) throw notFound('bill', billId);
  return bill;
}

export const collectionsService = {
  /** Records money finance received offline (bank transfer, cash, POS) and applies it. */
  async recordPayment(db: Orm, actor: OrgActor, input: OfflinePaymentInput) {
    if (compareDates(input.receivedOn, today()) > 0) {
      const params = { date: input.receivedOn, today: today() };
      throw new AppError(422, 'payment_received_in_future', params, [
        { path: 'body/receivedOn', key: 'payment_received_in_future', params },
      ]);
    }
    const reference = input.reference?.trim() || null;
    const duplicateOf = async () => {
      if (!reference) return;
      const existing = await repo.paymentByReference(db, actor.orgId, input.method, reference);
      if (existing) throw new AppError(409, 'payment_reference_duplicate', { reference, number: existing.number });
    };
    await duplicateOf();
    try {
      const { payment } = await db.transaction(async (tx) => {
        const applied = await applyPayment(tx, actor, {
          ...input,
          orgId: actor.orgId,
          reference,
          remarks: input.remarks?.trim() || null,
          debitPurpose: OFFLINE_DEBIT[input.method],
        });
        // The receipt (收据) is numbered in the payment's own transaction: no payment without one, no gaps.
        await receiptsService.issueFor(tx, actor, applied.payment);
        return applied;
      });
      return this.getPayment(db, actor.orgId, payment.id);
    } catch (error) {
      // Two requests with the same reference at once: the unique index decides.
      if (constraintViolation(error, '23505') === 'payments_reference_key') await duplicateOf();
      throw error;
    }
  },

  async getPayment(db: Executor, orgId: string, id: string) {
    const row = await repo.findPayment(db, orgId, id);
    if (!row) throw notFound('payment', id);
    const allocations = await repo.allocationsOf(db, [id]);
    return paymentView(row, allocations.get(id) ?? []);
  },

  async listPayments(db: Orm, filter: PaymentFilter, page: number, pageSize: number) {
    const { items, total } = await repo.listPayments(db, filter, page, pageSize);
    const allocations = await repo.allocationsOf(
      db,
      items.map((item) => item.id),
    );
    return { items: items.map((row) => paymentView(row, allocations.get(row.id) ?? [])), total };
  },

  /** Finance asks to waive part of a bill's penalty (at most what the tenant owes for it today); approvers are told. */
  async requestWaiver(db: Orm, actor: OrgActor, billId: string, input: { amountFen: number; reason: string }) {
    const reason = input.reason.trim();
    if (!reason) {
      throw new AppError(422, 'waiver_reason_required', {}, [{ path: 'body/reason', key: 'waiver_reason_required' }]);
    }
    try {
      const id = await db.transaction(async (tx) => {
        const bill = await lockedBill(tx, actor.orgId, billId);
        if (bill.status === 'void') throw new AppError(409, 'waiver_bill_void', { number: bill.number });
        const pending = await repo.pendingWaiverOf(tx, bill.id);
        if (pending) throw new AppError(409, 'waiver_pending_exists', { number: bill.number });
        const owedFen = await penaltyOwedToday(tx, bill);
        if (input.amountFen > owedFen) {
          const params = { amount: formatYuan(input.amountFen), owed: formatYuan(owedFen) };
          throw new AppError(422, 'waiver_exceeds_penalty', params, [
            { path: 'body/amountFen', key: 'waiver_exceeds_penalty', params },
          ]);
        }
        const waiver = await repo.insertWaiver(tx, {
          orgId: actor.orgId,
          billId: bill.id,
          amountFen: input.amountFen,
          reason,
          requestedBy: actor.id,
          requestedByName: actor.name,
        });
        await notificationsService.notifyOnce(tx, {
          orgId: actor.orgId,
          recipientRole: 'approver',
          kind: 'waiver_requested',
          entityType: 'late_fee_waiver',
          entityId: waiver.id,
          title: `违约金减免待审批：账单 ${bill.number}`,
          body: `${actor.name ?? ''} 申请减免账单 ${bill.number} 的违约金 ${formatYuan(input.amountFen)} 元，理由：${reason}`,
          dedupeKey: `waiver_requested:${waiver.id}`,
        });
        await auditService.record(tx, actor, {
          action: 'waiver.request',
          entityType: 'late_fee_waiver',
          entityId: waiver.id,
          after: { billId: bill.id, billNumber: bill.number, amountFen: input.amountFen, reason, owedFen },
        });
        return waiver.id;
      });
      return this.getWaiver(db, actor.orgId, id);
    } catch (error) {
      if (constraintViolation(error, '23505') === 'late_fee_waivers_pending_key') {
        throw new AppError(409, 'waiver_pending_exists', { number: billId });
      }
      throw error;
    }
  },

  async getWaiver(db: Executor, orgId: string, id: string) {
    const row = await repo.findWaiver(db, orgId, id);
    if (!row) throw notFound('late_fee_waiver', id);
    return waiverView(row);
  },

  async listWaivers(db: Orm, filter: WaiverFilter, page: number, pageSize: number) {
    const { items, total } = await repo.listWaivers(db, filter, page, pageSize);
    return { items: items.map(waiverView), total };
  },

  /** A pending request, locked, that this actor may decide (never their own). */
  async decidable(tx: Executor, actor: OrgActor, id: string): Promise<WaiverRow> {
    const waiver = await repo.lockWaiver(tx, actor.orgId, id);
    if (!waiver) throw notFound('late_fee_waiver', id);
    if (waiver.status !== 'pending') throw new AppError(409, 'waiver_decided', { status: waiver.status });
    if (waiver.requestedBy && waiver.requestedBy === actor.id) throw new AppError(403, 'waiver_self_approval');
    return waiver;
  },

  /**
   * Approves a waiver: the penalty is fixed as of today first, then the waived part leaves the receivable
   * (a negative late_fee_waiver line; Dr penalty income / Cr receivable); the bill may now be settled.
   */
  async approveWaiver(db: Orm, actor: OrgActor, id: string, note?: string | null) {
    await db.transaction(async (tx) => {
      const waiver = await this.decidable(tx, actor, id);
      const locked = await lockedBill(tx, actor.orgId, waiver.billId);
      if (locked.status === 'void') throw new AppError(409, 'waiver_bill_void', { number: locked.number });
      const asOf = today();
      // The penalty fixed as the bill view shows it today: through yesterday (what settles the bill today).
      const { bill } = await fixPenalty(tx, actor, locked, addDays(asOf, -1));
      const owed = penaltyOwed(bill);
      if (waiver.amountFen > owed) {
        throw new AppError(409, 'waiver_exceeds_penalty', {
          amount: formatYuan(waiver.amountFen),
          owed: formatYuan(Math.max(owed, 0)),
        });
      }
      const sub = { tenantId: bill.tenantId, contractId: bill.contractId, billId: bill.id };
      const entry = await journal.post(tx, actor, {
        orgId: actor.orgId,
        entryDate: asOf,
        kind: 'waiver',
        memo: `账单 ${bill.number} 违约金减免`,
        sourceType: 'late_fee_waiver',
        sourceId: waiver.id,
        lines: [
          { purpose: 'penalty_income', debitFen: waiver.amountFen, ...sub },
          { purpose: 'receivable', creditFen: waiver.amountFen, ...sub },
        ],
      });
      await repo.insertBillLine(tx, {
        billId: bill.id,
        orgId: bill.orgId,
        kind: 'late_fee_waiver',
        description: `违约金减免：${waiver.reason}`.slice(0, 500),
        amountFen: -waiver.amountFen,
        netFen: -waiver.amountFen,
        taxFen: 0,
        asOf,
        journalEntryId: entry.id,
      });
      const waived = { ...bill, lateFeeWaivedFen: bill.lateFeeWaivedFen + waiver.amountFen };
      const status = statusAfter(waived);
      await repo.updateBill(tx, bill, {
        lateFeeWaivedFen: waived.lateFeeWaivedFen,
        status,
        settledOn: status === 'paid' ? asOf : null,
      });
      const decided = await repo.decideWaiver(tx, id, {
        status: 'approved',
        decidedBy: actor.id,
        decidedByName: actor.name,
        decisionNote: note?.trim() || null,
        journalEntryId: entry.id,
      });
      await auditService.record(tx, actor, {
        action: 'waiver.approve',
        entityType: 'late_fee_waiver',
        entityId: id,
        before: { status: waiver.status },
        after: { status: decided.status, amountFen: waiver.amountFen, billId: bill.id, billStatus: status },
      });
    });
    return this.getWaiver(db, actor.orgId, id);
  },

  async rejectWaiver(db: Orm, actor: OrgActor, id: string, note: string) {
    const decisionNote = note.trim();
    if (!decisionNote) {
      throw new AppError(422, 'waiver_note_required', {}, [{ path: 'body/note', key: 'waiver_note_required' }]);
    }
    await db.transaction(async (tx) => {
      const waiver = await this.decidable(tx, actor, id);
      await repo.decideWaiver(tx, id, {
        status: 'rejected',
        decidedBy: actor.id,
        decidedByName: actor.name,
        decisionNote,
        journalEntryId: null,
      });
      await auditService.record(tx, actor, {
        action: 'waiver.reject',
        entityType: 'late_fee_waiver',
        entityId: id,
        before: { status: waiver.status },
        after: { status: 'rejected', note: decisionNote },
      });
    });
    return this.getWaiver(db, actor.orgId, id);
  },

  /** The month-end job: every overdue bill's penalty fixed through the last day of the previous month. */
  runMonthEnd(db: Orm, day: CalendarDate = today(), only: { orgId?: string; tenantId?: string } = {}) {
    const asOf = lastDayOfPreviousMonth(day);
    return fixPenaltiesAsOf(db, asOf, only).then((result) => ({ asOf, ...result }));
  },
};
