// Model test (#9): random sequences of billing runs, the clock moving on, payments in full, in part and over, refunds
// of an overpayment (approved by a second person), voids, waivers, penalties fixed, and bank statement lines
// reconciled — run on the real services and on a simple model (test/helpers/model-ledger.ts) side by side. After
// every step the database must agree with the model bill by bill, the journal balance entry by entry and in total,
// each contract's receivable (1122) equal its bills' outstanding amounts and the arrears-aging report's total, and no
// amount be negative. The clock is the services' own (`Date` faked, nothing else), so "today" moves with the model.
//
// Fixed seed; FC_SEED, FC_RUNS, FC_COMMANDS (most commands a run) explore further, FC_SHRINK=true shrinks a failure
// and FC_PATH replays it.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Orm, queryRows, sql } from '../../src/db/client.ts';
import { addDays, type CalendarDate } from '../../src/domain/calendar.ts';
import type { LateFeeTerms } from '../../src/domain/late-fee.ts';
import { AppError } from '../../src/http/problem.ts';
import { systemActor } from '../../src/modules/audit/service.ts';
import type { StaffPrincipal } from '../../src/modules/auth/service.ts';
import { bankStatementsService } from '../../src/modules/bank-statements/service.ts';
import { runBilling } from '../../src/modules/billing/run.ts';
import { billingService } from '../../src/modules/billing/service.ts';
import { collectionsService, fixPenaltiesAsOf, type OrgActor } from '../../src/modules/collections/service.ts';
import { findOrCreateOrg } from '../../src/modules/orgs/service.ts';
import { type RefundsDeps, refundsService } from '../../src/modules/refunds/service.ts';
import { arrearsAging } from '../../src/modules/reports/catalogue.ts';
import { reportsService } from '../../src/modules/reports/service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeTenant } from '../helpers/collections.ts';
import {
  applyPayment,
  dueRows,
  fix,
  type Model,
  type ModelContract,
  openBills,
  payableOn,
  penaltyIncome,
  penaltyOwedOn,
  receivableOf,
  statusAfter,
  unsettled,
} from '../helpers/model-ledger.ts';

let t: TestApp;
let db: Orm;

const SEED = Number(process.env.FC_SEED ?? 20261126);
const RUNS = Number(process.env.FC_RUNS ?? 25);
const MAX_COMMANDS = Number(process.env.FC_COMMANDS ?? 12);
const START: CalendarDate = '2025-01-03';

beforeAll(async () => {
  t = await createTestApp();
  db = t.database.orm;
  // Only Date: timers, the database drivers and fast-check keep real time.
  vi.useFakeTimers({ toFake: ['Date'] });
}, 180_000);
afterAll(async () => {
  vi.useRealTimers();
  await t?.close();
});

/** The services' clock at noon in China on the day. */
const setToday = (day: CalendarDate) => vi.setSystemTime(new Date(`${day}T12:00:00+08:00`));

// ── the real system of one run ──────────────────────────────────────────────────────────────────────────────────────

interface Real {
  orgId: string;
  tenantId: string;
  tenantName: string;
  finance: OrgActor;
  approver: OrgActor;
  mappingId: string | null;
}

const stats = {
  runs: 0,
  commands: 0,
  byCommand: {} as Record<string, number>,
  refusalsChecked: 0,
  stepsChecked: 0,
  invariantChecks: 0,
};

const CONTRACTS: { monthlyFen: number; cycle: 1 | 3; offset: number; depositFen: number; lateFee: LateFeeTerms }[] = [
  { monthlyFen: 100_000, cycle: 1, offset: 0, depositFen: 50_000, lateFee: { dailyRate: '0.0005' } },
  {
    monthlyFen: 80_000,
    cycle: 3,
    offset: -10,
    depositFen: 0,
    lateFee: { dailyRate: '0.001', graceDays: 5, capRatio: '0.05' },
  },
];

/** The plan of a contract over 2025 (whole months from the 1st: no proration), as domain.md's schedule gives it. */
function planOf(spec: (typeof CONTRACTS)[number]): ModelContract['plan'] {
  const rows: ModelContract['plan'] = [];
  if (spec.depositFen > 0) {
    rows.push({
      kind: 'deposit',
      periodIndex: 0,
      dueDate: addDays('2025-01-01', spec.offset),
      amountFen: spec.depositFen,
    });
  }
  for (let j = 0; j * spec.cycle < 12; j++) {
    const start = `2025-${String(j * spec.cycle + 1).padStart(2, '0')}-01`;
    rows.push({
      kind: 'rent',
      periodIndex: j,
      dueDate: addDays(start, spec.offset),
      amountFen: spec.monthlyFen * spec.cycle,
    });
  }
  return rows;
}

async function insertContract(orgId: string, tenantId: string, n: number, spec: (typeof CONTRACTS)[number]) {
  const terms = {
    startDate: '2025-01-01',
    endDate: '2025-12-31',
    rent: { mode: 'fixed', monthlyFen: spec.monthlyFen },
    billingCycleMonths: spec.cycle,
    dueOffsetDays: spec.offset,
    taxRate: '0.09',
    lateFee: spec.lateFee,
    ...(spec.depositFen ? { deposit: { amountFen: spec.depositFen } } : {}),
  };
  // Active and not yet planned: the first billing run plans it from its terms.
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO contracts (org_id, number, tenant_id, status, terms, start_date, end_date, monthly_rent_fen,
                               annual_rent_fen, total_rent_fen, deposit_fen, sign_date, activated_at)
        VALUES (${orgId}, ${`HT-M-${n}`}, ${tenantId}, 'active', ${JSON.stringify(terms)}::jsonb, '2025-01-01',
                '2025-12-31', ${spec.monthlyFen}, ${spec.monthlyFen * 12}, ${spec.monthlyFen * 12}, ${spec.depositFen},
                '2024-12-20', now())
        RETURNING id`,
  );
  return row!.id;
}

async function setup(): Promise<{ model: Model; real: Real }> {
  setToday(START);
  const org = await findOrCreateOrg(db, systemActor, { code: `M${randomUUID().slice(0, 8)}`, name: '模型测试公司' });
  const tenant = await makeTenant(db, org.id);
  const staff = (name: string): OrgActor => ({
    kind: 'staff',
    orgId: org.id,
    id: randomUUID(),
    name,
    ip: null,
    userAgent: null,
  });
  const model: Model = { today: START, contracts: [], bills: [], payments: [], advanceFen: 0, bankFen: 0, cashFen: 0 };
  for (const [n, spec] of CONTRACTS.entries()) {
    const id = await insertContract(org.id, tenant.id, n, spec);
    model.contracts.push({ id, terms: spec.lateFee, plan: planOf(spec), issued: new Set() });
  }
  const real: Real = {
    orgId: org.id,
    tenantId: tenant.id,
    tenantName: tenant.name,
    finance: staff('caiwu'),
    approver: staff('shenpi'),
    mappingId: null,
  };
  await billingRun(model, real);
  stats.runs += 1;
  await checkInvariants(model, real);
  return { model, real };
}

// ── what the database holds ─────────────────────────────────────────────────────────────────────────────────────────

interface DbBill {
  id: string;
  number: string;
  contractId: string;
  kind: 'rent' | 'deposit';
  periodIndex: number;
  status: string;
  dueDate: string;
  amountFen: number;
  lateFeeFen: number;
  lateFeeWaivedFen: number;
  principalPaidFen: number;
  lateFeePaidFen: number;
}

async function dbBills(orgId: string): Promise<DbBill[]> {
  const rows = await queryRows<Record<string, string>>(
    db,
    sql`SELECT id, number, contract_id AS "contractId", kind, period_index AS "periodIndex", status,
               due_date::text AS "dueDate", amount_fen AS "amountFen", late_fee_fen AS "lateFeeFen",
               late_fee_waived_fen AS "lateFeeWaivedFen", principal_paid_fen AS "principalPaidFen",
               late_fee_paid_fen AS "lateFeePaidFen"
          FROM bills WHERE org_id = ${orgId} ORDER BY number`,
  );
  return rows.map((row) => ({
    id: row.id!,
    number: row.number!,
    contractId: row.contractId!,
    kind: row.kind as DbBill['kind'],
    periodIndex: Number(row.periodIndex),
    status: row.status!,
    dueDate: row.dueDate!,
    amountFen: Number(row.amountFen),
    lateFeeFen: Number(row.lateFeeFen),
    lateFeeWaivedFen: Number(row.lateFeeWaivedFen),
    principalPaidFen: Number(row.principalPaidFen),
    lateFeePaidFen: Number(row.lateFeePaidFen),
  }));
}

/** Σ debit − Σ credit by account purpose and contract, over the org's journal. */
async function balances(orgId: string) {
  const rows = await queryRows<{ purpose: string; contractId: string | null; balance: string }>(
    db,
    sql`SELECT a.purpose, l.contract_id AS "contractId", sum(l.debit_fen - l.credit_fen)::text AS balance
          FROM journal_lines l JOIN ledger_accounts a ON a.id = l.account_id
         WHERE l.org_id = ${orgId}
         GROUP BY a.purpose, l.contract_id`,
  );
  const of = (purpose: string, contractId?: string) =>
    rows
      .filter((row) => row.purpose === purpose && (contractId === undefined || row.contractId === contractId))
      .reduce((sum, row) => sum + Number(row.balance), 0);
  return { of };
}

const staffOf = (real: Real): StaffPrincipal => ({
  kind: 'staff',
  sessionId: randomUUID(),
  orgId: real.orgId,
  userId: real.finance.id!,
  username: 'caiwu',
  displayName: '财务',
  roles: ['finance'],
  permissions: ['report:read'],
});

/** The arrears-aging report as of today (one page holds every row of a run): its total, and its rows by contract. */
async function aging(real: Real): Promise<{ totalFen: number; byContract: Map<string, number> }> {
  const page = await reportsService.page({ db, pii: t.pii }, arrearsAging, staffOf(real), { pageSize: 100 });
  expect(page.total, 'every aging row on one page').toBeLessThanOrEqual(100);
  const byContract = new Map<string, number>();
  for (const row of page.items) {
    const number = String(row.contractNumber);
    byContract.set(number, (byContract.get(number) ?? 0) + Number(row.outstandingFen));
  }
  return { totalFen: Number(page.totals.outstandingFen ?? 0), byContract };
}

/** Every invariant, after every step. */
async function checkInvariants(model: Model, real: Real) {
  let checks = 0;
  const check = (what: string, actual: unknown, expected: unknown) => {
    expect(actual, what).toEqual(expected);
    checks += 1;
  };
  const bills = await dbBills(real.orgId);
  const ledger = await balances(real.orgId);

  // 1. The model's bills are the database's, figure by figure.
  check(
    'bills (model = database)',
    bills.map((bill) => ({
      number: bill.number,
      status: bill.status,
      dueDate: bill.dueDate,
      amountFen: bill.amountFen,
      fixedFen: bill.lateFeeFen,
      waivedFen: bill.lateFeeWaivedFen,
      principalPaidFen: bill.principalPaidFen,
      lateFeePaidFen: bill.lateFeePaidFen,
    })),
    [...model.bills]
      .sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0))
      .map((bill) => ({
        number: bill.number,
        status: bill.status,
        dueDate: bill.dueDate,
        amountFen: bill.amountFen,
        fixedFen: bill.fixedFen,
        waivedFen: bill.waivedFen,
        principalPaidFen: bill.principalPaidFen,
        lateFeePaidFen: bill.lateFeePaidFen,
      })),
  );

  // 2. Nothing negative: paid, waived, fixed, and what is owed of principal and of penalty.
  const negative = bills.filter(
    (bill) =>
      bill.principalPaidFen < 0 ||
      bill.lateFeePaidFen < 0 ||
      bill.lateFeeWaivedFen < 0 ||
      bill.lateFeeFen < 0 ||
      bill.amountFen - bill.principalPaidFen < 0 ||
      bill.lateFeeFen - bill.lateFeeWaivedFen - bill.lateFeePaidFen < 0,
  );
  check('no negative amount on a bill', negative, []);

  // 3. The journal balances: every entry of the org, and the whole journal.
  const unbalanced = await queryRows<{ entryId: string }>(
    db,
    sql`SELECT entry_id AS "entryId" FROM journal_lines WHERE org_id = ${real.orgId}
         GROUP BY entry_id HAVING sum(debit_fen) <> sum(credit_fen) OR count(*) < 2`,
  );
  check('every journal entry balances', unbalanced, []);
  const [total] = await queryRows<{ debit: string; credit: string }>(
    db,
    sql`SELECT coalesce(sum(debit_fen), 0)::text AS debit, coalesce(sum(credit_fen), 0)::text AS credit
          FROM journal_lines`,
  );
  check('the journal balances in total', total!.debit, total!.credit);

  const report = await aging(real);
  // 4. Each contract's receivable = its bills' outstanding amounts (database) = the model's; never negative.
  let receivables = 0;
  for (const [index, contract] of model.contracts.entries()) {
    const fromBills = bills
      .filter((bill) => bill.contractId === contract.id && bill.status !== 'void')
      .reduce(
        (sum, bill) =>
          sum + bill.amountFen + bill.lateFeeFen - bill.lateFeeWaivedFen - bill.principalPaidFen - bill.lateFeePaidFen,
        0,
      );
    const receivable = ledger.of('receivable', contract.id);
    check(`contract ${index}: 1122 = its bills' outstanding`, receivable, fromBills);
    check(`contract ${index}: 1122 = the model's receivable`, receivable, receivableOf(model, index));
    check(`contract ${index}: 1122 not negative`, receivable >= 0, true);
    // 5. The aging report of the contract says the same.
    check(`contract ${index}: aging rows = 1122`, report.byContract.get(`HT-M-${index}`) ?? 0, receivable);
    receivables += receivable;
  }
  check('org: aging total = 1122', report.totalFen, receivables);
  check('org: 1122 = Σ contracts', ledger.of('receivable'), receivables);

  // 6. Advances, money received, penalty income: as the model says, never negative.
  check('advances (2203) = the model', 0 - ledger.of('advances'), model.advanceFen);
  check('advances not negative', model.advanceFen >= 0, true);
  check('bank (1002) = the model', ledger.of('bank'), model.bankFen);
  check('cash (1001) = the model', ledger.of('cash'), model.cashFen);
  check('penalty income (6301) = fixed − waived', 0 - ledger.of('penalty_income'), penaltyIncome(model));
  const payments = await queryRows<{ id: string; advanceFen: string; amountFen: string }>(
    db,
    sql`SELECT id, advance_fen AS "advanceFen", amount_fen AS "amountFen" FROM payments WHERE org_id = ${real.orgId}
         ORDER BY id`,
  );
  check(
    'payments (model = database)',
    payments.map((p) => ({ id: p.id, amountFen: Number(p.amountFen), advanceFen: Number(p.advanceFen) })),
    [...model.payments]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((p) => ({ id: p.id, amountFen: p.amountFen, advanceFen: p.advanceFen })),
  );
  stats.stepsChecked += 1;
  stats.invariantChecks += checks;
}

