import path from 'node:path';
import { loadConfig } from './config.ts';
import { PiiCipher } from './crypto/pii.ts';
import { piiKeyringFor } from './crypto/pii-keys.ts';
import { openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { accountsWithDemoPassword, DEMO_PASSWORD, DEMO_USERS, seedDemoBusiness, seedDemoLogins } from './demo/seed.ts';
import { scheduledJobs } from './jobs/index.ts';
import { type Scheduler, startScheduler } from './jobs/scheduler.ts';
import type { DemoState } from './modules/system/routes.ts';
import { buildApp } from './server.ts';

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
const demoOrg = config.env !== 'production' && config.demo ? await seedDemoLogins(database.orm) : undefined;

const app = await buildApp({ config, database, pii, demoState: () => demoState });
let scheduler: Scheduler | undefined;
if (config.jobs) {
  scheduler = await startScheduler(
    database,
    scheduledJobs({ auth: app.auth, db: database.orm, messaging: app.messaging }),
    config.databaseSchema ? `${config.databaseSchema}_pgboss` : 'pgboss',
  );
}

await app.listen({ host: config.host, port: config.port });
const url = `http://localhost:${config.port}`;
app.log.info({ db: database.kind, url }, 'AssetPay started');
if (config.demo) {
  console.log(
    `\nAssetPay 已启动: ${url}  (数据库: ${database.kind}${database.kind === 'pglite' ? `, ${config.dataDir}` : ''})`,
  );
  console.log(`演示账号（密码均为 ${DEMO_PASSWORD}）: ${DEMO_USERS.map((user) => user.username).join(', ')}\n`);
}
if (demoOrg) {
  demoState = 'seeding';
  const started = performance.now();
  seedDemoBusiness(database.orm, { pii, orgId: demoOrg.orgId }).then(
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

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await scheduler?.stop().catch(() => {});
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
