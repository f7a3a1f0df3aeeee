import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { PiiCipher, type PiiKeyring, randomKeyring } from '../../src/crypto/pii.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.ts';
import { buildApp } from '../../src/server.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** The URL of another database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabase {
  database: Database;
  kind: 'pglite' | 'postgres';
  /** The keys of personal data already in the database (a seeded template's), if any. */
  keyring: PiiKeyring | undefined;
  close(): Promise<void>;
}

/** The migrated and seeded PGlite dump the global setup made, with the keys its personal data was encrypted with. */
function pgliteTemplate(): { dump: Blob; keyring: PiiKeyring } | undefined {
  const template = inject('pgliteTemplate');
  if (!template || !fs.existsSync(template.file)) return undefined;
  return {
    dump: new Blob([fs.readFileSync(template.file)]),
    keyring: {
      keys: template.keys.map(({ id, key }) => ({ id, key: Buffer.from(key, 'base64') })),
      indexKey: Buffer.from(template.indexKey, 'base64'),
    },
  };
}

/** A migrated and seeded database of the kind the test project asks for: PGlite in memory, or a PostgreSQL database of its own. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const kind = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
  if (kind === 'pglite') {
    const template = pgliteTemplate();
    const database = await openDatabase({ pgliteTemplate: template?.dump });
    await migrate(database);
    return { database, kind, keyring: template?.keyring, close: () => database.close() };
  }
  // A database of its own, copied from the migrated and seeded template the global setup made.
  const template = inject('postgresTemplate');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const server = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await server.connect();
  try {
    await server.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template.database}` : ''}`);
  } finally {
    await server.end();
  }
  const database = await openDatabase({ url: databaseUrl(name), poolSize: 5 });
  await migrate(database);
  return {
    database,
    kind,
    keyring: template && {
      keys: template.keys.map(({ id, key }) => ({ id, key: Buffer.from(key, 'base64') })),
      indexKey: Buffer.from(template.indexKey, 'base64'),
    },
    async close() {
      await database.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestApp extends TestDatabase {
  app: FastifyInstance;
  config: Config;
  orgId: string;
  /** This app's personal-data cipher (random keys per test app). */
  pii: PiiCipher;
  /** Logs a demo user in and returns the bearer token. */
  login(username: string): Promise<string>;
  /** Headers for a demo user's requests. */
  as(username: string): Promise<Record<string, string>>;
}

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const test = await openTestDatabase();
  const keyring = test.keyring ?? randomKeyring();
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-storage-'));
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test' }),
    jobs: false,
    piiKeys: keyring.keys,
    piiIndexKey: keyring.indexKey,
    storageDir,
    ...overrides,
  };
  const pii = new PiiCipher(keyring);
  // Idempotent: on a seeded template it only finds the demo organisation.
  const { orgId } = await seedDemo(test.database.orm, { pii });
  const app = await buildApp({ config, database: test.database, pii });
  const tokens = new Map<string, string>();
  async function login(username: string) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: DEMO_PASSWORD },
    });
    if (response.statusCode !== 200) throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
    return response.json().token as string;
  }
  return {
    ...test,
    app,
    config,
    orgId,
    pii,
    login,
    async as(username) {
      if (!tokens.has(username)) tokens.set(username, await login(username));
      return { authorization: `Bearer ${tokens.get(username)}` };
    },
    async close() {
      await app.close();
      await test.close();
      fs.rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

export function problemOf(response: LightMyRequestResponse) {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json() as {
    status: number;
    code: string;
    detail: string;
    errors?: { path: string; message: string; row?: number; column?: string }[];
  };
}