// ── the steps ───────────────────────────────────────────────────────────────────────────────────────────────────────

async function billingRun(model: Model, real: Real) {
  const expected = dueRows(model, model.today);
  const result = await runBilling(db, real.finance, { orgId: real.orgId, throughDate: model.today, trigger: 'manual' });
  expect(result.issued, 'bills issued by the run').toBe(expected.length);
  const known = new Set(model.bills.map((bill) => bill.id));
  const fresh = (await dbBills(real.orgId)).filter((bill) => !known.has(bill.id));
  for (const { contract, row } of expected) {
    const spec = model.contracts[contract]!;
    const bill = fresh.find(
      (candidate) =>
        candidate.contractId === spec.id && candidate.kind === row.kind && candidate.periodIndex === row.periodIndex,
    );
    expect(bill, `contract ${contract} ${row.kind} ${row.periodIndex} issued`).toBeDefined();
    spec.issued.add(`${row.kind}:${row.periodIndex}`);
    model.bills.push({
      id: bill!.id,
      number: bill!.number,
      contract,
      kind: row.kind,
      periodIndex: row.periodIndex,
      dueDate: row.dueDate,
      amountFen: row.amountFen,
      terms: spec.terms,
      fixedFen: 0,
      waivedFen: 0,
      principalPaidFen: 0,
      lateFeePaidFen: 0,
      principalPayments: [],
      status: 'open',
    });
  }
  expect(fresh.length, 'no bill the model did not expect').toBe(expected.length);
}

