// Backup and restore (docs/backup-restore.md): the demo with some payments posted, dumped as the procedure says
// (pg_dump -Fc on PostgreSQL, the PGlite data directory's tarball through `npm run cli -- backup`'s function),
// restored into a fresh database, and checked there: every table's rows, the audit chains, the trial balance. Then
// one audit row changed behind the append-only trigger's back: the chain check names it.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restorePgliteBackup, writePgliteBackup } from '../../src/cli.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { chinaDate } from '../../src/domain/calendar.ts';
import { auditService } from '../../src/modules/audit/service.ts';
import { ledgerService } from '../../src/modules/ledger/service.ts';
import { createTestApp, databaseUrl, TEST_DATABASE_URL, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let restored: Database;
let dropRestored = async () => {};
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-backup-'));

async function rows<T>(database: Database, text: string, values?: unknown[]): Promise<T[]> {
  return (await database.executeSql(text, values)).rows as T[];
}

/** Every table of the app's schema with its row count. */
async function rowCounts(database: Database): Promise<Record<string, number>> {
  const tables = await rows<{ name: string }>(
    database,
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await rows<{ n: string }>(database, `SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(row!.n);
  }
  return counts;
}

async function trialBalances(database: Database) {
  const orgs = await rows<{ id: string }>(database, 'SELECT id FROM orgs ORDER BY id');
  return Promise.all(orgs.map(({ id }) => ledgerService.trialBalance(database.orm, id, { to: chinaDate(new Date()) })));
}

beforeAll(async () => {
  t = await createTestApp();
  // Some postings of today beside the demo's: three bank transfers from tenants who owe rent.
  const owing = await rows<{ tenant_id: string }>(
    t.database,
    `SELECT tenant_id FROM bills WHERE status IN ('open', 'partial') GROUP BY tenant_id ORDER BY tenant_id LIMIT 3`,
  );
  expect(owing).toHaveLength(3);
  const caiwu = await t.as('caiwu');
  for (const [index, { tenant_id: tenantId }] of owing.entries()) {
    const paid = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments',
      headers: { ...caiwu, 'idempotency-key': randomUUID() },
      payload: {
        tenantId,
        amountFen: 50_000 + index,
        receivedOn: chinaDate(new Date()),
        method: 'bank_transfer',
        reference: `BACKUP-TEST-${index}-${randomBytes(3).toString('hex')}`,
      },
    });
    expect(paid.statusCode, paid.body).toBe(201);
  }

  if (t.kind === 'pglite') {
    // `npm run cli -- backup` and `restore`, on this test's in-memory database.
    const file = path.join(workDir, 'assetpay.tar');
    await writePgliteBackup(t.database, file);
    restored = await restorePgliteBackup(file, path.join(workDir, 'restored'));
  } else {
    const [{ name }] = (await rows<{ name: string }>(t.database, 'SELECT current_database() AS name')) as [
      { name: string },
    ];
    const file = path.join(workDir, 'assetpay.dump');
    execFileSync('pg_dump', ['-Fc', '--no-owner', '-f', file, databaseUrl(name)]);
    const copy = `restored_${randomBytes(5).toString('hex')}`;
    const server = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await server.connect();
    await server.query(`CREATE DATABASE ${copy}`);
    await server.end();
    dropRestored = async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
      await client.end();
    };
    execFileSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', databaseUrl(copy), file]);
    restored = await openDatabase({ url: databaseUrl(copy), poolSize: 2 });
  }
  // What the server does on its first start on the restored copy: nothing to migrate.
  expect(await migrate(restored)).toEqual([]);
}, 300_000);

afterAll(async () => {
  await restored?.close();
  await dropRestored();
  await t?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('restores every row of every table', async () => {
    const original = await rowCounts(t.database);
    expect(original.journal_lines).toBeGreaterThan(100);
    expect(original.audit_log).toBeGreaterThan(100);
    expect(await rowCounts(restored)).toEqual(original);
  });

  it('restores audit chains that verify, entry for entry', async () => {
    const before = await auditService.verify(t.database.orm);
    const after = await auditService.verify(restored.orm);
    expect(after.valid).toBe(true);
    expect(after.checkedEntries).toBe(before.checkedEntries);
    expect(after.chains).toEqual(before.chains);
  });

  it('restores a trial balance that balances and equals the original one', async () => {
    const before = await trialBalances(t.database);
    const after = await trialBalances(restored);
    expect(after.length).toBeGreaterThan(0);
    for (const balance of after) expect(balance.balanced).toBe(true);
    expect(after).toEqual(before);
  });

  it('names the audit row changed in the restored copy behind the append-only trigger', async () => {
    const [target] = await rows<{ id: number; chain: string; seq: number }>(
      restored,
      `SELECT id, chain, seq FROM audit_log WHERE action = 'payment.record' ORDER BY seq DESC LIMIT 1`,
    );
    expect(target).toBeDefined();
    // As a superuser would: the trigger refuses the UPDATE, so it is switched off for it.
    await expect(
      restored.executeSql(`UPDATE audit_log SET actor_name = 'someone else' WHERE id = $1`, [target!.id]),
    ).rejects.toThrow(/append-only/);
    await restored.executeSql(
      `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete;
       UPDATE audit_log SET after = jsonb_set(after, '{amountFen}', '1') WHERE id = ${Number(target!.id)};
       ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete;`,
    );
    const checked = await auditService.verify(restored.orm);
    expect(checked.valid).toBe(false);
    const broken = checked.chains.find((chain) => !chain.valid)!;
    expect(broken.chain).toBe(target!.chain);
    expect(Number(broken.brokenAt!.seq)).toBe(Number(target!.seq));
    // The original is untouched.
    expect((await auditService.verify(t.database.orm)).valid).toBe(true);
  });
});
