// SQL of the bank statements: mappings, imports, lines, and the candidates a money-in line may be.

import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { queryRows } from '../../db/client.ts';
import type { BankStatementColumns } from '../../db/schema.ts';

export interface MappingRow {
  id: string;
  name: string;
  accountLabel: string;
  accountNoEnc: string | null;
  accountNoMasked: string | null;
  headerRow: number;
  columns: BankStatementColumns;
  dateFormat: string;
  encoding: 'utf8' | 'gbk';
  importCount: number;
  createdByName: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
}

const mappingColumns = sql`m.id, m.name, m.account_label AS "accountLabel", m.account_no_enc AS "accountNoEnc",
  m.account_no_masked AS "accountNoMasked", m.header_row AS "headerRow", m.columns, m.date_format AS "dateFormat",
  m.encoding, (SELECT count(*)::int FROM bank_statement_imports i WHERE i.mapping_id = m.id) AS "importCount",
  m.created_by_name AS "createdByName", m.created_at AS "createdAt", m.updated_at AS "updatedAt"`;

export interface ImportRow {
  id: string;
  mappingId: string;
  mappingName: string;
  fileName: string;
  fileFormat: 'csv' | 'xlsx';
  fileHash: string;
  lineCount: number;
  newLineCount: number;
  creditFen: string | number;
  debitFen: string | number;
  firstDate: string | null;
  lastDate: string | null;
  unmatchedCount: number;
  importedByName: string | null;
  createdAt: Date | string;
}

const importColumns = sql`i.id, i.mapping_id AS "mappingId", m.name AS "mappingName", i.file_name AS "fileName",
  i.file_format AS "fileFormat", i.file_hash AS "fileHash", i.line_count AS "lineCount",
  i.new_line_count AS "newLineCount", i.credit_fen AS "creditFen", i.debit_fen AS "debitFen",
  i.first_date::text AS "firstDate", i.last_date::text AS "lastDate",
  (SELECT count(*)::int FROM bank_statement_lines l WHERE l.import_id = i.id AND l.status = 'unmatched'
      AND l.direction = 'credit') AS "unmatchedCount",
  i.imported_by_name AS "importedByName", i.created_at AS "createdAt"`;

export interface LineRow {
  id: string;
  mappingId: string;
  mappingName: string;
  importId: string;
  lineNo: number;
  valueDate: string;
  direction: 'credit' | 'debit';
  amountFen: string | number;
  payerName: string | null;
  payerAccountMasked: string | null;
  reference: string | null;
  bankSerial: string | null;
  status: 'unmatched' | 'confirmed' | 'ignored';
  matchKind: 'link_payment' | 'link_settlement' | 'recorded' | null;
  paymentId: string | null;
  paymentNumber: string | null;
  receiptNumber: string | null;
  tenantName: string | null;
  reconciliationRunId: string | null;
  decidedByName: string | null;
  decidedAt: Date | string | null;
  note: string | null;
}

const lineColumns = sql`l.id, l.mapping_id AS "mappingId", m.name AS "mappingName", l.import_id AS "importId",
  l.line_no AS "lineNo", l.value_date::text AS "valueDate", l.direction, l.amount_fen AS "amountFen",
  l.payer_name AS "payerName", l.payer_account_masked AS "payerAccountMasked", l.reference, l.bank_serial AS "bankSerial",
  l.status, l.match_kind AS "matchKind", l.payment_id AS "paymentId", p.number AS "paymentNumber",
  (SELECT r.number FROM receipts r WHERE r.payment_id = l.payment_id LIMIT 1) AS "receiptNumber",
  t.name AS "tenantName", l.reconciliation_run_id AS "reconciliationRunId", l.decided_by_name AS "decidedByName",
  l.decided_at AS "decidedAt", l.note`;
const lineFrom = sql`bank_statement_lines l JOIN bank_statement_mappings m ON m.id = l.mapping_id
  LEFT JOIN payments p ON p.id = l.payment_id LEFT JOIN tenants t ON t.id = p.tenant_id`;

export interface LineFilter {
  orgId: string;
  mappingId?: string;
  importId?: string;
  status?: 'unmatched' | 'confirmed' | 'ignored';
  direction?: 'credit' | 'debit';
  from?: string;
  to?: string;
  minAmountFen?: number;
  maxAmountFen?: number;
  q?: string;
}