async function refused(promise: Promise<unknown>, status: number, key: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `refused with ${status} ${key}`).toBeInstanceOf(AppError);
  expect({ status: (error as AppError).status, key: (error as AppError).key }).toEqual({ status, key });
  stats.refusalsChecked += 1;
}

async function recordPayment(
  model: Model,
  real: Real,
  input: { amountFen: number; billIds?: string[]; method: 'bank_transfer' | 'cash' },
) {
  const view = await collectionsService.recordPayment(db, real.finance, {
    tenantId: real.tenantId,
    amountFen: input.amountFen,
    receivedOn: model.today,
    method: input.method,
    ...(input.billIds ? { billIds: input.billIds } : {}),
  });
  const advanceFen = applyPayment(model, { ...input, day: model.today });
  model.payments.push({
    id: view.id,
    amountFen: input.amountFen,
    advanceFen,
    refundedFen: 0,
    method: input.method,
    receivedOn: model.today,
    linked: false,
  });
  expect(view.advanceFen, 'the payment’s advance').toBe(advanceFen);
}

const pick = <T>(items: T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];

type Step = fc.AsyncCommand<Model, Real>;

abstract class Command implements Step {
  abstract readonly name: string;
  check(_model: Readonly<Model>) {
    return true;
  }
  abstract act(model: Model, real: Real): Promise<void>;
  async run(model: Model, real: Real) {
    await this.act(model, real);
    stats.commands += 1;
    stats.byCommand[this.name] = (stats.byCommand[this.name] ?? 0) + 1;
    await checkInvariants(model, real);
  }
  abstract toString(): string;
}

