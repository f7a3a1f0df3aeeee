// Two AssetPay processes on one PostgreSQL (and one Redis), as behind a load balancer: started together on an empty
// database, a queued job runs once and the cron fires once, a session made on one works on the other, login attempts
// are counted across both, and a channel notification delivered to both at the same moment is posted once.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { atSimulator } from '../../src/demo/channels.ts';
import { chinaDate } from '../../src/domain/calendar.ts';
import { systemActor } from '../../src/modules/audit/service.ts';
import { payLinkKeyFor, signPayLink } from '../../src/modules/messages/pay-link.ts';
import { findOrCreateOrg } from '../../src/modules/orgs/service.ts';
import { usersService } from '../../src/modules/users/service.ts';
import { startSimulator } from '../../src/simulators/index.ts';
import { payingTenant, testChannelKeys } from '../helpers/payments.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LOGIN_LIMIT = 8;
const PASSWORD = 'Two-Instances#2026';

const name = `assetpay_two_${randomBytes(5).toString('hex')}`;
const databaseUrl = (() => {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
})();
const redisKeyPrefix = `assetpay-test-${randomBytes(4).toString('hex')}:`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-two-'));

let a: RunningServer;
let b: RunningServer;
let database: Database;
let orgId: string;
let simulator: Awaited<ReturnType<typeof startSimulator>>;
/** Every notification the channel sent: the answers of B and A, in that order. */
const deliveries: number[][] = [];

async function onServer(statement: string) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function count(query: string, params: unknown[] = []): Promise<number> {
  const { rows } = await database.executeSql(query, params);
  return Number((rows[0] as { n: string }).n);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function login(server: RunningServer, username: string, password = PASSWORD, forwardedFor?: string) {
  return fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ username, password }),
  });
}

