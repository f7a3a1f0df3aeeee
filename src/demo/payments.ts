// 演示缴费: the demo org's last few months of bills paid the way tenants pay them — online orders through the payment
// service, paid at the channel simulators (back-dated to the day the tenant paid) so every one is posted by the
// channel's own signed notification; a few paid in part by bank transfer (the collections path), a few left overdue.
// Runs once: when the demo org has any payment order, it does nothing.

import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import type { Orm } from '../db/client.ts';
import type { PayChannel, Provider } from '../db/schema.ts';
import { addDays, addMonthsClamped, type CalendarDate, chinaDate, compareDates } from '../domain/calendar.ts';
import type { Actor } from '../modules/audit/service.ts';
import { type BillView, billingService } from '../modules/billing/service.ts';
import { collectionsService, lockBillsWithFigures } from '../modules/collections/service.ts';
import { PROVIDER_OF } from '../modules/payments/channels/types.ts';
import type { CreateOrderRequest, Payer } from '../modules/payments/orders.ts';
import { type PaymentsDeps, paymentsService } from '../modules/payments/service.ts';
import { usersRepository } from '../modules/users/repository.ts';
import { seededRandom } from './random.ts';

type OrgActor = Actor & { orgId: string };

export interface DemoPaymentsDeps {
  /** The app's online payment dependencies (app.payments): adapters pointed at the simulators by the org's settings. */
  payments: PaymentsDeps;
  orgId: string;
  /** Where the simulators' control API answers (`/_sim/{provider}/orders/{orderNo}/pay`). */
  simulatorUrl: string;
  /** Bills due within this many months before today are paid (default 4). */
  months?: number;
  /** At most this many online orders (default 40), the most recent bills first. */
  maxOrders?: number;
  /** How long to wait for a channel's notification to be posted before asking the channel (default 10 s). */
  notificationWaitMs?: number;
}

export interface DemoPaymentsOutcome {
  /** The demo payments were already there (or no channel is set up): nothing was done. */
  skipped: boolean;
  /** Online orders paid, per provider. */
  orders: Record<Provider, number>;
  /** Online orders paid on (or a few days before) the bills' due dates. */
  backDated: number;
  /** Online orders of overdue bills paid today with their penalty (their amount is figured as of today). */
  paidToday: number;
  /** Orders posted by asking the channel because their notification did not arrive in time. */
  synced: number;
  /** Bills paid in part by bank transfer. */
  partial: number;
  /** Bills past due left unpaid. */
  leftOverdue: number;
}

/** The channels online orders take in turn: each provider early, the phone and desktop variants later. */
const CHANNEL_TURNS: PayChannel[] = [
  'wechat_native',
  'alipay_qr',
  'unionpay',
  'wechat_h5',
  'alipay_wap',
  'wechat_native',
  'alipay_page',
];

/** Of every eight bill groups, one is left overdue and one paid in part; the rest are paid online. */
type Fate = 'online' | 'partial' | 'overdue';
const fateOf = (index: number): Fate => (index % 8 === 3 ? 'overdue' : index % 8 === 6 ? 'partial' : 'online');

const CHINA_OFFSET_MS = 8 * 3_600_000;
/** An instant on a China calendar day at hour:minute. */
const chinaInstant = (day: CalendarDate, hour: number, minute: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS + (hour * 60 + minute) * 60_000);

/** The bills one payment covers: a tenant's open bills due on one day (a first rent with its deposit). */
interface BillGroup {
  tenantId: string;
  dueDate: CalendarDate;
  bills: BillView[];
}

