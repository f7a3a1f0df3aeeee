import path from 'node:path';
import { loadConfig } from './config.ts';
import { PiiCipher } from './crypto/pii.ts';
import { piiKeyringFor } from './crypto/pii-keys.ts';
import { openDatabase } from './db/client.ts';
import { maintainTables } from './db/maintenance.ts';
import { migrate } from './db/migrate.ts';
import { connectDemoChannels, demoChannelKeys } from './demo/channels.ts';
import { seedDemoPayments } from './demo/payments.ts';
import { seedDemoReconciliation } from './demo/reconciliation.ts';
import { accountsWithDemoPassword, DEMO_PASSWORD, DEMO_USERS, seedDemoBusiness, seedDemoLogins } from './demo/seed.ts';
import { scheduledJobs } from './jobs/index.ts';
import { type Scheduler, startScheduler } from './jobs/scheduler.ts';
import type { DemoState } from './modules/system/routes.ts';
import { buildApp } from './server.ts';
import { startSimulator } from './simulators/index.ts';

const config = loadConfig();
let pii: PiiCipher;
try {
  pii = new PiiCipher(piiKeyringFor(config));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const database = await openDatabase({
  url: config.databaseUrl,
  dataDir: path.join(config.dataDir, 'pglite'),
  schema: config.databaseSchema,
});
await migrate(database);

if (config.env === 'production') {
  const unsafe = await accountsWithDemoPassword(database.orm);
  if (unsafe.length > 0) {
    console.error(`拒绝启动：生产环境中账号 ${unsafe.join(', ')} 仍使用演示密码，请先修改密码。`);
    process.exit(1);
  }
}
// The demo logins are there before the server answers; the business data (assets, tenants, contracts, bills: about
// 12 s on PGlite) is written once the server is up, and /healthz says `demo: "seeding"` until it is ready.
let demoState: DemoState = 'off';
const demoOrg =
  config.env !== 'production' && config.demo ? await underDemoSeedLock(() => seedDemoLogins(database.orm)) : undefined;

const app = await buildApp({ config, database, pii, demoState: () => demoState });
let scheduler: Scheduler | undefined;
if (config.jobs) {
  scheduler = await startScheduler(
    database,
    scheduledJobs({
      auth: app.auth,
      db: database.orm,
      databaseKind: database.kind,
      messaging: app.messaging,
      payments: app.payments,
    }),
    config.databaseSchema ? `${config.databaseSchema}_pgboss` : 'pgboss',
  );
}

// The channel simulators (never in production): the demo's WeChat Pay, Alipay and UnionPay, on SIM_PORT.
let simulator: Awaited<ReturnType<typeof startSimulator>> | undefined;
if (config.simulators.enabled) {
  const channels = demoChannelKeys(config.dataDir, config.simulators.publicUrl);
  simulator = await startSimulator({
    keys: channels.simulator.keys,
    merchants: [channels.simulator.merchant],
    publicUrl: config.simulators.publicUrl,
    timeScale: config.simulators.timeScale,
    port: config.simulators.port,
    host: config.host,
  });
  if (demoOrg) await connectDemoChannels(app.payments, demoOrg.orgId, channels.accounts);
}

await app.listen({ host: config.host, port: config.port });
const url = `http://localhost:${config.port}`;
app.log.info({ db: database.kind, url }, 'AssetPay started');
if (config.demo) {
  console.log(
    `\nAssetPay 已启动: ${url}  (数据库: ${database.kind}${database.kind === 'pglite' ? `, ${config.dataDir}` : ''})`,
  );
  console.log(`演示账号（密码均为 ${DEMO_PASSWORD}）: ${DEMO_USERS.map((user) => user.username).join(', ')}`);
  if (simulator) console.log(`支付渠道模拟器（微信支付、支付宝、银联）: ${config.simulators.publicUrl}`);
  console.log('');
}
if (demoOrg) {
  demoState = 'seeding';
  const started = performance.now();
  const orgId = demoOrg.orgId;
  underDemoSeedLock(async () => {
    const created = await seedDemoBusiness(database.orm, { pii, orgId });
    // A few months of rent paid online, posted through the simulators' notifications like any payment.
    if (simulator) {
      const paid = await seedDemoPayments(database.orm, {
        payments: app.payments,
        orgId,
        simulatorUrl: config.simulators.publicUrl,
      });
      if (!paid.skipped) {
        const { wechatpay, alipay, unionpay } = paid.orders;
        created.push(
          `${wechatpay + alipay + unionpay} 笔在线缴费（微信 ${wechatpay}、支付宝 ${alipay}、银联 ${unionpay}）`,
        );
      }
      // The recent days reconciled against the simulators' statements, one difference left for finance.
      const reconciled = await seedDemoReconciliation(database.orm, {
        payments: app.payments,
        orgId,
        simulatorUrl: config.simulators.publicUrl,
      });
      if (!reconciled.skipped)
        created.push(`${reconciled.runs} 个对账批次（${reconciled.openDifferences} 笔差异待处理）`);
    }
    // PGlite has no autovacuum: the demo's reports are planned on statistics from the start, not from the job's
    // first run.
    if (database.kind === 'pglite') await maintainTables(database.orm);
    return created;
  }).then(
    (created) => {
      demoState = 'ready';
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (created.length > 0) console.log(`演示数据已生成（${seconds} 秒）: ${created.join('，')}`);
    },
    (error: Error) => {
      demoState = 'failed';
      if (!stopping) app.log.error({ err: error }, 'demo seed failed');
    },
  );
}

/**
 * The demo seed checks what exists and then writes: instances started together on one PostgreSQL take turns under
 * an advisory lock, so the first seeds and the others find it done.
 */
async function underDemoSeedLock<T>(work: () => Promise<T>): Promise<T> {
  return database.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock(7263510002)');
    try {
      return await work();
    } finally {
      await session.query('SELECT pg_advisory_unlock(7263510002)');
    }
  });
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await simulator?.close().catch(() => {});
  await scheduler?.stop().catch(() => {});
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
