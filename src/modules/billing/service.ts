// Bills (账单) as people see them, one-off charges, voiding and reissuing, and the billing runs.

import { type SQL, sql } from 'drizzle-orm';
import type { Executor, Orm } from '../../db/client.ts';
import { queryRows } from '../../db/client.ts';
import { type CalendarDate, chinaDate, isCalendarDate } from '../../domain/calendar.ts';
import type { LateFeeTerms, PrincipalPayment } from '../../domain/late-fee.ts';
import { tryParseRate, vatSplit } from '../../domain/money.ts';
import { MAX_MONTHLY_RENT_FEN } from '../../domain/rent-schedule.ts';
import { exportWorkbook, type SheetColumn } from '../../excel/sheets.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { type AccountPurpose, CHARGE_ITEMS, type ChargeItem } from '../ledger/chart.ts';
import { journal } from '../ledger/journal.ts';
import { billFigures } from './penalty.ts';
import { BILLABLE_CONTRACT_STATUSES } from './plan.ts';
import { lockedBill, voidBillIn } from './void.ts';

type OrgActor = Actor & { orgId: string };
export type BillKind = 'rent' | 'deposit' | 'charge' | 'final';
export type BillStatus = 'open' | 'partial' | 'paid' | 'void';

export const today = (): CalendarDate => chinaDate(new Date());

/** Exports stop here. */
export const MAX_EXPORT_BILLS = 100_000;

export interface BillRow {
  id: string;
  orgId: string;
  number: string;
  contractId: string;
  contractNumber: string;
  tenantId: string;
  tenantName: string;
  kind: BillKind;
  periodIndex: number | null;
  revision: number;
  periodStart: string | null;
  periodEnd: string | null;
  dueDate: string;
  amountFen: string | number;
  netFen: string | number;
  taxFen: string | number;
  taxRate: string;
  lateFeeTerms: LateFeeTerms | null;
  lateFeeFen: string | number;
  lateFeeWaivedFen: string | number;
  principalPaidFen: string | number;
  lateFeePaidFen: string | number;
  status: BillStatus;
  chargeItem: string | null;
  description: string | null;
  voidReason: string | null;
  replacesBillId: string | null;
  settledOn: string | null;
  issuedAt: string | Date;
}

const billColumns = sql`b.id, b.org_id AS "orgId", b.number, b.contract_id AS "contractId", c.number AS "contractNumber",
  b.tenant_id AS "tenantId", t.name AS "tenantName", b.kind, b.period_index AS "periodIndex", b.revision,
  b.period_start::text AS "periodStart", b.period_end::text AS "periodEnd", b.due_date::text AS "dueDate",
  b.amount_fen AS "amountFen", b.net_fen AS "netFen", b.tax_fen AS "taxFen", b.tax_rate AS "taxRate",
  b.late_fee_terms AS "lateFeeTerms", b.late_fee_fen AS "lateFeeFen", b.late_fee_waived_fen AS "lateFeeWaivedFen",
  b.principal_paid_fen AS "principalPaidFen", b.late_fee_paid_fen AS "lateFeePaidFen", b.status,
  b.charge_item AS "chargeItem", b.description, b.void_reason AS "voidReason", b.replaces_bill_id AS "replacesBillId",
  b.settled_on::text AS "settledOn", b.issued_at AS "issuedAt"`;
const billFrom = sql`bills b JOIN contracts c ON c.id = b.contract_id JOIN tenants t ON t.id = b.tenant_id`;

export interface BillFilter {
  orgId: string;
  contractId?: string;
  tenantId?: string;
  status?: BillStatus;
  overdue?: boolean;
  dueFrom?: string;
  dueTo?: string;
  kind?: BillKind;
  q?: string;
}

