// The penalty of one bill as of a day (domain.md "Late-payment penalty"): what has accrued, how much of it is fixed
// into late_fee lines already, and what the tenant still owes for it.

import { addDays, type CalendarDate, compareDates, daysBetween } from '../../domain/calendar.ts';
import { type LateFeeTerms, lateFee, type PrincipalPayment } from '../../domain/late-fee.ts';

/** The parts of a bill the penalty depends on. */
export interface PenaltyBill {
  status: 'open' | 'partial' | 'paid' | 'void';
  /** Principal: the penalty accrues on what of it is unpaid, capped at capRatio × this. */
  amountFen: number;
  dueDate: CalendarDate;
  lateFeeTerms: LateFeeTerms | null;
  /** Fixed into late_fee lines so far. */
  lateFeeFen: number;
  lateFeeWaivedFen: number;
  lateFeePaidFen: number;
}

export interface Penalty {
  /** The whole penalty as of the day: fixed plus not yet fixed; frozen once the bill is settled. */
  accruedFen: number;
  /** Accrued but not yet fixed into a late_fee line (and so not yet in the ledger). */
  unpostedFen: number;
  /** What the tenant still owes for the penalty: accrued less waived and paid. */
  owedFen: number;
  overdueDays: number;
}

/**
 * The penalty as of `asOf`, from the principal payments applied to the bill (their dates and principal parts).
 * A settled bill's penalty is what was fixed when it was settled; a void bill has none.
 */
export function penaltyOf(
  bill: PenaltyBill,
  principalPayments: readonly PrincipalPayment[],
  asOf: CalendarDate,
): Penalty {
  let accruedFen = bill.lateFeeFen;
  let overdueDays = 0;
  if (bill.status !== 'paid' && bill.status !== 'void' && bill.lateFeeTerms) {
    const answer = lateFee({
      principalFen: bill.amountFen,
      dueDate: bill.dueDate,
      lateFee: bill.lateFeeTerms,
      payments: principalPayments,
      asOf,
    });
    // A penalty fixed through a later day than asOf (a month-end fix, asked about an earlier day) stays fixed.
    accruedFen = Math.max(answer.lateFeeFen, bill.lateFeeFen);
    overdueDays = answer.overdueDays;
  }
  if (bill.status === 'void') accruedFen = 0;
  const unpostedFen = bill.status === 'void' ? 0 : accruedFen - bill.lateFeeFen;
  return {
    accruedFen,
    unpostedFen,
    owedFen: bill.status === 'void' ? 0 : accruedFen - bill.lateFeeWaivedFen - bill.lateFeePaidFen,
    overdueDays,
  };
}

/** A bill's money as everyone shows it (bill views, reminders, pay links, payment notices). */
export interface BillFigures {
  /** Principal and penalty paid. */
  paidFen: number;
  /** The penalty if the bill is settled on the day: accrued through the day before (a payment on a day lowers
   * that day's principal to nothing, so the day itself accrues nothing). */
  lateFeeFen: number;
  /** What the ledger's receivable holds for the bill: principal and fixed penalty, less waived and paid. */
  outstandingFen: number;
  /** What settles the bill on the day: the outstanding amount plus the penalty not fixed yet. */
  payableFen: number;
  /** The part of payableFen that is penalty (accrued, less waived and paid). */
  penaltyOwedFen: number;
  overdue: boolean;
  /** Days since the due date while unsettled (逾期天数), whatever the grace days; 0 when not overdue. */
  overdueDays: number;
}

/**
 * What the tenant owes on a bill on a day, from its principal payments; settling it that day means paying
 * `payableFen`, which is what applying a payment received that day takes (the penalty fixed through the day before).
 */
export function billFigures(
  bill: PenaltyBill & { principalPaidFen: number },
  principalPayments: readonly PrincipalPayment[],
  day: CalendarDate,
): BillFigures {
  const penalty = penaltyOf(bill, principalPayments, addDays(day, -1));
  const paidFen = bill.principalPaidFen + bill.lateFeePaidFen;
  const outstandingFen =
    bill.status === 'void' ? 0 : bill.amountFen + bill.lateFeeFen - bill.lateFeeWaivedFen - paidFen;
  const overdue = (bill.status === 'open' || bill.status === 'partial') && compareDates(bill.dueDate, day) < 0;
  return {
    paidFen,
    lateFeeFen: penalty.accruedFen,
    outstandingFen,
    payableFen: outstandingFen + penalty.unpostedFen,
    penaltyOwedFen: penalty.owedFen,
    overdue,
    overdueDays: overdue ? daysBetween(bill.dueDate, day) : 0,
  };
}
