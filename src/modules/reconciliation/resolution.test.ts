// Differences and what finance does with them, against the channel simulators: a statement altered by hand and
// uploaded is flagged amount_differs, then settled at the channel's figures only with another user's approval (the
// ledger balanced, the surplus in suspense); every refusal changes nothing; the same upload twice changes nothing; a
// file of another channel's format is refused; a payment the channel put on the next day's statement resolves the
// earlier day's missing_in_channel by itself. Each test takes a day of its own.
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { accountBalance, trialBalance } from '../../../test/helpers/collections.ts';
import {
  connectTestChannels,
  orderFor,
  paidAtSimulator,
  payingTenant,
  snapshot,
  type TestChannels,
  tenantHeaders,
} from '../../../test/helpers/payments.ts';
import { type Orm, queryRows, sql } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../../demo/seed.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import { adapterForOrg } from '../payments/channel-settings.ts';
import { statementBytes } from '../payments/channels/statement-file.ts';
import type { PayChannel, Provider } from '../payments/channels/types.ts';
import { postChannelPayment } from '../payments/posting.ts';
import { runDailyReconciliation } from './daily.ts';

let t: TestApp;
let channels: TestChannels;

beforeAll(async () => {
  t = await createTestApp();
  channels = await connectTestChannels(t);
  // Someone who may both propose and approve: still never their own proposal.
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: await t.as('admin'),
    payload: {
      username: 'caiwu_shenpi',
      displayName: '财务兼审批',
      password: DEMO_PASSWORD,
      roles: ['finance', 'approver'],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
}, 120_000);
afterAll(async () => {
  await channels?.simulator.close();
  await t?.close();
});

const db = (): Orm => t.database.orm;
const dayAgo = (back: number) => addDays(chinaDate(new Date()), -back);
const fee = (fen: number) => Math.round(fen * 0.006);

const paidOn = (channel: PayChannel, provider: Provider, paidAt: string, amountFen: number, instruction = {}) =>
  paidAtSimulator(t, channels, { channel, provider, paidAt: paidAt, amountFen, instruction });

async function api(method: 'GET' | 'POST', url: string, user: string, payload?: object) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as(user), ...(payload ? { payload } : {}) });
}

