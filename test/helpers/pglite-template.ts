// Vitest global setup for the PGlite project: migrate and seed one embedded database once and hand its dump
// to every test file, which then skips PGlite's initdb, the migrations and the demo seed (seconds each on 2 cores).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PiiCipher, randomKeyring } from '../../src/crypto/pii.ts';
import { openDatabase } from '../../src/db/client.ts';
import { maintainTables } from '../../src/db/maintenance.ts';
import { migrate } from '../../src/db/migrate.ts';
import { seedDemo } from '../../src/demo/seed.ts';

export interface PgliteTemplate {
  file: string;
  /** The personal-data keys the seeded rows were encrypted with, base64. */
  keys: { id: string; key: string }[];
  indexKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: PgliteTemplate;
  }
}

export default async function setup(project: TestProject) {
  const keyring = randomKeyring();
  const database = await openDatabase({});
  await migrate(database);
  await seedDemo(database.orm, { pii: new PiiCipher(keyring) });
  // Statistics, as the product gathers them on PGlite after its demo seed (src/db/maintenance.ts): without them the
  // planner guesses, and a page of the demo journal's vouchers took 0.5 s instead of 0.1 s (vouchers.test.ts 190 s
  // instead of 14 s).
  await maintainTables(database.orm);
  const dump = await database.dumpDataDir!();
  await database.close();
  const file = path.join(os.tmpdir(), `assetpay-pglite-template-${process.pid}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', {
    file,
    keys: keyring.keys.map(({ id, key }) => ({ id, key: key.toString('base64') })),
    indexKey: keyring.indexKey.toString('base64'),
  });
  return () => fs.rmSync(file, { force: true });
}
