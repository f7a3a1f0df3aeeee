// The demo's reconciliation: recent days with online payments reconciled against the simulators, each run tying out,
// one difference left open (a payment the channel reports at one yuan less); quick, and once only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.ts';
import { seedDemoPayments } from '../../src/demo/payments.ts';
import { type DemoReconciliationOutcome, seedDemoReconciliation } from '../../src/demo/reconciliation.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { trialBalance } from '../helpers/collections.ts';
import { connectTestChannels, type TestChannels } from '../helpers/payments.ts';

describe('demo reconciliation', () => {
  let t: TestApp;
  let channels: TestChannels;
  let outcome: DemoReconciliationOutcome;
  let seconds: number;
  const seed = () =>
    seedDemoReconciliation(t.database.orm, {
      payments: t.app.payments,
      orgId: t.orgId,
      simulatorUrl: channels.simulator.url,
    });

  beforeAll(async () => {
    t = await createTestApp();
    channels = await connectTestChannels(t);
    await seedDemoPayments(t.database.orm, {
      payments: t.app.payments,
      orgId: t.orgId,
      simulatorUrl: channels.simulator.url,
      months: 1,
      maxOrders: 9,
    });
    const started = performance.now();
    outcome = await seed();
    seconds = (performance.now() - started) / 1000;
  }, 120_000);
  afterAll(async () => {
    await channels?.simulator.close();
    await t?.close();
  });

  it('reconciles the recent days: every run ties out, one amount_differs left open for finance', async () => {
    expect(outcome.skipped).toBe(false);
    expect(outcome.runs).toBeGreaterThan(0);
    expect(outcome.openDifferences).toBe(1);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reconciliations?pageSize=200',
      headers: await t.as('caiwu'),
    });
    const runs = list.json().items as { tieOut: { unexplainedFen: number }; status: string }[];
    expect(runs).toHaveLength(outcome.runs);
    for (const run of runs) expect(run).toMatchObject({ status: 'completed', tieOut: { unexplainedFen: 0 } });
    const open = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reconciliation-differences?status=open',
      headers: await t.as('caiwu'),
    });
    expect(open.json().items).toEqual([
      expect.objectContaining({ kind: 'amount_differs', channel: 'wechatpay', status: 'open' }),
    ]);
    const { channelAmountFen, ourAmountFen } = open.json().items[0];
    expect(ourAmountFen - channelAmountFen).toBe(100);
    const balance = await trialBalance(t.database.orm);
    expect(balance.debitFen).toBe(balance.creditFen);
    // Part of the demo's start-up: kept short.
    expect(seconds).toBeLessThan(5);
  });

  it('a second start changes nothing', async () => {
    const count = async () =>
      (await queryRows<{ n: string }>(t.database.orm, sql`SELECT count(*)::text AS n FROM reconciliation_runs`))[0]!.n;
    const before = await count();
    expect((await seed()).skipped).toBe(true);
    expect(await count()).toBe(before);
  });
});
