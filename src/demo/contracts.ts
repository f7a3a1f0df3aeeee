import { setImmediate } from 'node:timers/promises';
import type { PiiCipher } from '../crypto/pii.ts';
import type { Orm } from '../db/client.ts';
import { addDays, addMonthsClamped, type CalendarDate, earlierOf } from '../domain/calendar.ts';
import { annualRentFen } from '../domain/contract-rules.ts';
import { formatHundredths, hundredthsOf } from '../domain/decimal-text.ts';
import { baseMonthlyRentFen, type ContractTerms } from '../domain/rent-schedule.ts';
import { assetsService } from '../modules/assets/service.ts';
import type { Actor } from '../modules/audit/service.ts';
import { type ContractInput, type ContractsContext, contractsService, today } from '../modules/contracts/service.ts';
import { tenantsService } from '../modules/tenants/service.ts';
import { usersRepository } from '../modules/users/repository.ts';
import type { FileStore } from '../storage/file-store.ts';
import { seededRandom } from './random.ts';

// About 150 demo contracts of 政鑫公司 in every state, dated around today so the console shows a living business:
// active leases (some ending within the alert window, some renewed from an expired one), expired, terminated,
// approved, pending approval (a few needing two levels) and drafts; monthly, quarterly, half-yearly and annual
// cycles, escalation, rent-free months, fixed and per-area rent. Everything goes through the contract service
// (validated and audited) in one transaction, so a failed seed leaves nothing behind.

type Random = ReturnType<typeof seededRandom>;

/** The demo contracts carry no files (no signed scans, no uploaded template). */
const noFiles: FileStore = {
  put: () => Promise.reject(new Error('the demo seed stores no files')),
  read: () => Promise.resolve(null),
  remove: () => Promise.resolve(),
  exists: () => Promise.resolve(false),
};
type Unit = Awaited<ReturnType<typeof assetsService.list>>['items'][number];

const PURPOSES: Record<string, string> = {
  YCGX: '办公',
  'YCGX-SP': '商业零售',
  XLH: '人才公寓居住',
  FHH: '商业经营',
  parking: '停放车辆',
  warehouse: '仓储物流',
};

/** Monthly rent per m² in fen, by where the unit is. */
function pricePerSqm(unit: Unit, random: Random): number {
  if (unit.code.startsWith('YCGX-SP')) return random.int(80, 110) * 100;
  if (unit.code.startsWith('YCGX')) return random.int(45, 70) * 100;
  if (unit.code.startsWith('XLH')) return random.int(25, 38) * 100;
  if (unit.type === 'warehouse') return random.int(12, 18) * 100;
  return random.int(60, 95) * 100;
}

function purposeOf(unit: Unit): string {
  if (unit.type === 'parking' || unit.type === 'warehouse') return PURPOSES[unit.type]!;
  const prefix = unit.code.startsWith('YCGX-SP') ? 'YCGX-SP' : unit.code.split('-')[0]!;
  return PURPOSES[prefix] ?? '办公';
}

interface Plan {
  units: Unit[];
  startDate: CalendarDate;
  endDate: CalendarDate;
}

function termsFor(plan: Plan, random: Random): ContractTerms {
  const [first] = plan.units;
  const area = formatHundredths(plan.units.reduce((sum, unit) => sum + (hundredthsOf(unit.areaSqm ?? '0') ?? 0n), 0n));
  const price = pricePerSqm(first!, random);
  const perArea = first!.type === 'unit' && random.next() < 0.35;
  const monthlyFen =
    first!.type === 'parking'
      ? random.int(3, 5) * 10_000
      : Math.max(10_000, Math.round((Number(area) * price) / 10_000) * 10_000);
  const rent = perArea
    ? { mode: 'per_area' as const, unitPriceFen: price, areaSqm: area }
    : { mode: 'fixed' as const, monthlyFen };
  const months = Math.round(
    (Date.parse(`${plan.endDate}T00:00:00Z`) - Date.parse(`${plan.startDate}T00:00:00Z`)) / (30.44 * 86_400_000),
  );
  const terms: ContractTerms = {
    startDate: plan.startDate,
    endDate: plan.endDate,
    rent,
    billingCycleMonths: first!.type === 'parking' ? random.pick([1, 12]) : random.pick([1, 3, 3, 3, 6, 12]),
    dueOffsetDays: random.pick([-15, -10, -10, 0, 5]),
    deposit: { amountFen: (perArea ? Math.round(price * Number(area)) : monthlyFen) * random.pick([1, 2, 3]) },
    lateFee: { dailyRate: '0.0005', graceDays: random.pick([0, 3, 5]), capRatio: '0.3' },
    taxRate: first!.taxMethod === 'simple' ? '0.05' : '0.09',
  };
  if (months >= 24 && random.next() < 0.45) terms.escalation = { everyMonths: 12, rate: random.pick(['0.03', '0.05']) };
  if (first!.type !== 'parking' && random.next() < 0.3) {
    terms.rentFree = [{ from: plan.startDate, to: addDays(addMonthsClamped(plan.startDate, random.int(1, 3)), -1) }];
  }
  return terms;
}

