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
