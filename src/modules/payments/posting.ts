// 入账: money a channel confirmed (a verified notification, or its answer to a query) posted once, in one transaction
// keyed by (provider, channel transaction id). The order's bills are paid through applyPayment with the channel's
// clearing account as the debit; money that matches no open order of the same amount goes to suspense (挂账), never
// into a log line. The receipt is numbered and the tenant's message queued in the same transaction.

import { randomUUID } from 'node:crypto';
import { type Executor, sql } from '../../db/client.ts';
import type { Provider, SuspenseReason } from '../../db/schema.ts';
import { type CalendarDate, chinaDate } from '../../domain/calendar.ts';
import { formatYuan } from '../../domain/money.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { applyPayment, type PaymentRow } from '../collections/service.ts';
import { CLEARING_ACCOUNT } from '../ledger/chart.ts';
import { journal } from '../ledger/journal.ts';
import { messagesService } from '../messages/service.ts';
import { type ReceiptRow, receiptsService } from '../receipts/service.ts';
import { type PaymentOrderRow, paymentsRepository as repo, type SuspenseItemRow } from './repository.ts';
import type { PaymentsDeps } from './service.ts';

/** What a channel says was paid: from a verified notification or a query of the order. */
export interface ChannelPayment {
  orderNo: string;
  transactionId: string;
  amountFen: number;
  merchantId: string;
  appId?: string;
  paidAt: Date;
  notifyId?: string;
  /** The channel's own words worth keeping (trade type, bank); never payer identifiers. */
  detail?: Record<string, string | number>;
}

/** Whose merchant account the money reached: the org whose keys verified it. */
export interface ReceivingAccount {
  orgId: string;
  provider: Provider;
  merchantId: string;
  appId?: string;
}

/** How the payment came to be known. */
export type PostingSource = 'notification' | 'query' | 'backstop' | 'front_notification';

export type PostingOutcome =
  | {
      outcome: 'posted';
      orderNo: string;
      paymentId: string;
      paymentNumber: string;
      receiptId: string;
      advanceFen: number;
    }
  | { outcome: 'duplicate'; orderNo: string | null }
  | { outcome: 'suspense'; reason: SuspenseReason; suspenseItemId: string; number: string };

/**
 * The notification names another merchant or app than the order (or the account that verified it): the money is
 * not this org's to post. Refused with nothing written.
 */
export class MerchantMismatch extends Error {}

const SUSPENSE_REASON_TEXT: Record<SuspenseReason, string> = {
  unknown_order: '无对应订单',
  order_closed: '订单已关闭',
  order_failed: '订单已失败',
  amount_mismatch: '金额与订单不符',
  order_paid_twice: '订单重复支付',
};
const PROVIDER_TEXT: Record<Provider, string> = { wechatpay: '微信支付', alipay: '支付宝', unionpay: '银联' };

/** The audit actor of a channel's own message: the system, named after the channel. */
export const channelActor = (
  orgId: string,
  provider: Provider,
  ip: string | null = null,
): Actor & { orgId: string } => ({
  kind: 'system',
  orgId,
  id: null,
  name: provider,
  ip,
  userAgent: null,
});

/** GZ-2026-000001: suspense items numbered gap-free per org and year received. */
export const suspenseNumber = (year: number, sequence: number) => `GZ-${year}-${String(sequence).padStart(6, '0')}`;

function sameMerchant(payment: ChannelPayment, merchant: { merchantId: string; appId?: string | null }): boolean {
  if (payment.merchantId !== merchant.merchantId) return false;
  return !merchant.appId || !payment.appId || payment.appId === merchant.appId;
}

/**
 * Posts what a channel confirmed, once. Two deliveries of one transaction (retries, duplicates, two at the same
 * instant) are serialised on the transaction id and the order row; every one after the first is a `duplicate`.
 */
export async function postChannelPayment(
  deps: Pick<PaymentsDeps, 'db' | 'pii' | 'publicBaseUrl'>,
  account: ReceivingAccount,
  payment: ChannelPayment,
  source: PostingSource,
  actor: Actor & { orgId: string } = channelActor(account.orgId, account.provider),
): Promise<PostingOutcome> {
  if (!sameMerchant(payment, account)) {
    throw new MerchantMismatch(`merchant ${payment.merchantId}/${payment.appId ?? '-'} is not ${account.merchantId}`);
  }
  // Its audit entries are written last: the organisation's chain head is then locked for three statements, not for
  // the whole posting, and the month's first morning of notifications waits less on it.
  return deps.db.transaction((tx) =>
    auditService.writtenLast(tx, () => postInTransaction(tx, deps, account, payment, source, actor)),
  );
}

