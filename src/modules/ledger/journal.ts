import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import type { JOURNAL_ENTRY_KINDS } from '../../db/schema.ts';
import type { CalendarDate } from '../../domain/calendar.ts';
import type { Actor } from '../audit/service.ts';
import { type AccountPurpose, DEFAULT_CHART } from './chart.ts';

export type JournalEntryKind = (typeof JOURNAL_ENTRY_KINDS)[number];

/** One side of one line: exactly one of debitFen and creditFen, with the sub-ledger it belongs to. */
export interface JournalLineInput {
  purpose: AccountPurpose;
  debitFen?: number;
  creditFen?: number;
  tenantId?: string | null;
  contractId?: string | null;
  billId?: string | null;
}

export interface JournalEntryInput {
  orgId: string;
  entryDate: CalendarDate;
  kind: JournalEntryKind;
  memo: string;
  sourceType?: string;
  sourceId?: string;
  lines: JournalLineInput[];
}

export interface PostedEntry {
  id: string;
  entryNo: number;
}

/** A journal entry that does not balance: a programming error, never a user's. */
export class UnbalancedEntry extends Error {}

/**
 * The organisation's accounts by purpose, the default chart written on first use (codes the org changed are kept).
 * Inside a transaction, so set-based postings can join on `ledger_accounts.purpose` right after.
 */
export async function ensureChart(tx: Executor, orgId: string): Promise<Map<AccountPurpose, string>> {
  const rows = await queryRows<{ id: string; purpose: AccountPurpose }>(
    tx,
    sql`SELECT id, purpose FROM ledger_accounts WHERE org_id = ${orgId}`,
  );
  if (rows.length < DEFAULT_CHART.length) {
    await tx.execute(sql`
      INSERT INTO ledger_accounts (org_id, purpose, code, name, normal_side)
      SELECT ${orgId}::uuid, chart.purpose, chart.code, chart.name, chart.normal_side
        FROM jsonb_to_recordset(${JSON.stringify(
          DEFAULT_CHART.map((account) => ({ ...account, normal_side: account.normalSide })),
        )}::jsonb) AS chart (purpose text, code text, name text, normal_side text)
      ON CONFLICT DO NOTHING`);
    return ensureChart(tx, orgId);
  }
  return new Map(rows.map((row) => [row.purpose, row.id]));
}

function checkBalanced(entry: JournalEntryInput) {
  let debit = 0;
  let credit = 0;
  for (const line of entry.lines) {
    const sides = Number(line.debitFen !== undefined) + Number(line.creditFen !== undefined);
    if (
      sides !== 1 ||
      !Number.isSafeInteger(line.debitFen ?? line.creditFen) ||
      (line.debitFen ?? line.creditFen) === 0
    ) {
      throw new UnbalancedEntry(`journal line on ${line.purpose} needs exactly one non-zero side`);
    }
    debit += line.debitFen ?? 0;
    credit += line.creditFen ?? 0;
  }
  if (entry.lines.length < 2 || debit !== credit) {
    throw new UnbalancedEntry(`journal entry "${entry.memo}" does not balance: debit ${debit}, credit ${credit}`);
  }
}

export const journal = {
  /** Posts one balanced entry inside the caller's transaction (its lines in one statement, as the database wants). */
  async post(tx: Executor, actor: Actor, entry: JournalEntryInput): Promise<PostedEntry> {
    checkBalanced(entry);
    const accounts = await ensureChart(tx, entry.orgId);
    const [posted] = await queryRows<{ id: string; entryNo: string }>(
      tx,
      sql`INSERT INTO journal_entries (org_id, entry_date, kind, memo, source_type, source_id, created_by, created_by_name)
          VALUES (${entry.orgId}, ${entry.entryDate}, ${entry.kind}, ${entry.memo}, ${entry.sourceType ?? null},
                  ${entry.sourceId ?? null}, ${actor.id}, ${actor.name})
          RETURNING id, entry_no AS "entryNo"`,
    );
    const lines = entry.lines.map((line) => ({
      account_id: accounts.get(line.purpose),
      debit_fen: line.debitFen ?? 0,
      credit_fen: line.creditFen ?? 0,
      tenant_id: line.tenantId ?? null,
      contract_id: line.contractId ?? null,
      bill_id: line.billId ?? null,
    }));
    await tx.execute(sql`
      INSERT INTO journal_lines (entry_id, org_id, account_id, debit_fen, credit_fen, tenant_id, contract_id, bill_id)
      SELECT ${posted!.id}::uuid, ${entry.orgId}::uuid, l.account_id, l.debit_fen, l.credit_fen, l.tenant_id,
             l.contract_id, l.bill_id
        FROM jsonb_to_recordset(${JSON.stringify(lines)}::jsonb)
             AS l (account_id uuid, debit_fen bigint, credit_fen bigint, tenant_id uuid, contract_id uuid, bill_id uuid)`);
    return { id: posted!.id, entryNo: Number(posted!.entryNo) };
  },

  /**
   * Reverses an entry in red (红字冲销): the same lines with negative amounts, on the day given. An entry is reversed
   * at most once (the database refuses a second reversal).
   */
  async reverse(
    tx: Executor,
    actor: Actor,
    orgId: string,
    entryId: string,
    reversal: { entryDate: CalendarDate; memo: string; sourceType?: string; sourceId?: string },
  ): Promise<PostedEntry> {
    const [posted] = await queryRows<{ id: string; entryNo: string }>(
      tx,
      sql`INSERT INTO journal_entries (org_id, entry_date, kind, memo, source_type, source_id, reverses_entry_id,
                                       created_by, created_by_name)
          SELECT org_id, ${reversal.entryDate}, 'reversal', ${reversal.memo},
                 coalesce(${reversal.sourceType ?? null}, source_type), coalesce(${reversal.sourceId ?? null}::uuid, source_id),
                 id, ${actor.id}, ${actor.name}
            FROM journal_entries WHERE org_id = ${orgId} AND id = ${entryId}
          RETURNING id, entry_no AS "entryNo"`,
    );
    if (!posted) throw new Error(`journal entry ${entryId} not found in org ${orgId}`);
    await tx.execute(sql`
      INSERT INTO journal_lines (entry_id, org_id, account_id, debit_fen, credit_fen, tenant_id, contract_id, bill_id)
      SELECT ${posted.id}::uuid, org_id, account_id, -debit_fen, -credit_fen, tenant_id, contract_id, bill_id
        FROM journal_lines WHERE entry_id = ${entryId} ORDER BY id`);
    return { id: posted.id, entryNo: Number(posted.entryNo) };
  },
};
