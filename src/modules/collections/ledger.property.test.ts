// Random sequences of billing runs, payments (with and without chosen bills), penalty fixes and approved waivers on a
// few contracts of an organisation of their own: afterwards the journal balances, each contract's receivable equals
// what its bills say is outstanding, and each tenant's advances equal what their payments left over.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.ts';
import { createTestApp } from '../../../test/helpers/app.ts';
import { accountBalance, makeContract, makeTenant, trialBalance } from '../../../test/helpers/collections.ts';
import { type Orm, queryRows, sql } from '../../db/client.ts';
import { addDays, type CalendarDate, compareDates } from '../../domain/calendar.ts';
import { type Actor, systemActor } from '../audit/service.ts';
import { runBilling } from '../billing/run.ts';
import { findOrCreateOrg } from '../orgs/service.ts';
import { collectionsRepository } from './repository.ts';
import { applyPayment, collectionsService, fixPenalty, type OrgActor, penaltyOwedToday, today } from './service.ts';

let t: TestApp;
let db: Orm;

beforeAll(async () => {
  t = await createTestApp();
  db = t.database.orm;
});
afterAll(() => t.close());

type Op =
  | { kind: 'bill'; days: number }
  | { kind: 'pay'; days: number; tenant: number; amountFen: number; choose: number[] | null }
  | { kind: 'fix'; days: number; pick: number }
  | { kind: 'waive'; days: number; pick: number; share: number };

