// A report is declared as data (like a ProColumns list page): a filter schema, the SQL that yields its rows with the
// column keys as names, the columns (header in Chinese and English, kind), and which columns add up in the totals row.
// The framework pages it and totals it in the database, and streams every row of it to Excel through a cursor, so
// neither a page nor an export ever loads a whole table into Node.
import type { TProperties } from '@sinclair/typebox';
import type { SQL } from 'drizzle-orm';
import type { PiiCipher } from '../../crypto/pii.ts';
import { type Executor, type Orm, queryRows, sql } from '../../db/client.ts';
import type { Language } from '../../http/messages.ts';

export type ColumnKind = 'text' | 'date' | 'fen' | 'integer' | 'percent' | 'area';

export interface Label {
  zh: string;
  en: string;
}

export interface ReportColumn {
  key: string;
  zh: string;
  en: string;
  kind: ColumnKind;
  /** Summed in the totals row (fen, integer and area columns). */
  total?: boolean;
  /** A percent column is numerator / denominator of two fen columns, in a row and in the totals alike. */
  ratio?: { numerator: string; denominator: string };
  /** The value stored is a code; Excel shows its label (ProColumns' valueEnum). */
  labels?: Record<string, Label>;
  /** Excel column width in characters. */
  width?: number;
  /**
   * Whether a person reads the column under these (prepared) filters; the export leaves it out otherwise, as the
   * console does. The JSON keeps it: an id beside its name is for drill-throughs, not for reading.
   */
  shownWhen?: (filters: Record<string, unknown>) => boolean;
}

/** The columns a person reads under these filters: those of the export (the console leaves out the same). */
export const readColumns = (columns: readonly ReportColumn[], filters: Record<string, unknown>) =>
  columns.filter((column) => column.shownWhen?.(filters) ?? true);

/** Who reads the report, for masking personal data. */
export interface ReportReader {
  orgId: string;
  /** False for the auditor's seat (and anyone without pii:reveal): individuals' names show the family name only. */
  seesNames: boolean;
  /** Today in China, for as-of figures. */
  today: string;
}

export interface ReportContext {
  db: Orm;
  pii: PiiCipher;
}

export type Row = Record<string, unknown>;

export interface ReportDefinition<F extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  title: Label;
  description: string;
  /** The filter's query-string properties (TypeBox); page and pageSize are added for the JSON route. */
  filters: TProperties;
  /** Labels of the filters, for the export's title row. */
  filterLabels: Record<string, Label>;
  /** Labels of a choice filter's codes where no column of the same key labels them. */
  choiceLabels?: Record<string, Record<string, Label>>;
  columns: readonly ReportColumn[];
  /** Defaults filled in and cross-field rules checked (throws AppError 400). */
  prepare(filters: F, today: string): F;
  /** The rows, every column key a column of the SELECT, plus any hidden columns `present` needs (prefixed `_`). */
  source(filters: F, reader: ReportReader): SQL;
  /** ORDER BY of the rows (over the source's columns), stable: it ends on a unique key. */
  orderBy: SQL;
  /** Subtotals by a column (the aging buckets): one line per value, summing the total columns. */
  subtotalsBy?: string;
  /** Per-row changes done in Node on a page or batch (decrypting and masking a phone). */
  present?(row: Row, context: ReportContext, reader: ReportReader): Row;
}

export const defineReport = <F extends Record<string, unknown>>(definition: ReportDefinition<F>) =>
  definition as unknown as ReportDefinition;

export interface ReportPage {
  items: Row[];
  total: number;
  page: number;
  pageSize: number;
  totals: Row;
  subtotals?: Row[];
  columns: ReportColumnView[];
}

export interface ReportColumnView {
  key: string;
  kind: ColumnKind;
  zh: string;
  en: string;
  labels?: Record<string, Label>;
}

