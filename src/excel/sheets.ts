import ExcelJS from 'exceljs';

// Spreadsheets people fill in and read: import templates with an explanation sheet, imports read by column
// header (not position), exports of a list. Everything here is about the file format, nothing about the business.

/** A cell as the importer sees it. Text stays text; numbers and dates come through as Excel stored them. */
export type CellValue = string | number | boolean | Date | null;

export interface SheetColumn {
  header: string;
  required?: boolean;
  /** What to write, for the explanation sheet. */
  description: string;
  example?: string | number | Date | null;
  width?: number;
  /** Format the column as text, so Excel keeps long digit strings (ID numbers) as typed. */
  text?: boolean;
  /** A drop-down of allowed values in the template. */
  choices?: readonly string[];
  /** Excel number format for exports and the template, e.g. '0.00' or 'yyyy-mm-dd'. */
  numberFormat?: string;
}

export interface SheetRow {
  /** The row number Excel shows (the header is row 1). */
  row: number;
  cells: Map<string, CellValue>;
}

export class SheetFormatError extends Error {
  constructor(
    readonly reason: 'not_xlsx' | 'missing_columns' | 'no_rows' | 'too_many_rows',
    readonly detail: { columns?: string[]; rows?: number } = {},
  ) {
    super(reason);
  }
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F4FF' } };
const REQUIRED_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFCF1322' } };

/** A header as people may have typed it: without the required mark, spaces or full-width brackets. */
function headerKey(text: string): string {
  return text
    .replace(/[*＊\s]/g, '')
    .replaceAll('（', '(')
    .replaceAll('）', ')');
}

function plainValue(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value) return plainValue(value.richText.map((part) => part.text).join(''));
    if ('formula' in value || 'sharedFormula' in value)
      return plainValue((value as ExcelJS.CellFormulaValue).result ?? null);
    if ('text' in value) return plainValue((value as ExcelJS.CellHyperlinkValue).text);
    if ('error' in value) return String((value as ExcelJS.CellErrorValue).error);
  }
  return String(value);
}

/** The data rows of the first worksheet, keyed by the headers in `columns`; blank rows are skipped. */
export async function readSheet(
  content: Buffer,
  columns: readonly SheetColumn[],
  maxRows: number,
): Promise<SheetRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch {
    throw new SheetFormatError('not_xlsx');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new SheetFormatError('no_rows');
  const wanted = new Map(columns.map((column) => [headerKey(column.header), column.header]));
  const positions = new Map<number, string>();
  sheet.getRow(1).eachCell((cell, columnNumber) => {
    const header = wanted.get(headerKey(String(plainValue(cell.value) ?? '')));
    if (header) positions.set(columnNumber, header);
  });
  const found = new Set(positions.values());
  const missing = columns.filter((column) => column.required && !found.has(column.header)).map((c) => c.header);
  if (missing.length > 0) throw new SheetFormatError('missing_columns', { columns: missing });
  if (sheet.actualRowCount - 1 > maxRows)
    throw new SheetFormatError('too_many_rows', { rows: sheet.actualRowCount - 1 });

  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells = new Map<string, CellValue>();
    for (const [columnNumber, header] of positions) cells.set(header, plainValue(row.getCell(columnNumber).value));
    if ([...cells.values()].some((value) => value !== null)) rows.push({ row: rowNumber, cells });
  });
  if (rows.length === 0) throw new SheetFormatError('no_rows');
  return rows;
}

function addTable(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: readonly SheetColumn[],
  rows: readonly (readonly (string | number | Date | null)[])[],
  options: { markRequired: boolean; dropDownRows?: number },
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column) => ({
    header: options.markRequired && column.required ? `${column.header}*` : column.header,
    width: column.width ?? Math.max(12, column.header.length * 2 + 4),
    style: column.text ? { numFmt: '@' } : column.numberFormat ? { numFmt: column.numberFormat } : {},
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.eachCell((cell, columnNumber) => {
    cell.fill = HEADER_FILL;
    if (options.markRequired && columns[columnNumber - 1]?.required) cell.font = REQUIRED_FONT;
  });
  for (const values of rows) sheet.addRow([...values]);
  if (options.dropDownRows) {
    columns.forEach((column, index) => {
      if (!column.choices) return;
      const letter = sheet.getColumn(index + 1).letter;
      for (let row = 2; row <= options.dropDownRows! + 1; row++) {
        sheet.getCell(`${letter}${row}`).dataValidation = {
          type: 'list',
          allowBlank: !column.required,
          formulae: [`"${column.choices.join(',')}"`],
          showErrorMessage: true,
          errorTitle: column.header,
          error: `请从下拉列表中选择：${column.choices.join('、')}`,
        };
      }
    });
  }
  return sheet;
}

/** An import template: the data sheet with its headers (required ones marked *) and an example row, and 填写说明. */
export async function templateWorkbook(sheetName: string, columns: readonly SheetColumn[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'AssetPay';
  addTable(workbook, sheetName, columns, [columns.map((column) => column.example ?? null)], {
    markRequired: true,
    dropDownRows: 1000,
  });
  const guide = addTable(
    workbook,
    '填写说明',
    [
      { header: '列名', description: '', width: 20 },
      { header: '是否必填', description: '', width: 10 },
      { header: '填写说明', description: '', width: 80 },
      { header: '示例', description: '', width: 24 },
    ],
    columns.map((column) => [
      column.header,
      column.required ? '必填' : '选填',
      column.choices ? `${column.description}（可选值：${column.choices.join('、')}）` : column.description,
      column.example instanceof Date ? column.example.toISOString().slice(0, 10) : (column.example ?? ''),
    ]),
    { markRequired: false },
  );
  guide.getColumn(3).alignment = { wrapText: true, vertical: 'top' };
  guide.addRow([]);
  guide.addRow([
    '说明',
    '',
    `第 1 行是标题，请勿修改；示例行（第 2 行）请删除或替换。整张表要么全部导入，要么一行也不导入。`,
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A list exported as one sheet. */
export async function exportWorkbook(
  sheetName: string,
  columns: readonly SheetColumn[],
  rows: readonly (readonly (string | number | Date | null)[])[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'AssetPay';
  const sheet = addTable(workbook, sheetName, columns, rows, { markRequired: false });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Text of a cell for a text field: numbers written as digits (no exponent), dates as YYYY-MM-DD. */
export function cellText(value: CellValue): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

/** A date cell (Excel date or YYYY-MM-DD / YYYY/MM/DD / YYYY.MM.DD text) as YYYY-MM-DD, or null when it is not one. */
export function cellDate(value: CellValue): string | null {
  if (value instanceof Date) {
    // Excel dates have no time zone; exceljs reads them as UTC midnight.
    return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  }
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** The moment as people in China read it, for file names: 20261126093015. */
export function chinaTimestamp(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);
}