/** The bill as everyone shows it: its principal, penalty as of today, what the ledger holds and what is payable. */
export function billView(row: BillRow, principalPayments: readonly PrincipalPayment[], asOf: CalendarDate = today()) {
  const amountFen = Number(row.amountFen);
  const lateFeeFen = Number(row.lateFeeFen);
  const lateFeeWaivedFen = Number(row.lateFeeWaivedFen);
  const principalPaidFen = Number(row.principalPaidFen);
  const lateFeePaidFen = Number(row.lateFeePaidFen);
  const figures = billFigures(
    {
      status: row.status,
      amountFen,
      dueDate: row.dueDate,
      lateFeeTerms: row.lateFeeTerms,
      lateFeeFen,
      lateFeeWaivedFen,
      lateFeePaidFen,
      principalPaidFen,
    },
    principalPayments,
    asOf,
  );
  return {
    id: row.id,
    number: row.number,
    contractId: row.contractId,
    contractNumber: row.contractNumber,
    tenantId: row.tenantId,
    tenantName: row.tenantName,
    kind: row.kind,
    periodIndex: row.periodIndex,
    revision: row.revision,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    dueDate: row.dueDate,
    amountFen,
    netFen: Number(row.netFen),
    taxFen: Number(row.taxFen),
    taxRate: row.taxRate,
    paidFen: figures.paidFen,
    principalPaidFen,
    lateFeeFen: figures.lateFeeFen,
    lateFeePostedFen: lateFeeFen,
    lateFeeWaivedFen,
    outstandingFen: figures.outstandingFen,
    payableFen: figures.payableFen,
    status: row.status,
    overdue: figures.overdue,
    overdueDays: figures.overdueDays,
    chargeItem: row.chargeItem,
    description: row.description,
    voidReason: row.voidReason,
    replacesBillId: row.replacesBillId,
    settledOn: row.settledOn,
    issuedAt: new Date(row.issuedAt).toISOString(),
  };
}
export type BillView = ReturnType<typeof billView>;

function dateProblem(path: string, date: string) {
  return new AppError(422, 'bill_date_invalid', { date }, [{ path, key: 'bill_date_invalid', params: { date } }]);
}

function filterWhere(filter: BillFilter, asOf: CalendarDate): SQL {
  const conditions: SQL[] = [sql`b.org_id = ${filter.orgId}`];
  if (filter.contractId) conditions.push(sql`b.contract_id = ${filter.contractId}`);
  if (filter.tenantId) conditions.push(sql`b.tenant_id = ${filter.tenantId}`);
  if (filter.status) conditions.push(sql`b.status = ${filter.status}`);
  if (filter.kind) conditions.push(sql`b.kind = ${filter.kind}`);
  if (filter.overdue === true) conditions.push(sql`b.status IN ('open', 'partial') AND b.due_date < ${asOf}`);
  if (filter.overdue === false) conditions.push(sql`NOT (b.status IN ('open', 'partial') AND b.due_date < ${asOf})`);
  if (filter.dueFrom) {
    if (!isCalendarDate(filter.dueFrom)) throw dateProblem('querystring/dueFrom', filter.dueFrom);
    conditions.push(sql`b.due_date >= ${filter.dueFrom}`);
  }
  if (filter.dueTo) {
    if (!isCalendarDate(filter.dueTo)) throw dateProblem('querystring/dueTo', filter.dueTo);
    conditions.push(sql`b.due_date <= ${filter.dueTo}`);
  }
  const q = filter.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`(b.number ILIKE ${like} OR c.number ILIKE ${like} OR t.name ILIKE ${like})`);
  }
  return sql.join(conditions, sql` AND `);
}

/** The principal payments of each bill (applied_on, principal part), for the penalty. */
async function principalPaymentsOf(db: Executor, billIds: readonly string[]) {
  const byBill = new Map<string, PrincipalPayment[]>();
  if (billIds.length === 0) return byBill;
  const rows = await queryRows<{ billId: string; date: string; amountFen: string }>(
    db,
    sql`SELECT bill_id AS "billId", applied_on::text AS date, principal_fen AS "amountFen"
          FROM payment_allocations
         WHERE bill_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(billIds)}::jsonb)::uuid)
           AND principal_fen > 0
         ORDER BY applied_on, id`,
  );
  for (const row of rows) {
    const list = byBill.get(row.billId) ?? [];
    list.push({ date: row.date, amountFen: Number(row.amountFen) });
    byBill.set(row.billId, list);
  }
  return byBill;
}

