import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import { queryRows, sql } from '../../db/client.ts';

let t: TestApp;
let tenantId: string;

beforeAll(async () => {
  t = await createTestApp();
  tenantId = (await makeTenant(t.database.orm, t.orgId)).id;
  const contractId = await makeContract(t.database.orm, t.orgId, tenantId, null);
  await issueBill(t.database.orm, t.orgId, { contractId, tenantId, dueDate: '2026-02-01', amountFen: 50_000 });
});
afterAll(() => t.close());

async function pay(key: string | undefined, body: Record<string, unknown>, as = 'caiwu') {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/payments',
    headers: { ...(await t.as(as)), ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: { tenantId, method: 'bank_transfer', receivedOn: '2026-03-01', ...body },
  });
}

const paymentCount = async () =>
  (await queryRows<{ n: number }>(t.database.orm, sql`SELECT count(*)::int AS n FROM payments`))[0]!.n;

describe('Idempotency-Key on POST /payments', () => {
  it('gives the first answer again for the same key and body, and records the payment once', async () => {
    const before = await paymentCount();
    const first = await pay('key-same-1', { amountFen: 10_000, reference: 'IDEM-1' });
    expect(first.statusCode, first.body).toBe(201);
    // The same body with its keys in another order is the same request.
    const again = await pay('key-same-1', { reference: 'IDEM-1', amountFen: 10_000 });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await paymentCount()).toBe(before + 1);
  });

  it('refuses the same key with another body (409) and keeps the first answer', async () => {
    const first = await pay('key-other-1', { amountFen: 1_000 });
    expect(first.statusCode).toBe(201);
    const other = problemOf(await pay('key-other-1', { amountFen: 2_000 }));
    expect(other).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
    expect((await pay('key-other-1', { amountFen: 1_000 })).json()).toEqual(first.json());
  });

  it('frees the key of a first request that failed, so a corrected retry goes through', async () => {
    const before = await paymentCount();
    const failed = await pay('key-failed-1', { amountFen: 1_000, receivedOn: '2099-01-01' });
    expect(problemOf(failed).code).toBe('payment_received_in_future');
    const retried = await pay('key-failed-1', { amountFen: 1_000 });
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await paymentCount()).toBe(before + 1);
  });

  it('refuses a key whose first request is still running (409)', async () => {
    const [caiwu] = await queryRows<{ id: string }>(t.database.orm, sql`SELECT id FROM users WHERE username = 'caiwu'`);
    await t.database.orm.execute(
      sql`INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (${`staff:${caiwu!.id}`}, 'key-running-1', 'x')`,
    );
    const running = problemOf(await pay('key-running-1', { amountFen: 1_000 }));
    expect(running).toMatchObject({ status: 409, code: 'idempotency_key_in_progress' });
  });

  it('two requests with one key at once make one payment', async () => {
    const before = await paymentCount();
    const answers = await Promise.all([pay('key-race-1', { amountFen: 700 }), pay('key-race-1', { amountFen: 700 })]);
    const created = answers.filter((answer) => answer.statusCode === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers.filter((item) => item.statusCode !== 201)) {
      expect(problemOf(answer).code).toBe('idempotency_key_in_progress');
    }
    expect(new Set(created.map((answer) => answer.json().id)).size).toBe(1);
    expect(await paymentCount()).toBe(before + 1);
  });

  it('keeps each caller’s keys apart; without a key nothing is remembered; a bad key is refused', async () => {
    const mine = await pay('key-shared-1', { amountFen: 500 });
    expect(mine.statusCode).toBe(201);
    // Another user's request with the same key is a request of its own.
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: await t.as('admin'),
      payload: { username: 'caiwu2', displayName: '财务二', password: 'AssetPay@2026', roles: ['finance'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const theirs = await pay('key-shared-1', { amountFen: 500 }, 'caiwu2');
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);

    const before = await paymentCount();
    await pay(undefined, { amountFen: 300 });
    await pay(undefined, { amountFen: 300 });
    expect(await paymentCount()).toBe(before + 2);

    expect(problemOf(await pay('含空格 的键', { amountFen: 300 }))).toMatchObject({
      status: 400,
      code: 'idempotency_key_invalid',
    });
    expect(problemOf(await pay('k'.repeat(201), { amountFen: 300 })).code).toBe('idempotency_key_invalid');
  });
});
