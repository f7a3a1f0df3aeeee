// Reconciliation against the channel simulators with the production adapters: orders made through the portal, paid at
// the simulator (back-dated to the statement's day), notifications delivered into the app; then the day's statement
// fetched and reconciled through POST /api/v1/reconciliations. Each test takes a day of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { accountBalance, trialBalance } from '../../../test/helpers/collections.ts';
import {
  connectTestChannels,
  expectLedgerMatchesBills,
  orderFor,
  paidAtSimulator,
  payingTenant,
  snapshot,
  type TestChannels,
} from '../../../test/helpers/payments.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import type { PayChannel, Provider } from '../payments/channels/types.ts';
import { postChannelPayment } from '../payments/posting.ts';

let t: TestApp;
let channels: TestChannels;

beforeAll(async () => {
  t = await createTestApp();
  channels = await connectTestChannels(t);
}, 120_000);
afterAll(async () => {
  await channels?.simulator.close();
  await t?.close();
});

const db = () => t.database.orm;

/** A day of its own for each test, `back` days ago (China time). */
const dayAgo = (back: number) => addDays(chinaDate(new Date()), -back);
const noonOf = (date: string) => `${date}T12:00:00+08:00`;
const fee = (fen: number) => Math.round(fen * 0.006);

/** A tenant's bill ordered through the portal and paid at the simulator on `date` (notified unless told not to). */
const paidOn = (channel: PayChannel, provider: Provider, date: string, amountFen: number, instruction = {}) =>
  paidAtSimulator(t, channels, { channel, provider, paidAt: noonOf(date), amountFen, instruction });

async function reconcile(channel: Provider, date: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/reconciliations',
    headers: await t.as('caiwu'),
    payload: { channel, date },
  });
}

async function orderStatus(orderNo: string) {
  const [row] = await queryRows<{ status: string }>(
    db(),
    sql`SELECT status FROM payment_orders WHERE order_no = ${orderNo}`,
  );
  return row?.status;
}

