import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import type { CalendarDate } from '../../domain/calendar.ts';

export interface AccountRow {
  id: string;
  purpose: string;
  code: string;
  name: string;
  normalSide: 'debit' | 'credit';
}

export interface Period {
  from?: CalendarDate | undefined;
  to?: CalendarDate | undefined;
}

/** bigint sums come back as strings (both drivers); money in fen fits a JS number. */
const num = (value: string | number | null | undefined) => Number(value ?? 0);

/** A line's amount signed by its account's normal side (a red-letter line is negative on its side and counts so). */
const SIGNED = sql`CASE WHEN a.normal_side = 'debit' THEN l.debit_fen - l.credit_fen ELSE l.credit_fen - l.debit_fen END`;

const accountColumns = sql`a.id, a.purpose, a.code, a.name, a.normal_side AS "normalSide"`;

export interface AccountLinesFilter extends Period {
  tenantId?: string | undefined;
  contractId?: string | undefined;
}

function lineConditions(filter: AccountLinesFilter): SQL {
  const parts: SQL[] = [];
  if (filter.tenantId) parts.push(sql`AND l.tenant_id = ${filter.tenantId}`);
  if (filter.contractId) parts.push(sql`AND l.contract_id = ${filter.contractId}`);
  return sql.join(parts, sql` `);
}

