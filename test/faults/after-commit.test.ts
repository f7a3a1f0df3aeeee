// Issue #9: a crash after the commit and before the HTTP answer (failpoints, src/http/failpoints.ts). A desk payment
// with an Idempotency-Key: the process dies once the payment committed; after a restart the client's retry with the
// same key gets the payment as the first request would have answered it, and there is still one payment. A channel
// notification: the process dies once the payment is posted, unanswered; the simulator sends the notification again
// on its schedule, the restarted server acknowledges it as a duplicate, and there is still one posting.
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
  orderThroughPortal,
  Product,
  payAtSimulator,
  postingsOf,
  progress,
  type Simulators,
  seedContracts,
  staffToken,
  waitFor,
} from '../helpers/faults.ts';

let f: FaultDatabase;
let product: Product;
let simulators: Simulators | undefined;
const THROUGH = '2026-03-15';

beforeAll(async () => {
  f = await createFaultDatabase();
  await seedContracts(f, 4);
  await runBilling(
    f.orm,
    { ...systemActor, orgId: f.orgId },
    { orgId: f.orgId, throughDate: THROUGH, trigger: 'manual' },
  );
  product = await Product.on(f.env);
});

afterAll(async () => {
  await simulators?.close();
  await product?.kill();
  await f?.drop();
});

async function tenants() {
  return queryRows<{ id: string }>(f.orm, sql`SELECT id FROM tenants WHERE org_id = ${f.orgId} ORDER BY code`);
}

async function paymentsOf(tenantId: string) {
  return queryRows<{ id: string; number: string }>(
    f.orm,
    sql`SELECT id, number FROM payments WHERE tenant_id = ${tenantId}`,
  );
}

test('a crash after commit and before the answer: the retry gets the same answer, nothing is posted twice', async () => {
  const started = Date.now();
  onTestFailed(() => console.error(`server (running: ${product.running}):\n${product.output()}`));
  const [deskTenant, channelTenant] = await tenants();

  // 1. The desk payment: committed, then the process dies before answering.
  await product.start({ ASSETPAY_FAILPOINTS: 'after-commit:desk-payment' });
  const finance = await staffToken(f.orm, 'caiwu');
  const body = {
    tenantId: deskTenant!.id,
    amountFen: 150_000,
    receivedOn: '2026-03-20',
    // No bank reference: the Idempotency-Key alone must keep the retry from recording the money twice.
    method: 'bank_transfer',
  };
  const key = { 'idempotency-key': 'faults-desk-payment-1' };
  const first = await product.call('POST', '/api/v1/payments', finance, body, key).catch((error: Error) => error);
  expect(first, 'the first request got no answer').toBeInstanceOf(Error);
  await product.exited();
  const committed = await paymentsOf(deskTenant!.id);
  expect(committed, 'the payment committed before the crash').toHaveLength(1);

  // 2. Restarted (the notification failpoint armed for part 2): the retry with the same key answers the payment.
  await product.start({ ASSETPAY_FAILPOINTS: 'after-commit:payment-notification' });
  const retry = await product.call('POST', '/api/v1/payments', finance, body, key);
  expect(retry.status, JSON.stringify(retry.json)).toBe(201);
  expect(await paymentsOf(deskTenant!.id), 'one payment after the retry').toHaveLength(1);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  const shown = await product.call('GET', `/api/v1/payments/${committed[0]!.id}`, finance);
  expect(retry.json).toEqual(shown.json);
  const again = await product.call('POST', '/api/v1/payments', finance, body, key);
  expect(again.status).toBe(201);
  expect(await paymentsOf(deskTenant!.id), 'still one payment').toHaveLength(1);
  const otherBody = await product.call('POST', '/api/v1/payments', finance, { ...body, amountFen: 1 }, key);
  expect(otherBody.status, 'the same key with another body').toBe(409);

  // 3. A channel notification: posted, then the process dies before acknowledging it.
  // WeChat Pay resends after 15 s, 15 s, 30 s, 3 min, 10 min, …: here 30 ms, 30 ms, 60 ms, 0.36 s, 1.2 s, …
  simulators = await connectSimulators(product, await staffToken(f.orm, 'admin'), {
    wechatpay: 0.002,
    alipay: 0.002,
    unionpay: 0.05,
  });
  const order = await orderThroughPortal(product, f, channelTenant!.id, 'wechat_native');
  await payAtSimulator(simulators, order);
  await product.exited();
  expect(await postingsOf(f.orm, [order.orderNo]), 'posted before the crash').toMatchObject({
    notSucceeded: 0,
    ordersWithoutOnePayment: 0,
  });
  expect(await acknowledged(simulators, order), 'unacknowledged').toBe(false);

  // 4. Restarted without failpoints: the simulator's retry is acknowledged as a duplicate; still one posting.
  await product.start();
  await waitFor('notification acknowledged', () => acknowledged(simulators!, order), 120_000);
  await simulators.settled();
  expect(await postingsOf(f.orm, [order.orderNo])).toEqual({
    orders: 1,
    notSucceeded: 0,
    ordersWithoutOnePayment: 0,
    paymentsWithoutOneEntry: 0,
    suspenseItems: 0,
    receipts: 1,
  });
  expect(invariantsOf(await ledgerInvariants(f.orm, THROUGH))).toEqual(INVARIANTS_HOLD);
  progress(`after-commit done in ${Date.now() - started} ms`);
  console.log(
    JSON.stringify({
      file: 'test/faults/after-commit.test.ts',
      fault: 'SIGKILL after the commit, before the HTTP answer (ASSETPAY_FAILPOINTS)',
      faultsInjected: 2,
      failpoints: ['after-commit:desk-payment', 'after-commit:payment-notification'],
      invariants: [
        'the retry with the same Idempotency-Key answers 201 with the committed payment (idempotent-replayed)',
        'one payment per desk request; the same key with another body is 409',
        "the channel's retried notification is acknowledged; one payment, one entry, one receipt, no suspense",
        'journal balanced; receivables = outstanding bills',
      ],
      serverStarts: product.starts,
      seconds: Math.round((Date.now() - started) / 1000),
      result: 'pass',
    }),
  );
  // Start-ups take ~6 s on an idle 2-core machine, over 30 s on a busy one: a generous limit for the latter.
}, 900_000);