/** The clock moves on (penalties accrue, bills fall due). */
class AdvanceClock extends Command {
  readonly name = 'advance';
  constructor(readonly days: number) {
    super();
  }
  async act(model: Model) {
    model.today = addDays(model.today, this.days);
    setToday(model.today);
  }
  toString() {
    return `advance(${this.days})`;
  }
}

/** 开账: every plan row due by today becomes a bill. */
class BillingRun extends Command {
  readonly name = 'billingRun';
  act(model: Model, real: Real) {
    return billingRun(model, real);
  }
  toString() {
    return 'billingRun';
  }
}

/** One bill paid exactly what settles it today. */
class PayInFull extends Command {
  readonly name = 'payInFull';
  constructor(
    readonly bill: number,
    readonly cash: boolean,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return openBills(model as Model).length > 0;
  }
  async act(model: Model, real: Real) {
    const bill = pick(openBills(model), this.bill)!;
    await recordPayment(model, real, {
      amountFen: payableOn(bill, model.today),
      billIds: [bill.id],
      method: this.cash ? 'cash' : 'bank_transfer',
    });
    expect(bill.status, 'settled by paying what it asks').toBe('paid');
  }
  toString() {
    return `payInFull(${this.bill}, ${this.cash ? 'cash' : 'bank'})`;
  }
}

