// The simple model the model test (test/integration/model.test.ts) runs beside the real system: per bill its amount,
// penalty fixed, waived and paid; per tenant the advance; the bank and cash it received. The penalty is worked out
// here day by day from domain.md's rule, on its own (not by the domain code it checks).
import { addDays, type CalendarDate, compareDates } from '../../src/domain/calendar.ts';
import type { LateFeeTerms } from '../../src/domain/late-fee.ts';

export type BillStatus = 'open' | 'partial' | 'paid' | 'void';

export interface ModelBill {
  id: string;
  number: string;
  contract: number;
  kind: 'rent' | 'deposit';
  periodIndex: number;
  dueDate: CalendarDate;
  amountFen: number;
  terms: LateFeeTerms | null;
  /** Penalty fixed into late_fee lines (and the ledger). */
  fixedFen: number;
  waivedFen: number;
  principalPaidFen: number;
  lateFeePaidFen: number;
  /** Principal paid, by the day received (the penalty accrues on what is left at the end of each day). */
  principalPayments: { date: CalendarDate; amountFen: number }[];
  status: BillStatus;
}

/** A plan row of a contract: what a billing run through its due date issues. */
export interface ModelPlanRow {
  kind: 'rent' | 'deposit';
  periodIndex: number;
  dueDate: CalendarDate;
  amountFen: number;
}

export interface ModelContract {
  id: string;
  terms: LateFeeTerms;
  plan: ModelPlanRow[];
  /** `${kind}:${periodIndex}` of the plan rows issued (a voided bill is not issued again). */
  issued: Set<string>;
}

export interface ModelPayment {
  id: string;
  amountFen: number;
  advanceFen: number;
  refundedFen: number;
  method: 'bank_transfer' | 'cash';
  receivedOn: CalendarDate;
  /** Matched to a bank statement line already. */
  linked: boolean;
}

export interface Model {
  today: CalendarDate;
  contracts: ModelContract[];
  bills: ModelBill[];
  payments: ModelPayment[];
  /** The tenant's advance (预收, 2203). */
  advanceFen: number;
  bankFen: number;
  cashFen: number;
}

// ── the penalty, day by day ─────────────────────────────────────────────────────────────────────────────────────────

/** "0.0005" → 5 / 10000 */
function decimal(text: string): { num: bigint; den: bigint } {
  const [whole, fraction = ''] = text.split('.');
  return { num: BigInt(`${whole}${fraction}`), den: 10n ** BigInt(fraction.length) };
}

/** round(p / q) half-up, p ≥ 0, q > 0 */
const roundHalfUp = (p: bigint, q: bigint) => Number((2n * p + q) / (2n * q));

/**
 * The penalty accrued on a bill through `asOf`: Σ over each day after due + grace of the principal unpaid at the end
 * of that day × the daily rate, rounded half-up once, capped at capRatio × principal.
 */
export function penaltyThrough(bill: ModelBill, asOf: CalendarDate): number {
  if (!bill.terms) return 0;
  const rate = decimal(bill.terms.dailyRate);
  let fenDays = 0n;
  for (let day = addDays(bill.dueDate, (bill.terms.graceDays ?? 0) + 1); day <= asOf; day = addDays(day, 1)) {
    const paid = bill.principalPayments.filter((p) => p.date <= day).reduce((sum, p) => sum + p.amountFen, 0);
    const unpaid = bill.amountFen - paid;
    if (unpaid > 0) fenDays += BigInt(unpaid);
  }
  let num = fenDays * rate.num;
  let den = rate.den;
  if (bill.terms.capRatio !== undefined) {
    const cap = decimal(bill.terms.capRatio);
    const capNum = BigInt(bill.amountFen) * cap.num;
    if (num * cap.den > capNum * den) {
      num = capNum;
      den = cap.den;
    }
  }
  return roundHalfUp(num, den);
}

export const unsettled = (bill: ModelBill) => bill.status === 'open' || bill.status === 'partial';
export const principalOwed = (bill: ModelBill) => bill.amountFen - bill.principalPaidFen;
export const penaltyOwed = (bill: ModelBill) => bill.fixedFen - bill.waivedFen - bill.lateFeePaidFen;
/** What the receivable (1122) holds for the bill. */
export const outstanding = (bill: ModelBill) =>
  bill.status === 'void'
    ? 0
    : bill.amountFen + bill.fixedFen - bill.waivedFen - bill.principalPaidFen - bill.lateFeePaidFen;