/** How a console asks for a filter: a date, a choice among labelled codes, a record to pick, a number, a yes/no. */
export type FilterControl = 'date' | 'choice' | 'tenant' | 'project' | 'contract' | 'boolean' | 'integer';

export interface ReportFilterView extends Label {
  key: string;
  control: FilterControl;
  /** The codes a choice offers, labelled. */
  options?: ({ value: string } & Label)[];
  minimum?: number;
  maximum?: number;
}

/**
 * A filter as the catalogue describes it, read off its query-string schema: a date, a uuid naming a tenant, project
 * or contract (by its key), a boolean, an integer with its bounds, or a union of codes labelled like the column of
 * the same key (or by `choiceLabels`).
 */
export function filterView(definition: ReportDefinition, key: string): ReportFilterView {
  const schema = definition.filters[key] as {
    format?: string;
    type?: string;
    anyOf?: { const: string }[];
    minimum?: number;
    maximum?: number;
  };
  const label = definition.filterLabels[key] ?? { zh: key, en: key };
  if (schema.format === 'date') return { key, ...label, control: 'date' };
  if (schema.format === 'uuid') return { key, ...label, control: key.replace(/Id$/, '') as FilterControl };
  if (schema.type === 'boolean') return { key, ...label, control: 'boolean' };
  if (schema.type === 'integer') {
    return { key, ...label, control: 'integer', minimum: schema.minimum, maximum: schema.maximum };
  }
  const labels = definition.choiceLabels?.[key] ?? definition.columns.find((column) => column.key === key)?.labels;
  return {
    key,
    ...label,
    control: 'choice',
    options: (schema.anyOf ?? []).map(({ const: value }) => ({
      value,
      ...(labels?.[value] ?? { zh: value, en: value }),
    })),
  };
}

export const columnViews = (columns: readonly ReportColumn[]): ReportColumnView[] =>
  columns.map(({ key, kind, zh, en, labels }) => ({ key, kind, zh, en, ...(labels ? { labels } : {}) }));

/** numerator / denominator as a decimal string with 4 places, rounded half-up; null when nothing was due. */
export function ratioText(numerator: number, denominator: number): string | null {
  if (denominator === 0) return null;
  const scaled = (BigInt(numerator) * 20_000n + BigInt(denominator)) / (2n * BigInt(denominator));
  const whole = scaled / 10_000n;
  return `${whole}.${(scaled % 10_000n).toString().padStart(4, '0')}`;
}

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '')}"`);

/** The row as the API shows it: bigint sums as numbers, percents computed, hidden columns dropped. */
function shape(definition: ReportDefinition, raw: Row, context: ReportContext, reader: ReportReader): Row {
  const row = definition.present ? definition.present(raw, context, reader) : raw;
  const shaped: Row = {};
  for (const column of definition.columns) {
    const value = row[column.key];
    if (column.ratio) continue;
    if (column.kind === 'fen' || column.kind === 'integer') shaped[column.key] = value == null ? null : Number(value);
    else shaped[column.key] = value ?? null;
  }
  for (const column of definition.columns) {
    if (!column.ratio) continue;
    shaped[column.key] = ratioText(
      Number(shaped[column.ratio.numerator] ?? 0),
      Number(shaped[column.ratio.denominator] ?? 0),
    );
  }
  return shaped;
}

function totalsSelect(definition: ReportDefinition): SQL {
  const parts = definition.columns
    .filter((column) => column.total)
    .map((column) =>
      column.kind === 'area'
        ? sql`coalesce(sum(${ident(column.key)}::numeric), 0)::numeric(14, 2)::text AS ${ident(column.key)}`
        : sql`coalesce(sum(${ident(column.key)}), 0)::text AS ${ident(column.key)}`,
    );
  return sql.join([sql`count(*)::text AS "_count"`, ...parts], sql`, `);
}