/** A multipart body as a browser's FormData sends it: channel and date, then the file. */
function uploadBody(channel: string, date: string, content: Buffer, fileName = 'statement.txt') {
  const boundary = '----assetpay-test-boundary';
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body = Buffer.concat([
    Buffer.from(field('channel', channel) + field('date', date)),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(channel: string, date: string, content: Buffer, user = 'caiwu') {
  const { body, contentType } = uploadBody(channel, date, content);
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/reconciliations/upload',
    headers: { ...(await t.as(user)), 'content-type': contentType },
    payload: body,
  });
}

/** The channel's statement of `date` as its gateway gives it (UnionPay: the INN text out of the zip). */
async function statementText(provider: Provider, date: string): Promise<Buffer> {
  const adapter = await adapterForOrg(t.app.payments, t.orgId, provider);
  const file = await adapter.fetchStatement(date);
  try {
    const bytes = await statementBytes(file);
    if (provider !== 'unionpay') return bytes;
    const entries = unzipSync(new Uint8Array(bytes));
    const name = Object.keys(entries).find((entry) => /INN\d{6}/.test(entry))!;
    return Buffer.from(entries[name]!);
  } finally {
    await file.dispose();
  }
}

/** What reconciliation itself holds: runs, lines and each difference's state. */
async function reconciliationState() {
  const [row] = await queryRows<Record<string, string>>(
    db(),
    sql`SELECT (SELECT count(*) FROM reconciliation_runs)::text AS runs,
               (SELECT count(*) FROM reconciliation_lines)::text AS lines,
               (SELECT string_agg(id || ':' || status || ':' || coalesce(action, '-') || ':' || coalesce(decision_note, '-'),
                                  ',' ORDER BY id) FROM reconciliation_differences) AS differences,
               (SELECT count(*) FROM audit_log
                 WHERE entity_type IN ('reconciliation_run', 'reconciliation_difference', 'suspense_item'))::text AS audit`,
  );
  return { ...(await snapshot(db())), ...row };
}

describe('a statement line altered by hand', () => {
  const date = dayAgo(6);
  let differenceId: string;
  let altered: Buffer;

  it('uploaded, is flagged amount_differs; the rest ties out', async () => {
    const clean = await paidOn('unionpay', 'unionpay', `${date}T10:00:00+08:00`, 50_000);
    const changed = await paidOn('unionpay', 'unionpay', `${date}T11:00:00+08:00`, 60_000);
    const text = (await statementText('unionpay', date)).toString('utf8');
    // The amount is the fourth fixed-width field (12 digits of fen) of the line naming the order.
    const lines = text
      .split('\n')
      .map((line) =>
        line.includes(changed.orderNo) ? `${line.slice(0, 37)}${'60500'.padStart(12, '0')}${line.slice(49)}` : line,
      );
    altered = Buffer.from(lines.join('\n'));
    expect(altered.equals(Buffer.from(text))).toBe(false);

    const response = await upload('unionpay', date, altered);
    expect(response.statusCode, response.body).toBe(201);
    const run = response.json();
    expect(run).toMatchObject({ lines: 2, matched: 1, differences: 1, openDifferences: 1 });
    expect(run.settledGrossFen).toBe(clean.amountFen);
    expect(run.tieOut).toMatchObject({
      channelPaidFen: clean.amountFen + 60_500,
      matchedFen: clean.amountFen,
      differenceFen: 60_500,
      settlementClearingFen: clean.amountFen,
      unexplainedFen: 0,
    });
    // Answered from the sums the settlement read; read again from the lines, the same.
    expect((await api('GET', `/reconciliations/${run.id}`, 'caiwu')).json().tieOut).toEqual(run.tieOut);
    expect(run.differenceItems).toEqual([
      expect.objectContaining({
        kind: 'amount_differs',
        orderNo: changed.orderNo,
        channelAmountFen: 60_500,
        ourAmountFen: 60_000,
        status: 'open',
        action: null,
        runId: run.id,
        channel: 'unionpay',
        date,
      }),
    ]);
    differenceId = run.differenceItems[0].id;
    const worklist = await api('GET', '/reconciliation-differences?status=open&channel=unionpay', 'caiwu');
    expect(worklist.statusCode, worklist.body).toBe(200);
    expect(worklist.json().items.map((item: { id: string }) => item.id)).toContain(differenceId);
  });

  it('uploaded again: nothing changes, the earlier run answers', async () => {
    const before = await reconciliationState();
    const again = await upload('unionpay', date, altered);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, differences: 1 });
    const { audit: _audit, ...after } = await reconciliationState();
    const { audit: _before, ...expected } = before;
    expect(after).toEqual(expected);
  });

  it('refusals change nothing', async () => {
    const before = await reconciliationState();
    const refusals: [Promise<import('light-my-request').Response>, number, string][] = [
      [
        api('POST', `/reconciliation-differences/${differenceId}/resolve`, 'caiwu', { action: 'settle', note: '  ' }),
        422,
        'reconciliation_note_required',
      ],
      [
        api('POST', `/reconciliation-differences/${differenceId}/approve`, 'shenpi', {}),
        409,
        'reconciliation_difference_not_awaiting',
      ],
      [
        api('POST', `/reconciliation-differences/${differenceId}/reject`, 'shenpi', { note: '不同意' }),
        409,
        'reconciliation_difference_not_awaiting',
      ],
      [
        api('POST', `/reconciliation-differences/${differenceId}/resolve`, 'shenpi', {
          action: 'settle',
          note: '结算',
        }),
        403,
        'forbidden',
      ],
      [
        api('POST', `/reconciliation-differences/${crypto.randomUUID()}/resolve`, 'caiwu', {
          action: 'acknowledge',
          note: '说明',
        }),
        404,
        'not_found',
      ],
    ];
    for (const [pending, status, code] of refusals) {
      const response = await pending;
      expect(response.statusCode, response.body).toBe(status);
      if (code !== 'forbidden') expect(problemOf(response).code).toBe(code);
    }
    expect(await reconciliationState()).toEqual(before);
  });

  it('settled only with another user’s approval: Dr 1002 + Dr 6603 / Cr 1012 ours + Cr 2202 the surplus, in suspense', async () => {
    const proposed = await api('POST', `/reconciliation-differences/${differenceId}/resolve`, 'caiwu_shenpi', {
      action: 'settle',
      note: '渠道按 605 元结算，多收 5 元挂账待查',
    });
    expect(proposed.statusCode, proposed.body).toBe(200);
    expect(proposed.json()).toMatchObject({
      status: 'awaiting_approval',
      action: 'settle',
      proposedByName: 'caiwu_shenpi',
    });

    const before = await reconciliationState();
    const own = await api('POST', `/reconciliation-differences/${differenceId}/approve`, 'caiwu_shenpi', {});
    expect(problemOf(own)).toMatchObject({ status: 403, code: 'reconciliation_difference_self_approval' });
    const noReason = await api('POST', `/reconciliation-differences/${differenceId}/reject`, 'shenpi', { note: '' });
    expect(problemOf(noReason)).toMatchObject({ status: 422, code: 'reconciliation_note_required' });
    const again = await api('POST', `/reconciliation-differences/${differenceId}/resolve`, 'caiwu', {
      action: 'acknowledge',
      note: '再提交',
    });
    expect(problemOf(again)).toMatchObject({ status: 409, code: 'reconciliation_difference_not_open' });
    expect(await reconciliationState()).toEqual(before);

    const rejected = await api('POST', `/reconciliation-differences/${differenceId}/reject`, 'shenpi', {
      note: '先核实渠道结算单',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'open', action: null, decisionNote: '先核实渠道结算单' });
    expect((await snapshot(db())).entries).toBe(before.entries);

    const resubmitted = await api('POST', `/reconciliation-differences/${differenceId}/resolve`, 'caiwu', {
      action: 'settle',
      note: '已核实：渠道结算 605 元',
    });
    expect(resubmitted.statusCode, resubmitted.body).toBe(200);
    const bank = await accountBalance(db(), t.orgId, 'bank');
    const clearing = await accountBalance(db(), t.orgId, 'clearing_unionpay');
    const suspense = await accountBalance(db(), t.orgId, 'suspense');
    const fees = await accountBalance(db(), t.orgId, 'channel_fees');
    const approved = await api('POST', `/reconciliation-differences/${differenceId}/approve`, 'shenpi', {
      note: '同意',
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const difference = approved.json();
    expect(difference).toMatchObject({
      status: 'resolved',
      action: 'settle',
      decidedByName: 'shenpi',
      resolvedByName: 'shenpi',
      decisionNote: '同意',
    });
    expect(difference.suspenseNumber).toMatch(/^GZ-\d{4}-\d{6}$/);
    // The channel's fee is on its own figure (60 500), as the statement says.
    const lineFee = fee(60_000);
    expect(await accountBalance(db(), t.orgId, 'bank')).toBe(bank + 60_500 - lineFee);
    expect(await accountBalance(db(), t.orgId, 'channel_fees')).toBe(fees + lineFee);
    expect(await accountBalance(db(), t.orgId, 'clearing_unionpay')).toBe(clearing - 60_000);
    expect(await accountBalance(db(), t.orgId, 'suspense')).toBe(suspense - 500);
    const [item] = await queryRows<{ amount_fen: string; reason: string; status: string }>(
      db(),
      sql`SELECT amount_fen::text, reason, status FROM suspense_items WHERE number = ${difference.suspenseNumber}`,
    );
    expect(item).toEqual({ amount_fen: '500', reason: 'amount_mismatch', status: 'open' });
    const balance = await trialBalance(db());
    expect(balance.debitFen).toBe(balance.creditFen);
    const audit = await queryRows<{ action: string }>(
      db(),
      sql`SELECT action FROM audit_log WHERE entity_id = ${differenceId} ORDER BY seq`,
    );
    expect(audit.map((row) => row.action)).toEqual([
      'reconciliation_difference.propose_settlement',
      'reconciliation_difference.reject',
      'reconciliation_difference.propose_settlement',
      'reconciliation_difference.approve',
    ]);

    const twice = await api('POST', `/reconciliation-differences/${differenceId}/approve`, 'shenpi', {});
    expect(problemOf(twice)).toMatchObject({ status: 409, code: 'reconciliation_difference_not_awaiting' });
  });

  it('a difference that moves no channel money is acknowledged, never settled', async () => {
    const day = dayAgo(7);
    const list = await api('GET', '/reconciliation-differences?kind=amount_differs&status=resolved', 'caiwu');
    expect(list.json().total).toBeGreaterThan(0);
    // Succeeded here, absent from the channel's (empty) statement of the day.
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 3_300 }]);
    const adapter = await adapterForOrg(t.app.payments, t.orgId, 'alipay');
    const order = await orderFor(db(), t.orgId, p.tenantId, [{ id: p.bills[0]!.id, amountFen: 3_300 }], 'alipay_qr', {
      merchantId: adapter.merchantId,
      ...(adapter.appId ? { appId: adapter.appId } : {}),
    });
    const posted = await postChannelPayment(
      t.app.payments,
      {
        orgId: t.orgId,
        provider: 'alipay',
        merchantId: adapter.merchantId,
        ...(adapter.appId ? { appId: adapter.appId } : {}),
      },
      {
        orderNo: order.orderNo,
        transactionId: '2026000000000000000000000077',
        amountFen: 3_300,
        merchantId: adapter.merchantId,
        ...(adapter.appId ? { appId: adapter.appId } : {}),
        paidAt: new Date(`${day}T09:00:00+08:00`),
      },
      'notification',
    );
    expect(posted.outcome).toBe('posted');
    const run = await api('POST', '/reconciliations', 'caiwu', { channel: 'alipay', date: day });
    expect(run.statusCode, run.body).toBe(201);
    const [missing] = run.json().differenceItems;
    expect(missing).toMatchObject({ kind: 'missing_in_channel', orderNo: order.orderNo });
    const before = await reconciliationState();
    const settle = await api('POST', `/reconciliation-differences/${missing.id}/resolve`, 'caiwu', {
      action: 'settle',
      note: '结算',
    });
    expect(problemOf(settle)).toMatchObject({ status: 422, code: 'reconciliation_difference_cannot_settle' });
    expect(await reconciliationState()).toEqual(before);
    const acknowledged = await api('POST', `/reconciliation-differences/${missing.id}/resolve`, 'caiwu', {
      action: 'acknowledge',
      note: '测试数据，渠道无此笔',
    });
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect(acknowledged.json()).toMatchObject({ status: 'resolved', action: 'acknowledge', resolvedByName: 'caiwu' });
    expect((await snapshot(db())).entries).toBe(before.entries);
  });
});

