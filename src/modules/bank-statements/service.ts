// 银行流水导入与勾对: a bank account's statement imported once with its saved column mapping, and each money-in line
// confirmed by finance against what it paid — a bank transfer already recorded or a channel's settlement (linked,
// nothing posted), or bills (an offline payment recorded through collections, with its receipt, in the same
// transaction as the line's change). Suggestions are ranked from SQL candidates with their reasons.

import { createHash } from 'node:crypto';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Executor, Orm } from '../../db/client.ts';
import { constraintViolation } from '../../db/errors.ts';
import type { BankStatementColumns } from '../../db/schema.ts';
import { chinaDate, compareDates } from '../../domain/calendar.ts';
import { maskBankAccount } from '../../domain/masking.ts';
import { formatYuan } from '../../domain/money.ts';
import type { UploadedFile } from '../../http/files.ts';
import type { MessageKey, MessageParams } from '../../http/messages.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { applyPayment, lockBillsWithFigures } from '../collections/service.ts';
import { receiptsService } from '../receipts/service.ts';
import {
  type ImportRow,
  type LineFilter,
  type LineRow,
  type MappingRow,
  bankStatementsRepository as repo,
  type SealedMapping,
} from './repository.ts';
import {
  type DateFormat,
  headersOf,
  type RowProblem,
  readStatement,
  StatementFileError,
  type StatementMapping,
  statementRows,
} from './statement-file.ts';

type OrgActor = Actor & { orgId: string };
export interface BankStatementsContext {
  db: Orm;
  pii: PiiCipher;
}

