// 支付订单: a tenant pays chosen bills through a channel. The amount is what settles the bills today; a bill is in one
// open order at a time (a new order first closes the old one at its channel); the result page and the backstop job
// ask the channel when a notification is late, and post through the same path a notification takes.

import { randomInt } from 'node:crypto';
import { uniqueViolation } from '../../db/errors.ts';
import type { PayChannel, Provider } from '../../db/schema.ts';
import { type CalendarDate, chinaDate } from '../../domain/calendar.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { lockBillsWithFigures } from '../collections/service.ts';
import { verifyPayLink } from '../messages/pay-link.ts';
import { adapterForOrg, providerParam } from './channel-settings.ts';
import {
  type ChannelAdapter,
  ChannelError,
  type ChannelOrderState,
  type PayAction,
  PROVIDER_OF,
} from './channels/types.ts';
import {
  type ChannelPayment,
  channelActor,
  type PostingOutcome,
  type PostingSource,
  postChannelPayment,
} from './posting.ts';
import {
  type OrderFilter,
  type OrderWithNames,
  type PaymentOrderRow,
  paymentsRepository as repo,
} from './repository.ts';
import type { PaymentsDeps } from './service.ts';

/** The backstop asks the channel about orders still unpaid this long after they were made. */
export const BACKSTOP_AFTER_MINUTES = 5;
/** The result page asks the channel at most this often per order while it is unpaid. */
export const FOLLOW_QUERY_INTERVAL_MS = 3_000;
const BACKSTOP_BATCH = 200;

type OrgActor = Actor & { orgId: string };

/** Who is paying: a logged-in tenant (portal) or whoever holds a pay link. */
export interface Payer {
  orgId: string;
  tenantId: string;
  via: 'portal' | 'pay_link';
  clientIp: string;
  actor: OrgActor;
  /** The pay link's token, for the result page the channel sends the browser back to. */
  payLinkToken?: string;
}

export interface CreateOrderRequest {
  billIds: string[];
  channel: PayChannel;
  /** The payer's WeChat openid, for wechat_jsapi. */
  openid?: string;
  /** A phone's browser (UnionPay's mobile page). */
  mobile?: boolean;
  /**
   * The day the amount is figured for, when not the order's own day: the demo's back-dated payments. Never taken
   * from a request: a tenant pays what the bills owe on the day they order.
   */
  payableOn?: CalendarDate;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** AP + yyyyMMddHHmmss (China time) + 10 random digits: letters and digits only, as every channel accepts. */
export function newOrderNo(now = new Date()): string {
  const stamp = new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14);
  const random = Array.from({ length: 10 }, () => randomInt(10)).join('');
  return `AP${stamp}${random}`;
}

/** What the tenant sees in the channel's app, within WeChat's 127 bytes. */
function orderDescription(orgName: string, billNumbers: string[]): string {
  const what = `${billNumbers[0]}${billNumbers.length > 1 ? `等${billNumbers.length}张账单` : ''}`;
  let text = `${orgName}-缴费-${what}`;
  while (Buffer.byteLength(text) > 127) text = text.slice(0, -1);
  return text;
}

const payActionFields = (action: PayAction | null | undefined) => {
  switch (action?.kind) {
    case 'code':
      return { codeUrl: action.codeUrl };
    case 'redirect':
      return { payUrl: action.payUrl };
    case 'form':
      return { payForm: action.payForm };
    case 'jsapi':
      return { jsapi: action.jsapi };
    default:
      return {};
  }
};

function resultUrl(deps: Pick<PaymentsDeps, 'publicBaseUrl'>, orderNo: string, payLinkToken?: string) {
  return payLinkToken
    ? `${deps.publicBaseUrl}/m/pay/${payLinkToken}/orders/${orderNo}`
    : `${deps.publicBaseUrl}/m/orders/${orderNo}`;
}

/** The simulators' cashier page of an order (never in production). */
function simulatorCashierUrl(deps: Pick<PaymentsDeps, 'simulators' | 'env'>, order: PaymentOrderRow) {
  if (deps.env === 'production' || !deps.simulators.enabled || order.status !== 'created') return {};
  return { simulatorCashierUrl: `${deps.simulators.publicUrl}/_sim/${order.provider}/orders/${order.orderNo}/cashier` };
}