/** The whole penalty as of a day: what accrued, never less than what was fixed; frozen once settled. */
export function accrued(bill: ModelBill, asOf: CalendarDate): number {
  if (!unsettled(bill)) return bill.fixedFen;
  return Math.max(bill.fixedFen, penaltyThrough(bill, asOf));
}

/** Fixes the penalty accrued through `asOf` into the bill (a late_fee line). */
export function fix(bill: ModelBill, asOf: CalendarDate) {
  if (unsettled(bill)) bill.fixedFen = accrued(bill, asOf);
}

/** The penalty the tenant owes on the day (accrued through the day before, less waived and paid). */
export const penaltyOwedOn = (bill: ModelBill, day: CalendarDate) =>
  accrued(bill, addDays(day, -1)) - bill.waivedFen - bill.lateFeePaidFen;

/** What settles the bill on the day. */
export const payableOn = (bill: ModelBill, day: CalendarDate) =>
  unsettled(bill) ? principalOwed(bill) + penaltyOwedOn(bill, day) : 0;

export function statusAfter(bill: ModelBill): BillStatus {
  if (principalOwed(bill) === 0 && penaltyOwed(bill) === 0) return 'paid';
  return bill.principalPaidFen > 0 || bill.lateFeePaidFen > 0 ? 'partial' : 'open';
}

export const byDue = (bills: ModelBill[]) =>
  [...bills].sort((a, b) => compareDates(a.dueDate, b.dueDate) || a.number.localeCompare(b.number));

/** The tenant's unsettled bills, due first. */
export const openBills = (model: Model) => byDue(model.bills.filter(unsettled));

/**
 * A payment applied: chosen bills or else every unsettled bill, due first; in each, the penalty fixed through the day
 * before, then paid before the principal; what is left is an advance. Returns the advance.
 */
export function applyPayment(
  model: Model,
  input: { amountFen: number; day: CalendarDate; billIds?: string[]; method: 'bank_transfer' | 'cash' },
): number {
  const bills = input.billIds
    ? byDue(model.bills.filter((bill) => input.billIds!.includes(bill.id)))
    : openBills(model);
  let remaining = input.amountFen;
  for (const bill of bills) {
    if (remaining === 0) break;
    fix(bill, addDays(input.day, -1));
    const take = (owed: number) => {
      const part = Math.min(remaining, owed);
      remaining -= part;
      return part;
    };
    const lateFeeFen = take(penaltyOwed(bill));
    const principalFen = take(principalOwed(bill));
    if (lateFeeFen + principalFen === 0) continue;
    bill.lateFeePaidFen += lateFeeFen;
    bill.principalPaidFen += principalFen;
    if (principalFen > 0) bill.principalPayments.push({ date: input.day, amountFen: principalFen });
    bill.status = statusAfter(bill);
  }
  model.advanceFen += remaining;
  if (input.method === 'cash') model.cashFen += input.amountFen;
  else model.bankFen += input.amountFen;
  return remaining;
}

/** The bills a billing run through the day issues: every plan row due by then and not issued before. */
export function dueRows(model: Model, through: CalendarDate): { contract: number; row: ModelPlanRow }[] {
  return model.contracts.flatMap((contract, index) =>
    contract.plan
      .filter(
        (row) => row.amountFen > 0 && row.dueDate <= through && !contract.issued.has(`${row.kind}:${row.periodIndex}`),
      )
      .map((row) => ({ contract: index, row })),
  );
}

/** Σ outstanding of a contract's bills: its receivable. */
export const receivableOf = (model: Model, contract: number) =>
  model.bills.filter((bill) => bill.contract === contract).reduce((sum, bill) => sum + outstanding(bill), 0);

/** Penalty income (6301): fixed less waived, on bills not void. */
export const penaltyIncome = (model: Model) =>
  model.bills.filter((bill) => bill.status !== 'void').reduce((sum, bill) => sum + bill.fixedFen - bill.waivedFen, 0);
