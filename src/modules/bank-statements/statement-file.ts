// A bank's statement file as rows of cells, and its rows read as statement lines through the account's column mapping.
// Banks export CSV (often GBK, with a few lines about the account above the headers and a 合计 row below) or Excel.

import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { BankStatementColumns } from '../../db/schema.ts';
import { isCalendarDate } from '../../domain/calendar.ts';
import { fenOfYuan } from '../../domain/money.ts';
import type { MessageKey, MessageParams } from '../../http/messages.ts';

export type Cell = string | number | Date | null;
export type FileFormat = 'csv' | 'xlsx';

/** The date formats a mapping may name; a time after the date (a space or T) is passed over. */
export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'YYYY/MM/DD',
  'YYYY.MM.DD',
  'YYYYMMDD',
  'YYYY年MM月DD日',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** Rows one statement may hold. */
export const MAX_STATEMENT_ROWS = 50_000;

export class StatementFileError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: MessageParams = {},
  ) {
    super(key);
  }
}

const isZip = (content: Buffer) => content.length > 4 && content.readUInt32LE(0) === 0x04034b50;
const isOldExcel = (content: Buffer) => content.length > 8 && content.readUInt32BE(0) === 0xd0cf11e0;

/** The rows of the file (CSV decoded as `encoding`, or the first worksheet of an .xlsx), blank cells null. */
export async function statementRows(
  content: Buffer,
  encoding: 'utf8' | 'gbk',
): Promise<{ format: FileFormat; rows: Cell[][] }> {
  if (isOldExcel(content)) throw new StatementFileError('bank_statement_file_xls');
  if (isZip(content)) return { format: 'xlsx', rows: await workbookRows(content) };
  // Bytes that read as UTF-8 are UTF-8 (GBK Chinese text almost never does); otherwise GBK when the mapping says so.
  const utf8 = validUtf8(content);
  if (utf8 === null && encoding === 'utf8') throw new StatementFileError('bank_statement_file_encoding');
  const text = utf8 ?? iconv.decode(content, 'gbk');
  return { format: 'csv', rows: csvRows(text.replace(/^\uFEFF/, '')) };
}

function validUtf8(content: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return null;
  }
}

async function workbookRows(content: Buffer): Promise<Cell[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch {
    throw new StatementFileError('bank_statement_file_unreadable');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: Cell[][] = [];
  for (let number = 1; number <= sheet.rowCount; number += 1) {
    if (number > MAX_STATEMENT_ROWS + 50) throw new StatementFileError('bank_statement_too_many_rows');
    const values = sheet.getRow(number).values as ExcelJS.CellValue[];
    rows.push(values.slice(1).map(plainCell));
  }
  return rows;
}

function plainCell(value: ExcelJS.CellValue | undefined): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value) return plainCell(value.richText.map((part) => part.text).join(''));
    if ('formula' in value || 'sharedFormula' in value) {
      return plainCell(((value as ExcelJS.CellFormulaValue).result ?? null) as ExcelJS.CellValue);
    }
    if ('text' in value) return plainCell((value as ExcelJS.CellHyperlinkValue).text);
  }
  return String(value);
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks. Banks' `="0123"` text cells unwrapped. */
export function csvRows(text: string): Cell[][] {
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    const trimmed = cell
      .trim()
      .replace(/^="(.*)"$/, '$1')
      .replace(/^\t+/, '');
    row.push(trimmed === '' ? null : trimmed);
    cell = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (char === ',') endCell();
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      endCell();
      rows.push(row);
      row = [];
      if (rows.length > MAX_STATEMENT_ROWS + 50) throw new StatementFileError('bank_statement_too_many_rows');
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}

export const cellText = (cell: Cell | undefined): string | null => {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim() || null;
};

/** The headers of the mapping's header row, as the column picker offers them. */
export function headersOf(rows: Cell[][], headerRow: number): string[] {
  return (rows[headerRow - 1] ?? []).map((cell) => cellText(cell) ?? '');
}