function groupsOf(bills: BillView[]): BillGroup[] {
  const groups = new Map<string, BillGroup>();
  for (const bill of [...bills].sort(
    (a, b) => compareDates(a.dueDate, b.dueDate) || a.number.localeCompare(b.number),
  )) {
    const key = `${bill.tenantId}:${bill.dueDate}`;
    const group = groups.get(key) ?? { tenantId: bill.tenantId, dueDate: bill.dueDate, bills: [] };
    group.bills.push(bill);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Every open bill of the org due between two days (inclusive). */
async function openBillsDue(db: Orm, orgId: string, from: CalendarDate, to: CalendarDate): Promise<BillView[]> {
  const found: BillView[] = [];
  for (let page = 1; ; page++) {
    const { items, total } = await billingService.list(
      db,
      { orgId, status: 'open', dueFrom: from, dueTo: to },
      page,
      200,
    );
    found.push(...items);
    if (items.length === 0 || found.length >= total) return found;
  }
}

/** What the bills were payable on a day: outstanding plus the penalty through the day before. */
async function payableOn(db: Orm, orgId: string, billIds: string[], day: CalendarDate): Promise<number> {
  const figures = await db.transaction((tx) => lockBillsWithFigures(tx, orgId, billIds, day));
  return figures.reduce((sum, { figures: bill }) => sum + bill.payableFen, 0);
}

/** The providers the org has set up and switched on. */
async function connectedProviders(deps: PaymentsDeps, orgId: string): Promise<Set<Provider>> {
  const settings = await paymentsService.channelSettings.list(deps, orgId);
  return new Set(settings.filter((view) => view.configured && view.enabled).map((view) => view.provider));
}

/**
 * What the tenant's browser does with the order: posts the UnionPay form (frontTransReq), opens the Alipay or WeChat
 * pay URL. Only then does the channel know the trade (a QR code order it knows from the start).
 */
async function openAtChannel(order: { payForm?: { action: string; fields: Record<string, string> }; payUrl?: string }) {
  const response = order.payForm
    ? await fetch(order.payForm.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(order.payForm.fields).toString(),
      })
    : order.payUrl
      ? await fetch(order.payUrl)
      : undefined;
  if (response && !response.ok) {
    throw new Error(`演示缴费：支付渠道打不开支付页面（${response.status} ${await response.text()}）`);
  }
}

/** The simulator's control API: the payer confirms in the channel's app (at `paidAt`, when given). */
async function payAtSimulator(simulatorUrl: string, provider: Provider, orderNo: string, paidAt: Date | undefined) {
  const url = `${simulatorUrl.replace(/\/+$/, '')}/_sim/${provider}/orders/${encodeURIComponent(orderNo)}/pay`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(paidAt ? { paidAt: paidAt.toISOString() } : {}),
  });
  if (!response.ok) {
    throw new Error(`演示缴费：模拟器拒绝支付订单 ${orderNo}（${response.status} ${await response.text()}）`);
  }
}

/**
 * Waits until the order is posted by its notification; if none arrived in time, asks the channel (同步), which posts
 * it through the same path. Returns whether it had to ask.
 */
async function awaitPosting(deps: DemoPaymentsDeps, actor: OrgActor, orderNo: string): Promise<boolean> {
  const deadline = Date.now() + (deps.notificationWaitMs ?? 10_000);
  for (;;) {
    const order = await paymentsService.orders.detail(deps.payments, deps.orgId, orderNo);
    if (order.status === 'succeeded') return false;
    if (order.status !== 'created') {
      throw new Error(
        `演示缴费：订单 ${orderNo} 未能入账（${order.status}${order.failureReason ? `：${order.failureReason}` : ''}）`,
      );
    }
    if (Date.now() > deadline) break;
    await sleep(10);
  }
  const synced = await paymentsService.orders.sync(deps.payments, actor, orderNo);
  if (synced.status !== 'succeeded')
    throw new Error(`演示缴费：订单 ${orderNo} 在渠道未显示已支付（${synced.status}）`);
  return true;
}

/** A tenant paying in the portal, as the demo. */
const payerOf = (orgId: string, tenantId: string): Payer => ({
  orgId,
  tenantId,
  via: 'portal',
  clientIp: '127.0.0.1',
  actor: { kind: 'tenant', orgId, id: tenantId, name: '承租方（演示数据）', ip: '127.0.0.1', userAgent: null },
});

