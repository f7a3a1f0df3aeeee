// The demo's payments: orders made through the payment service, paid at in-process channel simulators whose signed
// notifications reach the app (inject), some bills paid in part by bank transfer and some left overdue; the ledger
// balances and each channel's clearing account holds exactly what its orders took. A second run changes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.ts';
import { atSimulator, connectDemoChannels } from '../../src/demo/channels.ts';
import { type DemoPaymentsOutcome, seedDemoPayments } from '../../src/demo/payments.ts';
import { addMonthsClamped, chinaDate } from '../../src/domain/calendar.ts';
import { startSimulator } from '../../src/simulators/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { accountBalance, issueBill, trialBalance } from '../helpers/collections.ts';
import { testChannelKeys } from '../helpers/payments.ts';

const PROVIDERS = ['wechatpay', 'alipay', 'unionpay'] as const;

describe('demo payments', () => {
  let test: TestApp;
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let outcome: DemoPaymentsOutcome;
  let dueToday: { id: string; number: string };
  const seed = () =>
    seedDemoPayments(test.database.orm, {
      payments: test.app.payments,
      orgId: test.orgId,
      simulatorUrl: simulator.url,
      months: 3,
      maxOrders: 9,
    });

  beforeAll(async () => {
    test = await createTestApp();
    // Fresh keys; the simulator learns its real port on listening, the org's settings follow it.
    const keys = testChannelKeys();
    simulator = await startSimulator({
      keys: keys.simulator.keys,
      merchants: [keys.simulator.merchant],
      timeScale: 0.001,
      // Notifications reach the app under test without a socket, on the path the channel was given.
      deliver: async (url, request) => {
        const response = await test.app.inject({
          method: 'POST',
          url: new URL(url).pathname,
          headers: request.headers,
          payload: request.body,
        });
        return { status: response.statusCode, body: response.body };
      },
    });
    await connectDemoChannels(test.app.payments, test.orgId, atSimulator(keys.accounts, simulator.url));
    // A bill due today owes no penalty yet: its order is figured as it stood on the day the tenant paid, back-dated.
    const [contract] = await queryRows<{ id: string; tenantId: string }>(
      test.database.orm,
      sql`SELECT id, tenant_id AS "tenantId" FROM contracts WHERE org_id = ${test.orgId} AND status = 'active' LIMIT 1`,
    );
    dueToday = await issueBill(test.database.orm, test.orgId, {
      contractId: contract!.id,
      tenantId: contract!.tenantId,
      dueDate: chinaDate(new Date()),
      amountFen: 1_234_500,
    });
    outcome = await seed();
  }, 120_000);

  afterAll(async () => {
    await simulator?.close();
    await test?.close();
  });

  it('pays orders through every channel, each posted by its notification with a receipt', async () => {
    expect(outcome.skipped).toBe(false);
    const orders = await queryRows<{ provider: string; status: string; count: string; receipts: string }>(
      test.database.orm,
      sql`SELECT o.provider, o.status, count(*) AS count, count(r.id) AS receipts
            FROM payment_orders o LEFT JOIN receipts r ON r.payment_id = o.payment_id
           WHERE o.org_id = ${test.orgId} GROUP BY o.provider, o.status`,
    );
    for (const provider of PROVIDERS) {
      const succeeded = orders.find((row) => row.provider === provider && row.status === 'succeeded');
      expect(Number(succeeded?.count ?? 0), provider).toBe(outcome.orders[provider]);
      expect(outcome.orders[provider], provider).toBeGreaterThan(0);
      expect(Number(succeeded?.receipts ?? 0), provider).toBe(outcome.orders[provider]);
    }
    expect(orders.filter((row) => row.status !== 'succeeded')).toEqual([]);
    // Posted by notifications, not by asking the channel afterwards.
    expect(outcome.synced).toBe(0);
    expect(outcome.backDated + outcome.paidToday).toBe(
      PROVIDERS.reduce((sum, provider) => sum + outcome.orders[provider], 0),
    );
  });

  it('back-dates a payment to the day the tenant paid when the bill owed the same then', async () => {
    expect(outcome.backDated).toBeGreaterThan(0);
    const [paid] = await queryRows<{ status: string; paidAt: Date; receivedOn: string; amountFen: string }>(
      test.database.orm,
      sql`SELECT o.status, o.paid_at AS "paidAt", p.received_on::text AS "receivedOn", p.amount_fen AS "amountFen"
            FROM payment_orders o JOIN payment_order_bills ob ON ob.order_id = o.id
            JOIN payments p ON p.id = o.payment_id
           WHERE ob.bill_id = ${dueToday.id}`,
    );
    expect(paid?.status).toBe('succeeded');
    expect(Number(paid?.amountFen)).toBe(1_234_500);
    expect(new Date(paid!.paidAt).getTime()).toBeLessThan(Date.now() - 60_000);
    expect(paid?.receivedOn).toBe(chinaDate(new Date(paid!.paidAt)));
    const [bill] = await queryRows<{ status: string }>(
      test.database.orm,
      sql`SELECT status FROM bills WHERE id = ${dueToday.id}`,
    );
    expect(bill?.status).toBe('paid');
  });

  it('leaves bills paid, partly paid and overdue in the months it covers', async () => {
    const today = chinaDate(new Date());
    const states = await queryRows<{ status: string; overdue: boolean; count: string }>(
      test.database.orm,
      sql`SELECT status, due_date < ${today}::date AS overdue, count(*) AS count FROM bills
           WHERE org_id = ${test.orgId} AND due_date BETWEEN ${addMonthsClamped(today, -3)}::date AND ${today}::date
           GROUP BY status, overdue`,
    );
    const count = (status: string, overdue?: boolean) =>
      states
        .filter((row) => row.status === status && (overdue === undefined || row.overdue === overdue))
        .reduce((sum, row) => sum + Number(row.count), 0);
    expect(count('paid')).toBeGreaterThan(0);
    expect(count('partial')).toBe(outcome.partial);
    expect(outcome.partial).toBeGreaterThan(0);
    expect(count('open', true)).toBeGreaterThanOrEqual(outcome.leftOverdue);
    expect(outcome.leftOverdue).toBeGreaterThan(0);
    // An online payment settles its bills exactly: no advance left over.
    const [advance] = await queryRows<{ fen: string | null }>(
      test.database.orm,
      sql`SELECT sum(advance_fen) AS fen FROM payments WHERE org_id = ${test.orgId}`,
    );
    expect(Number(advance?.fen ?? 0)).toBe(0);
  });

  it('keeps the journal balanced and each clearing account equal to what its channel took', async () => {
    const totals = await trialBalance(test.database.orm);
    expect(totals.debitFen).toBe(totals.creditFen);
    for (const provider of PROVIDERS) {
      const [taken] = await queryRows<{ fen: string | null }>(
        test.database.orm,
        sql`SELECT sum(amount_fen) AS fen FROM payment_orders
             WHERE org_id = ${test.orgId} AND provider = ${provider} AND status = 'succeeded'`,
      );
      expect(await accountBalance(test.database.orm, test.orgId, `clearing_${provider}`), provider).toBe(
        Number(taken?.fen ?? 0),
      );
    }
  });

  it('does nothing when the demo payments are there', async () => {
    const again = await seed();
    expect(again.skipped).toBe(true);
    const [orders] = await queryRows<{ count: string }>(
      test.database.orm,
      sql`SELECT count(*) AS count FROM payment_orders WHERE org_id = ${test.orgId}`,
    );
    expect(Number(orders?.count)).toBe(PROVIDERS.reduce((sum, provider) => sum + outcome.orders[provider], 0));
  });
});