async function postInTransaction(
  tx: Executor,
  deps: Pick<PaymentsDeps, 'pii' | 'publicBaseUrl'>,
  account: ReceivingAccount,
  payment: ChannelPayment,
  source: PostingSource,
  actor: Actor & { orgId: string },
): Promise<PostingOutcome> {
  // One posting of a channel transaction at a time, whether or not it names an order we know.
  await tx.execute(
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${`payment:${account.provider}:${payment.transactionId}`}, 0))`,
  );
  const posted = await repo.orderByTransaction(tx, account.provider, payment.transactionId);
  if (posted) return { outcome: 'duplicate', orderNo: posted.orderNo };
  const flagged = await repo.suspenseByTransaction(tx, account.provider, payment.transactionId);
  if (flagged) return { outcome: 'duplicate', orderNo: flagged.orderNo };

  const order = await repo.lockOrder(tx, payment.orderNo);
  const ours = order && order.orgId === account.orgId && order.provider === account.provider ? order : undefined;
  if (!ours) return flagSuspense(tx, actor, account, payment, 'unknown_order', undefined, source);
  if (!sameMerchant(payment, ours)) {
    throw new MerchantMismatch(
      `order ${ours.orderNo} was made under ${ours.merchantId}, paid to ${payment.merchantId}`,
    );
  }
  switch (ours.status) {
    case 'created':
      break;
    case 'closed':
      return flagSuspense(tx, actor, account, payment, 'order_closed', ours, source);
    case 'failed':
      return flagSuspense(tx, actor, account, payment, 'order_failed', ours, source);
    default:
      return flagSuspense(tx, actor, account, payment, 'order_paid_twice', ours, source);
  }
  if (payment.amountFen !== ours.amountFen) {
    await repo.updateOrder(tx, ours.id, {
      status: 'failed',
      failureReason: `amount_mismatch: 订单 ${ours.amountFen} 分，渠道实收 ${payment.amountFen} 分`,
      transactionId: payment.transactionId,
      paidAt: payment.paidAt,
    });
    await repo.releaseBills(tx, ours.id);
    return flagSuspense(tx, actor, account, payment, 'amount_mismatch', ours, source);
  }
  return postToBills(tx, deps, actor, account.provider, ours, payment, source);
}

async function postToBills(
  tx: Executor,
  deps: Pick<PaymentsDeps, 'pii' | 'publicBaseUrl'>,
  actor: Actor & { orgId: string },
  provider: Provider,
  order: PaymentOrderRow,
  payment: ChannelPayment,
  source: PostingSource,
): Promise<PostingOutcome> {
  const billIds = (await repo.orderBills(tx, [order.id])).map((bill) => bill.billId);
  const { payment: row } = await applyPayment(tx, actor, {
    orgId: order.orgId,
    tenantId: order.tenantId,
    amountFen: payment.amountFen,
    receivedOn: chinaDate(payment.paidAt),
    method: provider,
    reference: payment.transactionId,
    billIds,
    paymentOrderNo: order.orderNo,
    debitPurpose: CLEARING_ACCOUNT[provider],
    // The channel has the money: bills settled or voided meanwhile leave it to the tenant's advance.
    skipSettledBills: true,
    // The tenant paid the amount quoted when the order was made, though the money may arrive after midnight.
    penaltyPricedOn: order.pricedOn,
  });
  await repo.updateOrder(tx, order.id, {
    status: 'succeeded',
    transactionId: payment.transactionId,
    paidAt: payment.paidAt,
    paymentId: row.id,
    failureReason: null,
  });
  await repo.releaseBills(tx, order.id);
  const receipt = await receiptsService.issueFor(tx, actor, row);
  await auditService.record(tx, actor, {
    action: 'payment_order.succeed',
    entityType: 'payment_order',
    entityId: order.id,
    before: { status: order.status },
    after: {
      orderNo: order.orderNo,
      status: 'succeeded',
      transactionId: payment.transactionId,
      amountFen: payment.amountFen,
      paymentNumber: row.number,
      receiptNumber: receipt.number,
      source,
    },
  });
  await queuePaymentMessage(tx, deps, row, receipt);
  return {
    outcome: 'posted',
    orderNo: order.orderNo,
    paymentId: row.id,
    paymentNumber: row.number,
    receiptId: receipt.id,
    advanceFen: row.advanceFen,
  };
}

/** Money received that cannot go to bills: Dr the channel's clearing account / Cr suspense (2202), for finance. */
async function flagSuspense(
  tx: Executor,
  actor: Actor & { orgId: string },
  account: ReceivingAccount,
  payment: ChannelPayment,
  reason: SuspenseReason,
  order: PaymentOrderRow | undefined,
  source: PostingSource,
): Promise<PostingOutcome> {
  const receivedOn: CalendarDate = chinaDate(payment.paidAt);
  const year = Number(receivedOn.slice(0, 4));
  const number = suspenseNumber(year, await repo.takeNumber(tx, account.orgId, `suspense:${year}`));
  const id = randomUUID();
  const tenantId = order?.tenantId ?? null;
  const entry = await journal.post(tx, actor, {
    orgId: account.orgId,
    entryDate: receivedOn,
    kind: 'payment',
    memo: `挂账 ${number} ${PROVIDER_TEXT[account.provider]} ${payment.transactionId}（${SUSPENSE_REASON_TEXT[reason]}）`,
    sourceType: 'suspense_item',
    sourceId: id,
    lines: [
      { purpose: CLEARING_ACCOUNT[account.provider], debitFen: payment.amountFen, tenantId },
      { purpose: 'suspense', creditFen: payment.amountFen, tenantId },
    ],
  });
  const item: SuspenseItemRow = await repo.insertSuspense(tx, {
    id,
    orgId: account.orgId,
    number,
    provider: account.provider,
    transactionId: payment.transactionId,
    orderNo: payment.orderNo || null,
    paymentOrderId: order?.id ?? null,
    amountFen: payment.amountFen,
    reason,
    detail: {
      ...payment.detail,
      merchantId: payment.merchantId,
      ...(payment.appId ? { appId: payment.appId } : {}),
      ...(payment.notifyId ? { notifyId: payment.notifyId } : {}),
      ...(order ? { orderAmountFen: order.amountFen, orderStatus: order.status } : {}),
      source,
    },
    receivedOn,
    paidAt: payment.paidAt,
    journalEntryId: entry.id,
  });
  await auditService.record(tx, actor, {
    action: 'suspense.flag',
    entityType: 'suspense_item',
    entityId: item.id,
    after: {
      number,
      reason,
      provider: account.provider,
      transactionId: payment.transactionId,
      orderNo: item.orderNo,
      amountFen: payment.amountFen,
      source,
    },
  });
  return { outcome: 'suspense', reason, suspenseItemId: item.id, number };
}

/**
 * The tenant's SMS that the money arrived, queued in the posting's transaction (the outbox sends it, at any hour).
 * Left out when the tenant has no mobile number on file.
 */
export async function queuePaymentMessage(
  tx: Executor,
  deps: Pick<PaymentsDeps, 'pii' | 'publicBaseUrl'>,
  payment: PaymentRow,
  receipt: ReceiptRow,
): Promise<void> {
  const tenant = await repo.tenant(tx, payment.orgId, payment.tenantId);
  if (!tenant) return;
  const method = PROVIDER_TEXT[payment.method as Provider] ?? '线下';
  const params = {
    tenantName: tenant.name,
    amount: formatYuan(payment.amountFen, { grouping: false }),
    method,
    paymentNumber: payment.number,
    receiptNumber: receipt.number,
    receiptLink: `${deps.publicBaseUrl}/m/receipts/${receipt.verifyCode}`,
    title: '缴费成功',
  };
  await messagesService.queueForTenant(tx, deps, {
    orgId: payment.orgId,
    tenantId: payment.tenantId,
    kind: 'payment_received',
    templateCode: 'payment_received',
    params,
    body:
      `${params.tenantName}，您好：您通过${method}缴纳的 ${params.amount} 元已到账（收款单 ${params.paymentNumber}）。` +
      `电子收据 ${params.receiptNumber}：${params.receiptLink}`,
    dedupeKey: `payment_received:${payment.id}:sms`,
  });
}