/** Part of what one bill asks. */
class PayPart extends Command {
  readonly name = 'payPart';
  constructor(
    readonly bill: number,
    readonly share: number,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return openBills(model as Model).some((bill) => payableOn(bill, model.today) >= 2);
  }
  async act(model: Model, real: Real) {
    const bill = pick(
      openBills(model).filter((candidate) => payableOn(candidate, model.today) >= 2),
      this.bill,
    )!;
    const payable = payableOn(bill, model.today);
    const amountFen = Math.min(payable - 1, Math.max(1, Math.floor(payable * this.share)));
    await recordPayment(model, real, { amountFen, billIds: [bill.id], method: 'bank_transfer' });
    expect(bill.status, 'a part leaves it partly paid').toBe('partial');
  }
  toString() {
    return `payPart(${this.bill}, ${this.share.toFixed(3)})`;
  }
}

/** More than everything owed, no bills chosen: all settled oldest first, the rest an advance. */
class Overpay extends Command {
  readonly name = 'overpay';
  constructor(readonly extraFen: number) {
    super();
  }
  async act(model: Model, real: Real) {
    const owed = openBills(model).reduce((sum, bill) => sum + payableOn(bill, model.today), 0);
    await recordPayment(model, real, { amountFen: owed + this.extraFen, method: 'bank_transfer' });
    expect(model.payments.at(-1)!.advanceFen, 'the rest is an advance').toBe(this.extraFen);
  }
  toString() {
    return `overpay(+${this.extraFen})`;
  }
}

/** Some money, no bills chosen: the oldest due first. */
class PayUnallocated extends Command {
  readonly name = 'payUnallocated';
  constructor(readonly amountFen: number) {
    super();
  }
  async act(model: Model, real: Real) {
    await recordPayment(model, real, { amountFen: this.amountFen, method: 'cash' });
  }
  toString() {
    return `payUnallocated(${this.amountFen})`;
  }
}

/** Part of a payment's advance given back: asked by finance, refused to the asker, approved by another, paid. */
class RefundOverpayment extends Command {
  readonly name = 'refund';
  constructor(readonly share: number) {
    super();
  }
  private candidates(model: Readonly<Model>) {
    return model.payments
      .map((payment) => ({ payment, available: Math.min(payment.advanceFen - payment.refundedFen, model.advanceFen) }))
      .filter(({ available }) => available > 0);
  }
  override check(model: Readonly<Model>) {
    return this.candidates(model).length > 0;
  }
  async act(model: Model, real: Real) {
    const { payment, available } = this.candidates(model)[0]!;
    const amountFen = Math.max(1, Math.floor(available * this.share));
    const deps = { db, pii: t.pii } as unknown as RefundsDeps;
    await refused(
      refundsService.request(deps, real.finance, {
        kind: 'overpayment',
        paymentId: payment.id,
        amountFen: available + 1,
        reason: '多缴退款',
        method: 'offline',
      }),
      422,
      'refund_exceeds_advance',
    );
    const refund = await refundsService.request(deps, real.finance, {
      kind: 'overpayment',
      paymentId: payment.id,
      amountFen,
      reason: '多缴退款',
      method: 'offline',
    });
    await refused(refundsService.approve(deps, real.finance, refund.id), 403, 'refund_self_approval');
    const approved = await refundsService.approve(deps, real.approver, refund.id, '同意');
    expect(approved.status).toBe('approved');
    const paid = await refundsService.recordPaid(deps, real.finance, refund.id, {
      reference: `TK${randomUUID().slice(0, 8)}`,
    });
    expect(paid.status).toBe('refunded');
    payment.refundedFen += amountFen;
    model.advanceFen -= amountFen;
    model.bankFen -= amountFen;
  }
  toString() {
    return `refund(${this.share.toFixed(3)})`;
  }
}