function lineWhere(filter: LineFilter): SQL {
  const conditions: SQL[] = [sql`l.org_id = ${filter.orgId}`];
  if (filter.mappingId) conditions.push(sql`l.mapping_id = ${filter.mappingId}`);
  if (filter.importId) conditions.push(sql`l.import_id = ${filter.importId}`);
  if (filter.status) conditions.push(sql`l.status = ${filter.status}`);
  if (filter.direction) conditions.push(sql`l.direction = ${filter.direction}`);
  if (filter.from) conditions.push(sql`l.value_date >= ${filter.from}`);
  if (filter.to) conditions.push(sql`l.value_date <= ${filter.to}`);
  if (filter.minAmountFen !== undefined) conditions.push(sql`l.amount_fen >= ${filter.minAmountFen}`);
  if (filter.maxAmountFen !== undefined) conditions.push(sql`l.amount_fen <= ${filter.maxAmountFen}`);
  const q = filter.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`(l.payer_name ILIKE ${like} OR l.reference ILIKE ${like} OR l.bank_serial ILIKE ${like})`);
  }
  return sql.join(conditions, sql` AND `);
}

/** What a settlement entry put into the bank account (1002): its debit less its credit there. */
const settlementNet = (entryId: SQL) => sql`
  SELECT coalesce(sum(jl.debit_fen - jl.credit_fen), 0) AS net
    FROM journal_lines jl JOIN ledger_accounts a ON a.id = jl.account_id
   WHERE jl.entry_id = ${entryId} AND a.purpose = 'bank'`;

/** Names compared as people write them: no spaces, full-width brackets as half-width. */
const normalName = (column: SQL) => sql`translate(${column}, '（）　 ', '()')`;

export interface NewLine {
  lineNo: number;
  valueDate: string;
  direction: 'credit' | 'debit';
  amountFen: number;
  payerName: string | null;
  payerAccountEnc: string | null;
  payerAccountMasked: string | null;
  reference: string | null;
  bankSerial: string | null;
}

export interface SealedMapping {
  name: string;
  accountLabel: string;
  accountNoEnc: string | null;
  accountNoMasked: string | null;
  headerRow: number;
  columns: BankStatementColumns;
  dateFormat: string;
  encoding: 'utf8' | 'gbk';
}