/** The order as the tenant sees it (portal and pay link): no merchant ids, the pay action while it can be paid. */
export async function tenantOrderView(deps: Pick<PaymentsDeps, 'db' | 'simulators' | 'env'>, order: OrderWithNames) {
  const bills = await repo.orderBills(deps.db, [order.id]);
  const payable = order.status === 'created';
  return {
    orderNo: order.orderNo,
    provider: order.provider,
    channel: order.channel,
    status: order.status,
    amountFen: order.amountFen,
    billIds: bills.map((bill) => bill.billId),
    bills: bills.map((bill) => ({
      id: bill.billId,
      number: bill.billNumber,
      periodStart: bill.periodStart,
      periodEnd: bill.periodEnd,
      dueDate: bill.dueDate,
      amountFen: bill.amountFen,
    })),
    createdAt: order.createdAt.toISOString(),
    expiresAt: order.expiresAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    closedAt: order.closedAt?.toISOString() ?? null,
    closeReason: order.closeReason,
    paymentNumber: order.paymentNumber,
    receiptId: order.receiptId,
    receiptNumber: order.receiptNumber,
    ...(payable ? payActionFields(order.payAction as PayAction | null) : {}),
    ...simulatorCashierUrl(deps, order),
  };
}

/** The order as staff see it: everything but secrets. */
export function staffOrderView(order: OrderWithNames, billIds: string[]) {
  return {
    id: order.id,
    orderNo: order.orderNo,
    provider: order.provider,
    channel: order.channel,
    tenantId: order.tenantId,
    tenantName: order.tenantName,
    amountFen: order.amountFen,
    status: order.status,
    billIds,
    createdVia: order.createdVia,
    merchantId: order.merchantId,
    appId: order.appId,
    transactionId: order.transactionId,
    createdAt: order.createdAt.toISOString(),
    expiresAt: order.expiresAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    closedAt: order.closedAt?.toISOString() ?? null,
    closeReason: order.closeReason,
    failureReason: order.failureReason,
    lastQueriedAt: order.lastQueriedAt?.toISOString() ?? null,
    paymentId: order.paymentId,
    paymentNumber: order.paymentNumber,
    receiptId: order.receiptId,
    receiptNumber: order.receiptNumber,
  };
}

/** What the channel said when asked, for the staff drawer. */
function channelStateView(state: ChannelOrderState) {
  switch (state.state) {
    case 'paid':
    case 'refunded':
      return {
        state: state.state,
        transactionId: state.transactionId,
        amountFen: state.amountFen,
        paidAt: state.paidAt.toISOString(),
      };
    case 'failed':
      return { state: state.state, reason: state.reason };
    default:
      return { state: state.state };
  }
}

const paymentOf = (orderNo: string, state: Extract<ChannelOrderState, { state: 'paid' }>): ChannelPayment => ({
  orderNo,
  transactionId: state.transactionId,
  amountFen: state.amountFen,
  merchantId: state.merchantId,
  ...(state.appId ? { appId: state.appId } : {}),
  paidAt: state.paidAt,
  detail: {},
});

function channelFailure(provider: Provider, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = error instanceof ChannelError ? error.code : 'NETWORK';
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(502, 'payment_channel_failed', { provider: providerParam(provider), code, message });
}

async function markClosed(
  deps: Pick<PaymentsDeps, 'db'>,
  actor: Actor & { orgId: string },
  order: PaymentOrderRow,
  reason: 'expired' | 'replaced' | 'cancelled',
): Promise<PaymentOrderRow> {
  return deps.db.transaction(async (tx) => {
    const locked = await repo.lockOrder(tx, order.orderNo);
    if (locked?.status !== 'created') return locked ?? order;
    const closed = await repo.updateOrder(tx, locked.id, {
      status: 'closed',
      closedAt: new Date(),
      closeReason: reason,
    });
    await repo.releaseBills(tx, locked.id);
    await auditService.record(tx, actor, {
      action: 'payment_order.close',
      entityType: 'payment_order',
      entityId: locked.id,
      before: { status: locked.status },
      after: { orderNo: locked.orderNo, status: 'closed', closeReason: reason },
    });
    return closed;
  });
}