describe('uploads', () => {
  it('a file not in the channel’s format is refused and nothing is written', async () => {
    const date = dayAgo(10);
    const before = await reconciliationState();
    const wrong = await upload('alipay', date, Buffer.from('交易时间,微信订单号\n'));
    expect(problemOf(wrong)).toMatchObject({ status: 422, code: 'reconciliation_upload_format' });
    const empty = await upload('wechatpay', date, Buffer.alloc(0));
    expect(problemOf(empty)).toMatchObject({ status: 422, code: 'reconciliation_upload_format' });
    const noChannel = await upload('paypal', date, Buffer.from('x'));
    expect(problemOf(noChannel)).toMatchObject({ status: 422, code: 'reconciliation_upload_missing' });
    const auditor = await upload('wechatpay', date, Buffer.from('x'), 'shenji');
    expect(auditor.statusCode).toBe(403);
    expect(await reconciliationState()).toEqual(before);
  });
});

describe('a payment the channel put on the next day', () => {
  it('is missing in the channel on its own day, and resolved by the next day’s run', async () => {
    const day = dayAgo(12);
    const next = addDays(day, 1);
    // The channel took it 30 s after midnight; here it was posted as paid a few seconds before.
    const late = await paidOn('wechat_native', 'wechatpay', `${next}T00:00:30+08:00`, 22_200, { notify: false });
    const view = await (await fetch(`${channels.simulator.url}/_sim/wechatpay/orders/${late.orderNo}`)).json();
    const adapter = await adapterForOrg(t.app.payments, t.orgId, 'wechatpay');
    const account = {
      orgId: t.orgId,
      provider: 'wechatpay' as const,
      merchantId: adapter.merchantId,
      ...(adapter.appId ? { appId: adapter.appId } : {}),
    };
    const posted = await postChannelPayment(
      t.app.payments,
      account,
      {
        orderNo: late.orderNo,
        transactionId: view.transactionId,
        amountFen: late.amountFen,
        merchantId: adapter.merchantId,
        ...(adapter.appId ? { appId: adapter.appId } : {}),
        paidAt: new Date(`${day}T23:59:50+08:00`),
      },
      'notification',
    );
    expect(posted.outcome).toBe('posted');

    const first = await api('POST', '/reconciliations', 'caiwu', { channel: 'wechatpay', date: day });
    expect(first.statusCode, first.body).toBe(201);
    const missing = first.json().differenceItems.find((item: { orderNo: string }) => item.orderNo === late.orderNo);
    expect(missing).toMatchObject({ kind: 'missing_in_channel', status: 'open', autoResolvedByRunId: null });

    const second = await api('POST', '/reconciliations', 'caiwu', { channel: 'wechatpay', date: next });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({ matched: 1, differences: 0, tieOut: { unexplainedFen: 0 } });
    const resolved = await api('GET', `/reconciliation-differences/${missing.id}`, 'caiwu');
    expect(resolved.json()).toMatchObject({ status: 'resolved', autoResolvedByRunId: second.json().id });
    const earlier = await api('GET', `/reconciliations/${first.json().id}`, 'caiwu');
    expect(earlier.json().openDifferences).toBe(0);
    const open = await api(
      'GET',
      `/reconciliations?hasOpenDifferences=true&channel=wechatpay&from=${day}&to=${next}`,
      'caiwu',
    );
    expect(open.json().items).toEqual([]);
  });
});