export const bankStatementsRepository = {
  async insertMapping(
    tx: Executor,
    actor: { orgId: string; id: string | null; name: string | null },
    row: SealedMapping,
  ) {
    const [inserted] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO bank_statement_mappings (org_id, name, account_label, account_no_enc, account_no_masked, header_row,
                                               columns, date_format, encoding, created_by, created_by_name)
          VALUES (${actor.orgId}, ${row.name}, ${row.accountLabel}, ${row.accountNoEnc}, ${row.accountNoMasked},
                  ${row.headerRow}, ${JSON.stringify(row.columns)}::jsonb, ${row.dateFormat}, ${row.encoding},
                  ${actor.id}, ${actor.name})
          RETURNING id`,
    );
    return inserted!;
  },

  async updateMapping(tx: Executor, id: string, row: SealedMapping) {
    await tx.execute(sql`
      UPDATE bank_statement_mappings
         SET name = ${row.name}, account_label = ${row.accountLabel}, account_no_enc = ${row.accountNoEnc},
             account_no_masked = ${row.accountNoMasked}, header_row = ${row.headerRow},
             columns = ${JSON.stringify(row.columns)}::jsonb, date_format = ${row.dateFormat}, encoding = ${row.encoding},
             updated_at = now()
       WHERE id = ${id}`);
  },

  async deleteMapping(tx: Executor, id: string) {
    await tx.execute(sql`DELETE FROM bank_statement_mappings WHERE id = ${id}`);
  },

  async mappings(db: Executor, orgId: string): Promise<MappingRow[]> {
    return queryRows<MappingRow>(
      db,
      sql`SELECT ${mappingColumns} FROM bank_statement_mappings m WHERE m.org_id = ${orgId} ORDER BY m.name`,
    );
  },

  async mapping(db: Executor, orgId: string, id: string, lock = false): Promise<MappingRow | undefined> {
    const [row] = await queryRows<MappingRow>(
      db,
      sql`SELECT ${mappingColumns} FROM bank_statement_mappings m WHERE m.org_id = ${orgId} AND m.id = ${id}
          ${lock ? sql`FOR UPDATE` : sql``}`,
    );
    return row;
  },

  async importByHash(db: Executor, orgId: string, mappingId: string, fileHash: string) {
    const [row] = await queryRows<ImportRow>(
      db,
      sql`SELECT ${importColumns} FROM bank_statement_imports i JOIN bank_statement_mappings m ON m.id = i.mapping_id
           WHERE i.org_id = ${orgId} AND i.mapping_id = ${mappingId} AND i.file_hash = ${fileHash}`,
    );
    return row;
  },

  async importById(db: Executor, orgId: string, id: string) {
    const [row] = await queryRows<ImportRow>(
      db,
      sql`SELECT ${importColumns} FROM bank_statement_imports i JOIN bank_statement_mappings m ON m.id = i.mapping_id
           WHERE i.org_id = ${orgId} AND i.id = ${id}`,
    );
    return row;
  },

  async imports(db: Executor, orgId: string, mappingId: string | undefined, page: number, pageSize: number) {
    const where = sql`i.org_id = ${orgId} ${mappingId ? sql`AND i.mapping_id = ${mappingId}` : sql``}`;
    const [count] = await queryRows<{ total: number }>(
      db,
      sql`SELECT count(*)::int AS total FROM bank_statement_imports i WHERE ${where}`,
    );
    const items = await queryRows<ImportRow>(
      db,
      sql`SELECT ${importColumns} FROM bank_statement_imports i JOIN bank_statement_mappings m ON m.id = i.mapping_id
           WHERE ${where} ORDER BY i.created_at DESC, i.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    return { items, total: count?.total ?? 0 };
  },

  /**
   * The import row, or nothing when the same file was imported meanwhile (the unique key decides).
   */
  async insertImport(
    tx: Executor,
    row: {
      orgId: string;
      mappingId: string;
      fileName: string;
      fileFormat: 'csv' | 'xlsx';
      fileHash: string;
      lineCount: number;
      creditFen: number;
      debitFen: number;
      firstDate: string | null;
      lastDate: string | null;
      importedBy: string | null;
      importedByName: string | null;
    },
  ): Promise<string | undefined> {
    const [inserted] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO bank_statement_imports (org_id, mapping_id, file_name, file_format, file_hash, line_count,
                                              new_line_count, credit_fen, debit_fen, first_date, last_date,
                                              imported_by, imported_by_name)
          VALUES (${row.orgId}, ${row.mappingId}, ${row.fileName}, ${row.fileFormat}, ${row.fileHash}, ${row.lineCount},
                  0, ${row.creditFen}, ${row.debitFen}, ${row.firstDate}, ${row.lastDate}, ${row.importedBy},
                  ${row.importedByName})
          ON CONFLICT (org_id, mapping_id, file_hash) DO NOTHING
          RETURNING id`,
    );
    return inserted?.id;
  },

  /** Inserts the lines; one with a bank serial number this account already holds is passed over. Returns how many. */
  async insertLines(tx: Executor, orgId: string, mappingId: string, importId: string, lines: NewLine[]) {
    let inserted = 0;
    for (let start = 0; start < lines.length; start += 1000) {
      const chunk = lines.slice(start, start + 1000);
      const column = <K extends keyof NewLine>(key: K) => sql.param(chunk.map((line) => line[key] ?? null));
      const rows = await queryRows<{ id: string }>(
        tx,
        sql`INSERT INTO bank_statement_lines (org_id, mapping_id, import_id, line_no, value_date, direction, amount_fen,
                                              payer_name, payer_account_enc, payer_account_masked, reference, bank_serial)
            SELECT ${orgId}::uuid, ${mappingId}::uuid, ${importId}::uuid, x.*
              FROM unnest(${column('lineNo')}::integer[], ${column('valueDate')}::date[], ${column('direction')}::text[],
                          ${column('amountFen')}::bigint[], ${column('payerName')}::text[],
                          ${column('payerAccountEnc')}::text[], ${column('payerAccountMasked')}::text[],
                          ${column('reference')}::text[], ${column('bankSerial')}::text[]) AS x
            ON CONFLICT (mapping_id, bank_serial) WHERE bank_serial IS NOT NULL DO NOTHING
            RETURNING id`,
      );
      inserted += rows.length;
    }
    await tx.execute(sql`UPDATE bank_statement_imports SET new_line_count = ${inserted} WHERE id = ${importId}`);
    return inserted;
  },

  async lines(db: Executor, filter: LineFilter, page: number, pageSize: number) {
    const where = lineWhere(filter);
    const [count] = await queryRows<{ total: number }>(
      db,
      sql`SELECT count(*)::int AS total FROM bank_statement_lines l WHERE ${where}`,
    );
    const items = await queryRows<LineRow>(
      db,
      sql`SELECT ${lineColumns} FROM ${lineFrom} WHERE ${where}
           ORDER BY l.value_date DESC, l.import_id, l.line_no LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    );
    return { items, total: count?.total ?? 0 };
  },

  async line(db: Executor, orgId: string, id: string): Promise<LineRow | undefined> {
    const [row] = await queryRows<LineRow>(
      db,
      sql`SELECT ${lineColumns} FROM ${lineFrom} WHERE l.org_id = ${orgId} AND l.id = ${id}`,
    );
    return row;
  },

  async lockLine(tx: Executor, orgId: string, id: string) {
    const [row] = await queryRows<{
      id: string;
      lineNo: number;
      mappingId: string;
      mappingName: string;
      valueDate: string;
      direction: 'credit' | 'debit';
      amountFen: string | number;
      bankSerial: string | null;
      status: 'unmatched' | 'confirmed' | 'ignored';
      matchKind: 'link_payment' | 'link_settlement' | 'recorded' | null;
      paymentId: string | null;
      reconciliationRunId: string | null;
      note: string | null;
    }>(
      tx,
      sql`SELECT l.id, l.line_no AS "lineNo", l.mapping_id AS "mappingId", m.name AS "mappingName",
                 l.value_date::text AS "valueDate", l.direction, l.amount_fen AS "amountFen",
                 l.bank_serial AS "bankSerial", l.status, l.match_kind AS "matchKind", l.payment_id AS "paymentId",
                 l.reconciliation_run_id AS "reconciliationRunId", l.note
            FROM bank_statement_lines l JOIN bank_statement_mappings m ON m.id = l.mapping_id
           WHERE l.org_id = ${orgId} AND l.id = ${id}
             FOR UPDATE OF l`,
    );
    return row;
  },

  async decideLine(
    tx: Executor,
    id: string,
    decision: {
      status: 'unmatched' | 'confirmed' | 'ignored';
      matchKind: 'link_payment' | 'link_settlement' | 'recorded' | null;
      paymentId: string | null;
      runId: string | null;
      by: string | null;
      byName: string | null;
      note: string | null;
    },
  ) {
    const decided = decision.status !== 'unmatched';
    await tx.execute(sql`
      UPDATE bank_statement_lines
         SET status = ${decision.status}, match_kind = ${decision.matchKind}, payment_id = ${decision.paymentId},
             reconciliation_run_id = ${decision.runId}, decided_by = ${decided ? decision.by : null},
             decided_by_name = ${decided ? decision.byName : null}, decided_at = ${decided ? sql`now()` : sql`NULL`},
             note = ${decision.note}
       WHERE id = ${id}`);
  },

  /** Bank transfers recorded for the same amount within 3 days and not yet any line's money. */
  paymentCandidates(db: Executor, orgId: string, line: { amountFen: number; valueDate: string }) {
    return queryRows<{
      id: string;
      number: string;
      tenantId: string;
      tenantName: string;
      amountFen: string | number;
      receivedOn: string;
      reference: string | null;
      days: number;
    }>(
      db,
      sql`SELECT p.id, p.number, p.tenant_id AS "tenantId", t.name AS "tenantName", p.amount_fen AS "amountFen",
                 p.received_on::text AS "receivedOn", p.reference, abs(p.received_on - ${line.valueDate}::date) AS days
            FROM payments p JOIN tenants t ON t.id = p.tenant_id
           WHERE p.org_id = ${orgId} AND p.method = 'bank_transfer' AND p.amount_fen = ${line.amountFen}
             AND p.received_on BETWEEN ${line.valueDate}::date - 3 AND ${line.valueDate}::date + 3
             AND NOT EXISTS (SELECT 1 FROM bank_statement_lines l WHERE l.payment_id = p.id)
           ORDER BY days, p.received_on, p.number
           LIMIT 10`,
    );
  },

  /** Channel settlements of the same net amount (what their entry put on 1002) within 3 days, not yet any line's. */
  settlementCandidates(db: Executor, orgId: string, line: { amountFen: number; valueDate: string }) {
    return queryRows<{ id: string; provider: string; statementDate: string; netFen: string | number; days: number }>(
      db,
      sql`SELECT r.id, r.provider, r.statement_date::text AS "statementDate", s.net AS "netFen",
                 abs(r.statement_date - ${line.valueDate}::date) AS days
            FROM reconciliation_runs r
            CROSS JOIN LATERAL (${settlementNet(sql`r.settlement_entry_id`)}) s
           WHERE r.org_id = ${orgId} AND r.settlement_entry_id IS NOT NULL
             AND r.statement_date BETWEEN ${line.valueDate}::date - 3 AND ${line.valueDate}::date + 3
             AND s.net = ${line.amountFen}
             AND NOT EXISTS (SELECT 1 FROM bank_statement_lines l WHERE l.reconciliation_run_id = r.id)
           ORDER BY days, r.statement_date
           LIMIT 10`,
    );
  },

  /**
   * Unsettled bills the line may pay: their number in the reference, their outstanding amount equal to the line's,
   * or their tenant named as the payer. Each with which of these holds.
   */
  billCandidates(
    db: Executor,
    orgId: string,
    line: { amountFen: number; payerName: string | null; reference: string | null },
  ) {
    const reference = (line.reference ?? '').toUpperCase().replace(/\s/g, '');
    const payer = line.payerName ?? '';
    const outstanding = sql`(b.amount_fen + b.late_fee_fen - b.late_fee_waived_fen - b.principal_paid_fen
                             - b.late_fee_paid_fen)`;
    const inReference = sql`(${reference} <> '' AND strpos(${reference}, upper(b.number)) > 0)`;
    const payerIsTenant = sql`(${payer} <> '' AND ${normalName(sql`t.name`)} = ${normalName(sql`${payer}::text`)})`;
    return queryRows<{
      id: string;
      number: string;
      tenantId: string;
      tenantName: string;
      dueDate: string;
      outstandingFen: string | number;
      inReference: boolean;
      amountEquals: boolean;
      payerIsTenant: boolean;
    }>(
      db,
      sql`SELECT b.id, b.number, b.tenant_id AS "tenantId", t.name AS "tenantName", b.due_date::text AS "dueDate",
                 ${outstanding} AS "outstandingFen", ${inReference} AS "inReference",
                 ${outstanding} = ${line.amountFen} AS "amountEquals", ${payerIsTenant} AS "payerIsTenant"
            FROM bills b JOIN tenants t ON t.id = b.tenant_id
           WHERE b.org_id = ${orgId} AND b.status IN ('open', 'partial')
             AND (${inReference} OR ${outstanding} = ${line.amountFen} OR ${payerIsTenant})
           ORDER BY b.due_date, b.number
           LIMIT 200`,
    );
  },

  async paymentForLink(tx: Executor, orgId: string, id: string) {
    const [row] = await queryRows<{ id: string; number: string; method: string; amountFen: string | number }>(
      tx,
      sql`SELECT id, number, method, amount_fen AS "amountFen" FROM payments WHERE org_id = ${orgId} AND id = ${id}
             FOR UPDATE`,
    );
    return row;
  },

  async runForLink(tx: Executor, orgId: string, id: string) {
    const [row] = await queryRows<{ id: string; settlementEntryId: string | null; netFen: string | number }>(
      tx,
      sql`SELECT r.id, r.settlement_entry_id AS "settlementEntryId", s.net AS "netFen"
            FROM reconciliation_runs r CROSS JOIN LATERAL (${settlementNet(sql`r.settlement_entry_id`)}) s
           WHERE r.org_id = ${orgId} AND r.id = ${id} FOR UPDATE OF r`,
    );
    return row;
  },

  async lineOfPayment(tx: Executor, paymentId: string) {
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM bank_statement_lines WHERE payment_id = ${paymentId}`,
    );
    return row;
  },

  async lineOfRun(tx: Executor, runId: string) {
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM bank_statement_lines WHERE reconciliation_run_id = ${runId}`,
    );
    return row;
  },

  async transferByReference(tx: Executor, orgId: string, reference: string) {
    const [row] = await queryRows<{ id: string; number: string }>(
      tx,
      sql`SELECT id, number FROM payments WHERE org_id = ${orgId} AND method = 'bank_transfer' AND reference = ${reference}`,
    );
    return row;
  },
};
