// Bulk load with COPY inside the caller's transaction. PostgreSQL: COPY … FROM STDIN streamed through
// pg-copy-streams on the transaction's own connection (rows flow as they are produced, with backpressure).
// PGlite: COPY … FROM '/dev/blob' with the rows handed over as a Blob, a batch at a time (it runs in this process,
// so a batch is the only buffer). Rows are encoded in COPY's text format, while they are sent (copyRows) or a slice
// ahead (copyTextSlices, then copyText: the next slice is read while the database writes this one).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Executor } from './client.ts';

export type CopyValue = string | number | bigint | Date | null | undefined;

interface QueryClient {
  query(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown>;
}

/** Bytes of encoded rows sent as one piece (PostgreSQL), and given to one COPY (PGlite). */
const SEND_BYTES = 256 * 1024;
const PGLITE_BATCH_BYTES = 8 * 1024 * 1024;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => ESCAPES[char]!) : value;
}

/** One row as a line of COPY text format (a loop, not map and join: a million rows make no arrays). */
export function copyLine(row: readonly CopyValue[]): string {
  let line = copyField(row[0]);
  for (let index = 1; index < row.length; index += 1) line += `\t${copyField(row[index])}`;
  return `${line}\n`;
}

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
  let count = 0;
  async function* counted() {
    for await (const row of rows) {
      count += 1;
      yield row;
    }
  }
  await copyText(executor, table, columns, copyTextOf(counted()));
  return count;
}

/** Rows as COPY text, in pieces of about SEND_BYTES, each ending at a row's end. */
async function* copyTextOf(rows: AsyncIterable<readonly CopyValue[]>): AsyncGenerator<Buffer> {
  let pending = '';
  for await (const row of rows) {
    pending += copyLine(row);
    if (pending.length >= SEND_BYTES) {
      yield Buffer.from(pending, 'utf8');
      pending = '';
    }
  }
  if (pending) yield Buffer.from(pending, 'utf8');
}

/**
 * The rows as slices of at most `rowsPerSlice` rows, each slice its COPY text (for `copyText`): a slice is encoded
 * whole before it is handed on, so the next one can be read and encoded while the last is being written. Every slice
 * is written into the same memory: load one (copyText resolves once the database has it all) before asking for the
 * next. A million rows then hold one slice's bytes, not a hundred megabytes of pieces waiting to be collected.
 */
export async function* copyTextSlices(
  rows: AsyncIterable<readonly CopyValue[]>,
  rowsPerSlice: number,
): AsyncGenerator<Buffer[]> {
  let memory = Buffer.allocUnsafe(SEND_BYTES * 4);
  let used = 0;
  let pending = '';
  let count = 0;
  const keep = () => {
    const bytes = Buffer.byteLength(pending, 'utf8');
    if (used + bytes > memory.length) {
      const larger = Buffer.allocUnsafe(Math.max(memory.length * 2, used + bytes));
      memory.copy(larger, 0, 0, used);
      memory = larger;
    }
    used += memory.write(pending, used, 'utf8');
    pending = '';
  };
  for await (const row of rows) {
    pending += copyLine(row);
    count += 1;
    if (pending.length >= SEND_BYTES) keep();
    if (count === rowsPerSlice) {
      keep();
      yield [memory.subarray(0, used)];
      used = 0;
      count = 0;
    }
  }
  keep();
  if (used > 0) yield [memory.subarray(0, used)];
}

/** Loads COPY text (whole rows in each piece) into `table (columns)`. */
export async function copyText(
  executor: Executor,
  table: string,
  columns: readonly string[],
  text: AsyncIterable<Buffer> | Iterable<Buffer>,
): Promise<void> {
  const target = `${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')})`;
  const client = driverClientOf(executor);
  if (client instanceof pg.Pool) {
    const connection = await client.connect();
    try {
      return await copyToPostgres(connection, target, text);
    } finally {
      connection.release();
    }
  }
  if (client instanceof pg.Client) return copyToPostgres(client, target, text);
  return copyToPglite(client as QueryClient, target, text);
}

async function copyToPostgres(
  client: pg.ClientBase,
  target: string,
  text: AsyncIterable<Buffer> | Iterable<Buffer>,
): Promise<void> {
  const copy = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  await pipeline(Readable.from(text, { objectMode: false }), copy);
}

async function copyToPglite(
  client: QueryClient,
  target: string,
  text: AsyncIterable<Buffer> | Iterable<Buffer>,
): Promise<void> {
  let batch: Buffer[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    // The pieces are never backed by shared memory, which is all that Blob's type rules out.
    await client.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob(batch as BlobPart[]) });
    batch = [];
    bytes = 0;
  };
  for await (const piece of text) {
    batch.push(piece);
    bytes += piece.length;
    if (bytes >= PGLITE_BATCH_BYTES) await flush();
  }
  await flush();
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`copyRows: unexpected identifier ${name}`);
  return name;
}