export interface MappingInput {
  name: string;
  accountLabel: string;
  accountNo?: string | null;
  headerRow: number;
  columns: BankStatementColumns;
  dateFormat: DateFormat;
  encoding?: 'utf8' | 'gbk';
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function mappingView(row: MappingRow) {
  return {
    id: row.id,
    name: row.name,
    accountLabel: row.accountLabel,
    accountNoMasked: row.accountNoMasked,
    headerRow: row.headerRow,
    columns: row.columns,
    dateFormat: row.dateFormat as DateFormat,
    encoding: row.encoding,
    importCount: Number(row.importCount),
    createdByName: row.createdByName,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

export function importView(row: ImportRow) {
  return {
    id: row.id,
    mappingId: row.mappingId,
    mappingName: row.mappingName,
    fileName: row.fileName,
    fileFormat: row.fileFormat,
    fileHash: row.fileHash,
    lineCount: row.lineCount,
    newLineCount: row.newLineCount,
    creditFen: Number(row.creditFen),
    debitFen: Number(row.debitFen),
    firstDate: row.firstDate,
    lastDate: row.lastDate,
    unmatchedCount: Number(row.unmatchedCount),
    importedByName: row.importedByName,
    createdAt: iso(row.createdAt)!,
  };
}

export function lineView(row: LineRow) {
  return {
    id: row.id,
    mappingId: row.mappingId,
    mappingName: row.mappingName,
    importId: row.importId,
    lineNo: row.lineNo,
    valueDate: row.valueDate,
    direction: row.direction,
    amountFen: Number(row.amountFen),
    payerName: row.payerName,
    payerAccountMasked: row.payerAccountMasked,
    reference: row.reference,
    bankSerial: row.bankSerial,
    status: row.status,
    matchKind: row.matchKind,
    paymentId: row.paymentId,
    paymentNumber: row.paymentNumber,
    receiptNumber: row.receiptNumber,
    tenantName: row.tenantName,
    reconciliationRunId: row.reconciliationRunId,
    decidedByName: row.decidedByName,
    decidedAt: iso(row.decidedAt),
    note: row.note,
  };
}

export type SuggestionReason =
  | { code: 'bill_number_in_reference'; billNumbers: string[] }
  | { code: 'amount_equals_bills' }
  | { code: 'payer_is_tenant'; tenantName: string }
  | { code: 'payment_same_amount'; paymentNumber: string; days: number }
  | { code: 'reference_is_serial' }
  | { code: 'settlement_net_equals'; provider: string; statementDate: string; days: number };

export interface Suggestion {
  /** link_payment / link_settlement: nothing is posted; record: a bank_transfer payment for the bills. */
  kind: 'link_payment' | 'link_settlement' | 'record';
  score: number;
  reasons: SuggestionReason[];
  paymentId: string | null;
  paymentNumber: string | null;
  runId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  /** record: the bills to pay (none: the tenant's bills oldest first, the rest an advance). */
  bills: { id: string; number: string; dueDate: string; outstandingFen: number }[];
  billsFen: number;
}

function checkMapping(input: MappingInput) {
  const { columns } = input;
  if (!columns.credit && !columns.amount) {
    throw new AppError(422, 'bank_statement_mapping_amount_columns', {}, [
      { path: 'body/columns', key: 'bank_statement_mapping_amount_columns' },
    ]);
  }
  const accountNo = input.accountNo?.replace(/[\s-]/g, '') || null;
  if (accountNo !== null && !/^\d{8,32}$/.test(accountNo)) {
    throw new AppError(422, 'bank_statement_account_invalid', {}, [
      { path: 'body/accountNo', key: 'bank_statement_account_invalid' },
    ]);
  }
  const clean = (text: string | null | undefined) => text?.trim() || null;
  return {
    name: input.name.trim(),
    accountLabel: input.accountLabel.trim(),
    accountNo,
    headerRow: input.headerRow,
    columns: {
      date: input.columns.date.trim(),
      credit: clean(columns.credit),
      debit: clean(columns.credit ? columns.debit : null),
      amount: clean(columns.credit ? null : columns.amount),
      direction: clean(columns.credit ? null : columns.direction),
      creditMarks: (columns.creditMarks ?? []).map((mark) => mark.trim()).filter(Boolean),
      payerName: clean(columns.payerName),
      payerAccount: clean(columns.payerAccount),
      reference: clean(columns.reference),
      serial: clean(columns.serial),
    } satisfies BankStatementColumns,
    dateFormat: input.dateFormat,
    encoding: input.encoding ?? 'utf8',
  };
}

/** A row problem in the person's words, for a 422's errors and a preview's list. */
export const rowProblemField = (problem: RowProblem) => ({
  path: `rows/${problem.row}/${problem.column}`,
  row: problem.row,
  column: problem.column,
  key: problem.key,
  params: problem.params,
});

async function readFile(file: UploadedFile, mapping: { headerRow: number; encoding: 'utf8' | 'gbk' }) {
  try {
    return await statementRows(file.content, mapping.encoding);
  } catch (error) {
    if (error instanceof StatementFileError) throw new AppError(400, error.key, error.params);
    throw error;
  }
}

function readLines(rows: Parameters<typeof readStatement>[0], mapping: StatementMapping) {
  try {
    return readStatement(rows, mapping);
  } catch (error) {
    if (error instanceof StatementFileError) throw new AppError(400, error.key, error.params);
    throw error;
  }
}

const statementMapping = (mapping: MappingRow): StatementMapping => ({
  headerRow: mapping.headerRow,
  columns: mapping.columns,
  dateFormat: mapping.dateFormat as DateFormat,
});

function lineDecided(line: { lineNo: number; status: string }) {
  return new AppError(409, 'bank_statement_line_decided', {
    lineNo: line.lineNo,
    status: [line.status === 'ignored' ? 'bank_statement_status_ignored' : 'bank_statement_status_confirmed'],
  });
}

const bodyProblem = (status: number, path: string, key: MessageKey, params: MessageParams = {}) =>
  new AppError(status, key, params, [{ path, key, params }]);

/** The mapping as stored: the account number encrypted, masked beside it. */
function sealedMapping(pii: PiiCipher, mapping: ReturnType<typeof checkMapping>): SealedMapping {
  const { accountNo, ...rest } = mapping;
  return {
    ...rest,
    accountNoEnc: accountNo && pii.encrypt('bank_account', accountNo),
    accountNoMasked: accountNo && maskBankAccount(accountNo),
  };
}

export type ConfirmInput =
  | { kind: 'link_payment'; paymentId: string; note?: string | null }
  | { kind: 'link_settlement'; runId: string; note?: string | null }
  | { kind: 'record'; tenantId: string; billIds?: string[]; note?: string | null };

export const bankStatementsService = {
  async mappings(db: Executor, orgId: string) {
    return (await repo.mappings(db, orgId)).map(mappingView);
  },

  async mapping(db: Executor, orgId: string, id: string) {
    const row = await repo.mapping(db, orgId, id);
    if (!row) throw notFound('bank_statement_mapping', id);
    return mappingView(row);
  },

  async createMapping({ db, pii }: BankStatementsContext, actor: OrgActor, input: MappingInput) {
    const mapping = checkMapping(input);
    try {
      const id = await db.transaction(async (tx) => {
        const inserted = await repo.insertMapping(tx, actor, sealedMapping(pii, mapping));
        await auditService.record(tx, actor, {
          action: 'bank_statement.mapping_create',
          entityType: 'bank_statement_mapping',
          entityId: inserted.id,
          after: { ...mapping, accountNo: mapping.accountNo && maskBankAccount(mapping.accountNo) },
        });
        return inserted.id;
      });
      return this.mapping(db, actor.orgId, id);
    } catch (error) {
      throw mappingConflict(error, mapping.name);
    }
  },

  async updateMapping({ db, pii }: BankStatementsContext, actor: OrgActor, id: string, input: MappingInput) {
    const mapping = checkMapping(input);
    try {
      await db.transaction(async (tx) => {
        const before = await repo.mapping(tx, actor.orgId, id, true);
        if (!before) throw notFound('bank_statement_mapping', id);
        const sealed = sealedMapping(pii, mapping);
        // No account number given: the one saved stays (the console only ever sees it masked).
        if (input.accountNo === undefined) {
          sealed.accountNoEnc = before.accountNoEnc;
          sealed.accountNoMasked = before.accountNoMasked;
        }
        await repo.updateMapping(tx, id, sealed);
        await auditService.record(tx, actor, {
          action: 'bank_statement.mapping_update',
          entityType: 'bank_statement_mapping',
          entityId: id,
          before: { ...mappingView(before), createdAt: undefined, updatedAt: undefined },
          after: { ...mapping, accountNo: mapping.accountNo && maskBankAccount(mapping.accountNo) },
        });
      });
      return this.mapping(db, actor.orgId, id);
    } catch (error) {
      throw mappingConflict(error, mapping.name);
    }
  },

  async deleteMapping(db: Orm, actor: OrgActor, id: string) {
    await db.transaction(async (tx) => {
      const before = await repo.mapping(tx, actor.orgId, id, true);
      if (!before) throw notFound('bank_statement_mapping', id);
      if (Number(before.importCount) > 0)
        throw new AppError(409, 'bank_statement_mapping_in_use', { name: before.name });
      await repo.deleteMapping(tx, id);
      await auditService.record(tx, actor, {
        action: 'bank_statement.mapping_delete',
        entityType: 'bank_statement_mapping',
        entityId: id,
        before: { name: before.name, accountLabel: before.accountLabel, accountNoMasked: before.accountNoMasked },
      });
    });
  },

  /**
   * A file read before it is imported: its header row's cells (for the column picker) and first rows, and with a
   * mapping the first lines as they would be imported with every row problem.
   */
  async preview(
    db: Executor,
    orgId: string,
    file: UploadedFile,
    options: { mappingId?: string; headerRow?: number; encoding?: 'utf8' | 'gbk' },
  ) {
    const mapping = options.mappingId ? await repo.mapping(db, orgId, options.mappingId) : undefined;
    if (options.mappingId && !mapping) throw notFound('bank_statement_mapping', options.mappingId);
    const headerRow = options.headerRow ?? mapping?.headerRow ?? 1;
    const encoding = options.encoding ?? mapping?.encoding ?? 'utf8';
    const { format, rows } = await readFile(file, { headerRow, encoding });
    const sample = rows
      .slice(headerRow, headerRow + 10)
      .map((cells) => cells.map((cell) => (cell instanceof Date ? cell.toISOString().slice(0, 10) : cell)));
    const read = mapping ? readLines(rows, { ...statementMapping(mapping), headerRow }) : undefined;
    return {
      format,
      headerRow,
      headers: headersOf(rows, headerRow),
      sampleRows: sample.map((cells) => cells.map((cell) => (cell === null ? null : String(cell)))),
      total: read?.total ?? Math.max(rows.length - headerRow, 0),
      lines: (read?.lines ?? []).slice(0, 50).map((line) => ({
        ...line,
        payerAccount: undefined,
        payerAccountMasked: line.payerAccount && maskBankAccount(line.payerAccount),
      })),
      problems: read?.problems ?? [],
    };
  },

  /**
   * Imports a statement file with the mapping: every row readable or nothing is written (422 naming each row); the
   * same file again answers the earlier import and changes nothing; a line whose bank serial the account already
   * holds (an overlapping period) is not kept twice.
   */
  async importFile(
    { db, pii }: BankStatementsContext,
    actor: OrgActor,
    mappingId: string,
    file: UploadedFile,
  ): Promise<{ duplicate: boolean; import: ReturnType<typeof importView> }> {
    const mapping = await repo.mapping(db, actor.orgId, mappingId);
    if (!mapping) throw notFound('bank_statement_mapping', mappingId);
    const fileHash = createHash('sha256').update(file.content).digest('hex');
    const earlier = await repo.importByHash(db, actor.orgId, mappingId, fileHash);
    if (earlier) return { duplicate: true, import: importView(earlier) };
    const { format, rows } = await readFile(file, mapping);
    const read = readLines(rows, statementMapping(mapping));
    if (read.problems.length > 0) {
      const invalid = new Set(read.problems.map((problem) => problem.row)).size;
      throw new AppError(
        422,
        'bank_statement_rejected',
        { total: read.total, invalid },
        read.problems.map(rowProblemField),
      );
    }
    if (read.lines.length === 0) throw new AppError(422, 'bank_statement_no_lines');
    const dates = read.lines.map((line) => line.valueDate).sort();
    const sum = (direction: 'credit' | 'debit') =>
      read.lines.filter((line) => line.direction === direction).reduce((total, line) => total + line.amountFen, 0);
    const importId = await db.transaction(async (tx) => {
      const id = await repo.insertImport(tx, {
        orgId: actor.orgId,
        mappingId,
        fileName: file.fileName,
        fileFormat: format,
        fileHash,
        lineCount: read.lines.length,
        creditFen: sum('credit'),
        debitFen: sum('debit'),
        firstDate: dates[0] ?? null,
        lastDate: dates.at(-1) ?? null,
        importedBy: actor.id,
        importedByName: actor.name,
      });
      // The same file imported at the same moment by someone else: theirs stands.
      if (!id) return undefined;
      const kept = await repo.insertLines(
        tx,
        actor.orgId,
        mappingId,
        id,
        read.lines.map((line) => ({
          ...line,
          payerAccountEnc: line.payerAccount && pii.encrypt('bank_account', line.payerAccount),
          payerAccountMasked: line.payerAccount && maskBankAccount(line.payerAccount),
        })),
      );
      await auditService.record(tx, actor, {
        action: 'bank_statement.import',
        entityType: 'bank_statement_import',
        entityId: id,
        after: {
          mappingId,
          mapping: mapping.name,
          fileName: file.fileName,
          fileHash,
          lines: read.lines.length,
          newLines: kept,
          creditFen: sum('credit'),
          debitFen: sum('debit'),
        },
      });
      return id;
    });
    if (!importId) {
      const theirs = await repo.importByHash(db, actor.orgId, mappingId, fileHash);
      return { duplicate: true, import: importView(theirs!) };
    }
    return { duplicate: false, import: importView((await repo.importById(db, actor.orgId, importId))!) };
  },

  async imports(db: Executor, orgId: string, mappingId: string | undefined, page: number, pageSize: number) {
    const { items, total } = await repo.imports(db, orgId, mappingId, page, pageSize);
    return { items: items.map(importView), total };
  },

  async lines(db: Executor, filter: LineFilter, page: number, pageSize: number) {
    const { items, total } = await repo.lines(db, filter, page, pageSize);
    return { items: items.map(lineView), total };
  },

  async line(db: Executor, orgId: string, id: string) {
    const row = await repo.line(db, orgId, id);
    if (!row) throw notFound('bank_statement_line', id);
    return lineView(row);
  },

  /** What a money-in line may be, best first, each with why. */
  async suggestions(db: Executor, orgId: string, id: string): Promise<Suggestion[]> {
    const row = await repo.line(db, orgId, id);
    if (!row) throw notFound('bank_statement_line', id);
    if (row.direction !== 'credit' || row.status !== 'unmatched') return [];
    const line = { ...row, amountFen: Number(row.amountFen) };
    const [payments, settlements, bills] = await Promise.all([
      repo.paymentCandidates(db, orgId, line),
      repo.settlementCandidates(db, orgId, line),
      repo.billCandidates(db, orgId, line),
    ]);
    const suggestions: Suggestion[] = [];
    const none = { paymentId: null, paymentNumber: null, runId: null, tenantId: null, tenantName: null };
    for (const payment of payments) {
      const reasons: SuggestionReason[] = [
        { code: 'payment_same_amount', paymentNumber: payment.number, days: Number(payment.days) },
      ];
      let score = 90 - 5 * Number(payment.days);
      if (row.bankSerial && payment.reference === row.bankSerial) {
        reasons.push({ code: 'reference_is_serial' });
        score += 20;
      }
      if (bills.some((bill) => bill.tenantId === payment.tenantId && bill.payerIsTenant)) {
        reasons.push({ code: 'payer_is_tenant', tenantName: payment.tenantName });
        score += 5;
      }
      suggestions.push({
        ...none,
        kind: 'link_payment',
        score,
        reasons,
        paymentId: payment.id,
        paymentNumber: payment.number,
        tenantId: payment.tenantId,
        tenantName: payment.tenantName,
        bills: [],
        billsFen: 0,
      });
    }
    for (const run of settlements) {
      suggestions.push({
        ...none,
        kind: 'link_settlement',
        score: 85 - 5 * Number(run.days),
        reasons: [
          {
            code: 'settlement_net_equals',
            provider: run.provider,
            statementDate: run.statementDate,
            days: Number(run.days),
          },
        ],
        runId: run.id,
        bills: [],
        billsFen: 0,
      });
    }
    const billView = (bill: (typeof bills)[number]) => ({
      id: bill.id,
      number: bill.number,
      dueDate: bill.dueDate,
      outstandingFen: Number(bill.outstandingFen),
    });
    const record = (tenant: { tenantId: string; tenantName: string }, chosen: typeof bills, base: number) => {
      const billsFen = chosen.reduce((total, bill) => total + Number(bill.outstandingFen), 0);
      const reasons: SuggestionReason[] = [];
      let score = base;
      const inReference = chosen.filter((bill) => bill.inReference).map((bill) => bill.number);
      if (inReference.length > 0) {
        reasons.push({ code: 'bill_number_in_reference', billNumbers: inReference });
        score += 100;
      }
      if (chosen.length > 0 && billsFen === line.amountFen) {
        reasons.push({ code: 'amount_equals_bills' });
        score += 40;
      }
      const payer = bills.some((bill) => bill.tenantId === tenant.tenantId && bill.payerIsTenant);
      if (payer) {
        reasons.push({ code: 'payer_is_tenant', tenantName: tenant.tenantName });
        score += 30;
      }
      suggestions.push({ ...none, kind: 'record', score, reasons, ...tenant, bills: chosen.map(billView), billsFen });
    };
    const byTenant = new Map<string, typeof bills>();
    for (const bill of bills) byTenant.set(bill.tenantId, [...(byTenant.get(bill.tenantId) ?? []), bill]);
    const seen = new Set<string>();
    const once = (tenant: { tenantId: string; tenantName: string }, chosen: typeof bills, base: number) => {
      const key = `${tenant.tenantId}:${chosen.map((bill) => bill.id).join(',')}`;
      if (seen.has(key)) return;
      seen.add(key);
      record(tenant, chosen, base);
    };
    for (const [tenantId, own] of byTenant) {
      const tenant = { tenantId, tenantName: own[0]!.tenantName };
      const named = own.filter((bill) => bill.inReference);
      if (named.length > 0) once(tenant, named, 0);
      for (const bill of own.filter((candidate) => candidate.amountEquals)) once(tenant, [bill], 0);
      const payerOwn = own.filter((bill) => bill.payerIsTenant);
      if (payerOwn.length > 0) {
        const total = payerOwn.reduce((sum, bill) => sum + Number(bill.outstandingFen), 0);
        // The tenant's bills all together when they come to the amount; otherwise the tenant alone (oldest first).
        once(tenant, total === line.amountFen ? payerOwn : [], 0);
      }
    }
    // What the bills take to settle on the line's day (the penalty accrued since it was last fixed included), as the
    // confirmation checks it: the amounts shown, and "amount equals", follow it.
    const ranked = suggestions.sort((a, b) => b.score - a.score).slice(0, 10);
    const billIds = [...new Set(ranked.flatMap((suggestion) => suggestion.bills.map((bill) => bill.id)))];
    if (billIds.length > 0) {
      const payable = new Map(
        (await billsPayableOn(db, orgId, billIds, line.valueDate)).map((entry) => [entry.id, entry.payableFen]),
      );
      for (const suggestion of ranked) {
        if (suggestion.bills.length === 0) continue;
        suggestion.bills = suggestion.bills.map((bill) => ({
          ...bill,
          outstandingFen: payable.get(bill.id) ?? bill.outstandingFen,
        }));
        suggestion.billsFen = suggestion.bills.reduce((total, bill) => total + bill.outstandingFen, 0);
        const equals = suggestion.billsFen === line.amountFen;
        const had = suggestion.reasons.some((reason) => reason.code === 'amount_equals_bills');
        if (had && !equals) {
          suggestion.reasons = suggestion.reasons.filter((reason) => reason.code !== 'amount_equals_bills');
          suggestion.score -= 40;
        } else if (!had && equals) {
          suggestion.reasons.push({ code: 'amount_equals_bills' });
          suggestion.score += 40;
        }
      }
      ranked.sort((a, b) => b.score - a.score);
    }
    return ranked;
  },

  /**
   * Confirms a money-in line: linked to a recorded bank transfer or a channel settlement (nothing posted), or
   * recorded as a bank_transfer payment of the tenant (reference = bank serial) applied to the chosen bills, whose
   * payable total must be the line's amount, with its receipt — all in one transaction with the line's change.
   */
  async confirm({ db }: BankStatementsContext, actor: OrgActor, id: string, input: ConfirmInput) {
    const note = input.note?.trim() || null;
    try {
      await db.transaction(async (tx) => {
        const line = await repo.lockLine(tx, actor.orgId, id);
        if (!line) throw notFound('bank_statement_line', id);
        if (line.status !== 'unmatched') throw lineDecided(line);
        if (line.direction !== 'credit') throw new AppError(422, 'bank_statement_line_debit', { lineNo: line.lineNo });
        const amountFen = Number(line.amountFen);
        const amount = formatYuan(amountFen);
        let paymentId: string | null = null;
        let runId: string | null = null;
        let after: Record<string, unknown> = {};
        if (input.kind === 'link_payment') {
          const payment = await repo.paymentForLink(tx, actor.orgId, input.paymentId);
          if (!payment) {
            throw bodyProblem(422, 'body/paymentId', 'not_found', { entity: 'payment', id: input.paymentId });
          }
          if (payment.method !== 'bank_transfer') {
            throw bodyProblem(422, 'body/paymentId', 'bank_statement_payment_not_transfer', { number: payment.number });
          }
          if (Number(payment.amountFen) !== amountFen) {
            throw bodyProblem(422, 'body/paymentId', 'bank_statement_payment_amount_differs', {
              amount,
              number: payment.number,
              payment: formatYuan(Number(payment.amountFen)),
            });
          }
          if (await repo.lineOfPayment(tx, payment.id)) {
            throw new AppError(409, 'bank_statement_payment_linked', { number: payment.number });
          }
          paymentId = payment.id;
          after = { paymentNumber: payment.number };
        } else if (input.kind === 'link_settlement') {
          const run = await repo.runForLink(tx, actor.orgId, input.runId);
          if (!run)
            throw bodyProblem(422, 'body/runId', 'not_found', { entity: 'reconciliation_run', id: input.runId });
          if (!run.settlementEntryId) throw bodyProblem(422, 'body/runId', 'bank_statement_settlement_missing');
          if (Number(run.netFen) !== amountFen) {
            throw bodyProblem(422, 'body/runId', 'bank_statement_settlement_amount_differs', {
              amount,
              net: formatYuan(Number(run.netFen)),
            });
          }
          if (await repo.lineOfRun(tx, run.id)) throw new AppError(409, 'bank_statement_settlement_linked');
          runId = run.id;
          after = { runId: run.id, settlementEntryId: run.settlementEntryId };
        } else {
          if (compareDates(line.valueDate, today()) > 0) {
            throw new AppError(422, 'payment_received_in_future', { date: line.valueDate, today: today() });
          }
          if (line.bankSerial) {
            const recorded = await repo.transferByReference(tx, actor.orgId, line.bankSerial);
            if (recorded) {
              throw new AppError(409, 'bank_statement_serial_recorded', {
                reference: line.bankSerial,
                number: recorded.number,
              });
            }
          }
          const billIds = [...new Set(input.billIds ?? [])];
          if (billIds.length > 0) {
            const locked = await lockBillsWithFigures(tx, actor.orgId, billIds, line.valueDate);
            for (const billId of billIds) {
              const found = locked.find(({ bill }) => bill.id === billId);
              if (!found) throw bodyProblem(422, 'body/billIds', 'payment_bill_not_found', { id: billId });
              if (found.bill.tenantId !== input.tenantId) {
                throw bodyProblem(422, 'body/billIds', 'payment_bill_other_tenant', { number: found.bill.number });
              }
              if (found.bill.status === 'void')
                throw new AppError(409, 'payment_bill_void', { number: found.bill.number });
              if (found.bill.status === 'paid')
                throw new AppError(409, 'payment_bill_paid', { number: found.bill.number });
            }
            const payableFen = locked.reduce((total, { figures }) => total + figures.payableFen, 0);
            if (payableFen !== amountFen) {
              throw bodyProblem(422, 'body/billIds', 'bank_statement_amount_mismatch', {
                amount,
                bills: formatYuan(payableFen),
              });
            }
          }
          const applied = await applyPayment(tx, actor, {
            orgId: actor.orgId,
            tenantId: input.tenantId,
            amountFen,
            receivedOn: line.valueDate,
            method: 'bank_transfer',
            reference: line.bankSerial,
            billIds,
            remarks: `银行流水 ${line.mappingName} 第 ${line.lineNo} 行${note ? `：${note}` : ''}`.slice(0, 500),
            debitPurpose: 'bank',
          });
          const receipt = await receiptsService.issueFor(tx, actor, applied.payment);
          paymentId = applied.payment.id;
          after = {
            paymentNumber: applied.payment.number,
            receiptNumber: receipt.number,
            tenantId: input.tenantId,
            allocations: applied.allocations,
          };
        }
        const matchKind = input.kind === 'record' ? 'recorded' : input.kind;
        await repo.decideLine(tx, line.id, {
          status: 'confirmed',
          matchKind,
          paymentId,
          runId,
          by: actor.id,
          byName: actor.name,
          note,
        });
        await auditService.record(tx, actor, {
          action: 'bank_statement.confirm',
          entityType: 'bank_statement_line',
          entityId: line.id,
          before: { status: line.status },
          after: { status: 'confirmed', matchKind, amountFen, valueDate: line.valueDate, note, ...after },
        });
      });
    } catch (error) {
      const constraint = constraintViolation(error, '23505');
      if (constraint === 'bank_statement_lines_payment_key' && input.kind === 'link_payment') {
        throw new AppError(409, 'bank_statement_payment_linked', { number: input.paymentId });
      }
      if (constraint === 'bank_statement_lines_run_key') throw new AppError(409, 'bank_statement_settlement_linked');
      if (constraint === 'payments_reference_key') {
        throw new AppError(409, 'bank_statement_serial_recorded', { reference: '', number: '' });
      }
      throw error;
    }
    return this.line(db, actor.orgId, id);
  },

  /** A line that is no tenant's money (interest, a transfer between own accounts, money out): ignored with a note. */
  async ignore(db: Orm, actor: OrgActor, id: string, noteText: string) {
    const note = noteText.trim();
    if (!note) throw bodyProblem(422, 'body/note', 'bank_statement_note_required');
    await db.transaction(async (tx) => {
      const line = await repo.lockLine(tx, actor.orgId, id);
      if (!line) throw notFound('bank_statement_line', id);
      if (line.status !== 'unmatched') throw lineDecided(line);
      await repo.decideLine(tx, line.id, {
        status: 'ignored',
        matchKind: null,
        paymentId: null,
        runId: null,
        by: actor.id,
        byName: actor.name,
        note,
      });
      await auditService.record(tx, actor, {
        action: 'bank_statement.ignore',
        entityType: 'bank_statement_line',
        entityId: line.id,
        before: { status: line.status },
        after: { status: 'ignored', note },
      });
    });
    return this.line(db, actor.orgId, id);
  },

  /** Back to unmatched: an ignored line, or a link (nothing was posted). A recorded payment stays. */
  async undo(db: Orm, actor: OrgActor, id: string, noteText?: string | null) {
    const note = noteText?.trim() || null;
    await db.transaction(async (tx) => {
      const line = await repo.lockLine(tx, actor.orgId, id);
      if (!line) throw notFound('bank_statement_line', id);
      if (line.status === 'unmatched') throw new AppError(409, 'bank_statement_undo_unmatched');
      if (line.matchKind === 'recorded') {
        const row = await repo.line(tx, actor.orgId, id);
        throw new AppError(409, 'bank_statement_undo_posted', { number: row?.paymentNumber ?? '' });
      }
      await repo.decideLine(tx, line.id, {
        status: 'unmatched',
        matchKind: null,
        paymentId: null,
        runId: null,
        by: null,
        byName: null,
        note,
      });
      await auditService.record(tx, actor, {
        action: 'bank_statement.undo',
        entityType: 'bank_statement_line',
        entityId: line.id,
        before: {
          status: line.status,
          matchKind: line.matchKind,
          paymentId: line.paymentId,
          runId: line.reconciliationRunId,
          note: line.note,
        },
        after: { status: 'unmatched', note },
      });
    });
    return this.line(db, actor.orgId, id);
  },
};

const today = () => chinaDate(new Date());

/**
 * What each bill takes to settle when paid on the day (collections' figures: penalty through the day before). Read
 * outside a transaction the row locks are released at once; nothing is written.
 */
async function billsPayableOn(db: Executor, orgId: string, ids: string[], day: string) {
  const figures = await lockBillsWithFigures(db, orgId, ids, day);
  return figures.map(({ bill, figures: f }) => ({ id: bill.id, payableFen: f.payableFen }));
}

function mappingConflict(error: unknown, name: string) {
  if (constraintViolation(error, '23505') === 'bank_statement_mappings_name_key') {
    return new AppError(409, 'bank_statement_mapping_name_taken', { name });
  }
  return error;
}
