// Vitest global setup for the PostgreSQL project: migrate and seed one database once; every test file then gets
// its own copy (CREATE DATABASE … TEMPLATE, a file copy) instead of migrating and seeding the demo again.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PiiCipher, randomKeyring } from '../../src/crypto/pii.ts';
import { openDatabase } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { databaseUrl, TEST_DATABASE_URL } from './app.ts';

export interface PostgresTemplate {
  database: string;
  /** The personal-data keys the seeded rows were encrypted with, base64. */
  keys: { id: string; key: string }[];
  indexKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplate: PostgresTemplate;
  }
}

async function onServer(statement: string) {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  const name = `assetpay_template_${randomBytes(5).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const keyring = randomKeyring();
  const database = await openDatabase({ url: databaseUrl(name), poolSize: 2 });
  try {
    await migrate(database);
    await seedDemo(database.orm, { pii: new PiiCipher(keyring) });
    // Statistics now, not whenever autovacuum comes by: the copies are made from the first test file on.
    await database.executeSql('ANALYZE');
  } finally {
    await database.close();
  }
  project.provide('postgresTemplate', {
    database: name,
    keys: keyring.keys.map(({ id, key }) => ({ id, key: key.toString('base64') })),
    indexKey: keyring.indexKey.toString('base64'),
  });
  return () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