const days = fc.integer({ min: 0, max: 35 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('bill' as const), days }),
  fc.record({
    kind: fc.constant('pay' as const),
    days,
    tenant: fc.integer({ min: 0, max: 1 }),
    amountFen: fc.oneof(fc.integer({ min: 1, max: 400_000 }), fc.constantFrom(100_000, 250_000, 80_000)),
    choose: fc.option(fc.uniqueArray(fc.nat({ max: 7 }), { minLength: 1, maxLength: 3 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('fix' as const), days, pick: fc.nat({ max: 20 }) }),
  fc.record({
    kind: fc.constant('waive' as const),
    days,
    pick: fc.nat({ max: 20 }),
    share: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
);

interface World {
  orgId: string;
  tenants: string[];
  contracts: string[];
  finance: OrgActor;
  approver: OrgActor;
}

async function newWorld(): Promise<World> {
  const org = await findOrCreateOrg(db, systemActor, { code: `P${randomUUID().slice(0, 8)}`, name: '性质测试公司' });
  const a = (await makeTenant(db, org.id)).id;
  const b = (await makeTenant(db, org.id)).id;
  const period = { planned: false, startDate: '2026-01-01', endDate: '2026-12-31' };
  const contracts = [
    await makeContract(db, org.id, a, { dailyRate: '0.0005' }, { ...period, monthlyFen: 100_000, depositFen: 50_000 }),
    await makeContract(
      db,
      org.id,
      a,
      { dailyRate: '0.001', graceDays: 3, capRatio: '0.1' },
      {
        ...period,
        monthlyFen: 250_000,
      },
    ),
    await makeContract(db, org.id, b, { dailyRate: '0.0003', graceDays: 10 }, { ...period, monthlyFen: 80_000 }),
  ];
  const staff = (name: string): OrgActor => ({
    kind: 'staff',
    orgId: org.id,
    id: randomUUID(),
    name,
    ip: null,
    userAgent: null,
  });
  return { orgId: org.id, tenants: [a, b], contracts, finance: staff('caiwu'), approver: staff('shenpi') };
}

/** The org's unsettled bills (of one tenant), in a stable order. */
const unsettled = (orgId: string, tenantId?: string) =>
  queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM bills WHERE org_id = ${orgId} AND status IN ('open', 'partial')
          ${tenantId ? sql`AND tenant_id = ${tenantId}` : sql``}
        ORDER BY due_date, number`,
  );

async function perform(world: World, step: Op, day: CalendarDate) {
  const actor: Actor = world.finance;
  switch (step.kind) {
    case 'bill':
      await runBilling(db, world.finance, { orgId: world.orgId, throughDate: day, trigger: 'manual' });
      return;
    case 'pay': {
      const tenantId = world.tenants[step.tenant]!;
      const open = await unsettled(world.orgId, tenantId);
      const billIds = step.choose
        ? [...new Set(step.choose.filter((index) => index < open.length).map((index) => open[index]!.id))]
        : undefined;
      if (step.choose && billIds!.length === 0) return;
      await db.transaction((tx) =>
        applyPayment(tx, actor, {
          orgId: world.orgId,
          tenantId,
          amountFen: step.amountFen,
          receivedOn: day,
          method: 'bank_transfer',
          billIds,
          debitPurpose: 'bank',
        }),
      );
      return;
    }
    case 'fix': {
      const open = await unsettled(world.orgId);
      if (open.length === 0) return;
      const id = open[step.pick % open.length]!.id;
      await db.transaction(async (tx) => {
        const [bill] = await collectionsRepository.lockBills(tx, world.orgId, [id]);
        await fixPenalty(tx, actor, bill!, day);
      });
      return;
    }
    case 'waive': {
      const open = await unsettled(world.orgId);
      if (open.length === 0) return;
      const id = open[step.pick % open.length]!.id;
      const [bill] = await collectionsRepository.lockBills(db, world.orgId, [id]);
      const owedFen = await penaltyOwedToday(db, bill!);
      if (owedFen <= 0) return;
      const amountFen = Math.max(1, Math.floor(owedFen * step.share));
      const waiver = await collectionsService.requestWaiver(db, world.finance, id, { amountFen, reason: '性质测试' });
      await collectionsService.approveWaiver(db, world.approver, waiver.id, null);
      return;
    }
  }
}

async function checkInvariants(world: World) {
  const balance = await trialBalance(db);
  expect(balance.debitFen).toBe(balance.creditFen);
  for (const contractId of world.contracts) {
    const [row] = await queryRows<{ outstanding: string }>(
      db,
      sql`SELECT coalesce(sum(amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen),
                          0)::text AS outstanding
            FROM bills WHERE contract_id = ${contractId} AND status <> 'void'`,
    );
    expect(await accountBalance(db, world.orgId, 'receivable', { contractId })).toBe(Number(row!.outstanding));
  }
  for (const tenantId of world.tenants) {
    const [row] = await queryRows<{ advances: string }>(
      db,
      sql`SELECT coalesce(sum(advance_fen), 0)::text AS advances FROM payments WHERE tenant_id = ${tenantId}`,
    );
    expect(0 - (await accountBalance(db, world.orgId, 'advances', { tenantId }))).toBe(Number(row!.advances));
  }
  // Every bill's status says what its amounts say.
  const wrong = await queryRows<{ number: string }>(
    db,
    sql`SELECT number FROM bills WHERE org_id = ${world.orgId} AND status <> 'void' AND (
          (status = 'paid') <> (principal_paid_fen = amount_fen AND late_fee_paid_fen = late_fee_fen - late_fee_waived_fen)
          OR (status = 'open' AND (principal_paid_fen > 0 OR late_fee_paid_fen > 0)))`,
  );
  expect(wrong).toEqual([]);
}

describe('the ledger under random collections', () => {
  it('balances, and agrees with the bills and the payments, after any sequence', async () => {
    const latest = today();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 10 }), async (ops) => {
        const world = await newWorld();
        let day: CalendarDate = '2026-01-01';
        for (const step of [{ kind: 'bill', days: 0 } as Op, ...ops]) {
          const next = addDays(day, step.days);
          day = compareDates(next, latest) > 0 ? latest : next;
          await perform(world, step, day);
        }
        await checkInvariants(world);
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 120_000);
});