describe('the daily job', () => {
  it('reconciles yesterday for every enabled channel, tells finance of differences, and a rerun changes nothing', async () => {
    const day = dayAgo(14);
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 4_400 }]);
    const adapter = await adapterForOrg(t.app.payments, t.orgId, 'unionpay');
    const order = await orderFor(db(), t.orgId, p.tenantId, [{ id: p.bills[0]!.id, amountFen: 4_400 }], 'unionpay', {
      merchantId: adapter.merchantId,
    });
    const posted = await postChannelPayment(
      t.app.payments,
      { orgId: t.orgId, provider: 'unionpay', merchantId: adapter.merchantId },
      {
        orderNo: order.orderNo,
        transactionId: '888888888888888888801',
        amountFen: 4_400,
        merchantId: adapter.merchantId,
        paidAt: new Date(`${day}T15:00:00+08:00`),
      },
      'notification',
    );
    expect(posted.outcome).toBe('posted');
    const morning = new Date(`${addDays(day, 1)}T10:30:00+08:00`);
    const report = await runDailyReconciliation(t.app.payments, morning);
    expect(report).toEqual({ date: day, reconciled: 3, duplicates: 0, failed: 0, openDifferences: 1 });
    const notices = async () =>
      queryRows<{ recipient_role: string; title: string }>(
        db(),
        sql`SELECT recipient_role, title FROM notifications WHERE kind = 'reconciliation_differences' AND title LIKE ${`%${day}%`}`,
      );
    expect(await notices()).toEqual([{ recipient_role: 'finance', title: `对账差异待处理：银联 ${day}` }]);

    const before = await reconciliationState();
    const again = await runDailyReconciliation(t.app.payments, morning);
    expect(again).toEqual({ date: day, reconciled: 0, duplicates: 3, failed: 0, openDifferences: 1 });
    expect(await notices()).toHaveLength(1);
    expect(await reconciliationState()).toEqual(before);
  });
});