/** Posts what the channel says was paid (a query's answer), as a notification would have. */
async function postQueried(
  deps: PaymentsDeps,
  adapter: ChannelAdapter,
  order: PaymentOrderRow,
  state: Extract<ChannelOrderState, { state: 'paid' }>,
  source: PostingSource,
): Promise<PostingOutcome> {
  return postChannelPayment(
    deps,
    {
      orgId: order.orgId,
      provider: order.provider,
      merchantId: adapter.merchantId,
      ...(adapter.appId ? { appId: adapter.appId } : {}),
    },
    paymentOf(order.orderNo, state),
    source,
  );
}

export type CloseOutcome = { closed: true; order: PaymentOrderRow } | { closed: false; paid: PostingOutcome };

/**
 * Closes an order at its channel, then here. The channel decides: an order it says was paid is posted instead
 * (`closed: false`). An order the channel never saw (a create that failed on the way) is closed here only.
 */
export async function closeOrderAtChannel(
  deps: PaymentsDeps,
  actor: OrgActor,
  order: PaymentOrderRow,
  reason: 'expired' | 'replaced' | 'cancelled',
  source: PostingSource = 'query',
): Promise<CloseOutcome> {
  const adapter = await adapterForOrg(deps, order.orgId, order.provider);
  try {
    await adapter.closeOrder(order.orderNo);
  } catch (error) {
    // The close was refused: the channel's own view of the order says why.
    let state: ChannelOrderState;
    try {
      state = await adapter.queryOrder(order.orderNo);
    } catch (queryError) {
      throw channelFailure(order.provider, error instanceof ChannelError ? error : queryError);
    }
    if (state.state === 'paid') return { closed: false, paid: await postQueried(deps, adapter, order, state, source) };
    if (state.state === 'unpaid') throw channelFailure(order.provider, error);
  }
  return { closed: true, order: await markClosed(deps, actor, order, reason) };
}

/**
 * Asks the channel about an order still `created` and acts on the answer: paid → posted; closed at the channel or
 * past expiry → closed here. Returns what the channel said.
 */
async function followOrder(
  deps: PaymentsDeps,
  order: PaymentOrderRow,
  source: PostingSource,
  now: Date,
): Promise<ChannelOrderState> {
  const adapter = await adapterForOrg(deps, order.orgId, order.provider);
  const state = await adapter.queryOrder(order.orderNo);
  const actor = channelActor(order.orgId, order.provider);
  if (state.state === 'paid') {
    await postQueried(deps, adapter, order, state, source);
  } else if (state.state === 'closed') {
    await markClosed(deps, actor, order, now >= order.expiresAt ? 'expired' : 'cancelled');
  } else if (now >= order.expiresAt) {
    await closeOrderAtChannel(deps, actor, order, 'expired', source);
  }
  return state;
}

async function viewWithNames(deps: Pick<PaymentsDeps, 'db'>, orgId: string, orderNo: string): Promise<OrderWithNames> {
  const order = await repo.orderWithNames(deps.db, orgId, orderNo);
  if (!order) throw notFound('payment_order', orderNo);
  return order;
}

