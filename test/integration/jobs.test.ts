import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { scheduledJobs } from '../../src/jobs/index.ts';
import { type Scheduler, startScheduler } from '../../src/jobs/scheduler.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let scheduler: Scheduler;
beforeAll(async () => {
  t = await createTestApp();
  scheduler = await startScheduler(t.database, scheduledJobs({ auth: t.app.auth, db: t.database.orm }), 'pgboss');
});
afterAll(async () => {
  await scheduler.stop();
  await t.close();
});

describe('scheduled jobs on pg-boss', () => {
  it('schedules the session clean-up and, run through the queue, removes only idle sessions', async () => {
    const schedules = await scheduler.boss.getSchedules();
    expect(schedules.map((schedule) => schedule.name)).toContain('session-cleanup');

    await t.login('caiwu');
    await t.login('zichan');
    await t.database.orm.execute(
      sql`UPDATE sessions SET last_seen_at = now() - interval '45 minutes' WHERE user_id = (SELECT id FROM users WHERE username = 'caiwu')`,
    );
    const output = await scheduler.runNow('session-cleanup');
    expect(output).toEqual({ removed: 1 });
    const remaining = await queryRows<{ username: string }>(
      t.database.orm,
      sql`SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id`,
    );
    expect(remaining.map((row) => row.username)).toEqual(['zichan']);
  });

  it('schedules the daily contract run, which expires, frees units and alerts through the queue', async () => {
    const schedules = await scheduler.boss.getSchedules();
    expect(schedules.find((schedule) => schedule.name === 'contract-daily')).toMatchObject({ cron: '5 0 * * *' });
    const output = (await scheduler.runNow('contract-daily')) as Record<string, number>;
    expect(Object.keys(output).sort()).toEqual(['alerted', 'expired', 'released']);
  });
});

describe('the embedded database upkeep (PGlite has no autovacuum)', () => {
  it('is scheduled on PGlite only, gathers statistics once enough rows changed and clears dead rows', async () => {
    const jobs = scheduledJobs({ auth: t.app.auth, db: t.database.orm, databaseKind: t.database.kind });
    const upkeep = jobs.find((job) => job.name === 'embedded-database-upkeep');
    if (t.database.kind === 'postgres') {
      expect(upkeep).toBeUndefined();
      return;
    }
    expect(upkeep).toMatchObject({ cron: '*/10 * * * *' });
    const db = t.database.orm;
    const planned = async () => {
      const [row] = await queryRows<{ reltuples: number; analyzed: boolean }>(
        db,
        sql`SELECT c.reltuples::float8 AS reltuples, s.last_analyze IS NOT NULL AS analyzed
              FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
             WHERE c.oid = 'upkeep_probe'::regclass`,
      );
      return row!;
    };
    await db.execute(sql`CREATE TABLE upkeep_probe (id integer PRIMARY KEY, note text)`);
    await db.execute(sql`INSERT INTO upkeep_probe SELECT g, 'x' FROM generate_series(1, 2000) g`);
    // Nothing else ever analyzes an embedded table: the planner still knows nothing of its rows.
    expect(await planned()).toEqual({ reltuples: -1, analyzed: false });

    const first = (await upkeep!.run()) as { analyzed: string[]; vacuumed: string[] };
    expect(first.analyzed).toContain('upkeep_probe');
    expect(await planned()).toEqual({ reltuples: 2000, analyzed: true });

    // Below the threshold (50 rows + 10%): left alone. Past it, with enough dead rows (50 + 20%): vacuumed too.
    await db.execute(sql`UPDATE upkeep_probe SET note = 'y' WHERE id <= 100`);
    const quiet = (await upkeep!.run()) as { analyzed: string[]; vacuumed: string[] };
    expect(quiet.analyzed).not.toContain('upkeep_probe');
    await db.execute(sql`DELETE FROM upkeep_probe WHERE id <= 1500`);
    const after = (await upkeep!.run()) as { analyzed: string[]; vacuumed: string[] };
    expect(after.vacuumed).toContain('upkeep_probe');
    expect(await planned()).toEqual({ reltuples: 500, analyzed: true });
    const [dead] = await queryRows<{ n: number }>(
      db,
      sql`SELECT n_dead_tup::int AS n FROM pg_stat_user_tables WHERE relid = 'upkeep_probe'::regclass`,
    );
    expect(dead!.n).toBe(0);
  });
});