export const ledgerRepository = {
  async accounts(db: Executor, orgId: string): Promise<AccountRow[]> {
    return queryRows<AccountRow>(
      db,
      sql`SELECT ${accountColumns} FROM ledger_accounts a WHERE a.org_id = ${orgId} ORDER BY a.code`,
    );
  },

  async account(db: Executor, orgId: string, id: string, lock = false): Promise<AccountRow | undefined> {
    const [row] = await queryRows<AccountRow>(
      db,
      sql`SELECT ${accountColumns} FROM ledger_accounts a WHERE a.org_id = ${orgId} AND a.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
    );
    return row;
  },

  async accountByPurpose(db: Executor, orgId: string, purpose: string): Promise<AccountRow | undefined> {
    const [row] = await queryRows<AccountRow>(
      db,
      sql`SELECT ${accountColumns} FROM ledger_accounts a WHERE a.org_id = ${orgId} AND a.purpose = ${purpose}`,
    );
    return row;
  },

  async updateAccount(db: Executor, orgId: string, id: string, changes: { code?: string; name?: string }) {
    const [row] = await queryRows<AccountRow>(
      db,
      sql`UPDATE ledger_accounts a SET code = coalesce(${changes.code ?? null}, a.code), name = coalesce(${changes.name ?? null}, a.name)
           WHERE a.org_id = ${orgId} AND a.id = ${id} RETURNING ${accountColumns}`,
    );
    return row;
  },

  /** Per account: balance before `from`, the period's debits and credits, and the balance through `to`. */
  async trialBalance(db: Executor, orgId: string, { from, to }: Period) {
    const before = from ? sql`e.entry_date < ${from}` : sql`false`;
    const within = sql`${from ? sql`e.entry_date >= ${from}` : sql`true`} AND ${to ? sql`e.entry_date <= ${to}` : sql`true`}`;
    const rows = await queryRows<
      AccountRow & { opening: string; debit: string; credit: string; closing: string; rawClosing: string }
    >(
      db,
      sql`SELECT ${accountColumns},
                 coalesce(sum(${SIGNED}) FILTER (WHERE ${before}), 0) AS opening,
                 coalesce(sum(l.debit_fen) FILTER (WHERE ${within}), 0) AS debit,
                 coalesce(sum(l.credit_fen) FILTER (WHERE ${within}), 0) AS credit,
                 coalesce(sum(${SIGNED}) FILTER (WHERE ${before} OR (${within})), 0) AS closing,
                 coalesce(sum(l.debit_fen - l.credit_fen) FILTER (WHERE ${before} OR (${within})), 0) AS "rawClosing"
            FROM ledger_accounts a
            LEFT JOIN journal_lines l ON l.account_id = a.id AND l.org_id = a.org_id
            LEFT JOIN journal_entries e ON e.id = l.entry_id
           WHERE a.org_id = ${orgId}
           GROUP BY a.id
           ORDER BY a.code`,
    );
    return rows.map((row) => ({
      id: row.id,
      purpose: row.purpose,
      code: row.code,
      name: row.name,
      normalSide: row.normalSide,
      openingBalanceFen: num(row.opening),
      debitFen: num(row.debit),
      creditFen: num(row.credit),
      balanceFen: num(row.closing),
      /** Debit minus credit through `to`, whatever the account's side. */
      netDebitFen: num(row.rawClosing),
    }));
  },

  /** Signed (normal side) sum of an account's lines in a period with the filters. */
  async accountBalance(db: Executor, account: AccountRow, filter: AccountLinesFilter): Promise<number> {
    const [row] = await queryRows<{ balance: string | null }>(
      db,
      sql`SELECT coalesce(sum(${SIGNED}), 0) AS balance
            FROM journal_lines l
            JOIN ledger_accounts a ON a.id = l.account_id
            JOIN journal_entries e ON e.id = l.entry_id
           WHERE l.account_id = ${account.id}
             ${filter.from ? sql`AND e.entry_date >= ${filter.from}` : sql``}
             ${filter.to ? sql`AND e.entry_date <= ${filter.to}` : sql``}
             ${lineConditions(filter)}`,
    );
    return num(row?.balance);
  },

  /**
   * One page of an account's lines in [from, to] in posting order (entry date, then entry number, then line), each
   * with the running balance after it: a window sum over the whole filtered period, so page 2 continues page 1.
   */
  async accountLines(db: Executor, account: AccountRow, filter: AccountLinesFilter, page: number, pageSize: number) {
    const where = sql`l.account_id = ${account.id}
             ${filter.from ? sql`AND e.entry_date >= ${filter.from}` : sql``}
             ${filter.to ? sql`AND e.entry_date <= ${filter.to}` : sql``}
             ${lineConditions(filter)}`;
    const rows = await queryRows<{
      lineId: string;
      entryId: string;
      entryNo: string;
      entryDate: string;
      kind: string;
      memo: string;
      debitFen: string;
      creditFen: string;
      running: string;
      tenantId: string | null;
      contractId: string | null;
      billId: string | null;
      total: string;
    }>(
      db,
      sql`SELECT * FROM (
            SELECT l.id AS "lineId", e.id AS "entryId", e.entry_no AS "entryNo", e.entry_date::text AS "entryDate",
                   e.kind, e.memo, l.debit_fen AS "debitFen", l.credit_fen AS "creditFen",
                   sum(${SIGNED}) OVER (ORDER BY e.entry_date, e.entry_no, l.id ROWS UNBOUNDED PRECEDING) AS running,
                   l.tenant_id AS "tenantId", l.contract_id AS "contractId", l.bill_id AS "billId",
                   count(*) OVER () AS total
              FROM journal_lines l
              JOIN ledger_accounts a ON a.id = l.account_id
              JOIN journal_entries e ON e.id = l.entry_id
             WHERE ${where}
          ) lines
          ORDER BY "entryDate", "entryNo", "lineId"
          LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    let total = num(rows[0]?.total);
    if (rows.length === 0 && page > 1) {
      const [count] = await queryRows<{ total: string }>(
        db,
        sql`SELECT count(*) AS total FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id WHERE ${where}`,
      );
      total = num(count?.total);
    }
    return {
      total,
      items: rows.map((row) => ({
        lineId: num(row.lineId),
        entryId: row.entryId,
        entryNo: num(row.entryNo),
        entryDate: row.entryDate,
        kind: row.kind,
        memo: row.memo,
        debitFen: num(row.debitFen),
        creditFen: num(row.creditFen),
        running: num(row.running),
        tenantId: row.tenantId,
        contractId: row.contractId,
        billId: row.billId,
      })),
    };
  },

  /** The receivable account's sub-ledger balances by tenant or by contract. */
  async receivables(
    db: Executor,
    orgId: string,
    account: AccountRow,
    options: { by: 'tenant' | 'contract'; to?: CalendarDate | undefined; includeZero: boolean },
    page: number,
    pageSize: number,
  ) {
    const byContract = options.by === 'contract';
    const rows = await queryRows<{
      tenantId: string;
      tenantName: string;
      contractId: string | null;
      contractNumber: string | null;
      debit: string;
      credit: string;
      balance: string;
      total: string;
      totalBalance: string;
    }>(
      db,
      sql`WITH sub AS (
            SELECT l.tenant_id, ${byContract ? sql`l.contract_id` : sql`NULL::uuid`} AS contract_id,
                   sum(l.debit_fen) AS debit, sum(l.credit_fen) AS credit, sum(l.debit_fen - l.credit_fen) AS balance
              FROM journal_lines l
              JOIN journal_entries e ON e.id = l.entry_id
             WHERE l.account_id = ${account.id} AND l.tenant_id IS NOT NULL
               ${options.to ? sql`AND e.entry_date <= ${options.to}` : sql``}
             GROUP BY 1, 2
          ), shown AS (
            SELECT * FROM sub ${options.includeZero ? sql`` : sql`WHERE balance <> 0`}
          )
          SELECT s.tenant_id AS "tenantId", t.name AS "tenantName", s.contract_id AS "contractId",
                 c.number AS "contractNumber", s.debit, s.credit, s.balance,
                 count(*) OVER () AS total, sum(s.balance) OVER () AS "totalBalance"
            FROM shown s
            JOIN tenants t ON t.org_id = ${orgId} AND t.id = s.tenant_id
            LEFT JOIN contracts c ON c.org_id = ${orgId} AND c.id = s.contract_id
           ORDER BY s.balance DESC, t.name, c.number
           LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    // The whole account's balance (lines without a tenant included), for the page's footer.
    const totalBalanceFen = await this.accountBalance(db, account, { to: options.to });
    return {
      total: num(rows[0]?.total),
      totalBalanceFen,
      items: rows.map((row) => ({
        tenantId: row.tenantId,
        tenantName: row.tenantName,
        contractId: row.contractId,
        contractNumber: row.contractNumber,
        debitFen: num(row.debit),
        creditFen: num(row.credit),
        balanceFen: num(row.balance),
      })),
    };
  },

  async entries(
    db: Executor,
    orgId: string,
    filter: Period & { kind?: string | undefined; sourceId?: string | undefined; billId?: string | undefined },
    page: number,
    pageSize: number,
  ) {
    const rows = await queryRows<EntryRow & { total: string }>(
      db,
      sql`SELECT ${entryColumns}, count(*) OVER () AS total
            FROM journal_entries e
           WHERE e.org_id = ${orgId}
             ${filter.from ? sql`AND e.entry_date >= ${filter.from}` : sql``}
             ${filter.to ? sql`AND e.entry_date <= ${filter.to}` : sql``}
             ${filter.kind ? sql`AND e.kind = ${filter.kind}` : sql``}
             ${filter.sourceId ? sql`AND e.source_id = ${filter.sourceId}` : sql``}
             ${filter.billId ? sql`AND EXISTS (SELECT 1 FROM journal_lines bl WHERE bl.entry_id = e.id AND bl.bill_id = ${filter.billId})` : sql``}
           ORDER BY e.entry_date DESC, e.entry_no DESC
           LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    return { total: num(rows[0]?.total), items: rows.map(entryView) };
  },

  async entry(db: Executor, orgId: string, id: string) {
    const [row] = await queryRows<EntryRow>(
      db,
      sql`SELECT ${entryColumns} FROM journal_entries e WHERE e.org_id = ${orgId} AND e.id = ${id}`,
    );
    if (!row) return undefined;
    const lines = await queryRows<{
      id: string;
      accountId: string;
      accountCode: string;
      accountName: string;
      debitFen: string;
      creditFen: string;
      tenantId: string | null;
      tenantName: string | null;
      contractId: string | null;
      contractNumber: string | null;
      billId: string | null;
      billNumber: string | null;
    }>(
      db,
      sql`SELECT l.id, a.id AS "accountId", a.code AS "accountCode", a.name AS "accountName",
                 l.debit_fen AS "debitFen", l.credit_fen AS "creditFen",
                 l.tenant_id AS "tenantId", t.name AS "tenantName", l.contract_id AS "contractId",
                 c.number AS "contractNumber", l.bill_id AS "billId", b.number AS "billNumber"
            FROM journal_lines l
            JOIN ledger_accounts a ON a.id = l.account_id
            LEFT JOIN tenants t ON t.org_id = l.org_id AND t.id = l.tenant_id
            LEFT JOIN contracts c ON c.org_id = l.org_id AND c.id = l.contract_id
            LEFT JOIN bills b ON b.org_id = l.org_id AND b.id = l.bill_id
           WHERE l.entry_id = ${id}
           ORDER BY l.id`,
    );
    return {
      ...entryView(row),
      lines: lines.map((line) => ({
        ...line,
        id: num(line.id),
        debitFen: num(line.debitFen),
        creditFen: num(line.creditFen),
      })),
    };
  },
};

interface EntryRow {
  id: string;
  entryNo: string;
  entryDate: string;
  kind: string;
  memo: string;
  sourceType: string | null;
  sourceId: string | null;
  reversesEntryId: string | null;
  reversedByEntryId: string | null;
  amount: string;
  createdByName: string | null;
  createdAt: string | Date;
}

const entryColumns = sql`e.id, e.entry_no AS "entryNo", e.entry_date::text AS "entryDate", e.kind, e.memo,
  e.source_type AS "sourceType", e.source_id AS "sourceId", e.reverses_entry_id AS "reversesEntryId",
  (SELECT r.id FROM journal_entries r WHERE r.reverses_entry_id = e.id) AS "reversedByEntryId",
  (SELECT coalesce(sum(x.debit_fen), 0) FROM journal_lines x WHERE x.entry_id = e.id) AS amount,
  e.created_by_name AS "createdByName", e.created_at AS "createdAt"`;

function entryView(row: EntryRow) {
  return {
    id: row.id,
    entryNo: num(row.entryNo),
    entryDate: row.entryDate,
    kind: row.kind,
    memo: row.memo,
    sourceType: row.sourceType,
    sourceId: row.sourceId,
    reversesEntryId: row.reversesEntryId,
    reversedByEntryId: row.reversedByEntryId,
    amountFen: num(row.amount),
    createdByName: row.createdByName,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
