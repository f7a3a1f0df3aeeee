// Issue #9: the server killed (-9) in the middle of a storm of payment notifications. The simulators (in the test
// process, so they outlive the server) pay many orders at once, some notifications sent twice at the same instant, and
// resend every unanswered one on the channel's schedule (compressed); the server is killed after a random number of
// postings, started again, and once every notification is acknowledged there is exactly one posting per transaction:
// every paid order succeeded with one payment, one journal entry and one receipt, nothing went to suspense.
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
  waitFor,
} from '../helpers/faults.ts';

/** Tenants, each paying one bill per round through WeChat Pay, Alipay or UnionPay in turn. */
const TENANTS = 36;
const ROUNDS = [{ seed: 11 }, { seed: 12 }];
const THROUGH = '2026-03-15';

let f: FaultDatabase;
let product: Product;
let simulators: Simulators | undefined;

beforeAll(async () => {
  f = await createFaultDatabase();
  await seedContracts(f, TENANTS);
  await runBilling(
    f.orm,
    { ...systemActor, orgId: f.orgId },
    { orgId: f.orgId, throughDate: THROUGH, trigger: 'manual' },
  );
  product = await Product.on({ ...f.env, JOBS: 'false' });
});

afterAll(async () => {
  await simulators?.close();
  await product?.kill();
  await f?.drop();
});

async function succeeded(orderNos: string[]) {
  const [row] = await queryRows<{ n: string }>(
    f.orm,
    sql`SELECT count(*) AS n FROM payment_orders WHERE order_no = ANY(${orderNoArray(orderNos)}::text[]) AND status = 'succeeded'`,
  );
  return Number(row!.n);
}

test(`kill -9 during a storm of ${TENANTS} payment notifications, ${ROUNDS.length} rounds`, async () => {
  const started = Date.now();
  onTestFailed(() => console.error(`server (running: ${product.running}):\n${product.output()}`));
  await product.start();
  // Resends (WeChat Pay 15 s, 15 s, 30 s, 3 min…; Alipay 4 min, 10 min…; UnionPay 1, 2, 4, 8, 16 min) compressed so
  // that they keep coming while the server is down and start-up takes tens of seconds on a busy machine.
  simulators = await connectSimulators(product, await staffToken(f.orm, 'admin'), {
    wechatpay: 0.002,
    alipay: 0.002,
    unionpay: 0.05,
  });
  const tenants = await queryRows<{ id: string }>(
    f.orm,
    sql`SELECT id FROM tenants WHERE org_id = ${f.orgId} ORDER BY code`,
  );
  const rounds: { seed: number; orders: number; postedBeforeKill: number; duplicatesSent: number }[] = [];
  const allOrders: StormOrder[] = [];
  for (const { seed } of ROUNDS) {
    const random = prng(seed);
    const orders: StormOrder[] = [];
    for (const [index, tenant] of tenants.entries()) {
      orders.push(await orderThroughPortal(product, f, tenant.id, STORM_CHANNELS[index % STORM_CHANNELS.length]!));
    }
    const orderNos = orders.map((order) => order.orderNo);
    // Kill after a random number of postings, somewhere inside the storm.
    const killAt = 1 + Math.floor(random() * (orders.length - 2));
    let duplicatesSent = 0;
    const paying = Promise.all(
      orders.map((order) => {
        const duplicates = random() < 0.25 ? 1 : 0;
        duplicatesSent += duplicates;
        return payAtSimulator(simulators!, order, { duplicates });
      }),
    );
    await waitFor('postings before the kill', async () => (await succeeded(orderNos)) >= killAt, 60_000, 10);
    await product.kill();
    const postedBeforeKill = await succeeded(orderNos);
    await paying;
    progress(`round ${seed}: killed after ${postedBeforeKill}/${orders.length} postings`);
    await sleep(200);
    await product.start();
    await waitFor(
      'every notification acknowledged',
      async () => (await Promise.all(orders.map((order) => acknowledged(simulators!, order)))).every(Boolean),
      180_000,
      500,
    );
    await simulators.settled();
    expect(await postingsOf(f.orm, orderNos), `round ${seed}`).toEqual({
      orders: orders.length,
      notSucceeded: 0,
      ordersWithoutOnePayment: 0,
      paymentsWithoutOneEntry: 0,
      suspenseItems: 0,
      receipts: orders.length,
    });
    expect(invariantsOf(await ledgerInvariants(f.orm, THROUGH)), `round ${seed}`).toEqual(INVARIANTS_HOLD);
    rounds.push({ seed, orders: orders.length, postedBeforeKill, duplicatesSent });
    allOrders.push(...orders);
  }
  // The channels' last resends (those already under way) change nothing either.
  await sleep(1000);
  await simulators.settled();
  expect(
    (
      await postingsOf(
        f.orm,
        allOrders.map((order) => order.orderNo),
      )
    ).ordersWithoutOnePayment,
  ).toBe(0);
  console.log(
    JSON.stringify({
      file: 'test/faults/notification-storm-kill.test.ts',
      fault: 'kill -9 of the server after a random number of postings in a storm of channel notifications',
      faultsInjected: rounds.length,
      seeds: rounds.map((round) => round.seed),
      rounds,
      notifications: allOrders.length,
      invariants: [
        'every notification acknowledged after the simulators resent it',
        'every paid order succeeded: one payment, one payment entry, one receipt',
        'nothing in suspense (no second posting of a paid order)',
        'journal balanced; receivables = outstanding bills',
      ],
      serverStarts: product.starts,
      seconds: Math.round((Date.now() - started) / 1000),
      result: 'pass',
    }),
  );
  // Start-ups take ~6 s on an idle 2-core machine, over 30 s on a busy one: a generous limit for the latter.
}, 900_000);