describe('refunds on the statement', () => {
  it('are matched to refunds paid back here and netted in the settlement: the clearing account back where it was', async () => {
    const day = dayAgo(16);
    const clearingBefore = await accountBalance(db(), t.orgId, 'clearing_alipay');
    const bankBefore = await accountBalance(db(), t.orgId, 'bank');
    // Paid at the desk, then again by Alipay for an order made before: the Alipay money is all an advance.
    const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 90_000 }]);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/payment-orders',
      headers: await tenantHeaders(t, p.tenantId),
      payload: { billIds: [p.bills[0]!.id], channel: 'alipay_qr' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const order = created.json();
    const desk = await api('POST', '/payments', 'caiwu', {
      tenantId: p.tenantId,
      amountFen: 90_000,
      receivedOn: '2026-01-01',
      method: 'cash',
      billIds: [p.bills[0]!.id],
    });
    expect(desk.statusCode, desk.body).toBe(201);
    const paid = await fetch(`${channels.simulator.url}/_sim/alipay/orders/${order.orderNo}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ paidAt: `${day}T10:00:00+08:00` }),
    });
    expect(paid.status, await paid.clone().text()).toBe(200);
    await channels.simulator.settled();
    const [payment] = await queryRows<{ id: string }>(
      db(),
      sql`SELECT id FROM payments WHERE payment_order_no = ${order.orderNo}`,
    );
    const requested = await api('POST', '/refunds', 'caiwu', {
      kind: 'overpayment',
      paymentId: payment!.id,
      amountFen: 70_000,
      reason: '重复缴费',
      method: 'original_channel',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    // The channel pays the refund back on the same day (the simulator's clock set to that evening).
    channels.clockSkewMs = new Date(`${day}T18:00:00+08:00`).getTime() - Date.now();
    try {
      const approved = await api('POST', `/refunds/${requested.json().id}/approve`, 'shenpi', { note: '同意' });
      expect(approved.statusCode, approved.body).toBe(200);
      await channels.simulator.settled();
    } finally {
      channels.clockSkewMs = 0;
    }
    const refund = (await api('GET', `/refunds/${requested.json().id}`, 'caiwu')).json();
    expect(refund).toMatchObject({ status: 'refunded' });

    const response = await api('POST', '/reconciliations', 'caiwu', { channel: 'alipay', date: day });
    expect(response.statusCode, response.body).toBe(201);
    const run = response.json();
    const paymentFee = fee(90_000);
    expect(run).toMatchObject({
      lines: 2,
      payments: 1,
      refunds: 1,
      matched: 1,
      refundsMatched: 1,
      differences: 0,
      settledGrossFen: 90_000,
      settledRefundFen: 70_000,
      tieOut: { channelPaidFen: 90_000, channelRefundFen: 70_000, refundMatchedFen: 70_000, unexplainedFen: 0 },
    });
    const listed = (await api('GET', '/reconciliations?channel=alipay', 'caiwu')).json().items;
    expect(listed.find((item: { id: string }) => item.id === run.id).tieOut).toEqual(run.tieOut);
    expect(run.settledNetFen).toBe(90_000 - 70_000 - run.settledFeeFen);
    expect(run.settledFeeFen).toBeLessThanOrEqual(paymentFee);
    expect(await accountBalance(db(), t.orgId, 'clearing_alipay')).toBe(clearingBefore);
    expect(await accountBalance(db(), t.orgId, 'bank')).toBe(bankBefore + run.settledNetFen);
    const balance = await trialBalance(db());
    expect(balance.debitFen).toBe(balance.creditFen);
  });
});
