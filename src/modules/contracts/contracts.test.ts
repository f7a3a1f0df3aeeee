import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { type ContractDetail, contractKit, type Kit, tender, terms } from '../../../test/helpers/contracts.ts';
import { queryRows } from '../../db/client.ts';
import { contractsService } from './service.ts';

let t: TestApp;
let kit: Kit;
let tenantId: string;

beforeAll(async () => {
  t = await createTestApp();
  kit = contractKit(t);
  tenantId = (await kit.tenant(0)).id;
});
afterAll(() => t.close());

const counts = async () =>
  (
    await queryRows<{ contracts: number; assets: number; approvals: number; audit: number }>(
      t.database.orm,
      sql`SELECT (SELECT count(*)::int FROM contracts) AS contracts,
                 (SELECT count(*)::int FROM contract_assets) AS assets,
                 (SELECT count(*)::int FROM contract_approvals) AS approvals,
                 (SELECT count(*)::int FROM audit_log) AS audit`,
    )
  )[0];

const assetStatus = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/assets/${id}`, headers: await kit.headers('zichan') })).json().status;

const auditActions = async (entityId: string) => {
  const response = await t.app.inject({
    url: `/api/v1/audit-log?entityId=${entityId}&pageSize=100`,
    headers: await kit.headers('admin'),
  });
  return (response.json().items as { action: string; actorName: string }[]).map((item) => item.action).reverse();
};

describe('the contract workflow', () => {
  it('drafts, submits, approves and activates a contract, leasing its unit, every step audited', async () => {
    const [unit] = await kit.units('WF', 1, '88.50');
    const created = await kit.create({
      tenantId,
      assetIds: [unit],
      terms: terms(),
      purpose: '办公',
      ...tender,
    });
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json() as ContractDetail;
    expect(draft).toMatchObject({
      status: 'draft',
      tenantId,
      assetIds: [unit],
      monthlyRentFen: 300_000,
      annualRentFen: 3_600_000,
      totalRentFen: 3_600_000,
      depositFen: 600_000,
      purpose: '办公',
      createdByName: 'zichan',
      tenderRequired: false,
      requiredApprovalLevels: 1,
    });
    expect(draft.number).toMatch(/^[A-Z][A-Z0-9]*-\d{4}-\d{4}$/);
    expect(draft.schedule.periods).toHaveLength(4);
    expect(draft.schedule.periods[0]).toMatchObject({
      periodStart: '2025-01-15',
      periodEnd: '2025-04-14',
      dueDate: '2025-01-05',
      amountFen: 900_000,
    });

    const submitted = await kit.post(`/${draft.id}/submit`);
    expect(submitted.json()).toMatchObject({ status: 'pending_approval', approvalLevels: 1 });
    expect(submitted.json().approval).toMatchObject({ round: 1, nextLevel: 1, approvedLevels: 0 });

    const byManager = await kit.post(`/${draft.id}/approve`, {});
    expect(problemOf(byManager)).toMatchObject({ status: 403, code: 'forbidden' });

    const approved = await kit.post(`/${draft.id}/approve`, { comment: '同意出租' }, 'shenpi');
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expect(approved.json().approval.steps).toEqual([
      expect.objectContaining({
        round: 1,
        level: 1,
        decision: 'approved',
        approverName: 'shenpi',
        comment: '同意出租',
      }),
    ]);
    expect(await assetStatus(unit!)).toBe('vacant');

    const activated = await kit.post(`/${draft.id}/activate`, { signDate: '2025-01-10' });
    expect(activated.json()).toMatchObject({ status: 'active', signDate: '2025-01-10' });
    expect(await assetStatus(unit!)).toBe('leased');

    expect(await auditActions(draft.id)).toEqual([
      'contract.create',
      'contract.submit',
      'contract.approve',
      'contract.activate',
    ]);
    expect(await auditActions(unit!)).toContain('asset.update_status');
    const history = activated.json().history as { action: string; toStatus: string | null; actorName: string }[];
    expect(history.map((entry) => [entry.action, entry.toStatus, entry.actorName])).toEqual([
      ['contract.create', 'draft', 'zichan'],
      ['contract.submit', 'pending_approval', 'zichan'],
      ['contract.approve', 'approved', 'shenpi'],
      ['contract.activate', 'active', 'zichan'],
    ]);

    const again = await kit.post(`/${draft.id}/activate`, { signDate: '2025-01-10' });
    expect(problemOf(again)).toMatchObject({ status: 409, code: 'contract_wrong_status' });
    expect(problemOf(again).detail).toBe(`合同 ${draft.number} 当前为“生效中”，不能签订生效`);
  });

  it('numbers contracts without gaps, even when a draft is refused', async () => {
    const [unit] = await kit.units('NUM', 1);
    const first = (await kit.create({ tenantId, assetIds: [unit], terms: terms() })).json();
    const refused = await kit.create({ tenantId, assetIds: [unit], terms: terms({ endDate: '2024-01-01' }) });
    expect(refused.statusCode).toBe(422);
    const second = (await kit.create({ tenantId, assetIds: [unit], terms: terms() })).json();
    const sequence = (number: string) => Number(number.split('-')[2]);
    expect(sequence(second.number)).toBe(sequence(first.number) + 1);
  });

  it('rejects back to draft with the reason; a fixed draft is submitted again in a new round', async () => {
    const [unit] = await kit.units('RJ', 1);
    const draft = (await kit.create({ tenantId, assetIds: [unit], terms: terms() })).json();
    await kit.post(`/${draft.id}/submit`);
    const noReason = await kit.post(`/${draft.id}/reject`, {}, 'shenpi');
    expect(problemOf(noReason)).toMatchObject({ status: 400 });
    const rejected = await kit.post(`/${draft.id}/reject`, { comment: '租金低于评估价' }, 'shenpi');
    expect(rejected.json()).toMatchObject({ status: 'draft' });
    expect(rejected.json().history.at(-1)).toMatchObject({
      action: 'contract.reject',
      fromStatus: 'pending_approval',
      toStatus: 'draft',
      comment: '租金低于评估价',
    });

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contracts/${draft.id}`,
      headers: await kit.headers('zichan'),
      payload: { terms: terms({ rent: { mode: 'fixed', monthlyFen: 320_000 } }) },
    });
    expect(patched.json()).toMatchObject({ monthlyRentFen: 320_000, annualRentFen: 3_840_000, status: 'draft' });
    const resubmitted = await kit.post(`/${draft.id}/submit`);
    expect(resubmitted.json().approval).toMatchObject({ round: 2, nextLevel: 1 });
    const approved = await kit.post(`/${draft.id}/approve`, {}, 'shenpi');
    expect(approved.json().approval.steps.map((step: { round: number; decision: string }) => step)).toEqual([
      expect.objectContaining({ round: 1, level: 1, decision: 'rejected' }),
      expect.objectContaining({ round: 2, level: 1, decision: 'approved' }),
    ]);

    const notDraft = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contracts/${draft.id}`,
      headers: await kit.headers('zichan'),
      payload: { purpose: '仓储' },
    });
    expect(problemOf(notDraft)).toMatchObject({ status: 409, code: 'contract_wrong_status' });
  });
});

describe('approval levels and public tender, by the org settings', () => {
  it('needs one level below 400,000 yuan a year and two from it, the second by a different approver', async () => {
    // zongjingli (刘总经理) is the demo's second approver.
    const [below, at] = await kit.units('LV', 2);
    // 33,333.33 yuan a month: 399,999.96 a year.
    const one = (
      await kit.create({
        tenantId,
        assetIds: [below],
        terms: terms({ rent: { mode: 'fixed', monthlyFen: 3_333_333 } }),
        ...tender,
      })
    ).json();
    expect(one.requiredApprovalLevels).toBe(1);
    // 33,333.34 yuan a month: 400,000.08 a year.
    const two = (
      await kit.create({
        tenantId,
        assetIds: [at],
        terms: terms({ rent: { mode: 'fixed', monthlyFen: 3_333_334 } }),
        ...tender,
      })
    ).json();
    expect(two.requiredApprovalLevels).toBe(2);

    await kit.post(`/${one.id}/submit`);
    expect((await kit.post(`/${one.id}/approve`, {}, 'shenpi')).json().status).toBe('approved');

    await kit.post(`/${two.id}/submit`);
    const first = await kit.post(`/${two.id}/approve`, { comment: '部门同意' }, 'shenpi');
    expect(first.json()).toMatchObject({ status: 'pending_approval', approval: { approvedLevels: 1, nextLevel: 2 } });
    const sameAgain = await kit.post(`/${two.id}/approve`, {}, 'shenpi');
    expect(problemOf(sameAgain)).toMatchObject({ status: 409, code: 'contract_same_approver' });
    expect(problemOf(sameAgain).detail).toBe('您已审批过本合同的第 1 级，第 2 级须由另一位审批人审批');
    const second = await kit.post(`/${two.id}/approve`, { comment: '总经理同意' }, 'zongjingli');
    expect(second.json()).toMatchObject({ status: 'approved', approval: { approvedLevels: 2, nextLevel: null } });
  });

  it('refuses to submit without a tender record at or above the threshold, and changes nothing', async () => {
    const [unit] = await kit.units('TD', 1);
    // 4,166.67 yuan a month: 50,000.04 a year, just at the default 50,000 yuan threshold.
    const draft = (
      await kit.create({ tenantId, assetIds: [unit], terms: terms({ rent: { mode: 'fixed', monthlyFen: 416_667 } }) })
    ).json();
    expect(draft.tenderRequired).toBe(true);
    const before = await counts();
    const refused = await kit.post(`/${draft.id}/submit`);
    expect(problemOf(refused)).toMatchObject({ status: 422, code: 'contract_tender_required' });
    expect(problemOf(refused).detail).toBe(
      '年租金 50,000.04 元达到公开招租标准（50,000.00 元），提交审批前请填写招租公告编号和成交确认书编号',
    );
    expect(problemOf(refused).errors?.map((error) => error.path)).toEqual([
      'body/tenderAnnouncementNo',
      'body/dealConfirmationNo',
    ]);
    expect(await counts()).toEqual(before);
    expect((await kit.get(`/${draft.id}`)).json().status).toBe('draft');

    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contracts/${draft.id}`,
      headers: await kit.headers('zichan'),
      payload: tender,
    });
    expect((await kit.post(`/${draft.id}/submit`)).json().status).toBe('pending_approval');

    // Below the threshold no tender is needed.
    const small = (
      await kit.create({ tenantId, assetIds: [unit], terms: terms({ rent: { mode: 'fixed', monthlyFen: 416_666 } }) })
    ).json();
    expect(small.tenderRequired).toBe(false);
    expect((await kit.post(`/${small.id}/submit`)).json().status).toBe('pending_approval');
  });

  it('reads and changes the settings (settings:manage only), refusing a term above 20 years or unordered tiers', async () => {
    const admin = await kit.headers('admin');
    const current = await t.app.inject({ url: '/api/v1/settings/contracts', headers: admin });
    expect(current.json()).toMatchObject({
      approvalTiers: [
        { fromAnnualRentFen: 0, levels: 1 },
        { fromAnnualRentFen: 40_000_000, levels: 2 },
      ],
      tenderThresholdFen: 5_000_000,
      maxTermYears: 5,
      expiryAlertDays: 90,
    });
    const byManager = await t.app.inject({ url: '/api/v1/settings/contracts', headers: await kit.headers('zichan') });
    expect(problemOf(byManager)).toMatchObject({ status: 403 });
    const patch = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'PATCH', url: '/api/v1/settings/contracts', headers: admin, payload });
    expect(problemOf(await patch({ maxTermYears: 21 }))).toMatchObject({ status: 400 });
    const unordered = await patch({
      approvalTiers: [
        { fromAnnualRentFen: 0, levels: 1 },
        { fromAnnualRentFen: 0, levels: 2 },
      ],
    });
    expect(problemOf(unordered)).toMatchObject({ status: 422, code: 'settings_tiers_not_increasing' });
    const changed = await patch({ tenderThresholdFen: 10_000_000, expiryAlertDays: 60 });
    expect(changed.json()).toMatchObject({ tenderThresholdFen: 10_000_000, expiryAlertDays: 60, maxTermYears: 5 });
    expect(await auditActions(t.orgId)).toContain('settings.contracts_update');
    await patch({ tenderThresholdFen: 5_000_000, expiryAlertDays: 90 });
  });
});