/** 作废: refused once anything was paid on the bill; otherwise its entries are reversed. */
class VoidBill extends Command {
  readonly name = 'void';
  constructor(readonly bill: number) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.bills.some((bill) => bill.status !== 'void');
  }
  async act(model: Model, real: Real) {
    const bill = pick(
      model.bills.filter((candidate) => candidate.status !== 'void'),
      this.bill,
    )!;
    if (bill.principalPaidFen > 0 || bill.lateFeePaidFen > 0) {
      await refused(billingService.void(db, real.finance, bill.id, '开错了'), 409, 'bill_void_paid');
      return;
    }
    const view = await billingService.void(db, real.finance, bill.id, '开错了');
    expect(view.status).toBe('void');
    bill.status = 'void';
  }
  toString() {
    return `void(${this.bill})`;
  }
}

/** 减免: part of a bill's penalty waived, asked by finance, refused to the asker, approved by another. */
class WaivePenalty extends Command {
  readonly name = 'waive';
  constructor(
    readonly bill: number,
    readonly share: number,
  ) {
    super();
  }
  private candidates(model: Readonly<Model>) {
    return openBills(model as Model).filter((bill) => penaltyOwedOn(bill, model.today) > 0);
  }
  override check(model: Readonly<Model>) {
    return this.candidates(model).length > 0;
  }
  async act(model: Model, real: Real) {
    const bill = pick(this.candidates(model), this.bill)!;
    const owed = penaltyOwedOn(bill, model.today);
    const amountFen = Math.max(1, Math.floor(owed * this.share));
    await refused(
      collectionsService.requestWaiver(db, real.finance, bill.id, { amountFen: owed + 1, reason: '疫情减免' }),
      422,
      'waiver_exceeds_penalty',
    );
    const waiver = await collectionsService.requestWaiver(db, real.finance, bill.id, { amountFen, reason: '疫情减免' });
    await refused(collectionsService.approveWaiver(db, real.finance, waiver.id, null), 403, 'waiver_self_approval');
    await collectionsService.approveWaiver(db, real.approver, waiver.id, '同意');
    fix(bill, addDays(model.today, -1));
    bill.waivedFen += amountFen;
    bill.status = statusAfter(bill);
  }
  toString() {
    return `waive(${this.bill}, ${this.share.toFixed(3)})`;
  }
}

/** Penalties fixed into the bills and the ledger: the month-end job, or through yesterday. */
class AccruePenalties extends Command {
  readonly name = 'accrue';
  constructor(readonly monthEnd: boolean) {
    super();
  }
  async act(model: Model, real: Real) {
    let asOf = addDays(model.today, -1);
    if (this.monthEnd) asOf = (await collectionsService.runMonthEnd(db, model.today, { orgId: real.orgId })).asOf;
    else await fixPenaltiesAsOf(db, asOf, { orgId: real.orgId });
    for (const bill of model.bills) if (unsettled(bill) && bill.dueDate < asOf) fix(bill, asOf);
  }
  toString() {
    return `accrue(${this.monthEnd ? 'month end' : 'through yesterday'})`;
  }
}

/**
 * 银行流水对账: a statement line imported and confirmed — linked to a bank transfer recorded earlier (nothing
 * posted), or else recorded as the payment of the oldest open bill for exactly what settles it today.
 */