function shapeTotals(definition: ReportDefinition, raw: Row): Row {
  const totals: Row = {};
  for (const column of definition.columns) {
    if (column.total) totals[column.key] = column.kind === 'area' ? raw[column.key] : Number(raw[column.key] ?? 0);
  }
  for (const column of definition.columns) {
    if (column.ratio && column.ratio.numerator in totals && column.ratio.denominator in totals) {
      totals[column.key] = ratioText(Number(totals[column.ratio.numerator]), Number(totals[column.ratio.denominator]));
    }
  }
  return totals;
}

export interface Totals {
  count: number;
  totals: Row;
  subtotals?: Row[];
}

export async function reportTotals(
  db: Executor,
  definition: ReportDefinition,
  filters: Record<string, unknown>,
  reader: ReportReader,
): Promise<Totals> {
  const source = definition.source(filters, reader);
  const [raw] = await queryRows<Row>(db, sql`SELECT ${totalsSelect(definition)} FROM (${source}) r`);
  const result: Totals = { count: Number(raw?._count ?? 0), totals: shapeTotals(definition, raw ?? {}) };
  if (definition.subtotalsBy) {
    const by = ident(definition.subtotalsBy);
    const rows = await queryRows<Row>(
      db,
      sql`SELECT ${by}, ${totalsSelect(definition)} FROM (${source}) r GROUP BY ${by} ORDER BY ${by}`,
    );
    // In the order of the column's labels (the aging buckets from not due to oldest), else by value.
    const labels = Object.keys(
      definition.columns.find((column) => column.key === definition.subtotalsBy)?.labels ?? {},
    );
    const rank = (value: unknown) => (labels.includes(String(value)) ? labels.indexOf(String(value)) : labels.length);
    rows.sort((a, b) => rank(a[definition.subtotalsBy!]) - rank(b[definition.subtotalsBy!]));
    result.subtotals = rows.map((row) => ({
      [definition.subtotalsBy!]: row[definition.subtotalsBy!],
      count: Number(row._count),
      ...shapeTotals(definition, row),
    }));
  }
  return result;
}

export async function reportPage(
  context: ReportContext,
  definition: ReportDefinition,
  filters: Record<string, unknown>,
  reader: ReportReader,
  page: number,
  pageSize: number,
): Promise<ReportPage> {
  const source = definition.source(filters, reader);
  const [rows, totals] = await Promise.all([
    queryRows<Row>(
      context.db,
      sql`SELECT * FROM (${source}) r ORDER BY ${definition.orderBy} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    ),
    reportTotals(context.db, definition, filters, reader),
  ]);
  return {
    items: rows.map((row) => shape(definition, row, context, reader)),
    total: totals.count,
    page,
    pageSize,
    totals: totals.totals,
    ...(totals.subtotals ? { subtotals: totals.subtotals } : {}),
    columns: columnViews(definition.columns),
  };
}

const BATCH_ROWS = 500;

/**
 * Every row of the report, in batches read through a server-side cursor in one read-only transaction (PGlite and
 * PostgreSQL alike), so memory holds one batch whatever the report's size. `each` may wait (back-pressure).
 */
export async function eachReportBatch(
  context: ReportContext,
  definition: ReportDefinition,
  filters: Record<string, unknown>,
  reader: ReportReader,
  each: (rows: Row[]) => Promise<void>,
): Promise<void> {
  const source = definition.source(filters, reader);
  await context.db.transaction(async (tx) => {
    await tx.execute(sql`DECLARE report_rows NO SCROLL CURSOR FOR
      SELECT * FROM (${source}) r ORDER BY ${definition.orderBy}`);
    for (;;) {
      const rows = await queryRows<Row>(tx, sql.raw(`FETCH ${BATCH_ROWS} FROM report_rows`));
      if (rows.length === 0) break;
      await each(rows.map((row) => shape(definition, row, context, reader)));
      if (rows.length < BATCH_ROWS) break;
    }
    await tx.execute(sql`CLOSE report_rows`);
  });
}

export const headerOf = (column: { zh: string; en: string }, language: Language) =>
  language === 'en' ? column.en : column.zh;