async function viewsOf(db: Executor, rows: BillRow[]): Promise<BillView[]> {
  const payments = await principalPaymentsOf(
    db,
    rows.map((row) => row.id),
  );
  const asOf = today();
  return rows.map((row) => billView(row, payments.get(row.id) ?? [], asOf));
}

function checkReason(reason: string | undefined): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed === '') {
    throw new AppError(422, 'bill_reason_required', {}, [{ path: 'body/reason', key: 'bill_reason_required' }]);
  }
  return trimmed;
}

function checkAmount(amountFen: number) {
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0 || amountFen > MAX_MONTHLY_RENT_FEN) {
    const params = { max: MAX_MONTHLY_RENT_FEN };
    throw new AppError(422, 'bill_amount_invalid', params, [
      { path: 'body/amountFen', key: 'bill_amount_invalid', params },
    ]);
  }
}

function checkDueDate(dueDate: string) {
  if (!isCalendarDate(dueDate)) throw dateProblem('body/dueDate', dueDate);
}

function checkTaxRate(rate: string) {
  const parsed = tryParseRate(rate);
  if (!parsed || parsed.numerator < 0n || parsed.numerator >= parsed.denominator) {
    throw new AppError(422, 'bill_tax_rate_invalid', { rate }, [
      { path: 'body/taxRate', key: 'bill_tax_rate_invalid', params: { rate } },
    ]);
  }
  return parsed;
}

/** Posts the issue entry of one bill and writes its principal line (a charge or a reissue). */
async function issueOne(
  tx: Executor,
  actor: OrgActor,
  bill: {
    id: string;
    number: string;
    kind: BillKind;
    tenantId: string;
    contractId: string;
    amountFen: number;
    netFen: number;
    taxFen: number;
    chargeItem: ChargeItem | null;
    description: string;
  },
) {
  const credit: AccountPurpose =
    bill.kind === 'charge' && bill.chargeItem
      ? CHARGE_ITEMS[bill.chargeItem]
      : bill.kind === 'deposit'
        ? 'deposits'
        : 'rent_revenue';
  const sub = { tenantId: bill.tenantId, contractId: bill.contractId, billId: bill.id };
  const entry = await journal.post(tx, actor, {
    orgId: actor.orgId,
    entryDate: today(),
    kind: 'bill_issued',
    memo: `开具账单 ${bill.number}`,
    sourceType: 'bill',
    sourceId: bill.id,
    lines: [
      { purpose: 'receivable', debitFen: bill.amountFen, ...sub },
      ...(bill.netFen > 0 ? [{ purpose: credit, creditFen: bill.netFen, ...sub }] : []),
      ...(bill.taxFen > 0 ? [{ purpose: 'output_vat' as const, creditFen: bill.taxFen, ...sub }] : []),
    ],
  });
  await tx.execute(sql`
    INSERT INTO bill_lines (bill_id, org_id, kind, description, amount_fen, net_fen, tax_fen, journal_entry_id)
    VALUES (${bill.id}, ${actor.orgId}, ${bill.kind}, ${bill.description}, ${bill.amountFen}, ${bill.netFen},
            ${bill.taxFen}, ${entry.id})`);
}

export interface ChargeInput {
  contractId: string;
  chargeItem: ChargeItem;
  description: string;
  amountFen: number;
  dueDate: string;
  taxRate?: string;
}