/** A date cell in the mapping's format (Excel dates as they are); null when it cannot be read. */
export function parseStatementDate(cell: Cell, format: DateFormat): string | null {
  // Excel keeps a date as a day at UTC midnight.
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number' && format === 'YYYYMMDD') return parseStatementDate(String(cell), format);
  if (typeof cell !== 'string') return null;
  const text = cell.trim().split(/[\sT]/)[0]!;
  const pad = (part: string) => part.padStart(2, '0');
  let match: RegExpExecArray | null = null;
  let date: string | null = null;
  switch (format) {
    case 'YYYY-MM-DD':
    case 'YYYY/MM/DD':
    case 'YYYY.MM.DD': {
      const sep = format[4] === '.' ? '\\.' : format[4];
      match = new RegExp(`^(\\d{4})${sep}(\\d{1,2})${sep}(\\d{1,2})$`).exec(text);
      if (match) date = `${match[1]}-${pad(match[2]!)}-${pad(match[3]!)}`;
      break;
    }
    case 'YYYYMMDD':
      match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
      if (match) date = `${match[1]}-${match[2]}-${match[3]}`;
      break;
    case 'YYYY年MM月DD日':
      match = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text);
      if (match) date = `${match[1]}-${pad(match[2]!)}-${pad(match[3]!)}`;
      break;
    case 'MM/DD/YYYY':
      match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
      if (match) date = `${match[3]}-${pad(match[1]!)}-${pad(match[2]!)}`;
      break;
    case 'DD/MM/YYYY':
      match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
      if (match) date = `${match[3]}-${pad(match[2]!)}-${pad(match[1]!)}`;
      break;
  }
  return date && isCalendarDate(date) ? date : null;
}

/**
 * Yuan in a cell to fen, exactly: "1,234.56", "¥1234.5", "-20.00", an Excel number. Null for an empty cell,
 * undefined when it cannot be read as money.
 */
export function parseYuanCell(cell: Cell): number | null | undefined {
  if (cell === null) return null;
  if (cell instanceof Date) return undefined;
  const text = (typeof cell === 'number' ? cell.toFixed(2) : cell)
    .replace(/[,，\s¥￥]|元$/g, '')
    .replace(/^\((.*)\)$/, '-$1');
  if (text === '' || text === '-' || text === '--') return null;
  return fenOfYuan(text, { signed: true }) ?? undefined;
}

export interface StatementLineInput {
  /** The row number a spreadsheet shows. */
  lineNo: number;
  valueDate: string;
  direction: 'credit' | 'debit';
  amountFen: number;
  payerName: string | null;
  payerAccount: string | null;
  reference: string | null;
  bankSerial: string | null;
}

export interface RowProblem {
  row: number;
  column: string;
  key: MessageKey;
  params?: MessageParams;
}

export interface StatementMapping {
  headerRow: number;
  columns: BankStatementColumns;
  dateFormat: DateFormat;
}

const DEFAULT_CREDIT_MARKS = ['贷', '收', '收入', '来账', '贷方', 'C', 'CR', '+'];

/**
 * The statement's lines through the mapping, with a problem per row and column that cannot be read. Rows without a
 * date (blank, 合计/总计 summary rows) are passed over. A header the mapping names but the file lacks is a problem of
 * the header row.
 */