describe('a unit is never in two signed contracts on the same day', () => {
  it('refuses an overlapping draft, naming the contract that holds the unit', async () => {
    const [unit] = await kit.units('OV', 1);
    const holder = await kit.activeContract({ tenantId, assetIds: [unit], terms: terms() });
    const before = await counts();
    const overlapping = await kit.create({
      tenantId,
      assetIds: [unit],
      terms: terms({ startDate: '2025-06-01', endDate: '2026-05-31' }),
    });
    expect(problemOf(overlapping)).toMatchObject({ status: 409, code: 'contract_overlap' });
    expect(problemOf(overlapping).detail).toBe(
      `资产 OV-101 在 2025-01-15 至 2026-01-14 已由合同 ${holder.number} 租用，与本合同租期重叠`,
    );
    expect(await counts()).toEqual(before);
    // The day after it ends is free.
    const after = await kit.create({
      tenantId,
      assetIds: [unit],
      terms: terms({ startDate: '2026-01-15', endDate: '2027-01-14' }),
    });
    expect(after.statusCode).toBe(201);
  });

  it('lets exactly one of two concurrent activations on the same unit win; the other is told which contract', async () => {
    const [unit] = await kit.units('RACE', 1);
    const first = await kit.approvedContract({ tenantId, assetIds: [unit], terms: terms() });
    const second = await kit.approvedContract({
      tenantId: (await kit.tenant(1)).id,
      assetIds: [unit],
      terms: terms({ startDate: '2025-03-01', endDate: '2026-02-28' }),
    });
    const responses = await Promise.all(
      [first, second].map((contract) => kit.post(`/${contract.id}/activate`, { signDate: '2025-01-10' })),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = responses.find((response) => response.statusCode === 200)!.json();
    const loser = responses.find((response) => response.statusCode === 409)!;
    expect(problemOf(loser)).toMatchObject({ code: 'contract_overlap' });
    expect(problemOf(loser).detail).toContain(`已由合同 ${winner.number} 租用`);
    const rows = await queryRows<{ number: string; status: string; active: boolean }>(
      t.database.orm,
      sql`SELECT c.number, c.status, ca.active FROM contract_assets ca JOIN contracts c ON c.id = ca.contract_id
          WHERE ca.asset_id = ${unit} ORDER BY c.number`,
    );
    expect(rows.filter((row) => row.active)).toEqual([{ number: winner.number, status: 'active', active: true }]);
    expect(rows.filter((row) => row.status === 'approved')).toHaveLength(1);
    expect(await assetStatus(unit!)).toBe('leased');
  });

  it('refuses the same overlap in the database itself, whatever the application checks', async () => {
    const [unit] = await kit.units('DB', 1);
    const holder = await kit.activeContract({ tenantId, assetIds: [unit], terms: terms() });
    const other = await kit.approvedContract({
      tenantId,
      assetIds: [unit],
      terms: terms({ startDate: '2026-02-01', endDate: '2027-01-31' }),
    });
    await expect(
      t.database.orm.execute(
        sql`UPDATE contract_assets SET active = true, period = daterange('2025-12-01', '2026-12-31', '[]')
            WHERE contract_id = ${other.id}`,
      ),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23P01' }) });
    expect(holder.status).toBe('active');
  });
});

describe('early termination, renewal and expiry', () => {
  it('terminates early with the final amount prorated by days, a deposit refund request, and frees the unit', async () => {
    const [unit] = await kit.units('TM', 1);
    const contract = await kit.activeContract({ tenantId, assetIds: [unit], terms: terms() });
    const badDate = await kit.post(`/${contract.id}/terminate`, { terminationDate: '2026-01-14', reason: '退租' });
    expect(problemOf(badDate)).toMatchObject({ status: 422, code: 'contract_termination_date_outside' });

    const terminated = await kit.post(`/${contract.id}/terminate`, {
      terminationDate: '2025-05-20',
      reason: '承租方经营调整，协商提前退租',
    });
    expect(terminated.statusCode, terminated.body).toBe(200);
    const detail = terminated.json();
    expect(detail).toMatchObject({
      status: 'terminated',
      terminationDate: '2025-05-20',
      terminationReason: '承租方经营调整，协商提前退租',
      depositRefundRequest: { amountFen: 600_000, reason: 'terminated', status: 'pending' },
    });
    // Contract months of 3,000.00 yuan from 2025-01-15: four full months to 05-14, then 05-15 … 05-20 is
    // 6 of the 31 days to 06-15: round(300,000 × 6 / 31) = round(58,064.52) = 58,065 fen.
    // Period 1 (04-15 … 05-20) = 300,000 + 58,065 = 358,065; through termination 900,000 + 358,065 = 1,258,065.
    expect(detail.finalSettlement).toMatchObject({
      terminationDate: '2025-05-20',
      finalPeriod: {
        index: 1,
        periodStart: '2025-04-15',
        periodEnd: '2025-05-20',
        dueDate: '2025-04-05',
        amountFen: 358_065,
        scheduledAmountFen: 900_000,
      },
      rentThroughTerminationFen: 1_258_065,
      originalTotalRentFen: 3_600_000,
    });
    expect(detail.finalSettlement.periods.map((period: { amountFen: number }) => period.amountFen)).toEqual([
      900_000, 358_065,
    ]);
    expect(detail.finalSettlement.cancelledPeriods.map((period: { index: number }) => period.index)).toEqual([2, 3]);
    expect(await assetStatus(unit!)).toBe('vacant');
    expect(await auditActions(contract.id)).toEqual(
      expect.arrayContaining(['contract.terminate', 'deposit_refund.request']),
    );
    // The unit is free from the day after the termination date.
    const next = await kit.create({
      tenantId,
      assetIds: [unit],
      terms: terms({ startDate: '2025-05-21', endDate: '2026-05-20' }),
    });
    expect(next.statusCode, next.body).toBe(201);
  });

  it('renews into a linked draft starting the day after the old end, once', async () => {
    const [unit] = await kit.units('RN', 1);
    const old = await kit.activeContract({
      tenantId,
      assetIds: [unit],
      terms: terms({
        rentFree: [{ from: '2025-01-15', to: '2025-02-14' }],
        escalation: { everyMonths: 6, rate: '0.05' },
      }),
    });
    const renewed = await kit.post(`/${old.id}/renew`);
    expect(renewed.statusCode, renewed.body).toBe(201);
    expect(renewed.json()).toMatchObject({
      status: 'draft',
      renewedFromId: old.id,
      tenantId,
      assetIds: [unit],
      startDate: '2026-01-15',
      endDate: '2027-01-14',
      // The last monthly rent paid: 3,000.00 × 1.05 = 3,150.00.
      monthlyRentFen: 315_000,
      remarks: `续签自合同 ${old.number}`,
    });
    expect(renewed.json().terms.rentFree).toBeUndefined();
    expect((await kit.get(`/${old.id}`)).json().renewal).toEqual({
      id: renewed.json().id,
      number: renewed.json().number,
    });
    const twice = await kit.post(`/${old.id}/renew`);
    expect(problemOf(twice)).toMatchObject({ status: 409, code: 'contract_renewal_exists' });
    expect(await auditActions(renewed.json().id)).toEqual(['contract.create']);
  });

  it('expires contracts past their end date, frees units no other contract holds, and alerts once', async () => {
    const [ending, renewedUnit, soon] = await kit.units('EX', 3);
    const plain = await kit.activeContract({
      tenantId,
      assetIds: [ending],
      terms: terms({ startDate: '2024-07-01', endDate: '2025-06-30' }),
    });
    const old = await kit.activeContract({
      tenantId,
      assetIds: [renewedUnit],
      terms: terms({ startDate: '2024-07-01', endDate: '2025-06-30', deposit: undefined }),
    });
    const renewal = (await kit.post(`/${old.id}/renew`)).json();
    await kit.post(`/${renewal.id}/submit`);
    await kit.post(`/${renewal.id}/approve`, {}, 'shenpi');
    await kit.post(`/${renewal.id}/activate`, { signDate: '2025-06-20' });
    const upcoming = await kit.activeContract({
      tenantId,
      assetIds: [soon],
      terms: terms({ startDate: '2024-09-01', endDate: '2025-08-31' }),
    });

    const run = await contractsService.runDaily(t.database.orm, '2025-07-01');
    expect(run.expired).toBeGreaterThanOrEqual(2);
    expect((await kit.get(`/${plain.id}`)).json()).toMatchObject({
      status: 'expired',
      depositRefundRequest: { amountFen: 600_000, reason: 'expired' },
    });
    expect((await kit.get(`/${old.id}`)).json()).toMatchObject({ status: 'expired', depositRefundRequest: null });
    expect(await assetStatus(ending!)).toBe('vacant');
    // The renewal holds that unit from the next day: it stays leased.
    expect(await assetStatus(renewedUnit!)).toBe('leased');
    expect(await auditActions(plain.id)).toEqual(expect.arrayContaining(['contract.expire']));

    // 61 days before its end: within the default 90-day window, announced to the asset managers once.
    const expiring = await t.app.inject({
      url: '/api/v1/contracts/expiring?withinDays=100000',
      headers: await kit.headers('zichan'),
    });
    expect(problemOf(expiring)).toMatchObject({ status: 400 });
    const notices = await t.app.inject({
      url: '/api/v1/notifications?pageSize=200',
      headers: await kit.headers('zichan'),
    });
    const mine = notices.json().items.filter((notice: { entityId: string }) => notice.entityId === upcoming.id) as {
      title: string;
    }[];
    expect(mine).toEqual([
      expect.objectContaining({ kind: 'contract_expiring', title: `合同 ${upcoming.number} 将于 2025-08-31 到期` }),
    ]);
    const again = await contractsService.runDaily(t.database.orm, '2025-07-01');
    expect(again).toEqual({ expired: 0, released: 0, alerted: 0 });
    const financeNotices = await t.app.inject({ url: '/api/v1/notifications', headers: await kit.headers('caiwu') });
    expect(financeNotices.json().total).toBe(0);
  });
});

describe('lists', () => {
  it('filters by status, tenant, asset, keyword and ending soon', async () => {
    const [unit] = await kit.units('LS', 1);
    const other = await kit.tenant(2);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const end = new Date(Date.parse(`${today}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
    const start = new Date(Date.parse(`${today}T00:00:00Z`) - 300 * 86_400_000).toISOString().slice(0, 10);
    const contract = await kit.activeContract(
      { tenantId: other.id, assetIds: [unit], terms: terms({ startDate: start, endDate: end }) },
      start,
    );
    const list = async (query: string) =>
      (await kit.get(`?${query}&pageSize=200`)).json().items.map((item: { id: string }) => item.id) as string[];
    expect(await list(`assetId=${unit}`)).toEqual([contract.id]);
    expect(await list(`tenantId=${other.id}&status=active`)).toContain(contract.id);
    expect(await list(`status=draft&assetId=${unit}`)).toEqual([]);
    expect(await list('keyword=LS-101')).toEqual([contract.id]);
    expect(await list(`keyword=${encodeURIComponent(contract.number)}`)).toEqual([contract.id]);
    expect(await list('endingWithinDays=30')).toContain(contract.id);
    expect(await list('endingWithinDays=29')).not.toContain(contract.id);
    const expiring = (await kit.get('/expiring')).json();
    expect(expiring.withinDays).toBe(90);
    expect(expiring.items.find((item: { id: string }) => item.id === contract.id)).toMatchObject({ daysLeft: 30 });
  });
});

describe('bad input gets a 4xx problem+json and writes nothing', () => {
  const cases: [string, () => Promise<Record<string, unknown>>, number, string, string?][] = [
    [
      'an end date before the start',
      async () => ({ terms: terms({ endDate: '2024-12-31' }) }),
      422,
      'terms_end_not_after_start',
      'body/terms/endDate',
    ],
    [
      'a term above the org limit of 5 years',
      async () => ({ terms: terms({ endDate: '2030-01-15' }) }),
      422,
      'terms_too_long',
      'body/terms/endDate',
    ],
    [
      'an impossible date',
      async () => ({ terms: terms({ startDate: '2025-02-30' }) }),
      422,
      'field_date_invalid',
      'body/terms/startDate',
    ],
    [
      'rent in yuan with decimals',
      async () => ({ terms: terms({ rent: { mode: 'fixed', monthlyFen: 3000.5 } }) }),
      400,
      'validation_failed',
    ],
    [
      'an unknown tenant',
      async () => ({ tenantId: '00000000-0000-4000-8000-000000000000' }),
      422,
      'contract_tenant_not_found',
      'body/tenantId',
    ],
    [
      'a project instead of a unit',
      async () => ({ assetIds: [await assetIdOf('YCGX')] }),
      422,
      'contract_asset_not_leasable_type',
      'body/assetIds/0',
    ],
    ['no units', async () => ({ assetIds: [] }), 400, 'validation_failed'],
    ['an unknown field', async () => ({ discount: 5 }), 400, 'validation_failed'],
    ['no terms', async () => ({ terms: undefined }), 400, 'validation_failed'],
  ];
  const assetIdOf = async (code: string) =>
    (await t.app.inject({ url: `/api/v1/assets?code=${code}`, headers: await kit.headers('zichan') })).json().items[0]
      .id;

  for (const [name, body, status, code, path] of cases) {
    it(`refuses ${name}`, async () => {
      const [unit] = await kit.units(`BAD${cases.findIndex((item) => item[0] === name)}`, 1);
      const before = await counts();
      const response = await kit.create({ tenantId, assetIds: [unit], terms: terms(), ...(await body()) });
      const problem = problemOf(response);
      expect(problem).toMatchObject({ status, code });
      if (path) expect(problem.errors?.map((error) => error.path)).toContain(path);
      expect(await counts()).toEqual(before);
    });
  }

  it('answers in English on request, and refuses a sign date in the future', async () => {
    const [unit] = await kit.units('EN', 1);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/contracts',
      headers: { ...(await kit.headers('zichan')), 'accept-language': 'en' },
      payload: { tenantId, assetIds: [unit], terms: terms({ endDate: '2031-01-01' }) },
    });
    expect(problemOf(response).detail).toBe(
      'A lease runs at most 5 years (Civil Code art. 705); the latest end date is 2030-01-14',
    );
    const approved = await kit.approvedContract({ tenantId, assetIds: [unit], terms: terms() });
    const future = await kit.post(`/${approved.id}/activate`, { signDate: '2999-01-01' });
    expect(problemOf(future)).toMatchObject({ status: 422, code: 'contract_sign_date_future' });
    expect((await kit.get(`/${approved.id}`)).json().status).toBe('approved');
    expect(await assetStatus(unit!)).toBe('vacant');
  });

  it('keeps a contract of another organisation out of reach', async () => {
    const missing = await kit.get('/00000000-0000-4000-8000-000000000000');
    expect(problemOf(missing)).toMatchObject({ status: 404, detail: '未找到合同' });
  });
});

describe('attachments', () => {
  it('keeps a signed scan with the contract, checked by its first bytes', async () => {
    const [unit] = await kit.units('AT', 1);
    const contract = (await kit.create({ tenantId, assetIds: [unit], terms: terms() })).json();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const boundary = '----assetpay';
    const awaitedHeaders = await kit.headers('zichan');
    const upload = (content: Buffer, fileName: string) =>
      kit.t.app.inject({
        method: 'POST',
        url: `/api/v1/contracts/${contract.id}/attachments`,
        headers: { ...awaitedHeaders, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          ),
          content,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
    const stored = await upload(pdf, '合同扫描件.pdf');
    expect(stored.statusCode, stored.body).toBe(201);
    expect(stored.json()).toMatchObject({ fileName: '合同扫描件.pdf', contentType: 'application/pdf' });
    const refused = await upload(Buffer.from('MZ not a scan'), 'virus.pdf');
    expect(problemOf(refused)).toMatchObject({ status: 415, code: 'attachment_type' });
    const detail = (await kit.get(`/${contract.id}`)).json();
    expect(detail.attachments).toHaveLength(1);
    const download = await kit.get(`/${contract.id}/attachments/${stored.json().id}`, 'shenji');
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(pdf)).toBe(true);
  });
});
