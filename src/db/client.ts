import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { emptyClusterTemplate, isNewDataDir } from './pglite-cluster.ts';
import * as schema from './schema.ts';

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Orm['transaction']>[0]>[0];
/** Either the database or an open transaction: repositories take this so a use case can own the transaction. */
export type Executor = Orm | Tx;

/** A single connection for statements that must share a session (migrations, advisory locks). */
export interface SqlSession {
  exec(text: string): Promise<void>;
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  orm: Orm;
  /** pg-boss's adapter: empty `values` means a multi-statement script. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** PGlite only: the whole data directory as a tarball, e.g. a migrated template for tests. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… for PostgreSQL; otherwise PGlite. */
  url?: string;
  /** PGlite data directory; `memory://` or undefined keeps it in memory. */
  dataDir?: string;
  /** PostgreSQL schema to use as search_path (created if missing). */
  schema?: string;
  poolSize?: number;
  /** A PGlite data directory dump (from `dumpDataDir`) to start from instead of an empty cluster. */
  pgliteTemplate?: Blob;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options.schema, options.poolSize ?? 10)
    : openPglite(options.dataDir, options.pgliteTemplate);
}

async function openPglite(dataDir: string | undefined, given: Blob | undefined): Promise<Database> {
  let template = given;
  if (dataDir && !dataDir.startsWith('memory://')) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    if (!template && isNewDataDir(dataDir)) template = emptyClusterTemplate();
  }
  const client = await PGlite.create(dataDir ?? 'memory://', {
    extensions: { btree_gist },
    ...(template ? { loadDataDir: template } : {}),
  });
  await client.exec("SET TIME ZONE 'Asia/Shanghai'");
  const orm = drizzlePglite(client, { schema }) as unknown as Orm;
  const session: SqlSession = {
    async exec(text) {
      await client.exec(text);
    },
    async query<T>(text: string, params?: unknown[]) {
      return (await client.query<T>(text, params)).rows;
    },
  };
  return {
    kind: 'pglite',
    orm,
    async executeSql(text, values) {
      if (!values || values.length === 0) {
        const results = await client.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }
      return { rows: (await client.query(text, values)).rows };
    },
    withSession: (work) => work(session),
    dumpDataDir: async () => (await client.dumpDataDir('none')) as Blob,
    close: () => client.close(),
  };
}

async function openPostgres(url: string, schemaName: string | undefined, poolSize: number): Promise<Database> {
  if (schemaName && !/^[a-z_][a-z0-9_]*$/.test(schemaName)) throw new Error(`无效的数据库 schema 名称: ${schemaName}`);
  if (schemaName) {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schemaName}`);
    } finally {
      await setup.end();
    }
  }
  const searchPath = schemaName ? `-c search_path=${schemaName},public ` : '';
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // JIT off: our queries are short and indexed; compiling them cost ~870 ms per dashboard aggregate over 1,000,000
    // bills, four times the query itself (bench/reports.ts, 2026-11-26).
    options: `${searchPath}-c timezone=Asia/Shanghai -c jit=off`,
  });
  // A dropped idle connection (server restart) must not crash the process; the pool reconnects on demand.
  pool.on('error', () => {});
  // Nor one dropped while checked out between two statements (an open transaction awaiting the app): the pool listens
  // only to idle clients, and an unheard 'error' killed the process when PostgreSQL restarted under load
  // (test/faults/postgres-restart.test.ts). The client's next query fails instead and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  const orm = drizzleNodePg(pool, { schema }) as unknown as Orm;
  return {
    kind: 'postgres',
    orm,
    async executeSql(text, values) {
      const result = await pool.query(text, values && values.length > 0 ? values : undefined);
      const last = Array.isArray(result) ? result.at(-1) : result;
      return { rows: last?.rows ?? [] };
    },
    async withSession(work) {
      const client = await pool.connect();
      try {
        return await work({
          async exec(text) {
            await client.query(text);
          },
          async query<T>(text: string, params?: unknown[]) {
            return (await client.query(text, params)).rows as T[];
          },
        });
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Rows of a raw SQL query, the same on PGlite and PostgreSQL. */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };
