// Issue #9: PostgreSQL stopped with `-m immediate` (every backend gone at once, no checkpoint: a crash) and started
// again while payments are being notified. The server is not restarted: its pool reconnects, /healthz says ok again,
// pg-boss's workers take jobs again, and once the channels' resends are acknowledged every paid order is posted
// exactly once. The cluster is the test's own (test/helpers/faults.ts ThrowawayPostgres), never the shared one.
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { queryRows, sql } from '../../src/db/client.ts';
import { systemActor } from '../../src/modules/audit/service.ts';
import { runBilling } from '../../src/modules/billing/run.ts';
import {
  acknowledged,
  connectSimulators,
  createFaultDatabase,
  type FaultDatabase,
  INVARIANTS_HOLD,
  invariantsOf,
  ledgerInvariants,
  orderNoArray,
  orderThroughPortal,
  Product,
  payAtSimulator,
  postingsOf,
  prng,
  progress,
  type Simulators,
  STORM_CHANNELS,
  type StormOrder,
  seedContracts,
  sleep,
  staffToken,
  ThrowawayPostgres,
  waitFor,
} from '../helpers/faults.ts';

const TENANTS = 30;
const SEED = 21;
/** How long PostgreSQL stays down. */
const DOWN_MS = 3000;
const THROUGH = '2026-03-15';

let cluster: ThrowawayPostgres | undefined;
let f: FaultDatabase;
let product: Product;
let simulators: Simulators | undefined;

beforeAll(async () => {
  cluster = await ThrowawayPostgres.create();
  f = await createFaultDatabase(cluster.url);
  await seedContracts(f, TENANTS);
  await runBilling(
    f.orm,
    { ...systemActor, orgId: f.orgId },
    { orgId: f.orgId, throughDate: THROUGH, trigger: 'manual' },
  );
  // With the scheduled jobs (pg-boss) running, as in production.
  product = await Product.on({ ...f.env, JOBS: 'true' });
});

afterAll(async () => {
  await simulators?.close();
  await product?.kill();
  await f?.database.close().catch(() => {});
  cluster?.destroy();
});

async function succeeded(orderNos: string[]) {
  const [row] = await queryRows<{ n: string }>(
    f.orm,
    sql`SELECT count(*) AS n FROM payment_orders WHERE order_no = ANY(${orderNoArray(orderNos)}::text[]) AND status = 'succeeded'`,
  );
  return Number(row!.n);
}

/** A job put straight into pg-boss's queue; resolves with its state once a worker has finished it. */
async function jobDone(name: string) {
  const [job] = await queryRows<{ id: string }>(
    f.orm,
    sql`INSERT INTO pgboss.job (name, data) VALUES (${name}, '{}'::jsonb) RETURNING id`,
  );
  return waitFor(
    `pg-boss job ${name}`,
    async () => {
      const [row] = await queryRows<{ state: string }>(f.orm, sql`SELECT state FROM pgboss.job WHERE id = ${job!.id}`);
      return row?.state === 'completed' ? row.state : undefined;
    },
    60_000,
    250,
  );
}

test('PostgreSQL crashes (stop -m immediate) and comes back during notifications: the service recovers alone', async () => {
  const started = Date.now();
  onTestFailed(() => console.error(`server (running: ${product.running}):\n${product.output()}`));
  await product.start();
  simulators = await connectSimulators(product, await staffToken(f.orm, 'admin'), {
    wechatpay: 0.002,
    alipay: 0.002,
    unionpay: 0.05,
  });
  expect(await jobDone('session-cleanup')).toBe('completed');
  const tenants = await queryRows<{ id: string }>(
    f.orm,
    sql`SELECT id FROM tenants WHERE org_id = ${f.orgId} ORDER BY code`,
  );
  const orders: StormOrder[] = [];
  for (const [index, tenant] of tenants.entries()) {
    orders.push(await orderThroughPortal(product, f, tenant.id, STORM_CHANNELS[index % STORM_CHANNELS.length]!));
  }
  const orderNos = orders.map((order) => order.orderNo);
  const random = prng(SEED);
  const crashAt = 1 + Math.floor(random() * (orders.length - 2));
  const paying = Promise.all(orders.map((order) => payAtSimulator(simulators!, order)));
  await waitFor('postings before the crash', async () => (await succeeded(orderNos)) >= crashAt, 60_000, 10);
  cluster!.crash();
  const crashedAt = Date.now();
  await paying;
  const healthWhileDown = await product.health();
  await sleep(Math.max(0, DOWN_MS - (Date.now() - crashedAt)));
  cluster!.start();
  const downMs = Date.now() - crashedAt;
  const postedBeforeCrash = await succeeded(orderNos);
  progress(
    `postgres down ${downMs} ms after ${postedBeforeCrash}/${orders.length} postings, health ${healthWhileDown}`,
  );

  await waitFor('/healthz ok again', async () => (await product.health()) === 'ok', 60_000, 250);
  const recoveredMs = Date.now() - crashedAt;
  await waitFor(
    'every notification acknowledged',
    async () => (await Promise.all(orders.map((order) => acknowledged(simulators!, order)))).every(Boolean),
    180_000,
    500,
  );
  await simulators.settled();
  expect(product.running, 'the same server process, never restarted').toBe(true);
  expect(product.starts).toBe(1);
  expect(healthWhileDown).not.toBe('ok');
  expect(await jobDone('session-cleanup'), "pg-boss's workers run jobs again").toBe('completed');
  expect(await postingsOf(f.orm, orderNos)).toEqual({
    orders: orders.length,
    notSucceeded: 0,
    ordersWithoutOnePayment: 0,
    paymentsWithoutOneEntry: 0,
    suspenseItems: 0,
    receipts: orders.length,
  });
  expect(invariantsOf(await ledgerInvariants(f.orm, THROUGH))).toEqual(INVARIANTS_HOLD);
  // A new order and its payment after the recovery work like any other.
  const after = await orderThroughPortal(product, f, tenants[0]!.id, 'wechat_native');
  await payAtSimulator(simulators, after);
  await waitFor('a payment after the recovery', () => acknowledged(simulators!, after), 60_000, 250);
  expect((await postingsOf(f.orm, [after.orderNo])).notSucceeded).toBe(0);
  console.log(
    JSON.stringify({
      file: 'test/faults/postgres-restart.test.ts',
      fault: 'PostgreSQL stopped with -m immediate during payment notifications, started again; server not restarted',
      faultsInjected: 1,
      seeds: [SEED],
      notifications: orders.length,
      postedBeforeCrash,
      downMs,
      healthWhileDown,
      healthOkAfterMs: recoveredMs,
      invariants: [
        '/healthz not ok while the database is down, ok again without a restart',
        'pg-boss workers complete a job queued after the restart',
        'every notification acknowledged after the resends; every paid order posted exactly once',
        'nothing in suspense; journal balanced; receivables = outstanding bills',
        'an order paid after the recovery is posted',
      ],
      serverStarts: product.starts,
      seconds: Math.round((Date.now() - started) / 1000),
      result: 'pass',
    }),
  );
  // Start-ups take ~6 s on an idle 2-core machine, over 30 s on a busy one: a generous limit for the latter.
}, 900_000);
