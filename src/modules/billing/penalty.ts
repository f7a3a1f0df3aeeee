// The penalty of one bill as of a day (domain.md "Late-payment penalty"): what has accrued, how much of it is fixed
// into late_fee lines already, and what the tenant still owes for it.

import type { CalendarDate } from '../../domain/calendar.ts';
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