async function tokenOf(server: RunningServer, username: string): Promise<string> {
  const response = await login(server, username);
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

beforeAll(async () => {
  await onServer(`CREATE DATABASE ${name}`);
  const shared = {
    DATABASE_URL: databaseUrl,
    // One data directory: its development keys (personal data, pay links) are the instances' shared secrets, as
    // PII_KEYS and PAY_LINK_KEY would be in production.
    DATA_DIR: dataDir,
    DEMO: 'false',
    REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT),
    TRUST_PROXY: 'true',
  };
  // Started together on an empty database: both migrate and set up the job queues at the same moment.
  [a, b] = await Promise.all([startServer(shared, 120_000), startServer(shared, 120_000)]);

  database = await openDatabase({ url: databaseUrl, poolSize: 3 });
  const org = await findOrCreateOrg(database.orm, systemActor, { code: 'twoinst', name: '双实例测试公司' });
  orgId = org.id;
  for (const [username, role] of [
    ['admin', 'admin'],
    ['caiwu', 'finance'],
  ] as const) {
    await usersService.create(database.orm, systemActor, orgId, {
      username,
      displayName: username,
      password: PASSWORD,
      roles: [role],
    });
  }

  // The channel (WeChat Pay's simulator, in this process) delivers every notification to both instances at once,
  // and takes B's answer.
  const keys = testChannelKeys();
  simulator = await startSimulator({
    keys: keys.simulator.keys,
    merchants: [keys.simulator.merchant],
    timeScale: 0.001,
    deliver: async (url, request) => {
      const target = new URL(url);
      const answers = await Promise.all(
        [b, a].map((server) =>
          fetch(`${server.url}${target.pathname}${target.search}`, {
            method: 'POST',
            headers: request.headers,
            body: request.body,
          }).then(async (answer) => ({ status: answer.status, body: await answer.text() })),
        ),
      );
      deliveries.push(answers.map((answer) => answer.status));
      return answers[0]!;
    },
  });
  const account = atSimulator(keys.accounts, simulator.url).wechatpay;
  const saved = await fetch(`${a.url}/api/v1/channel-settings/wechatpay`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(a, 'admin')}` },
    body: JSON.stringify({ settings: account.settings, secrets: account.secrets }),
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
}, 150_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await simulator?.close();
  await database?.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${redisKeyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('two instances on one PostgreSQL', () => {
  it('migrated once and set up the job queues though both started on the empty database', async () => {
    const migrations = fs.readdirSync('src/db/migrations').filter((file) => /^\d{4}_.*\.sql$/.test(file));
    expect(await count('SELECT count(*) AS n FROM schema_migrations')).toBe(migrations.length);
    expect(
      await count(`SELECT count(*) AS n FROM pgboss.queue WHERE name IN ('billing-daily', 'message-delivery')`),
    ).toBe(2);
  });

  it('runs each queued job once though both instances take jobs from the queue', async () => {
    // The daily billing job, queued four times while both instances poll the queue: four billing runs, not eight.
    const before = await count(`SELECT count(*) AS n FROM billing_runs WHERE trigger = 'schedule'`);
    const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', supervise: false, schedule: false });
    boss.on('error', () => {});
    await boss.start();
    try {
      const ids = await Promise.all([1, 2, 3, 4].map(() => boss.send('billing-daily', {})));
      const done = await until('the billing jobs', async () => {
        const jobs = await Promise.all(ids.map((id) => boss.getJobById('billing-daily', id!)));
        return jobs.every((job) => job?.state === 'completed') && jobs;
      });
      expect(done.map((job) => job!.retryCount)).toEqual([0, 0, 0, 0]);
    } finally {
      await boss.stop({ graceful: false, wait: true, timeout: 2000 });
    }
    // A little longer: a second run of any of them would have shown up by now (each instance polls every 2 s).
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(await count(`SELECT count(*) AS n FROM billing_runs WHERE trigger = 'schedule'`)).toBe(before + 4);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'billing.run'`)).toBe(before + 4);
  });

  it('knows a session made on one instance on the other, and ends it everywhere', async () => {
    const made = await login(a, 'caiwu');
    expect(made.status).toBe(200);
    const { token } = (await made.json()) as { token: string };
    const me = await fetch(`${b.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('caiwu');

    const out = await fetch(`${b.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.status).toBe(204);
    const after = await fetch(`${a.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it('counts failed logins from one address across both instances (Redis)', async () => {
    const address = `203.0.113.${1 + (randomBytes(1)[0]! % 250)}`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LOGIN_LIMIT + 2; attempt++) {
      const server = attempt % 2 === 0 ? a : b;
      statuses.push((await login(server, `nobody-${attempt}`, 'Wrong-password-1', address)).status);
    }
    // Each instance saw only half of the attempts: only a shared count stops the ninth.
    expect(statuses).toEqual([...Array(LOGIN_LIMIT).fill(401), 429, 429]);
    // Another address is not affected.
    expect((await login(b, 'nobody-else', 'Wrong-password-1', '203.0.113.251')).status).toBe(401);
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys(`${redisKeyPrefix}rate-limit:*${address}`)).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it('posts a payment once when its notification reaches both instances at the same moment', async () => {
    const paying = await payingTenant(database.orm, orgId, [{ dueDate: chinaDate(new Date()), amountFen: 123_456 }]);
    const bill = { id: paying.bills[0]!.id, org_id: orgId };
    const key = payLinkKeyFor(loadConfig({ DATA_DIR: dataDir }));
    const token = signPayLink(key, { billId: bill.id, orgId: bill.org_id });
    const created = await fetch(`${a.url}/api/v1/portal/pay-links/${token}/payment-orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ channel: 'wechat_native' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { orderNo } = (await created.json()) as { orderNo: string };

    // Paid at the simulator; the channel sends the notification three times more, each one to both instances.
    const paid = await fetch(`${simulator.url}/_sim/wechatpay/orders/${orderNo}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duplicates: 3 }),
    });
    expect(paid.status, await paid.clone().text()).toBe(200);
    await simulator.settled();
    await until('four deliveries', async () => deliveries.length >= 4);

    // Every copy was acknowledged by both instances (a duplicate is acknowledged, not refused).
    expect(deliveries.flat().every((status) => status >= 200 && status < 300)).toBe(true);
    const order = await database.executeSql('SELECT status, transaction_id FROM payment_orders WHERE order_no = $1', [
      orderNo,
    ]);
    const { status, transaction_id: transactionId } = order.rows[0] as { status: string; transaction_id: string };
    expect(status).toBe('succeeded');
    expect(await count(`SELECT count(*) AS n FROM payments WHERE reference = $1`, [transactionId])).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM journal_entries e JOIN payments p ON e.source_type = 'payment' AND e.source_id = p.id WHERE p.reference = $1`,
        [transactionId],
      ),
    ).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM suspense_items WHERE transaction_id = $1`, [transactionId])).toBe(0);
  });

  it('fires an every-minute cron once for both instances', async () => {
    // Each instance's pg-boss looks at the schedule every 30 s; the first look after the schedules were made queues
    // the every-minute jobs, once between them.
    const firstQueued = `SELECT min(created_on) FROM pgboss.job WHERE name = 'payment-orders-backstop'`;
    await until(
      'the first cron job',
      async () => {
        const { rows } = await database.executeSql(`SELECT (${firstQueued}) AS first`);
        return (rows[0] as { first: Date | null }).first !== null;
      },
      45_000,
    );
    // Long enough for a second instance's copy to arrive (pg-boss moves cron jobs into their queue every 5 s).
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const queued = await database.executeSql(
      `SELECT name, count(*) AS n FROM pgboss.job
      WHERE name IN ('payment-orders-backstop', 'message-delivery')
        AND created_on < (${firstQueued}) + interval '25 seconds'
      GROUP BY name ORDER BY name`,
    );
    expect((queued.rows as { name: string; n: string }[]).map((row) => [row.name, Number(row.n)])).toEqual([
      ['message-delivery', 1],
      ['payment-orders-backstop', 1],
    ]);
  });
});