/** A term of `months` ending `endOffset` days from today. */
function endingIn(now: CalendarDate, endOffset: number, months: number) {
  const endDate = addDays(now, endOffset);
  return { startDate: addMonthsClamped(addDays(endDate, 1), -months), endDate };
}

/** A term of `months` starting `startOffset` days from today. */
function startingIn(now: CalendarDate, startOffset: number, months: number) {
  const startDate = addDays(now, startOffset);
  return { startDate, endDate: addDays(addMonthsClamped(startDate, months), -1) };
}

export async function seedDemoContracts(db: Orm, { pii, orgId }: { pii: PiiCipher; orgId: string }): Promise<number> {
  if ((await contractsService.list(db, { orgId }, 1, 1)).total > 0) return 0;
  const random = seededRandom(20260415);
  const now = today();
  const leasable = await assetsService.list(
    db,
    { orgId, type: ['unit', 'parking', 'warehouse'], status: ['vacant', 'reserved'] },
    1,
    1000,
  );
  const tenants = (await tenantsService.list({ db, pii }, { orgId }, 1, 1000)).items;
  if (leasable.items.length < 40 || tenants.length === 0) return 0;

  // The seed acts in the demo staff's roles (an approver's id counts for the different-approver rule), and the
  // audit log says it was the seed, not the person.
  const staff = async (username: string): Promise<Actor & { orgId: string }> => {
    const user = await usersRepository.findByUsername(db, username);
    return { kind: 'system', orgId, id: user?.id ?? null, name: `${username}（演示数据）`, ip: null, userAgent: null };
  };
  const [zichan, shenpi, zongjingli, admin] = await Promise.all(['zichan', 'shenpi', 'zongjingli', 'admin'].map(staff));

  let created = 0;
  await db.transaction(async (tx) => {
    const ctx: ContractsContext = { db: tx as Orm, pii, files: noFiles };
    const settings = await contractsService.updateSettings(ctx.db, admin!, { numberPrefix: 'ZX' });
    const tenantFor = () => random.pick(tenants).id;
    let tenderSeq = 100;

    const tenderRecord = (annualRent: number, startDate: CalendarDate) => {
      if (annualRent < settings.tenderThresholdFen) return {};
      tenderSeq += 1;
      const year = startDate.slice(0, 4);
      return { tenderAnnouncementNo: `YCGZ-${year}-${tenderSeq}`, dealConfirmationNo: `YCCJ-${year}-${tenderSeq}` };
    };
    // The tender record is there where the threshold asks for it, except on a few drafts still waiting for it.
    const draft = async (plan: Plan, input: Partial<ContractInput> = {}) => {
      // PGlite answers within microtasks: without a turn of the event loop now and then, the server (already
      // listening) could not answer /healthz until the whole seed is done.
      await setImmediate();
      const terms = termsFor(plan, random);
      const row = await contractsService.create(ctx, zichan!, {
        tenantId: tenantFor(),
        assetIds: plan.units.map((unit) => unit.id),
        terms,
        purpose: purposeOf(plan.units[0]!),
        ...tenderRecord(annualRentFen(baseMonthlyRentFen(terms.rent)), plan.startDate),
        ...input,
      });
      created += 1;
      return row;
    };
    const renew = async (id: string) => {
      const renewal = await contractsService.renew(ctx, zichan!, id);
      created += 1;
      const tender = tenderRecord(renewal.annualRentFen, renewal.startDate);
      return 'tenderAnnouncementNo' in tender ? contractsService.update(ctx, zichan!, renewal.id, tender) : renewal;
    };
    const approveAll = async (id: string, levels: number) => {
      await contractsService.approve(ctx, shenpi!, id, '同意，按合同条款执行');
      if (levels > 1) await contractsService.approve(ctx, zongjingli!, id, '同意');
    };
    const toApproved = async (id: string) => {
      const submitted = await contractsService.submit(ctx, zichan!, id);
      await approveAll(id, submitted.approvalLevels ?? 1);
    };
    const toActive = async (id: string, startDate: CalendarDate) => {
      await toApproved(id);
      await contractsService.activate(ctx, zichan!, id, { signDate: earlierOf(addDays(startDate, -7), now) });
    };

    // Units in code order; a few whole floors (six offices) make the larger, two-level contracts.
    const pool = [...leasable.items];
    const relet: Unit[] = [];
    const floor = () => {
      const index = pool.findIndex(
        (unit, i) =>
          unit.code.startsWith('YCGX-A') && pool[i + 5]?.parentId === unit.parentId && pool[i + 5]?.type === 'unit',
      );
      return index < 0 ? undefined : pool.splice(index, 6);
    };
    const take = (size: 'one' | 'floor', from = pool) => {
      const units = size === 'floor' ? floor() : [from.shift() ?? pool.shift()].filter((unit) => unit !== undefined);
      return units && units.length > 0 ? units : undefined;
    };

    // Active leases, 10 of them renewals of a lease that has since expired, 10 ending within the alert window.
    for (let i = 0; i < 70; i++) {
      const units = take(i === 5 || i === 40 ? 'floor' : 'one');
      if (!units) break;
      if (i < 10) {
        const renewalStart = addDays(now, -random.int(30, 300));
        const old = await draft({
          units,
          startDate: addMonthsClamped(renewalStart, -12),
          endDate: addDays(renewalStart, -1),
        });
        await toActive(old.id, old.startDate);
        const renewal = await renew(old.id);
        await toActive(renewal.id, renewal.startDate);
        continue;
      }
      const months = random.pick([12, 24, 36, 36, 60]);
      const endOffset = i < 20 ? random.int(3, 88) : random.int(100, months * 30 - 40);
      const row = await draft({ units, ...endingIn(now, endOffset, months) });
      await toActive(row.id, row.startDate);
      // Some of the leases ending soon already have their renewal drafted.
      if (i >= 10 && i < 18) await renew(row.id);
    }

    // Expired leases without renewal, on units that are free again.
    for (let i = 0; i < 10; i++) {
      const units = take('one');
      if (!units) break;
      const row = await draft({ units, ...endingIn(now, -random.int(20, 400), random.pick([12, 24])) });
      await toActive(row.id, row.startDate);
      // Those units are let again soon (approved or drafted below).
      relet.push(...units);
    }

    // Terminated early, months ago.
    for (let i = 0; i < 8; i++) {
      const units = take('one');
      if (!units) break;
      const plan = endingIn(now, random.int(200, 600), 36);
      const row = await draft({ units, ...plan });
      await toActive(row.id, row.startDate);
      const terminationDate = earlierOf(addDays(now, -random.int(5, 90)), addDays(plan.endDate, -1));
      await contractsService.terminate(ctx, zichan!, row.id, {
        terminationDate,
        reason: random.pick([
          '承租方经营调整，协商提前退租',
          '承租方迁址，双方协商解除',
          '逾期支付租金超过30日，甲方解除合同',
        ]),
      });
    }

    // Approved, waiting to be signed; pending approval (two of them needing two levels, one level approved).
    for (let i = 0; i < 8; i++) {
      const units = take(i === 0 ? 'floor' : 'one', relet);
      if (!units) break;
      const row = await draft({ units, ...startingIn(now, random.int(5, 40), random.pick([12, 24, 36])) });
      await toApproved(row.id);
    }
    for (let i = 0; i < 14; i++) {
      const units = take(i === 0 ? 'floor' : 'one');
      if (!units) break;
      const row = await draft({ units, ...startingIn(now, random.int(10, 60), random.pick([12, 24, 36])) });
      const submitted = await contractsService.submit(ctx, zichan!, row.id);
      if ((submitted.approvalLevels ?? 1) > 1 && i === 0) {
        await contractsService.approve(ctx, shenpi!, row.id, '同意，请总经理审批');
      }
    }

    // Drafts: some still waiting for their tender record, one rejected once.
    for (let i = 0; i < 20; i++) {
      const units = take('one', relet);
      if (!units) break;
      const row = await draft(
        { units, ...startingIn(now, random.int(10, 90), random.pick([12, 24, 36])) },
        i < 4 ? { tenderAnnouncementNo: null, dealConfirmationNo: null } : {},
      );
      if (i === 5) {
        await contractsService.submit(ctx, zichan!, row.id);
        await contractsService.reject(ctx, shenpi!, row.id, '租金低于评估价，请重新议价');
      }
    }

    // Leases past their end date expire and give their units back, as the daily job does each night.
    await contractsService.runDaily(ctx.db, now);
  });
  return created;
}
