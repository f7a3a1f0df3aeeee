// Issue #9: the answer of every idempotent route whose use case is all database work commits with that work
// (test/helpers/idempotent-answers.ts says how that is checked). Suspense resolution and bank-line confirmation are
// checked in their own tests (posting.test.ts, bank-statements.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/client.ts';
import { auditService, systemActor } from '../../src/modules/audit/service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { issueBill, makeContract, makeTenant } from '../helpers/collections.ts';
import { answerCheckedKey, checkAnswersCommitWithWork, storedAnswer } from '../helpers/idempotent-answers.ts';

let t: TestApp;
let tenantId: string;
let contractId: string;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.orm;
  tenantId = (await makeTenant(db, t.orgId)).id;
  contractId = await makeContract(db, t.orgId, tenantId, null);
  await checkAnswersCommitWithWork(db);
});
afterAll(() => t.close());

/** The request with a fresh key; its answer, and the answer stored with the key. */
async function withKey(as: string, method: 'POST', url: string, payload: object) {
  const key = answerCheckedKey(url);
  const response = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(await t.as(as)), 'idempotency-key': key },
    payload,
  });
  expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
  expect(await storedAnswer(t.database.orm, key), `${url}: ${response.body}`).toEqual({
    statusCode: response.statusCode,
    response: response.json(),
  });
  return response.json();
}

describe('the answer commits with the work (Idempotency-Key)', () => {
  it('desk payments, one-off bills, voids and reissues', async () => {
    const { id: owing } = await issueBill(t.database.orm, t.orgId, {
      contractId,
      tenantId,
      dueDate: '2026-02-01',
      amountFen: 30_000,
    });
    await withKey('caiwu', 'POST', '/payments', {
      tenantId,
      amountFen: 10_000,
      receivedOn: '2026-03-01',
      method: 'cash',
      billIds: [owing],
    });
    const charge = await withKey('caiwu', 'POST', '/bills', {
      contractId,
      chargeItem: 'repair',
      description: '门锁维修',
      amountFen: 8_800,
      dueDate: '2026-04-01',
    });
    const reissued = await withKey('caiwu', 'POST', `/bills/${charge.id}/reissue`, {
      amountFen: 6_600,
      dueDate: '2026-04-10',
      reason: '按实际维修费重开',
    });
    await withKey('caiwu', 'POST', `/bills/${reissued.id}/void`, { reason: '维修由承租方自理' });
  });

  it('penalty waivers: requested, approved, rejected', async () => {
    const late = async () =>
      (await issueBill(t.database.orm, t.orgId, { contractId, tenantId, dueDate: '2025-06-01', amountFen: 50_000 })).id;
    const approved = await withKey('caiwu', 'POST', `/bills/${await late()}/waivers`, {
      amountFen: 100,
      reason: '疫情减免',
    });
    await withKey('shenpi', 'POST', `/waivers/${approved.id}/approve`, { note: '同意' });
    const rejected = await withKey('caiwu', 'POST', `/bills/${await late()}/waivers`, {
      amountFen: 100,
      reason: '承租方申请',
    });
    await withKey('shenpi', 'POST', `/waivers/${rejected.id}/reject`, { note: '理由不足' });
  });

  it('refunds of an overpayment: requested, rejected, paid offline', async () => {
    // A tenant owing nothing: the whole payment is an advance.
    const overpaid = await withKey('caiwu', 'POST', '/payments', {
      tenantId: (await makeTenant(t.database.orm, t.orgId)).id,
      amountFen: 40_000,
      receivedOn: '2026-03-02',
      method: 'bank_transfer',
      billIds: [],
    });
    const refund = (amountFen: number) => ({
      kind: 'overpayment',
      paymentId: overpaid.id,
      amountFen,
      reason: '多缴退回',
      method: 'offline',
    });
    const rejected = await withKey('caiwu', 'POST', '/refunds', refund(5_000));
    await withKey('shenpi', 'POST', `/refunds/${rejected.id}/reject`, { note: '待核实' });
    const paid = await withKey('caiwu', 'POST', '/refunds', refund(4_000));
    const approve = await t.app.inject({
      method: 'POST',
      url: `/api/v1/refunds/${paid.id}/approve`,
      headers: await t.as('shenpi'),
      payload: {},
    });
    expect(approve.statusCode, approve.body).toBe(200);
    await withKey('caiwu', 'POST', `/refunds/${paid.id}/paid`, { reference: 'HX-20260303-01' });
  });

  it('the trigger sees an answer stored only after the commit (the check itself can fail)', async () => {
    // The way every route stored its answer before: commit the work, then write the answer.
    const late = answerCheckedKey('late');
    await t.database.orm.execute(
      sql`INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ('test', ${late}, 'x')`,
    );
    const work = t.database.orm.transaction(async (tx) => {
      await auditService.record(
        tx,
        { ...systemActor, orgId: t.orgId },
        {
          action: 'test.work',
          entityType: 'test',
          entityId: 'late',
        },
      );
    });
    await expect(work).rejects.toThrow();
    await t.database.orm.execute(sql`DELETE FROM idempotency_keys WHERE key = ${late}`);
  });
});