describe('a clean day', () => {
  it('ties out: every line matched, the clearing account reduced by exactly the settled amount', async () => {
    const date = dayAgo(1);
    const first = await paidOn('wechat_native', 'wechatpay', date, 120_000);
    const second = await paidOn('wechat_native', 'wechatpay', date, 45_678);
    expect(await orderStatus(first.orderNo)).toBe('succeeded');
    const clearingBefore = await accountBalance(db(), t.orgId, 'clearing_wechatpay');
    const bankBefore = await accountBalance(db(), t.orgId, 'bank');
    const feesBefore = await accountBalance(db(), t.orgId, 'channel_fees');

    const response = await reconcile('wechatpay', date);
    expect(response.statusCode, response.body).toBe(201);
    const run = response.json();
    const gross = first.amountFen + second.amountFen;
    const fees = fee(first.amountFen) + fee(second.amountFen);
    expect(run).toMatchObject({
      channel: 'wechatpay',
      date,
      status: 'completed',
      duplicate: false,
      lines: 2,
      payments: 2,
      matched: 2,
      repaired: 0,
      differences: 0,
      channelPaidFen: gross,
      channelFeeFen: fees,
      settledGrossFen: gross,
      settledFeeFen: fees,
      settledNetFen: gross - fees,
      differenceItems: [],
      tieOut: {
        channelPaidFen: gross,
        matchedFen: gross,
        repairedFen: 0,
        differenceFen: 0,
        settlementClearingFen: gross,
        unexplainedFen: 0,
      },
    });
    expect(await accountBalance(db(), t.orgId, 'clearing_wechatpay')).toBe(clearingBefore - gross);
    expect(await accountBalance(db(), t.orgId, 'bank')).toBe(bankBefore + gross - fees);
    expect(await accountBalance(db(), t.orgId, 'channel_fees')).toBe(feesBefore + fees);
    const balance = await trialBalance(db());
    expect(balance.debitFen).toBe(balance.creditFen);

    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reconciliations/${run.id}`,
      headers: await t.as('caiwu'),
    });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json()).toMatchObject({ id: run.id, matched: 2, settlementEntryId: run.settlementEntryId });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reconciliations?channel=wechatpay',
      headers: await t.as('caiwu'),
    });
    expect(list.json().items.map((item: { id: string }) => item.id)).toContain(run.id);
  });

  it('imported again: the same file changes nothing and answers the earlier run', async () => {
    const date = dayAgo(1);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reconciliations?channel=wechatpay',
      headers: await t.as('caiwu'),
    });
    const earlier = list.json().items.find((item: { date: string }) => item.date === date);
    const before = await snapshot(db());
    const again = await reconcile('wechatpay', date);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({
      id: earlier.id,
      duplicate: true,
      matched: 2,
      settledGrossFen: earlier.settledGrossFen,
    });
    expect(await snapshot(db())).toEqual(before);
    const [runs] = await queryRows<{ n: string }>(
      db(),
      sql`SELECT count(*)::text AS n FROM reconciliation_runs WHERE provider = 'wechatpay' AND statement_date = ${date}`,
    );
    expect(runs!.n).toBe('1');
  });
});

describe('a dropped notification', () => {
  it('is repaired: the channel is asked, the payment posted through the normal path and audited', async () => {
    const date = dayAgo(2);
    const notified = await paidOn('alipay_qr', 'alipay', date, 80_000);
    const dropped = await paidOn('alipay_qr', 'alipay', date, 31_415, { notify: false });
    expect(await orderStatus(dropped.orderNo)).toBe('created');
    const clearingBefore = await accountBalance(db(), t.orgId, 'clearing_alipay');

    const response = await reconcile('alipay', date);
    expect(response.statusCode, response.body).toBe(201);
    const run = response.json();
    expect(run).toMatchObject({ lines: 2, matched: 1, repaired: 1, differences: 0 });
    expect(run.settledGrossFen).toBe(notified.amountFen + dropped.amountFen);
    expect(await orderStatus(dropped.orderNo)).toBe('succeeded');
    // Posted (Dr 1012 the dropped amount) and settled (Cr 1012 both): the clearing account is down by the notified one.
    expect(await accountBalance(db(), t.orgId, 'clearing_alipay')).toBe(clearingBefore - notified.amountFen);
    await expectLedgerMatchesBills(db(), t.orgId, dropped.contractId);
    const audit = await queryRows<{ action: string; after: { source?: string; orderNo?: string } }>(
      db(),
      sql`SELECT action, after FROM audit_log WHERE entity_id IN (${run.id},
            (SELECT id::text FROM payment_orders WHERE order_no = ${dropped.orderNo})) ORDER BY seq`,
    );
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['payment_order.succeed', 'reconciliation.repair', 'reconciliation.complete']),
    );
    expect(audit.find((entry) => entry.action === 'payment_order.succeed')?.after.source).toBe('query');
  });
});

describe('differences', () => {
  it('an amount the channel reports otherwise is flagged, and money here but not at the channel too', async () => {
    const date = dayAgo(3);
    const clean = await paidOn('unionpay', 'unionpay', date, 50_000);
    const altered = await paidOn('unionpay', 'unionpay', date, 60_000, { amountFen: 59_000 });
    // Succeeded here under a transaction the channel never had.
    const ghost = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 7_000 }]);
    const ghostOrder = await orderFor(
      db(),
      t.orgId,
      ghost.tenantId,
      [{ id: ghost.bills[0]!.id, amountFen: 7_000 }],
      'unionpay',
      {
        merchantId: channels.accounts.unionpay.settings.merId,
      },
    );
    const posted = await postChannelPayment(
      t.app.payments,
      { orgId: t.orgId, provider: 'unionpay', merchantId: channels.accounts.unionpay.settings.merId },
      {
        orderNo: ghostOrder.orderNo,
        transactionId: '999999999999999999999',
        amountFen: 7_000,
        merchantId: channels.accounts.unionpay.settings.merId,
        paidAt: new Date(noonOf(date)),
      },
      'notification',
    );
    expect(posted.outcome).toBe('posted');

    const response = await reconcile('unionpay', date);
    expect(response.statusCode, response.body).toBe(201);
    const run = response.json();
    expect(run).toMatchObject({ lines: 2, matched: 1, repaired: 0, differences: 2 });
    expect(run.settledGrossFen).toBe(clean.amountFen);
    expect(run.settledFeeFen).toBe(fee(clean.amountFen));
    expect(run.tieOut).toMatchObject({ matchedFen: clean.amountFen, differenceFen: 59_000, unexplainedFen: 0 });
    expect(run.differenceItems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'amount_differs',
          orderNo: altered.orderNo,
          channelAmountFen: 59_000,
          ourAmountFen: 60_000,
          status: 'open',
        }),
        expect.objectContaining({
          kind: 'missing_in_channel',
          orderNo: ghostOrder.orderNo,
          channelAmountFen: null,
          ourAmountFen: 7_000,
        }),
      ]),
    );
    const balance = await trialBalance(db());
    expect(balance.debitFen).toBe(balance.creditFen);
  });

  it('a day the channel has no statement for still finds money that succeeded here', async () => {
    const date = dayAgo(5);
    const ghost = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 8_800 }]);
    const ghostOrder = await orderFor(
      db(),
      t.orgId,
      ghost.tenantId,
      [{ id: ghost.bills[0]!.id, amountFen: 8_800 }],
      'wechat_native',
      { merchantId: channels.accounts.wechatpay.settings.mchid, appId: channels.accounts.wechatpay.settings.appid },
    );
    const account = {
      orgId: t.orgId,
      provider: 'wechatpay' as const,
      merchantId: channels.accounts.wechatpay.settings.mchid,
      appId: channels.accounts.wechatpay.settings.appid,
    };
    const posted = await postChannelPayment(
      t.app.payments,
      account,
      {
        orderNo: ghostOrder.orderNo,
        transactionId: '4200000000000000000000000001',
        amountFen: 8_800,
        merchantId: account.merchantId,
        appId: account.appId,
        paidAt: new Date(noonOf(date)),
      },
      'notification',
    );
    expect(posted.outcome).toBe('posted');
    const response = await reconcile('wechatpay', date);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      lines: 0,
      matched: 0,
      differences: 1,
      settledGrossFen: 0,
      settlementEntryId: null,
      differenceItems: [{ kind: 'missing_in_channel', orderNo: ghostOrder.orderNo, ourAmountFen: 8_800 }],
    });
  });

  it('refuses a day not yet over, and asks for reconciliation:write', async () => {
    const today = await reconcile('wechatpay', chinaDate(new Date()));
    expect(today.statusCode).toBe(422);
    expect(today.json().code).toBe('reconciliation_date_not_past');
    const auditor = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reconciliations',
      headers: await t.as('shenji'),
      payload: { channel: 'wechatpay', date: dayAgo(1) },
    });
    expect(auditor.statusCode).toBe(403);
  });
});