export async function seedDemoPayments(db: Orm, deps: DemoPaymentsDeps): Promise<DemoPaymentsOutcome> {
  const outcome: DemoPaymentsOutcome = {
    skipped: true,
    orders: { wechatpay: 0, alipay: 0, unionpay: 0 },
    backDated: 0,
    paidToday: 0,
    synced: 0,
    partial: 0,
    leftOverdue: 0,
  };
  const { orgId } = deps;
  if ((await paymentsService.orders.list(deps.payments, { orgId }, 1, 1)).total > 0) return outcome;
  const providers = await connectedProviders(deps.payments, orgId);
  const channels = CHANNEL_TURNS.filter((channel) => providers.has(PROVIDER_OF[channel]));
  if (channels.length === 0) return outcome;
  outcome.skipped = false;

  const random = seededRandom(20260601);
  const now = new Date();
  const today = chinaDate(now);
  const caiwu = await usersRepository.findByUsername(db, 'caiwu');
  const finance: OrgActor = {
    kind: 'system',
    orgId,
    id: caiwu?.id ?? null,
    name: 'caiwu（演示数据）',
    ip: null,
    userAgent: null,
  };

  const bills = await openBillsDue(db, orgId, addMonthsClamped(today, -(deps.months ?? 4)), today);
  const maxOrders = deps.maxOrders ?? 40;
  // The most recent bills first, until there are enough orders.
  const groups = groupsOf(bills).reverse();
  let turn = 0;
  for (const [index, group] of groups.entries()) {
    // The server is already answering: let it between payments (PGlite answers within microtasks).
    await setImmediate();
    const billIds = group.bills.map((bill) => bill.id);
    const fate = compareDates(group.dueDate, today) < 0 ? fateOf(index) : 'online';
    if (fate === 'overdue') {
      outcome.leftOverdue += group.bills.length;
      continue;
    }
    if (fate === 'partial') {
      await payInPart(db, finance, group, today, random, index);
      outcome.partial += 1;
      continue;
    }

    // Paid online on the due date or up to six days before, at some hour of the day (never in the future).
    const channel = channels[turn++ % channels.length]!;
    const provider = PROVIDER_OF[channel];
    const paidDay = addDays(group.dueDate, -random.int(0, 6));
    const wanted = chinaInstant(paidDay, random.int(8, 21), random.int(0, 59));
    const paidAt = wanted.getTime() < now.getTime() - 120_000 ? wanted : new Date(now.getTime() - 120_000);
    // The amount the bills were payable on the day paid: the order is priced for that day.
    const request: CreateOrderRequest = {
      billIds,
      channel,
      mobile: channel !== 'wechat_native' && channel !== 'alipay_qr' && channel !== 'alipay_page',
      payableOn: chinaDate(paidAt),
    };
    const order = await paymentsService.orders.create(deps.payments, payerOf(orgId, group.tenantId), request, now);
    // An order figured as of today (overdue bills: the penalty through yesterday) is paid today, else the bill would
    // be over-paid on its due date and the rest become an advance.
    const backDated = order.amountFen === (await payableOn(db, orgId, billIds, chinaDate(paidAt)));
    await openAtChannel(order);
    await payAtSimulator(deps.simulatorUrl, provider, order.orderNo, backDated ? paidAt : undefined);
    if (await awaitPosting(deps, finance, order.orderNo)) outcome.synced += 1;
    outcome.orders[provider] += 1;
    if (backDated) outcome.backDated += 1;
    else outcome.paidToday += 1;
    if (turn >= maxOrders) break;
  }
  return outcome;
}

/** About half of what a bill owed, by bank transfer a few days after it was due (round hundreds of yuan). */
async function payInPart(
  db: Orm,
  finance: OrgActor,
  group: BillGroup,
  today: CalendarDate,
  random: ReturnType<typeof seededRandom>,
  index: number,
) {
  const candidate = addDays(group.dueDate, random.int(0, 9));
  const receivedOn = compareDates(candidate, today) > 0 ? today : candidate;
  const billIds = [group.bills[0]!.id];
  const owed = await payableOn(db, finance.orgId, billIds, receivedOn);
  const half = Math.floor(owed / 2 / 10_000) * 10_000;
  const amountFen = half > 0 ? half : Math.max(1, Math.floor(owed / 2));
  await collectionsService.recordPayment(db, finance, {
    tenantId: group.tenantId,
    amountFen,
    receivedOn,
    method: 'bank_transfer',
    reference: `YH${receivedOn.replaceAll('-', '')}${String(9000 + index).padStart(6, '0')}`,
    billIds,
    remarks: '承租方先付一部分，余款约定月底前付清（演示数据）',
  });
}