export const ordersService = {
  /**
   * A payment order for chosen bills of the payer: the amount settles them today (outstanding plus the penalty
   * through yesterday), and holds until the order expires (priced_on: paid after midnight, the penalty stays as
   * quoted). Bills held by another open order are first released by closing that order at its channel;
   * if the channel says it was paid, it is posted and the tenant told (409 bill_paid_meanwhile).
   */
  async create(deps: PaymentsDeps, payer: Payer, request: CreateOrderRequest, now = new Date()) {
    const provider = PROVIDER_OF[request.channel];
    const adapter = await adapterForOrg(deps, payer.orgId, provider);
    const billIds = [...new Set(request.billIds)];
    const pricedOn = request.payableOn ?? chinaDate(now);

    // Checked before anything is closed: a payer may release only their own bills.
    await deps.db.transaction((tx) => payableBills(tx, payer, billIds, pricedOn));
    for (const held of await repo.openOrdersOf(deps.db, payer.orgId, billIds)) {
      const outcome = await closeOrderAtChannel(deps, payer.actor, held, 'replaced');
      if (!outcome.closed || outcome.order.status === 'succeeded') {
        throw new AppError(409, 'bill_paid_meanwhile', { orderNo: held.orderNo });
      }
    }

    const orderNo = newOrderNo(now);
    const expiresAt = new Date(now.getTime() + deps.payments.orderMinutes * 60_000);
    let order: PaymentOrderRow;
    let billNumbers: string[] = [];
    try {
      order = await deps.db.transaction(async (tx) => {
        const bills = await payableBills(tx, payer, billIds, pricedOn);
        billNumbers = bills.map((bill) => bill.number);
        const orgName = (await repo.orgName(tx, payer.orgId)) ?? '';
        const created = await repo.insertOrder(
          tx,
          {
            orgId: payer.orgId,
            orderNo,
            provider,
            channel: request.channel,
            tenantId: payer.tenantId,
            amountFen: bills.reduce((sum, bill) => sum + bill.payableFen, 0),
            pricedOn,
            description: orderDescription(
              orgName,
              bills.map((bill) => bill.number),
            ),
            merchantId: adapter.merchantId,
            appId: adapter.appId ?? null,
            createdVia: payer.via,
            clientIp: payer.clientIp,
            expiresAt,
          },
          bills.map((bill) => ({ billId: bill.id, amountFen: bill.payableFen })),
        );
        await auditService.record(tx, payer.actor, {
          action: 'payment_order.create',
          entityType: 'payment_order',
          entityId: created.id,
          after: {
            orderNo,
            channel: request.channel,
            amountFen: created.amountFen,
            pricedOn,
            bills: bills.map((bill) => ({ number: bill.number, payableFen: bill.payableFen })),
            via: payer.via,
          },
        });
        return created;
      });
    } catch (error) {
      if (uniqueViolation(error) === 'payment_order_bills_open_key') {
        throw new AppError(409, 'payment_order_bill_in_progress', { number: billNumbers.join('、') });
      }
      throw error;
    }

    // The channel is asked with no transaction open; if it refuses, the order fails and frees its bills.
    let action: PayAction;
    try {
      action = await adapter.createOrder({
        channel: request.channel,
        orderNo,
        amountFen: order.amountFen,
        description: order.description,
        expiresAt,
        notifyUrl: `${deps.payments.notifyBaseUrl}/notify/${provider}`,
        returnUrl:
          provider === 'unionpay'
            ? `${deps.payments.notifyBaseUrl}/notify/unionpay/front`
            : resultUrl(deps, orderNo, payer.payLinkToken),
        clientIp: payer.clientIp,
        ...(request.openid ? { openid: request.openid } : {}),
        ...(request.mobile !== undefined ? { mobile: request.mobile } : {}),
      });
    } catch (error) {
      const failure = channelFailure(provider, error);
      await deps.db.transaction(async (tx) => {
        await repo.updateOrder(tx, order.id, {
          status: 'failed',
          failureReason:
            `channel_error: ${String(failure.params.code ?? '')} ${String(failure.params.message ?? '')}`.slice(0, 500),
        });
        await repo.releaseBills(tx, order.id);
      });
      throw failure;
    }
    await repo.updateOrder(deps.db, order.id, { payAction: action as unknown as Record<string, unknown> });
    return tenantOrderView(deps, await viewWithNames(deps, payer.orgId, orderNo));
  },

  /** A pay link's bill, paid without logging in: the link is the credential for that one bill. */
  async createFromPayLink(
    deps: PaymentsDeps,
    token: string,
    request: Omit<CreateOrderRequest, 'billIds' | 'payableOn'>,
    client: { ip: string; userAgent: string | null },
    now = new Date(),
  ) {
    const { billId, orgId, tenantId } = await payLinkBill(deps, token, now);
    const actor: OrgActor = {
      kind: 'tenant',
      orgId,
      id: tenantId,
      name: '缴费链接',
      ip: client.ip,
      userAgent: client.userAgent,
    };
    return this.create(
      deps,
      { orgId, tenantId, via: 'pay_link', clientIp: client.ip, actor, payLinkToken: token },
      { ...request, billIds: [billId] },
      now,
    );
  },

  /**
   * The tenant's order. While it is `created`, the channel is asked (at most every few seconds per order), so the
   * result page shows the payment without waiting for the notification.
   */
  async forTenant(deps: PaymentsDeps, who: { orgId: string; tenantId: string }, orderNo: string, now = new Date()) {
    const order = await repo.orderWithNames(deps.db, who.orgId, orderNo);
    if (!order || order.tenantId !== who.tenantId) throw notFound('payment_order', orderNo);
    await this.follow(deps, order, now);
    return tenantOrderView(deps, await viewWithNames(deps, who.orgId, orderNo));
  },

  async forPayLink(deps: PaymentsDeps, token: string, orderNo: string, now = new Date()) {
    const { billId, orgId } = await payLinkBill(deps, token, now);
    const order = await repo.orderWithNames(deps.db, orgId, orderNo);
    const bills = order ? await repo.orderBills(deps.db, [order.id]) : [];
    if (!order || !bills.some((bill) => bill.billId === billId)) throw notFound('payment_order', orderNo);
    await this.follow(deps, order, now);
    return tenantOrderView(deps, await viewWithNames(deps, orgId, orderNo));
  },

  /** Asks the channel about an unpaid order unless someone did within the interval; a channel error is only logged. */
  async follow(deps: PaymentsDeps, order: PaymentOrderRow, now: Date): Promise<void> {
    if (order.status !== 'created') return;
    if (!(await repo.claimQuery(deps.db, order.id, now, FOLLOW_QUERY_INTERVAL_MS))) return;
    try {
      await followOrder(deps, order, 'query', now);
    } catch (error) {
      deps.log?.warn({ err: error, orderNo: order.orderNo }, 'payment order query failed');
    }
  },

  async list(deps: Pick<PaymentsDeps, 'db'>, filter: OrderFilter, page: number, pageSize: number) {
    const { items, total } = await repo.listOrders(deps.db, filter, page, pageSize);
    const bills = await repo.orderBills(
      deps.db,
      items.map((item) => item.id),
    );
    return {
      items: items.map((order) =>
        staffOrderView(
          order,
          bills.filter((bill) => bill.orderId === order.id).map((bill) => bill.billId),
        ),
      ),
      total,
    };
  },

  /** The order with its bills, for staff; `channelState` when the channel was just asked. */
  async detail(deps: Pick<PaymentsDeps, 'db'>, orgId: string, orderNo: string, channelState?: ChannelOrderState) {
    const order = await viewWithNames(deps, orgId, orderNo);
    const bills = await repo.orderBills(deps.db, [order.id]);
    return {
      ...staffOrderView(
        order,
        bills.map((bill) => bill.billId),
      ),
      bills: bills.map((bill) => ({
        billId: bill.billId,
        billNumber: bill.billNumber,
        amountFen: bill.amountFen,
        open: bill.open,
        dueDate: bill.dueDate,
        status: bill.status,
        periodStart: bill.periodStart,
        periodEnd: bill.periodEnd,
      })),
      ...(channelState ? { channelState: channelStateView(channelState) } : {}),
    };
  },

  /** Staff ask the channel now (同步): a paid order is posted, one the channel closed or past expiry is closed. */
  async sync(deps: PaymentsDeps, actor: OrgActor, orderNo: string, now = new Date()) {
    const order = await viewWithNames(deps, actor.orgId, orderNo);
    const adapter = await adapterForOrg(deps, order.orgId, order.provider);
    let state: ChannelOrderState;
    try {
      state =
        order.status === 'created' ? await followOrder(deps, order, 'query', now) : await adapter.queryOrder(orderNo);
    } catch (error) {
      throw channelFailure(order.provider, error);
    }
    await repo.updateOrder(deps.db, order.id, { lastQueriedAt: now });
    return this.detail(deps, actor.orgId, orderNo, state);
  },

  /** Staff cancel an unpaid order (关闭), at the channel first; one the channel says was paid is posted instead (409). */
  async close(deps: PaymentsDeps, actor: OrgActor, orderNo: string) {
    const order = await viewWithNames(deps, actor.orgId, orderNo);
    if (order.status !== 'created') {
      throw new AppError(409, 'payment_order_not_open', { orderNo, status: order.status });
    }
    const outcome = await closeOrderAtChannel(deps, actor, order, 'cancelled');
    if (!outcome.closed || outcome.order.status === 'succeeded') {
      throw new AppError(409, 'payment_order_paid_meanwhile', { orderNo });
    }
    return this.detail(deps, actor.orgId, orderNo);
  },
};

