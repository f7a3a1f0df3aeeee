// A report as an .xlsx, written row by row with exceljs' streaming writer: a title row (organisation and report),
// a row naming the filter and the generation time, the frozen header, the rows, the totals row, and subtotals when the
// report has them. Money in yuan with ¥ and thousands separators, dates as real Excel dates, percents as percents.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Language } from '../../http/messages.ts';
import {
  eachReportBatch,
  headerOf,
  type Label,
  type ReportColumn,
  type ReportContext,
  type ReportDefinition,
  type ReportReader,
  type Row,
  readColumns,
  reportTotals,
} from './framework.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const FEN_FORMAT = '"¥"#,##0.00;-"¥"#,##0.00';
const FORMATS: Record<ReportColumn['kind'], string | undefined> = {
  text: '@',
  date: 'yyyy-mm-dd',
  fen: FEN_FORMAT,
  integer: '#,##0',
  percent: '0.00%',
  area: '#,##0.00',
};

/** A value as Excel should hold it: yuan for fen, a date for YYYY-MM-DD, a fraction for a percent, labels for codes. */
export function cellOf(column: ReportColumn, value: unknown, language: Language): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case 'fen':
      return Number(value) / 100;
    case 'integer':
      return Number(value);
    case 'area':
    case 'percent':
      return Number(value);
    case 'date': {
      const [year, month, day] = String(value).split('-').map(Number);
      return new Date(Date.UTC(year!, month! - 1, day!));
    }
    default: {
      const label = column.labels?.[String(value)];
      return label ? headerOf(label, language) : String(value);
    }
  }
}

function chinaTime(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export interface ExportInput {
  context: ReportContext;
  definition: ReportDefinition;
  filters: Record<string, unknown>;
  reader: ReportReader;
  orgName: string;
  /** How the id filters read (a tenant's name, a contract's number, a project's name). */
  filterNames?: Record<string, string>;
  language: Language;
  now?: Date;
}

function filterText({ definition, filters, filterNames = {}, language }: ExportInput): string {
  const parts = Object.entries(filters)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => {
      const label: Label = definition.filterLabels[key] ?? { zh: key, en: key };
      // A code filter that is also a column reads as the column's label (账龄 逾期31–90天, 类型 租金).
      const valueLabel = definition.columns.find((column) => column.key === key)?.labels?.[String(value)];
      const shown = filterNames[key] ?? (valueLabel ? headerOf(valueLabel, language) : String(value));
      return `${headerOf(label, language)} ${shown}`;
    });
  if (language === 'en') return `Filter: ${parts.length ? parts.join('; ') : 'none'}`;
  return `筛选：${parts.length ? parts.join('；') : '无'}`;
}

const TITLE_ROWS = 3;

/** The workbook as a stream: the reply starts at once and the rows follow batch by batch from the cursor. */
export function reportWorkbookStream(input: ExportInput): PassThrough {
  const output = new PassThrough();
  writeWorkbook(input, output).catch((error: unknown) => {
    if (!output.destroyed) output.destroy(error as Error);
  });
  return output;
}

async function writeWorkbook(input: ExportInput, output: PassThrough): Promise<void> {
  const { definition, language } = input;
  const columns = readColumns(definition.columns, input.filters);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  workbook.creator = 'AssetPay';
  const sheet = workbook.addWorksheet(headerOf(definition.title, language).slice(0, 31), {
    views: [{ state: 'frozen', ySplit: TITLE_ROWS }],
  });
  sheet.columns = columns.map((column) => ({
    key: column.key,
    width: column.width ?? (column.kind === 'text' ? 18 : column.kind === 'date' ? 12 : 16),
    style: { numFmt: FORMATS[column.kind] },
  }));
  const last = sheet.getColumn(columns.length).letter;

  const title = sheet.getRow(1);
  title.getCell(1).value = `${input.orgName} ${headerOf(definition.title, language)}`;
  title.getCell(1).font = { bold: true, size: 14 };
  title.getCell(1).numFmt = '@';
  sheet.mergeCells(`A1:${last}1`);
  title.commit();
  const generated = language === 'en' ? 'Generated' : '生成时间';
  const subtitle = sheet.getRow(2);
  subtitle.getCell(1).value = `${filterText(input)}    ${generated}：${chinaTime(input.now ?? new Date())}`;
  subtitle.getCell(1).numFmt = '@';
  sheet.mergeCells(`A2:${last}2`);
  subtitle.commit();
  const header = sheet.getRow(TITLE_ROWS);
  columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = headerOf(column, language);
    cell.numFmt = '@';
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F4FF' } };
    cell.alignment = { horizontal: 'center' };
  });
  header.commit();

  await eachReportBatch(input.context, definition, input.filters, input.reader, async (rows: Row[]) => {
    for (const row of rows) {
      sheet.addRow(columns.map((column) => cellOf(column, row[column.key], language))).commit();
    }
    // Back-pressure: wait for a slow client; a client gone ends the export (and its cursor's transaction).
    if (output.writableNeedDrain && !output.destroyed) {
      const done = new AbortController();
      await Promise.race([
        once(output, 'drain', { signal: done.signal }),
        once(output, 'close', { signal: done.signal }),
      ]).finally(() => done.abort());
    }
    if (output.destroyed) throw new Error('report export: the client went away');
  });

  const totals = await reportTotals(input.context.db, definition, input.filters, input.reader);
  const totalLabel = language === 'en' ? `Total (${totals.count} rows)` : `合计（${totals.count} 行）`;
  addSummaryRow(sheet, columns, totalLabel, totals.totals, language);
  for (const subtotal of totals.subtotals ?? []) {
    const key = definition.subtotalsBy!;
    const column = definition.columns.find((candidate) => candidate.key === key)!;
    const name = String(cellOf(column, subtotal[key], language));
    const label =
      language === 'en' ? `Subtotal ${name} (${subtotal.count} rows)` : `小计 ${name}（${subtotal.count} 行）`;
    addSummaryRow(sheet, columns, label, subtotal, language);
  }
  sheet.commit();
  await workbook.commit();
}

function addSummaryRow(
  sheet: ExcelJS.Worksheet,
  columns: readonly ReportColumn[],
  label: string,
  values: Row,
  language: Language,
) {
  const row = sheet.addRow(
    columns.map((column, index) =>
      index === 0 ? label : column.total || column.ratio ? cellOf(column, values[column.key], language) : null,
    ),
  );
  row.font = { bold: true };
  row.getCell(1).numFmt = '@';
  row.commit();
}
