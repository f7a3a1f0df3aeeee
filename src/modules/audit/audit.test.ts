import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { auditVerify } from '../../cli.ts';
import { type Executor, queryRows } from '../../db/client.ts';
import { auditService } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // A few more entries to tamper with.
  for (const username of ['caiwu', 'zichan', 'shenpi']) await t.login(username);
});
afterAll(() => t.close());

/** Tampering goes around the append-only trigger, as someone with database access could. */
async function tamper(statement: ReturnType<typeof sql>) {
  await t.database.orm.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`);
    await tx.execute(statement);
    await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER USER`);
  });
}

async function cliVerify() {
  const lines: string[] = [];
  const exitCode = await auditVerify(t.database, [], (line) => lines.push(line));
  return { exitCode, output: lines.join('\n') };
}

describe('the audit hash chain', () => {
  let snapshot: { id: number; after: unknown }[] = [];
  beforeEach(async () => {
    const rows = (await t.database.orm.execute(sql`SELECT id, after FROM audit_log ORDER BY id`)) as unknown as {
      rows: { id: number; after: unknown }[];
    };
    snapshot = rows.rows;
  });

  it('verifies intact', async () => {
    const { exitCode, output } = await cliVerify();
    expect(exitCode).toBe(0);
    expect(output).toMatch(/审计日志校验通过，共 \d+ 条/);
  });

  it('refuses UPDATE and DELETE from the application', async () => {
    await expect(t.database.orm.execute(sql`UPDATE audit_log SET action = 'x' WHERE id = 1`)).rejects.toThrow();
    await expect(t.database.orm.execute(sql`DELETE FROM audit_log WHERE id = 1`)).rejects.toThrow();
  });

  /** Alters the database behind the application's back, verifies, then puts the original row back. */
  async function tamperAndVerify(id: number, statement: ReturnType<typeof sql>) {
    await t.database.orm.execute(sql`CREATE TABLE audit_saved AS SELECT * FROM audit_log WHERE id = ${id}`);
    await tamper(statement);
    const result = await cliVerify();
    await tamper(sql`DELETE FROM audit_log WHERE id = ${id}`);
    await tamper(sql`INSERT INTO audit_log SELECT * FROM audit_saved`);
    await t.database.orm.execute(sql`DROP TABLE audit_saved`);
    return result;
  }

  it('finds a row changed directly in the database', async () => {
    const victim = snapshot[3]!;
    const { exitCode, output } = await tamperAndVerify(
      victim.id,
      sql`UPDATE audit_log SET action = 'auth.logout' WHERE id = ${victim.id}`,
    );
    expect(exitCode).toBe(1);
    expect(output).toContain(`id=${victim.id} 原因=hash_mismatch`);
    expect((await cliVerify()).exitCode).toBe(0);
  });

  it('finds a row deleted from the middle', async () => {
    const victim = snapshot[2]!;
    const { exitCode, output } = await tamperAndVerify(victim.id, sql`DELETE FROM audit_log WHERE id = ${victim.id}`);
    expect(exitCode).toBe(1);
    expect(output).toMatch(/第一个断点 seq=\d+ id=\d+ 原因=seq_gap/);
    expect((await cliVerify()).exitCode).toBe(0);
  });

  it('finds the newest row deleted: the chain head no longer matches', async () => {
    const newest = snapshot.at(-1)!;
    const { exitCode, output } = await tamperAndVerify(newest.id, sql`DELETE FROM audit_log WHERE id = ${newest.id}`);
    expect(exitCode).toBe(1);
    expect(output).toMatch(/原因=head_mismatch/);
    const verification = await t.app.inject({ url: '/api/v1/audit-log/verification', headers: await t.as('admin') });
    expect(verification.json().valid).toBe(true);
  });
});

describe('entries written last (auditService.writtenLast)', () => {
  // The demo organisation's chain: its head exists (the logins above), so locking it is a real test.
  const actor = () => ({
    kind: 'system' as const,
    orgId: t.orgId,
    id: null,
    name: '审计测试',
    ip: null,
    userAgent: null,
  });
  const entriesOf = async (db: Executor, actions: string[]) =>
    queryRows<{ action: string; seq: number }>(
      db,
      sql`SELECT action, seq FROM audit_log WHERE chain = ${t.orgId} AND action IN ${actions} ORDER BY seq`,
    );

  it('holds the entries until the work ends, then chains them in the order recorded, the head free meanwhile', async () => {
    const actions = ['test.first', 'test.second', 'test.third'];
    await t.database.orm.transaction((tx) =>
      auditService.writtenLast(tx, async () => {
        await auditService.record(tx, actor(), { action: 'test.first' });
        // Nested: the same transaction's entries still wait for the outer work's end.
        await auditService.writtenLast(tx, () => auditService.record(tx, actor(), { action: 'test.second' }));
        await auditService.record(tx, actor(), { action: 'test.third' });
        expect(await entriesOf(tx, actions)).toEqual([]);
        if (t.database.kind === 'postgres') {
          // Another connection takes the chain head at once: nothing of this transaction holds it yet.
          await t.database.orm.transaction(async (other) => {
            await other.execute(sql`SELECT 1 FROM audit_chain WHERE chain = ${t.orgId} FOR UPDATE NOWAIT`);
          });
        }
      }),
    );
    const written = await entriesOf(t.database.orm, actions);
    expect(written.map((entry) => entry.action)).toEqual(actions);
    expect(written.map((entry) => entry.seq - written[0]!.seq)).toEqual([0, 1, 2]);
    expect((await cliVerify()).exitCode).toBe(0);
  });

  it('writes nothing when the work fails', async () => {
    await expect(
      t.database.orm.transaction((tx) =>
        auditService.writtenLast(tx, async () => {
          await auditService.record(tx, actor(), { action: 'test.failed' });
          throw new Error('the use case failed');
        }),
      ),
    ).rejects.toThrow('the use case failed');
    expect(await entriesOf(t.database.orm, ['test.failed'])).toEqual([]);
    expect((await cliVerify()).exitCode).toBe(0);
  });
});
