// Bulk load with COPY inside the caller's transaction. PostgreSQL: COPY … FROM STDIN streamed through
// pg-copy-streams on the transaction's own connection (rows flow as they are produced, with backpressure).
// PGlite: COPY … FROM '/dev/blob' with the rows handed over as a Blob, a batch at a time (it runs in this process,
// so a batch is the only buffer). Rows are encoded in COPY's text format.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Executor } from './client.ts';

export type CopyValue = string | number | bigint | Date | null | undefined;

interface QueryClient {
  query(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown>;
}

/** Bytes of encoded rows sent as one piece (PostgreSQL) and rows per COPY (PGlite). */
const SEND_BYTES = 256 * 1024;
const PGLITE_BATCH_ROWS = 50_000;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => ESCAPES[char]!) : value;
}

/** One row as a line of COPY text format. */
export const copyLine = (row: readonly CopyValue[]): string => `${row.map(copyField).join('\t')}\n`;

/**
 * The driver's connection under Drizzle: node-postgres's PoolClient inside a transaction (the Pool outside one),
 * PGlite's Transaction (or the PGlite instance). Drizzle keeps it on the session; it has no public accessor.
 */
function driverClientOf(executor: Executor): unknown {
  const client = (executor as unknown as { session?: { client?: unknown } }).session?.client;
  if (!client) throw new Error('copyRows: no driver client behind this executor');
  return client;
}

/**
 * Loads `rows` into `table (columns)` by COPY and answers how many rows went in. An error thrown while producing the
 * rows aborts the COPY (and so the caller's transaction) and is rethrown as it came.
 */
export async function copyRows(
  executor: Executor,
  table: string,
  columns: readonly string[],
  rows: AsyncIterable<readonly CopyValue[]> | Iterable<readonly CopyValue[]>,
): Promise<number> {
  const target = `${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')})`;
  const client = driverClientOf(executor);
  if (client instanceof pg.Pool) {
    const connection = await client.connect();
    try {
      return await copyToPostgres(connection, target, rows);
    } finally {
      connection.release();
    }
  }
  if (client instanceof pg.Client) return copyToPostgres(client, target, rows);
  return copyToPglite(client as QueryClient, target, rows);
}

async function copyToPostgres(
  client: pg.ClientBase,
  target: string,
  rows: AsyncIterable<readonly CopyValue[]> | Iterable<readonly CopyValue[]>,
): Promise<number> {
  let count = 0;
  async function* encoded() {
    let pending = '';
    for await (const row of rows) {
      pending += copyLine(row);
      count += 1;
      if (pending.length >= SEND_BYTES) {
        yield Buffer.from(pending, 'utf8');
        pending = '';
      }
    }
    if (pending) yield Buffer.from(pending, 'utf8');
  }
  const copy = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  await pipeline(Readable.from(encoded(), { objectMode: false }), copy);
  return count;
}

async function copyToPglite(
  client: QueryClient,
  target: string,
  rows: AsyncIterable<readonly CopyValue[]> | Iterable<readonly CopyValue[]>,
): Promise<number> {
  let count = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await client.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob(batch) });
    batch = [];
  };
  for await (const row of rows) {
    batch.push(copyLine(row));
    count += 1;
    if (batch.length >= PGLITE_BATCH_ROWS) await flush();
  }
  await flush();
  return count;
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`copyRows: unexpected identifier ${name}`);
  return name;
}
