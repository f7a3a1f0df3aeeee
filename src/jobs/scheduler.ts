import PgBoss from 'pg-boss';
import type { Database } from '../db/client.ts';

export interface ScheduledJob {
  name: string;
  /** Cron in China time. */
  cron: string;
  run(): Promise<unknown>;
}

export interface Scheduler {
  boss: PgBoss;
  /** Runs a job now through the queue and waits for it, e.g. from a test or the CLI. */
  runNow(name: string): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * pg-boss on either database. With several instances on one PostgreSQL each cron fires once,
 * because pg-boss keeps the schedule and the queue in the database.
 */
export async function startScheduler(database: Database, jobs: ScheduledJob[], schema = 'pgboss'): Promise<Scheduler> {
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => database.executeSql(text, values) },
    schema,
    supervise: true,
    schedule: true,
    migrate: true,
  });
  boss.on('error', (error) => console.error('[jobs]', error.message));
  // pg-boss 10 creates its schema and each queue (a partition, then a row) without a lock: instances starting
  // together on one PostgreSQL failed on the schema ("pgboss" already exists) or deadlocked in create_queue. They take
  // turns, and a queue that exists is left alone.
  await database.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock(7263510003)');
    try {
      await boss.start();
      for (const job of jobs) if (!(await boss.getQueue(job.name))) await boss.createQueue(job.name);
    } finally {
      await session.query('SELECT pg_advisory_unlock(7263510003)');
    }
  });
  const handlers = new Map<string, ScheduledJob>();
  for (const job of jobs) {
    handlers.set(job.name, job);
    await boss.schedule(job.name, job.cron, {}, { tz: 'Asia/Shanghai' });
    await boss.work(job.name, { pollingIntervalSeconds: 2 }, async () => job.run());
  }
  return {
    boss,
    async runNow(name) {
      if (!handlers.has(name)) throw new Error(`未知的任务 ${name}`);
      const id = await boss.send(name, {});
      if (!id) throw new Error(`任务 ${name} 未能入队`);
      for (let waited = 0; waited < 30_000; waited += 100) {
        const job = await boss.getJobById(name, id);
        if (job?.state === 'completed') return job.output;
        if (job?.state === 'failed') throw new Error(`任务 ${name} 失败: ${JSON.stringify(job.output)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`任务 ${name} 30 秒内未完成`);
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
}