class ReconcileStatement extends Command {
  readonly name = 'reconcile';
  constructor(readonly preferLink: boolean) {
    super();
  }
  private linkable(model: Readonly<Model>) {
    return model.payments.find((payment) => payment.method === 'bank_transfer' && !payment.linked);
  }
  override check(model: Readonly<Model>) {
    return this.linkable(model) !== undefined || openBills(model as Model).length > 0;
  }
  async act(model: Model, real: Real) {
    const context = { db, pii: t.pii };
    if (!real.mappingId) {
      const mapping = await bankStatementsService.createMapping(context, real.finance, {
        name: '工行基本户',
        accountLabel: '工商银行基本户',
        headerRow: 1,
        columns: {
          date: '交易日期',
          credit: '贷方发生额',
          debit: '借方发生额',
          payerName: '对方户名',
          serial: '流水号',
        },
        dateFormat: 'YYYY-MM-DD',
        encoding: 'utf8',
      });
      real.mappingId = mapping.id;
    }
    const payment = this.preferLink || openBills(model).length === 0 ? this.linkable(model) : undefined;
    const bill = payment ? undefined : openBills(model)[0]!;
    const amountFen = payment ? payment.amountFen : payableOn(bill!, model.today);
    const valueDate = payment ? payment.receivedOn : model.today;
    const serial = `SN${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const csv = [
      '交易日期,贷方发生额,借方发生额,对方户名,流水号',
      `${valueDate},${(amountFen / 100).toFixed(2)},,${real.tenantName},${serial}`,
    ].join('\r\n');
    const imported = await bankStatementsService.importFile(context, real.finance, real.mappingId, {
      fileName: `${serial}.csv`,
      content: Buffer.from(csv, 'utf8'),
    });
    const { items } = await bankStatementsService.lines(db, { orgId: real.orgId, importId: imported.import.id }, 1, 10);
    expect(items).toHaveLength(1);
    const line = items[0]!;
    if (payment) {
      const confirmed = await bankStatementsService.confirm(context, real.finance, line.id, {
        kind: 'link_payment',
        paymentId: payment.id,
      });
      expect(confirmed.status).toBe('confirmed');
      payment.linked = true;
      return;
    }
    const confirmed = await bankStatementsService.confirm(context, real.finance, line.id, {
      kind: 'record',
      tenantId: real.tenantId,
      billIds: [bill!.id],
    });
    expect(confirmed.status).toBe('confirmed');
    const advanceFen = applyPayment(model, {
      amountFen,
      day: model.today,
      billIds: [bill!.id],
      method: 'bank_transfer',
    });
    expect(advanceFen).toBe(0);
    expect(bill!.status).toBe('paid');
    model.payments.push({
      id: confirmed.paymentId!,
      amountFen,
      advanceFen: 0,
      refundedFen: 0,
      method: 'bank_transfer',
      receivedOn: model.today,
      linked: true,
    });
  }
  toString() {
    return `reconcile(${this.preferLink ? 'link first' : 'record first'})`;
  }
}

const commands = [
  fc.integer({ min: 1, max: 45 }).map((days) => new AdvanceClock(days)),
  fc.integer({ min: 1, max: 45 }).map((days) => new AdvanceClock(days)),
  fc.constant(null).map(() => new BillingRun()),
  fc.tuple(fc.nat(20), fc.boolean()).map(([bill, cash]) => new PayInFull(bill, cash)),
  fc.tuple(fc.nat(20), fc.double({ min: 0, max: 1, noNaN: true })).map(([bill, share]) => new PayPart(bill, share)),
  fc.integer({ min: 1, max: 60_000 }).map((extra) => new Overpay(extra)),
  fc.integer({ min: 1, max: 300_000 }).map((amount) => new PayUnallocated(amount)),
  fc.double({ min: 0, max: 1, noNaN: true }).map((share) => new RefundOverpayment(share)),
  fc.nat(20).map((bill) => new VoidBill(bill)),
  fc
    .tuple(fc.nat(20), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([bill, share]) => new WaivePenalty(bill, share)),
  fc.boolean().map((monthEnd) => new AccruePenalties(monthEnd)),
  fc.boolean().map((preferLink) => new ReconcileStatement(preferLink)),
];

describe('the ledger against a model, after every step', () => {
  it(
    'agrees with the model and keeps its invariants over random sequences',
    async () => {
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' }), (steps) =>
          fc.asyncModelRun(setup, steps),
        ),
        {
          seed: SEED,
          numRuns: RUNS,
          endOnFailure: process.env.FC_SHRINK !== 'true',
          ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
        },
      );
      console.log(
        JSON.stringify({
          name: 'model-test',
          db: t.kind,
          seed: SEED,
          ...stats,
          invariantsPerStep: Math.round(stats.invariantChecks / stats.stepsChecked),
          seconds: Math.round((performance.now() - started) / 100) / 10,
        }),
      );
    },
    Math.max(180_000, RUNS * MAX_COMMANDS * 1_000),
  );
});