/** The pay link's bill and its tenant; a forged link 403, an expired one 410. */
async function payLinkBill(deps: Pick<PaymentsDeps, 'db' | 'payLinkKey'>, token: string, now: Date) {
  const check = verifyPayLink(deps.payLinkKey, token, now);
  if (!check.ok && check.reason === 'forged') throw new AppError(403, 'pay_link_forged');
  if (!check.ok) throw new AppError(410, 'pay_link_expired', { expiredAt: expiryOf(token) });
  const { billId, orgId } = check.claims;
  const [bill] = await deps.db.transaction((tx) => lockBillsWithFigures(tx, orgId, [billId]));
  if (!bill) throw notFound('bill', billId);
  return { billId, orgId, tenantId: bill.bill.tenantId };
}

/** The day a (verified, expired) pay link expired, China time. */
function expiryOf(token: string): string {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { e?: number };
    return typeof claims.e === 'number' ? chinaDate(new Date(claims.e * 1000)) : '';
  } catch {
    return '';
  }
}

/** The chosen bills, locked, each the payer's and owing something on the day; a problem names the first bad one. */
async function payableBills(
  tx: Parameters<typeof lockBillsWithFigures>[0],
  payer: Payer,
  ids: string[],
  day: CalendarDate,
) {
  const locked = await lockBillsWithFigures(tx, payer.orgId, ids, day);
  for (const id of ids) {
    const found = locked.find((candidate) => candidate.bill.id === id);
    if (!found || found.bill.tenantId !== payer.tenantId) {
      throw new AppError(422, 'payment_bill_not_found', { id }, [
        { path: 'body/billIds', key: 'payment_bill_not_found', params: { id } },
      ]);
    }
    if (found.bill.status === 'void') throw new AppError(409, 'payment_bill_void', { number: found.bill.number });
    if (found.bill.status === 'paid' || found.figures.payableFen <= 0) {
      throw new AppError(409, 'payment_order_bill_settled', { number: found.bill.number });
    }
  }
  return locked.map(({ bill, figures }) => ({ id: bill.id, number: bill.number, payableFen: figures.payableFen }));
}