export function readStatement(rows: Cell[][], mapping: StatementMapping) {
  const headers = headersOf(rows, mapping.headerRow);
  const problems: RowProblem[] = [];
  const { columns } = mapping;
  const index = new Map<string, number>();
  const named: [string, string | null | undefined][] = [
    ['date', columns.date],
    ['credit', columns.credit],
    ['debit', columns.debit],
    ['amount', columns.amount],
    ['direction', columns.direction],
    ['payerName', columns.payerName],
    ['payerAccount', columns.payerAccount],
    ['reference', columns.reference],
    ['serial', columns.serial],
  ];
  const missing: string[] = [];
  for (const [role, header] of named) {
    if (!header) continue;
    const at = headers.findIndex((text) => text.replace(/\s/g, '') === header.replace(/\s/g, ''));
    if (at < 0) missing.push(header);
    else index.set(role, at);
  }
  if (missing.length > 0) {
    problems.push({
      row: mapping.headerRow,
      column: missing[0]!,
      key: 'bank_statement_column_missing',
      params: { columns: missing.join('、'), row: mapping.headerRow },
    });
    return { headers, lines: [] as StatementLineInput[], problems, total: 0 };
  }
  const marks = (columns.creditMarks?.length ? columns.creditMarks : DEFAULT_CREDIT_MARKS).map((mark) =>
    mark.trim().toUpperCase(),
  );
  const lines: StatementLineInput[] = [];
  let total = 0;
  for (let i = mapping.headerRow; i < rows.length; i += 1) {
    const cells = rows[i]!;
    const rowNo = i + 1;
    const at = (role: string): Cell => {
      const position = index.get(role);
      return position === undefined ? null : (cells[position] ?? null);
    };
    const rawDate = at('date');
    const dateText = cellText(rawDate);
    if (dateText === null || /合计|总计|小计|total/i.test(dateText)) continue;
    total += 1;
    if (total > MAX_STATEMENT_ROWS) throw new StatementFileError('bank_statement_too_many_rows');
    const rowProblems: RowProblem[] = [];
    const valueDate = parseStatementDate(rawDate, mapping.dateFormat);
    if (!valueDate) {
      rowProblems.push({
        row: rowNo,
        column: columns.date,
        key: 'bank_statement_date_invalid',
        params: { value: dateText, format: mapping.dateFormat },
      });
    }
    let direction: 'credit' | 'debit' | null = null;
    let amountFen: number | null = null;
    const money = (role: 'credit' | 'debit' | 'amount') => {
      const cell = at(role);
      const fen = parseYuanCell(cell);
      if (fen === undefined) {
        rowProblems.push({
          row: rowNo,
          column: columns[role] ?? role,
          key: 'bank_statement_amount_invalid',
          params: { value: cellText(cell) ?? '' },
        });
        return null;
      }
      return fen;
    };
    if (columns.credit) {
      const credit = money('credit');
      const debit = columns.debit ? money('debit') : null;
      if (credit !== null && credit !== 0) {
        direction = credit > 0 ? 'credit' : 'debit';
        amountFen = Math.abs(credit);
      } else if (debit !== null && debit !== 0) {
        direction = debit > 0 ? 'debit' : 'credit';
        amountFen = Math.abs(debit);
      }
    } else if (columns.amount) {
      const amount = money('amount');
      if (amount !== null && amount !== 0) {
        amountFen = Math.abs(amount);
        if (columns.direction) {
          const mark = cellText(at('direction'))?.toUpperCase() ?? '';
          direction = marks.includes(mark) ? 'credit' : mark === '' ? null : 'debit';
          if (direction === null) {
            rowProblems.push({ row: rowNo, column: columns.direction, key: 'bank_statement_direction_missing' });
          }
        } else direction = amount > 0 ? 'credit' : 'debit';
      }
    }
    if (amountFen === null && rowProblems.every((problem) => problem.key !== 'bank_statement_amount_invalid')) {
      rowProblems.push({
        row: rowNo,
        column: columns.credit ?? columns.amount ?? '',
        key: 'bank_statement_amount_missing',
      });
    }
    if (rowProblems.length > 0 || !valueDate || !direction || amountFen === null) {
      problems.push(...rowProblems);
      continue;
    }
    const text = (role: string, max: number) => cellText(at(role))?.slice(0, max) ?? null;
    lines.push({
      lineNo: rowNo,
      valueDate,
      direction,
      amountFen,
      payerName: text('payerName', 200),
      payerAccount: text('payerAccount', 64)?.replace(/\s/g, '') || null,
      reference: text('reference', 500),
      bankSerial: text('serial', 100),
    });
  }
  return { headers, lines, problems, total };
}
