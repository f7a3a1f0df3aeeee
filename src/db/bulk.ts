import { getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './client.ts';

/**
 * Inserts many rows with one statement per chunk, each column sent as a single array parameter and spread by
 * `unnest` — a few round trips and a handful of parameters however many rows (about 5× faster than a multi-row
 * VALUES list on PostgreSQL and on PGlite). Columns absent from every row keep their defaults.
 */
export async function insertByColumns<T extends PgTable>(
  db: Executor,
  table: T,
  rows: T['$inferInsert'][],
  chunkSize = 1000,
): Promise<void> {
  if (rows.length === 0) return;
  const records = rows as Record<string, unknown>[];
  const columns = Object.entries(getTableColumns(table)).filter(([key]) =>
    records.some((row) => row[key] !== undefined),
  );
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  for (let start = 0; start < records.length; start += chunkSize) {
    const chunk = records.slice(start, start + chunkSize);
    const arrays = sql.join(
      columns.map(
        ([key, column]) => sql`${sql.param(chunk.map((row) => row[key] ?? null))}::${sql.raw(column.getSQLType())}[]`,
      ),
      sql`, `,
    );
    await db.execute(sql`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`);
  }
}
