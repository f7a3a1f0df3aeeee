// The real app for the benchmarks that talk to it over HTTP: buildApp on PostgreSQL (a database of its own, dropped on
// close) or PGlite in memory, migrated, the demo organisation seeded, listening on a free port of 127.0.0.1. Logs at
// info go to /dev/null (written, as in production, but kept off the figure lines on stdout).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config.ts';
import { PiiCipher, randomKeyring } from '../src/crypto/pii.ts';
import { type Database, type Orm, openDatabase, queryRows, sql } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.ts';
import { buildApp } from '../src/server.ts';
import { freshPostgresDatabase, postgresReachable } from './_figure.ts';

export interface BenchApp {
  url: string;
  app: FastifyInstance;
  database: Database;
  orgId: string;
  /** The key the app signs pay links with. */
  payLinkKey: Buffer;
  seedSeconds: number;
  /** A demo user's bearer token. */
  login(username: string): Promise<string>;
  close(): Promise<void>;
}

export async function startBenchApp(name: string, { pglite = false }: { pglite?: boolean } = {}): Promise<BenchApp> {
  const onPglite = pglite || !(await postgresReachable());
  const fresh = onPglite ? null : await freshPostgresDatabase(`assetpay_bench_${name}`);
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), `assetpay-bench-${name}-`));
  const database = await openDatabase(fresh ? { url: fresh.url } : {});
  const close = async (app?: FastifyInstance) => {
    await app?.close();
    await database.close();
    await fresh?.drop();
    fs.rmSync(storageDir, { recursive: true, force: true });
  };
  try {
    await migrate(database);
    const keyring = randomKeyring();
    const pii = new PiiCipher(keyring);
    const seedStart = performance.now();
    const { orgId } = await seedDemo(database.orm, { pii });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const config = {
      ...loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'info' }),
      jobs: false,
      piiKeys: keyring.keys,
      piiIndexKey: keyring.indexKey,
      storageDir,
    };
    const payLinkKey = randomBytes(32);
    const app = await buildApp({ config, database, pii, payLinkKey, logStream: fs.createWriteStream('/dev/null') });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    return {
      url,
      app,
      database,
      orgId,
      payLinkKey,
      seedSeconds,
      async login(username) {
        const response = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: DEMO_PASSWORD }),
        });
        if (!response.ok) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
        return ((await response.json()) as { token: string }).token;
      },
      close: () => close(app),
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A benchmark's own organisation in a freshly migrated database; the caller closes the database. */
export async function openBenchOrg(url: string, code: string, name: string) {
  const database = await openDatabase({ url, poolSize: 4 });
  await migrate(database);
  return { database, db: database.orm, orgId: await insertBenchOrg(database.orm, code, name) };
}

/** A benchmark's own organisation, its id answered. */
export async function insertBenchOrg(db: Orm, code: string, name: string): Promise<string> {
  const [org] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO orgs (code, name) VALUES (${code}, ${name}) RETURNING id`,
  );
  return org!.id;
}