export interface BackstopReport {
  checked: number;
  posted: number;
  closed: number;
  failed: number;
}

/**
 * The backstop (payment-orders-backstop, every minute): orders still `created` five minutes after they were made
 * are asked about at their channel — paid ones posted through the same path as a notification, those past expiry
 * closed at the channel and here. One order's failure does not stop the others.
 */
export async function runPaymentOrdersBackstop(deps: PaymentsDeps, now = new Date()): Promise<BackstopReport> {
  const report: BackstopReport = { checked: 0, posted: 0, closed: 0, failed: 0 };
  const due = await repo.ordersToCheck(
    deps.db,
    new Date(now.getTime() - BACKSTOP_AFTER_MINUTES * 60_000),
    BACKSTOP_BATCH,
  );
  for (const order of due) {
    report.checked += 1;
    try {
      const state = await followOrder(deps, order, 'backstop', now);
      await repo.updateOrder(deps.db, order.id, { lastQueriedAt: now });
      const after = await repo.order(deps.db, order.orderNo);
      if (state.state === 'paid') report.posted += 1;
      else if (after?.status === 'closed') report.closed += 1;
    } catch (error) {
      report.failed += 1;
      deps.log?.warn({ err: error, orderNo: order.orderNo }, 'payment order backstop failed');
    }
  }
  return report;
}
