// Shared by the collections tests: a tenant and a contract of their own (written straight into the database, marked
// as planned so billing runs leave them alone), bills issued with their principal line and journal entry, and the
// ledger balances the invariants speak of.
import { randomBytes } from 'node:crypto';
import { type Orm, queryRows, sql } from '../../src/db/client.ts';
import type { LateFeeTerms } from '../../src/domain/late-fee.ts';
import { type Actor, systemActor } from '../../src/modules/audit/service.ts';
import { journal } from '../../src/modules/ledger/journal.ts';

const tag = () => randomBytes(4).toString('hex').toUpperCase();

export async function makeTenant(
  db: Orm,
  orgId: string,
  name = `测试承租方${tag()}`,
): Promise<{ id: string; name: string }> {
  const code = `T${tag()}`;
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO tenants (org_id, code, kind, name, id_number_enc, id_number_index, phone_enc, phone_index)
        VALUES (${orgId}, ${code}, 'individual', ${name}, 'v1:test', ${`idx-${code}`}, 'v1:test', ${`ph-${code}`})
        RETURNING id`,
  );
  return { id: row!.id, name };
}

export interface ContractOptions {
  /** false: left for the first billing run to plan (and bill); true: billing runs leave it alone. */
  planned?: boolean;
  monthlyFen?: number;
  depositFen?: number;
  startDate?: string;
  endDate?: string;
}

export async function makeContract(
  db: Orm,
  orgId: string,
  tenantId: string,
  lateFee: LateFeeTerms | null = { dailyRate: '0.0005' },
  options: ContractOptions = {},
): Promise<string> {
  const { planned = true, monthlyFen = 100_000, startDate = '2025-01-01', endDate = '2027-12-31' } = options;
  const terms = {
    startDate,
    endDate,
    rent: { mode: 'fixed', monthlyFen },
    billingCycleMonths: 1,
    dueOffsetDays: 0,
    taxRate: '0.09',
    ...(options.depositFen ? { deposit: { amountFen: options.depositFen } } : {}),
    ...(lateFee ? { lateFee } : {}),
  };
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO contracts (org_id, number, tenant_id, status, terms, start_date, end_date, monthly_rent_fen,
                               annual_rent_fen, total_rent_fen, deposit_fen, sign_date, activated_at, planned_at)
        VALUES (${orgId}, ${`HT-TEST-${tag()}`}, ${tenantId}, 'active', ${JSON.stringify(terms)}::jsonb, ${startDate},
                ${endDate}, ${monthlyFen}, ${monthlyFen * 12}, ${monthlyFen * 12}, ${options.depositFen ?? 0},
                ${startDate}, now(), ${planned ? sql`now()` : null})
        RETURNING id`,
  );
  return row!.id;
}

export interface TestBill {
  contractId: string;
  tenantId: string;
  dueDate: string;
  amountFen: number;
  lateFee?: LateFeeTerms | null;
}

/** A charge bill as a billing run would issue it: the bill, its principal line, Dr receivable / Cr revenue. */
export async function issueBill(db: Orm, orgId: string, bill: TestBill): Promise<{ id: string; number: string }> {
  const actor: Actor = { ...systemActor, orgId };
  return db.transaction(async (tx) => {
    const number = `ZD-TEST-${tag()}`;
    const lateFee = bill.lateFee === undefined ? { dailyRate: '0.0005' } : bill.lateFee;
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, due_date, amount_fen, net_fen, tax_fen,
                             late_fee_terms, charge_item, description)
          VALUES (${orgId}, ${number}, ${bill.contractId}, ${bill.tenantId}, 'charge', ${bill.dueDate},
                  ${bill.amountFen}, ${bill.amountFen}, 0, ${lateFee ? JSON.stringify(lateFee) : null}::jsonb,
                  'other', '测试费用')
          RETURNING id`,
    );
    const sub = { tenantId: bill.tenantId, contractId: bill.contractId, billId: row!.id };
    const entry = await journal.post(tx, actor, {
      orgId,
      entryDate: bill.dueDate,
      kind: 'bill_issued',
      memo: `开具账单 ${number}`,
      sourceType: 'bill',
      sourceId: row!.id,
      lines: [
        { purpose: 'receivable', debitFen: bill.amountFen, ...sub },
        { purpose: 'charge_other', creditFen: bill.amountFen, ...sub },
      ],
    });
    await tx.execute(sql`
      INSERT INTO bill_lines (bill_id, org_id, kind, description, amount_fen, net_fen, tax_fen, journal_entry_id)
      VALUES (${row!.id}, ${orgId}, 'charge', '测试费用', ${bill.amountFen}, ${bill.amountFen}, 0, ${entry.id})`);
    return { id: row!.id, number };
  });
}

export interface BillState {
  id: string;
  number: string;
  status: string;
  amountFen: number;
  lateFeeFen: number;
  lateFeeWaivedFen: number;
  principalPaidFen: number;
  lateFeePaidFen: number;
  settledOn: string | null;
}

export async function billState(db: Orm, id: string): Promise<BillState> {
  const [row] = await queryRows<Record<keyof BillState, string | null>>(
    db,
    sql`SELECT id, number, status, amount_fen AS "amountFen", late_fee_fen AS "lateFeeFen",
               late_fee_waived_fen AS "lateFeeWaivedFen", principal_paid_fen AS "principalPaidFen",
               late_fee_paid_fen AS "lateFeePaidFen", settled_on::text AS "settledOn"
          FROM bills WHERE id = ${id}`,
  );
  if (!row) throw new Error(`bill ${id} not found`);
  return {
    id: row.id!,
    number: row.number!,
    status: row.status!,
    amountFen: Number(row.amountFen),
    lateFeeFen: Number(row.lateFeeFen),
    lateFeeWaivedFen: Number(row.lateFeeWaivedFen),
    principalPaidFen: Number(row.principalPaidFen),
    lateFeePaidFen: Number(row.lateFeePaidFen),
    settledOn: row.settledOn,
  };
}

/** Σ debit − Σ credit on an account (by purpose) of the org, optionally of one contract or tenant. */
export async function accountBalance(
  db: Orm,
  orgId: string,
  purpose: string,
  filter: { contractId?: string; tenantId?: string } = {},
): Promise<number> {
  const [row] = await queryRows<{ balance: string | null }>(
    db,
    sql`SELECT sum(l.debit_fen - l.credit_fen) AS balance
          FROM journal_lines l JOIN ledger_accounts a ON a.id = l.account_id
         WHERE l.org_id = ${orgId} AND a.purpose = ${purpose}
           AND (${filter.contractId ?? null}::uuid IS NULL OR l.contract_id = ${filter.contractId ?? null}::uuid)
           AND (${filter.tenantId ?? null}::uuid IS NULL OR l.tenant_id = ${filter.tenantId ?? null}::uuid)`,
  );
  return Number(row?.balance ?? 0);
}

export async function trialBalance(db: Orm): Promise<{ debitFen: number; creditFen: number }> {
  const [row] = await queryRows<{ debit: string | null; credit: string | null }>(
    db,
    sql`SELECT sum(debit_fen) AS debit, sum(credit_fen) AS credit FROM journal_lines`,
  );
  return { debitFen: Number(row?.debit ?? 0), creditFen: Number(row?.credit ?? 0) };
}