export const billingService = {
  async list(db: Orm, filter: BillFilter, page: number, pageSize: number) {
    const where = filterWhere(filter, today());
    const [count] = await queryRows<{ total: string }>(
      db,
      sql`SELECT count(*) AS total FROM ${billFrom} WHERE ${where}`,
    );
    const rows = await queryRows<BillRow>(
      db,
      sql`SELECT ${billColumns} FROM ${billFrom} WHERE ${where}
           ORDER BY b.due_date DESC, b.number DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    return { items: await viewsOf(db, rows), total: Number(count?.total ?? 0) };
  },

  async get(db: Executor, orgId: string, id: string): Promise<BillView> {
    const rows = await queryRows<BillRow>(
      db,
      sql`SELECT ${billColumns} FROM ${billFrom} WHERE b.org_id = ${orgId} AND b.id = ${id}`,
    );
    if (rows.length === 0) throw notFound('bill', id);
    return (await viewsOf(db, rows))[0]!;
  },

  /** The bill with its lines, payments applied, journal entries, waivers and messages. */
  async detail(db: Orm, orgId: string, id: string) {
    const bill = await this.get(db, orgId, id);
    const lines = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT id, kind, description, amount_fen AS "amountFen", net_fen AS "netFen", tax_fen AS "taxFen",
                 as_of::text AS "asOf", created_at AS "createdAt"
            FROM bill_lines WHERE bill_id = ${id} ORDER BY id`,
    );
    const allocations = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT a.payment_id AS "paymentId", p.number AS "paymentNumber", a.applied_on::text AS "appliedOn",
                 a.principal_fen AS "principalFen", a.late_fee_fen AS "lateFeeFen"
            FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
           WHERE a.bill_id = ${id} ORDER BY a.applied_on, a.id`,
    );
    const entryLines = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT e.id, e.entry_no AS "entryNo", e.entry_date::text AS "entryDate", e.kind, e.memo,
                 a.code AS "accountCode", a.name AS "accountName", l.debit_fen AS "debitFen", l.credit_fen AS "creditFen"
            FROM journal_entries e
            JOIN journal_lines l ON l.entry_id = e.id
            JOIN ledger_accounts a ON a.id = l.account_id
           WHERE e.org_id = ${orgId}
             AND e.id IN (SELECT entry_id FROM journal_lines WHERE bill_id = ${id})
           ORDER BY e.entry_no, l.id`,
    );
    const entries = new Map<
      string,
      { id: string; entryNo: number; entryDate: string; kind: string; memo: string; lines: unknown[] }
    >();
    for (const row of entryLines) {
      const entryId = row.id as string;
      if (!entries.has(entryId)) {
        entries.set(entryId, {
          id: entryId,
          entryNo: Number(row.entryNo),
          entryDate: row.entryDate as string,
          kind: row.kind as string,
          memo: row.memo as string,
          lines: [],
        });
      }
      entries.get(entryId)!.lines.push({
        accountCode: row.accountCode,
        accountName: row.accountName,
        debitFen: Number(row.debitFen),
        creditFen: Number(row.creditFen),
      });
    }
    const waivers = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT w.id, w.bill_id AS "billId", b.number AS "billNumber", t.name AS "tenantName", w.amount_fen AS "amountFen",
                 w.reason, w.status, w.requested_by_name AS "requestedByName", w.requested_at AS "requestedAt",
                 w.decided_by_name AS "decidedByName", w.decided_at AS "decidedAt", w.decision_note AS "decisionNote"
            FROM late_fee_waivers w JOIN bills b ON b.id = w.bill_id JOIN tenants t ON t.id = b.tenant_id
           WHERE w.org_id = ${orgId} AND w.bill_id = ${id} ORDER BY w.requested_at`,
    );
    const messages = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT m.id, m.channel, m.kind, m.tenant_id AS "tenantId", t.name AS "tenantName", m.bill_id AS "billId",
                 b.number AS "billNumber", m.recipient_masked AS "recipientMasked", m.template_code AS "templateCode",
                 m.body, m.pay_link AS "payLink", m.status, m.attempts, m.provider, m.last_error AS "lastError",
                 m.created_at AS "createdAt", m.sent_at AS "sentAt"
            FROM outbound_messages m LEFT JOIN tenants t ON t.id = m.tenant_id LEFT JOIN bills b ON b.id = m.bill_id
           WHERE m.org_id = ${orgId} AND m.bill_id = ${id} ORDER BY m.created_at`,
    );
    const iso = (value: unknown) =>
      value === null || value === undefined ? null : new Date(value as string).toISOString();
    return {
      ...bill,
      lines: lines.map((line) => ({
        id: Number(line.id),
        kind: line.kind as string,
        description: line.description as string,
        amountFen: Number(line.amountFen),
        netFen: Number(line.netFen),
        taxFen: Number(line.taxFen),
        asOf: (line.asOf as string | null) ?? null,
        createdAt: iso(line.createdAt)!,
      })),
      allocations: allocations.map((row) => ({
        paymentId: row.paymentId as string,
        paymentNumber: row.paymentNumber as string,
        appliedOn: row.appliedOn as string,
        principalFen: Number(row.principalFen),
        lateFeeFen: Number(row.lateFeeFen),
      })),
      journalEntries: [...entries.values()],
      waivers: waivers.map((row) => ({
        ...row,
        amountFen: Number(row.amountFen),
        requestedAt: iso(row.requestedAt),
        decidedAt: iso(row.decidedAt),
      })),
      messages: messages.map((row) => ({
        ...row,
        attempts: Number(row.attempts),
        createdAt: iso(row.createdAt),
        sentAt: iso(row.sentAt),
      })),
    };
  },

  /** A one-off charge (杂费) on a billed contract, credited to its own revenue account. */
  async createCharge(db: Orm, actor: OrgActor, input: ChargeInput): Promise<BillView> {
    const description = input.description.trim();
    if (description === '') {
      throw new AppError(422, 'bill_reason_required', {}, [{ path: 'body/description', key: 'bill_reason_required' }]);
    }
    checkAmount(input.amountFen);
    checkDueDate(input.dueDate);
    const taxRate = input.taxRate ?? '0';
    const { netFen, taxFen } = vatSplit(input.amountFen, checkTaxRate(taxRate));
    const id = await db.transaction(async (tx) => {
      const [contract] = await queryRows<{
        id: string;
        number: string;
        status: string;
        tenantId: string;
        terms: { lateFee?: LateFeeTerms };
      }>(
        tx,
        sql`SELECT id, number, status, tenant_id AS "tenantId", terms FROM contracts
             WHERE org_id = ${actor.orgId} AND id = ${input.contractId} FOR UPDATE`,
      );
      if (!contract) {
        throw new AppError(422, 'not_found', { entity: 'contract', id: input.contractId }, [
          { path: 'body/contractId', key: 'not_found', params: { entity: 'contract', id: input.contractId } },
        ]);
      }
      if (!(BILLABLE_CONTRACT_STATUSES as readonly string[]).includes(contract.status)) {
        const params = {
          number: contract.number,
          status: [`contract_status_${contract.status}` as 'contract_status_draft'],
        };
        throw new AppError(422, 'bill_contract_not_billable', params, [
          { path: 'body/contractId', key: 'bill_contract_not_billable', params },
        ]);
      }
      const [seq] = await queryRows<{ n: string }>(
        tx,
        sql`SELECT count(*) + 1 AS n FROM bills WHERE contract_id = ${contract.id} AND kind = 'charge' AND revision = 0`,
      );
      const n = String(seq!.n).padStart(2, '0');
      const [bill] = await queryRows<{ id: string; number: string }>(
        tx,
        sql`INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, period_index, revision, due_date, amount_fen,
                               net_fen, tax_fen, tax_rate, late_fee_terms, charge_item, description, issued_by,
                               issued_by_name)
            VALUES (${actor.orgId}, ${`${contract.number}-C${n}`}, ${contract.id}, ${contract.tenantId}, 'charge', NULL, 0,
                    ${input.dueDate}, ${input.amountFen}, ${netFen}, ${taxFen}, ${taxRate},
                    ${contract.terms.lateFee ? JSON.stringify(contract.terms.lateFee) : null}::jsonb, ${input.chargeItem},
                    ${description}, ${actor.id}, ${actor.name})
            RETURNING id, number`,
      );
      await issueOne(tx, actor, {
        id: bill!.id,
        number: bill!.number,
        kind: 'charge',
        tenantId: contract.tenantId,
        contractId: contract.id,
        amountFen: input.amountFen,
        netFen,
        taxFen,
        chargeItem: input.chargeItem,
        description,
      });
      await auditService.record(tx, actor, {
        action: 'bill.charge',
        entityType: 'bill',
        entityId: bill!.id,
        after: {
          number: bill!.number,
          chargeItem: input.chargeItem,
          amountFen: input.amountFen,
          dueDate: input.dueDate,
        },
      });
      return bill!.id;
    });
    return this.get(db, actor.orgId, id);
  },

  async void(db: Orm, actor: OrgActor, id: string, reason: string | undefined): Promise<BillView> {
    const why = checkReason(reason);
    await db.transaction((tx) => voidBillIn(tx, actor, id, why, today()));
    return this.get(db, actor.orgId, id);
  },

  /** Voids the bill and issues its next revision with the amount and due date given. */
  async reissue(
    db: Orm,
    actor: OrgActor,
    id: string,
    input: { reason?: string; amountFen: number; dueDate: string; description?: string },
  ): Promise<BillView> {
    const why = checkReason(input.reason);
    checkAmount(input.amountFen);
    checkDueDate(input.dueDate);
    const newId = await db.transaction(async (tx) => {
      await lockedBill(tx, actor.orgId, id);
      const old = (await queryRows<BillRow>(tx, sql`SELECT ${billColumns} FROM ${billFrom} WHERE b.id = ${id}`))[0]!;
      await voidBillIn(tx, actor, id, why, today());
      const [next] = await queryRows<{ revision: number }>(
        tx,
        sql`SELECT coalesce(max(revision), 0) + 1 AS revision FROM bills
             WHERE contract_id = ${old.contractId} AND kind = ${old.kind}
               AND ${old.periodIndex === null ? sql`id = ${id}` : sql`period_index = ${old.periodIndex}`}`,
      );
      const revision = Number(next!.revision);
      const baseNumber = old.revision > 0 ? old.number.replace(/-\d+$/, '') : old.number;
      const number = `${baseNumber}-${revision}`;
      const rate = tryParseRate(old.taxRate) ?? tryParseRate('0')!;
      const { netFen, taxFen } =
        old.kind === 'deposit' ? { netFen: input.amountFen, taxFen: 0 } : vatSplit(input.amountFen, rate);
      const description = input.description?.trim() || old.description;
      const [bill] = await queryRows<{ id: string }>(
        tx,
        sql`INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, period_index, revision, period_start,
                               period_end, due_date, amount_fen, net_fen, tax_fen, tax_rate, late_fee_terms, charge_item,
                               description, replaces_bill_id, issued_by, issued_by_name)
            VALUES (${actor.orgId}, ${number}, ${old.contractId}, ${old.tenantId}, ${old.kind}, ${old.periodIndex},
                    ${revision}, ${old.periodStart}, ${old.periodEnd}, ${input.dueDate}, ${input.amountFen}, ${netFen},
                    ${taxFen}, ${old.taxRate}, ${old.lateFeeTerms ? JSON.stringify(old.lateFeeTerms) : null}::jsonb,
                    ${old.chargeItem}, ${description}, ${id}, ${actor.id}, ${actor.name})
            RETURNING id`,
      );
      const kindText = { rent: '租金', deposit: '押金', charge: '杂费', final: '提前终止结算租金' }[old.kind];
      await issueOne(tx, actor, {
        id: bill!.id,
        number,
        kind: old.kind,
        tenantId: old.tenantId,
        contractId: old.contractId,
        amountFen: input.amountFen,
        netFen,
        taxFen,
        chargeItem: (old.chargeItem as ChargeItem | null) ?? null,
        description:
          description ??
          (old.periodStart ? `${kindText} ${old.periodStart} 至 ${old.periodEnd}（重开）` : `${kindText}（重开）`),
      });
      await auditService.record(tx, actor, {
        action: 'bill.reissue',
        entityType: 'bill',
        entityId: bill!.id,
        before: { id, number: old.number, amountFen: Number(old.amountFen), dueDate: old.dueDate },
        after: { number, revision, amountFen: input.amountFen, dueDate: input.dueDate, reason: why },
      });
      return bill!.id;
    });
    return this.get(db, actor.orgId, newId);
  },

  async runs(db: Orm, orgId: string, page: number, pageSize: number) {
    const [count] = await queryRows<{ total: string }>(
      db,
      sql`SELECT count(*) AS total FROM billing_runs WHERE org_id = ${orgId}`,
    );
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT id, through_date::text AS "throughDate", trigger, issued, skipped, amount_fen AS "amountFen",
                 started_by_name AS "startedByName", started_at AS "startedAt", finished_at AS "finishedAt"
            FROM billing_runs WHERE org_id = ${orgId}
           ORDER BY started_at DESC, id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    return {
      items: rows.map((row) => ({
        id: row.id as string,
        throughDate: row.throughDate as string,
        trigger: row.trigger as 'manual' | 'schedule',
        issued: Number(row.issued),
        skipped: Number(row.skipped),
        amountFen: Number(row.amountFen),
        startedByName: (row.startedByName as string | null) ?? null,
        startedAt: new Date(row.startedAt as string).toISOString(),
        finishedAt: row.finishedAt ? new Date(row.finishedAt as string).toISOString() : null,
      })),
      total: Number(count?.total ?? 0),
    };
  },

  async exportWorkbook(db: Orm, filter: BillFilter): Promise<Buffer> {
    const where = filterWhere(filter, today());
    const rows = await queryRows<BillRow>(
      db,
      sql`SELECT ${billColumns} FROM ${billFrom} WHERE ${where} ORDER BY b.due_date, b.number LIMIT ${MAX_EXPORT_BILLS}`,
    );
    const views = await viewsOf(db, rows);
    const yuan = (fen: number) => fen / 100;
    return exportWorkbook(
      '账单',
      BILL_COLUMNS,
      views.map((bill) => [
        bill.number,
        bill.contractNumber,
        bill.tenantName,
        KIND_NAMES[bill.kind],
        bill.periodStart,
        bill.periodEnd,
        new Date(`${bill.dueDate}T00:00:00Z`),
        yuan(bill.amountFen),
        yuan(bill.taxFen),
        yuan(bill.paidFen),
        yuan(bill.lateFeeFen),
        yuan(bill.outstandingFen),
        yuan(bill.payableFen),
        STATUS_NAMES[bill.status],
        bill.overdue ? bill.overdueDays : 0,
        bill.description ?? bill.voidReason,
      ]),
    );
  },
};

const KIND_NAMES: Record<BillKind, string> = { rent: '租金', deposit: '押金', charge: '杂费', final: '终止结算' };
const STATUS_NAMES: Record<BillStatus, string> = { open: '未付', partial: '部分已付', paid: '已付清', void: '已作废' };
const money = (header: string): SheetColumn => ({ header, description: '元', numberFormat: '#,##0.00', width: 14 });
const BILL_COLUMNS: readonly SheetColumn[] = [
  { header: '账单编号', description: '', width: 22, text: true },
  { header: '合同编号', description: '', width: 18, text: true },
  { header: '承租方', description: '', width: 24 },
  { header: '类型', description: '', width: 10 },
  { header: '账期开始', description: '', width: 12 },
  { header: '账期结束', description: '', width: 12 },
  { header: '应付日期', description: '', width: 12, numberFormat: 'yyyy-mm-dd' },
  money('应收金额'),
  money('其中税额'),
  money('已付'),
  money('违约金'),
  money('未结清'),
  money('今日应付'),
  { header: '状态', description: '', width: 10 },
  { header: '逾期天数', description: '', width: 10 },
  { header: '说明', description: '', width: 30 },
];
