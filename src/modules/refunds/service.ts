// 退款: money given back to a tenant — an overpayment from one payment's advance (预收 2203), a deposit (保证金 2241)
// at the end of a lease less itemised deductions, or money held in suspense (挂账 2202) back to whoever paid it.
// Finance asks, an approver other than the asker decides; approval pays back through the original channel's refund
// API (the order goes refunding → refunded on the channel's word) or leaves finance to record an offline payment. The
// ledger entry is the reverse of what is refunded; the tenant is told by SMS; every step is audited in its own
// transaction. A deposit refund answers the contract's deposit refund request, whose status follows the refund's.

import { randomInt } from 'node:crypto';
import { type Executor, queryRows, sql } from '../../db/client.ts';
import { uniqueViolation } from '../../db/errors.ts';
import type { Provider, RefundDeduction } from '../../db/schema.ts';
import { formatYuan } from '../../domain/money.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService, systemActor } from '../audit/service.ts';
import {
  applyPayment,
  collectionsService,
  lockBillsWithFigures,
  type OrgActor,
  today,
} from '../collections/service.ts';
import { type AccountPurpose, CLEARING_ACCOUNT } from '../ledger/chart.ts';
import { journal } from '../ledger/journal.ts';
import { messagesService } from '../messages/service.ts';
import { notificationsService } from '../notifications/service.ts';
import { ChannelError, type RefundState } from '../payments/channels/types.ts';
import { channelActor } from '../payments/posting.ts';
import { type PaymentsDeps, paymentsService } from '../payments/service.ts';
import {
  type DepositRefundRequestStatus,
  type DepositRequestListRow,
  type RefundFilter,
  type RefundRow,
  refundsRepository as repo,
} from './repository.ts';

export type RefundsDeps = Pick<
  PaymentsDeps,
  'db' | 'pii' | 'providers' | 'fetchImpl' | 'payments' | 'publicBaseUrl' | 'log'
>;

const CHINA_OFFSET_MS = 8 * 3_600_000;
/** A refund under way this long without the channel's word is asked about. */
const BACKSTOP_AFTER_MS = 2 * 60_000;
const PROVIDER_TEXT: Record<Provider, string> = { wechatpay: '微信支付', alipay: '支付宝', unionpay: '银联' };

/**
 * RF + China time yyyyMMddHHmmss + 10 digits (26 characters): letters and digits within 32, and UnionPay reads the
 * refund's txnTime from it like a payment order number's.
 */
export function newRefundNo(now = new Date()): string {
  const stamp = new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14);
  return `RF${stamp}${Array.from({ length: 10 }, () => randomInt(10)).join('')}`;
}

export interface RefundRequestInput {
  kind: 'overpayment' | 'deposit' | 'suspense';
  /** overpayment: the payment whose advance is given back; deposit: the online payment to refund through. */
  paymentId?: string;
  depositBillId?: string;
  /** suspense: the suspense item (挂账) whose money goes back to its payer. */
  suspenseItemId?: string;
  /** overpayment only: a deposit's amount is what was paid less the deductions. */
  amountFen?: number;
  deductions?: RefundDeduction[];
  reason: string;
  method: 'original_channel' | 'offline';
}

type RefundWithTenant = RefundRow & { tenantName: string | null };

export function refundView(row: RefundWithTenant) {
  return {
    id: row.id,
    refundNo: row.refundNo,
    kind: row.kind,
    tenantId: row.tenantId,
    tenantName: row.tenantName,
    paymentId: row.paymentId,
    paymentOrderId: row.paymentOrderId,
    provider: row.provider,
    depositBillId: row.depositBillId,
    contractId: row.contractId,
    depositPaidFen: row.depositPaidFen,
    deductions: row.deductions.map((d) => ({ item: d.item, amountFen: d.amountFen, billId: d.billId ?? null })),
    amountFen: row.amountFen,
    reason: row.reason,
    method: row.method,
    status: row.status,
    requestedBy: row.requestedBy,
    requestedByName: row.requestedByName,
    requestedAt: row.requestedAt.toISOString(),
    decidedByName: row.decidedByName,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionNote: row.decisionNote,
    channelRefundId: row.channelRefundId,
    failureReason: row.failureReason,
    paidByName: row.paidByName,
    paidReference: row.paidReference,
    refundedAt: row.refundedAt?.toISOString() ?? null,
    journalEntryId: row.journalEntryId,
    depositRefundRequestId: row.depositRefundRequestId,
    suspenseItemId: row.suspenseItemId,
  };
}

const KIND_TEXT: Record<RefundRow['kind'], string> = { overpayment: '预收款', deposit: '保证金', suspense: '挂账款' };

/** A refund as its tenant sees it in the portal: what, how much, less what, how it comes back, and where it stands. */
export function portalRefundView(row: RefundRow) {
  return {
    id: row.id,
    refundNo: row.refundNo,
    kind: row.kind,
    amountFen: row.amountFen,
    status: row.status,
    reason: row.reason,
    depositPaidFen: row.depositPaidFen,
    deductions: row.deductions.map((d) => ({ item: d.item, amountFen: d.amountFen })),
    method: row.method,
    provider: row.provider,
    requestedAt: row.requestedAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    refundedAt: row.refundedAt?.toISOString() ?? null,
  };
}

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();

export function depositRequestView(
  row: DepositRequestListRow,
  unpaidBills: {
    id: string;
    billNo: string;
    kind: string;
    period: string | null;
    dueDate: string;
    outstandingFen: number;
  }[],
) {
  return {
    id: row.id,
    contractId: row.contractId,
    contractNo: row.contractNo,
    tenantId: row.tenantId,
    tenantName: row.tenantName,
    amountFen: Number(row.amountFen),
    reason: row.reason,
    status: row.status,
    depositBillId: row.depositBillId,
    depositBillNo: row.depositBillNo,
    depositPaidFen: Number(row.depositPaidFen ?? 0),
    unpaidBills,
    refundId: row.refundId,
    refundNo: row.refundNo,
    refundStatus: row.refundStatus,
    refundAmountFen: row.refundAmountFen === null ? null : Number(row.refundAmountFen),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** Where the money goes back from: the channel's clearing account, or the bank for an offline refund. */
const creditPurposeOf = (refund: RefundRow): AccountPurpose =>
  refund.method === 'original_channel' && refund.provider ? CLEARING_ACCOUNT[refund.provider] : 'bank';
/** What the refund gives back: the advance (2203), the deposit (2241) or the suspense money (2202). */
const DEBIT_PURPOSE: Record<RefundRow['kind'], AccountPurpose> = {
  overpayment: 'advances',
  deposit: 'deposits',
  suspense: 'suspense',
};
const debitPurposeOf = (refund: RefundRow): AccountPurpose => DEBIT_PURPOSE[refund.kind];

/** A deposit refund request's status as its refund stands: a failed refund leaves the request to be asked again. */
const REQUEST_STATUS_OF: Record<RefundRow['status'], DepositRefundRequestStatus> = {
  requested: 'pending',
  approved: 'approved',
  paying: 'approved',
  refunded: 'refunded',
  rejected: 'rejected',
  failed: 'pending',
};

/**
 * The deposit refund request answered by this refund follows it, in the caller's transaction, audited. A new refund
 * (`claim`) takes the request over from an earlier one that was rejected or failed.
 */
async function followRequest(tx: Executor, actor: Actor & { orgId: string }, refund: RefundRow, claim = false) {
  if (!refund.depositRefundRequestId) return;
  const request = await repo.lockRequest(tx, refund.depositRefundRequestId);
  if (!request || (!claim && request.refundId && request.refundId !== refund.id)) return;
  const status = REQUEST_STATUS_OF[refund.status];
  if (request.status === status && request.refundId === refund.id) return;
  await repo.updateRequest(tx, request.id, { status, refundId: refund.id });
  await auditService.record(tx, actor, {
    action: 'deposit_refund.status',
    entityType: 'contract',
    entityId: request.contractId,
    before: { id: request.id, status: request.status, refundId: request.refundId },
    after: { id: request.id, status, refundId: refund.id, refundNo: refund.refundNo, refundStatus: refund.status },
  });
}

/** A suspense item held by its refund goes back to open when the refund is rejected or fails. */
async function releaseSuspense(tx: Executor, refund: RefundRow) {
  if (!refund.suspenseItemId) return;
  const item = await paymentsService.lockSuspenseItem(tx, refund.orgId, refund.suspenseItemId);
  if (item?.status === 'refunding' && item.refundId === refund.id) {
    await paymentsService.markSuspenseItem(tx, item.id, { status: 'open', refundId: null });
  }
}

const lockTenant = (tx: Executor, tenantId: string | null) =>
  tenantId
    ? tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`refund:tenant:${tenantId}`}, 0))`)
    : Promise.resolve();

/** The tenant's advance (2203) not yet held by another refund under way. */
async function availableAdvance(tx: Executor, orgId: string, tenantId: string, exceptId?: string) {
  const balance = await repo.creditBalance(tx, orgId, 'advances', tenantId);
  return balance - (await repo.pendingAdvanceOfTenant(tx, orgId, tenantId, exceptId));
}

function exceedsAdvance(amountFen: number, availableFen: number, status: 409 | 422 = 422): AppError {
  const params = { amount: formatYuan(amountFen), available: formatYuan(Math.max(availableFen, 0)) };
  return new AppError(
    status,
    'refund_exceeds_advance',
    params,
    status === 422 ? [{ path: 'body/amountFen', key: 'refund_exceeds_advance', params }] : undefined,
  );
}

/** The online order a payment came through, when it came through one of this org's channels. */
async function onlineOrderOf(db: Executor, orgId: string, payment: { method: string; paymentOrderNo: string | null }) {
  if (!payment.paymentOrderNo) return undefined;
  const order = await paymentsService.order(db, payment.paymentOrderNo);
  return order && order.orgId === orgId && order.paymentId ? order : undefined;
}

/** A refund call whose outcome is unknown: the channel may or may not have paid it back. */
function answerUnknown(error: unknown): boolean {
  if (error instanceof AppError) return false;
  if (!(error instanceof ChannelError)) return true;
  return (
    ['TIMEOUT', 'NETWORK', 'RESPONSE_UNTRUSTED'].includes(error.code) ||
    (error.httpStatus ?? 0) >= 500 ||
    /SYSTEM_?ERROR|SYSTEMERROR|UNKNOWN/i.test(error.code)
  );
}

export interface RefundOutcome {
  outcome: 'refunded' | 'duplicate' | 'unknown' | 'failed' | 'ignored' | 'amount_mismatch';
  refundNo: string;
}

/** What can still go back through one online order: what it took less the live refunds through it. */
async function refundableThroughOrder(tx: Executor, order: { id: string; amountFen: number }, exceptId?: string) {
  return order.amountFen - (await repo.heldFromOrder(tx, order.id, exceptId));
}

function exceedsChannel(amountFen: number, availableFen: number, path: string): AppError {
  const params = { amount: formatYuan(amountFen), available: formatYuan(Math.max(availableFen, 0)) };
  return new AppError(422, 'refund_exceeds_channel', params, [{ path, key: 'refund_exceeds_channel', params }]);
}

async function queueRefundMessage(tx: Executor, deps: Pick<RefundsDeps, 'pii'>, refund: RefundRow) {
  if (!refund.tenantId) return;
  const tenant = await paymentsService.tenantContact(tx, refund.orgId, refund.tenantId);
  if (!tenant) return;
  const method =
    refund.method === 'original_channel' && refund.provider ? `原路退回${PROVIDER_TEXT[refund.provider]}` : '银行转账';
  const params = {
    tenantName: tenant.name,
    amount: formatYuan(refund.amountFen, { grouping: false }),
    method,
    refundNo: refund.refundNo,
    title: refund.kind === 'deposit' ? '保证金已退还' : '退款已退还',
  };
  const what = KIND_TEXT[refund.kind];
  await messagesService.queueForTenant(tx, deps, {
    orgId: refund.orgId,
    tenantId: refund.tenantId,
    kind: 'refund_paid',
    templateCode: 'refund_paid',
    params,
    body: `${params.tenantName}，您好：您的${what}退款 ${params.amount} 元已${method}（退款单 ${params.refundNo}）。`,
    dedupeKey: `refund_paid:${refund.id}:sms`,
  });
}

/**
 * The tenant is told a refund was approved when the money does not go back at once: offline (finance transfers it
 * later), a channel still working on it, or a deposit taken whole by its deductions. The deductions are itemised.
 */
async function queueApprovalMessage(tx: Executor, deps: Pick<RefundsDeps, 'pii'>, refund: RefundRow) {
  if (!refund.tenantId) return;
  const tenant = await paymentsService.tenantContact(tx, refund.orgId, refund.tenantId);
  if (!tenant) return;
  const deductedFen = refund.deductions.reduce((sum, d) => sum + d.amountFen, 0);
  const method =
    refund.method === 'original_channel' && refund.provider ? `原路退回${PROVIDER_TEXT[refund.provider]}` : '银行转账';
  const params = {
    tenantName: tenant.name,
    amount: formatYuan(refund.amountFen, { grouping: false }),
    deducted: formatYuan(deductedFen, { grouping: false }),
    method,
    refundNo: refund.refundNo,
  };
  const items = refund.deductions.map((d) => `${d.item} ${formatYuan(d.amountFen, { grouping: false })} 元`).join('、');
  const deducted = deductedFen > 0 ? `扣除 ${params.deducted} 元（${items}），` : '';
  const rest =
    refund.amountFen === 0 ? '已全部用于抵扣，无需退还' : `退还 ${params.amount} 元，将${method}，到账后另行通知`;
  await messagesService.queueForTenant(tx, deps, {
    orgId: refund.orgId,
    tenantId: refund.tenantId,
    kind: 'refund_approved',
    templateCode: 'refund_approved',
    params,
    body: `${params.tenantName}，您好：您的${KIND_TEXT[refund.kind]}退款已审批通过，${deducted}${rest}（退款单 ${refund.refundNo}）。`.slice(
      0,
      500,
    ),
    dedupeKey: `refund_approved:${refund.id}:sms`,
  });
}

/**
 * The money left: Dr 2203 or 2241 / Cr the channel's clearing account or the bank; the refund refunded, its order
 * refunded, the tenant told. Inside the caller's transaction, the refund locked and `paying` or `approved`.
 */
async function completeLocked(
  tx: Executor,
  deps: Pick<RefundsDeps, 'pii'>,
  actor: Actor & { orgId: string },
  refund: RefundRow,
  done: {
    channelRefundId?: string | null;
    at: Date;
    paidBy?: string | null;
    paidByName?: string | null;
    reference?: string | null;
  },
  source: string,
): Promise<RefundRow> {
  const sub = { tenantId: refund.tenantId, contractId: refund.contractId, billId: refund.depositBillId };
  const entry = await journal.post(tx, actor, {
    orgId: refund.orgId,
    entryDate: today(),
    kind: 'refund',
    memo: `退款 ${refund.refundNo}（${KIND_TEXT[refund.kind]}）`,
    sourceType: 'refund',
    sourceId: refund.id,
    lines: [
      { purpose: debitPurposeOf(refund), debitFen: refund.amountFen, ...sub },
      { purpose: creditPurposeOf(refund), creditFen: refund.amountFen, tenantId: refund.tenantId },
    ],
  });
  const updated = await repo.update(tx, refund.id, {
    status: 'refunded',
    refundedAt: done.at,
    journalEntryId: entry.id,
    failureReason: null,
    ...(done.channelRefundId ? { channelRefundId: done.channelRefundId } : {}),
    ...(done.paidByName !== undefined ? { paidBy: done.paidBy ?? null, paidByName: done.paidByName } : {}),
    ...(done.reference !== undefined ? { paidReference: done.reference } : {}),
  });
  if (refund.method === 'original_channel') await settleOrder(tx, refund, 'refunded');
  if (refund.suspenseItemId) {
    await paymentsService.markSuspenseItem(tx, refund.suspenseItemId, {
      status: 'resolved',
      resolution: 'refunded',
      refundId: refund.id,
      resolutionNote: `原路退回付款人（退款 ${refund.refundNo}）：${refund.reason}`.slice(0, 500),
      resolvedBy: refund.decidedBy,
      resolvedByName: refund.decidedByName,
      resolvedAt: done.at,
    });
  }
  await followRequest(tx, actor, updated);
  await queueRefundMessage(tx, deps, updated);
  await auditService.record(tx, actor, {
    action: 'refund.complete',
    entityType: 'refund',
    entityId: refund.id,
    before: { status: refund.status },
    after: {
      refundNo: refund.refundNo,
      status: 'refunded',
      amountFen: refund.amountFen,
      channelRefundId: updated.channelRefundId,
      journalEntryId: entry.id,
      source,
    },
  });
  return updated;
}

/** The refund's order: refunding while the channel works, refunded once it paid, succeeded again if it failed. */
async function settleOrder(tx: Executor, refund: RefundRow, to: 'refunding' | 'refunded' | 'succeeded') {
  if (!refund.paymentId) return;
  const payment = await collectionsService.getPayment(tx, refund.orgId, refund.paymentId);
  if (!payment.paymentOrderNo) return;
  const order = await paymentsService.lockOrder(tx, payment.paymentOrderNo);
  if (!order) return;
  if (to === 'refunding' && (order.status === 'succeeded' || order.status === 'refunded')) {
    await paymentsService.setOrderStatus(tx, order.id, 'refunding');
  } else if (to !== 'refunding' && order.status === 'refunding') {
    // Another refund of the same order still under way keeps it refunding.
    const [other] = await queryRows(
      tx,
      sql`SELECT 1 FROM refunds WHERE payment_order_id = ${order.id} AND status = 'paying' AND id <> ${refund.id}`,
    );
    if (!other) await paymentsService.setOrderStatus(tx, order.id, to);
  }
}

async function failLocked(tx: Executor, actor: Actor & { orgId: string }, refund: RefundRow, reason: string) {
  const updated = await repo.update(tx, refund.id, { status: 'failed', failureReason: reason.slice(0, 500) });
  await settleOrder(tx, refund, 'succeeded');
  await releaseSuspense(tx, updated);
  await followRequest(tx, actor, updated);
  await auditService.record(tx, actor, {
    action: 'refund.fail',
    entityType: 'refund',
    entityId: refund.id,
    before: { status: refund.status },
    after: { refundNo: refund.refundNo, status: 'failed', reason },
  });
  return updated;
}

/** What the channel said about a refund (its answer, a query, a notification), applied once. */
async function applyChannelState(
  deps: RefundsDeps,
  orgId: string,
  refundNo: string,
  state: RefundState,
  actor: Actor & { orgId: string },
  source: string,
  /** The channel's amount is the order's running total of refunds (Alipay's refund_fee), not this refund's. */
  cumulative = false,
): Promise<RefundOutcome> {
  return deps.db.transaction(async (tx) => {
    const refund = await repo.lockByRefundNo(tx, refundNo);
    if (!refund || refund.orgId !== orgId || refund.method !== 'original_channel') {
      return { outcome: 'unknown', refundNo };
    }
    if (refund.status === 'refunded') return { outcome: 'duplicate', refundNo };
    if (refund.status !== 'paying') return { outcome: 'ignored', refundNo };
    switch (state.state) {
      case 'succeeded':
        if (cumulative) state = { ...state, amountFen: state.amountFen - (await repo.refundedBefore(tx, refund)) };
        if (state.amountFen !== refund.amountFen) {
          deps.log?.error(
            { refundNo, ourFen: refund.amountFen, channelFen: state.amountFen },
            'refund amount differs from the channel',
          );
          return { outcome: 'amount_mismatch', refundNo };
        }
        await completeLocked(
          tx,
          deps,
          actor,
          refund,
          { channelRefundId: state.refundId, at: state.succeededAt },
          source,
        );
        return { outcome: 'refunded', refundNo };
      case 'processing':
        if (!refund.channelRefundId) await repo.update(tx, refund.id, { channelRefundId: state.refundId });
        return { outcome: 'ignored', refundNo };
      case 'failed':
        await failLocked(tx, actor, refund, state.reason);
        return { outcome: 'failed', refundNo };
      default:
        return { outcome: 'ignored', refundNo };
    }
  });
}

export const refundsService = {
  newRefundNo,

  /** Finance asks for a refund; approvers are told. */
  async request(deps: RefundsDeps, actor: OrgActor, input: RefundRequestInput) {
    const reason = input.reason.trim();
    if (!reason) {
      throw new AppError(422, 'refund_reason_required', {}, [{ path: 'body/reason', key: 'refund_reason_required' }]);
    }
    if (input.kind === 'suspense' && input.method !== 'original_channel') {
      throw new AppError(422, 'refund_suspense_offline', {}, [{ path: 'body/method', key: 'refund_suspense_offline' }]);
    }
    const db = deps.db;
    const payment = input.paymentId ? await collectionsService.getPayment(db, actor.orgId, input.paymentId) : undefined;
    const order =
      input.method === 'original_channel' && payment ? await onlineOrderOf(db, actor.orgId, payment) : undefined;
    if (input.method === 'original_channel' && !order && input.kind !== 'suspense') {
      throw new AppError(422, 'refund_not_online', {}, [{ path: 'body/method', key: 'refund_not_online' }]);
    }
    try {
      const id = await db.transaction(async (tx) => {
        let row: RefundRow;
        if (input.kind === 'overpayment') {
          if (!payment) {
            throw new AppError(422, 'refund_payment_required', {}, [
              { path: 'body/paymentId', key: 'refund_payment_required' },
            ]);
          }
          const amountFen = input.amountFen ?? 0;
          if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
            throw new AppError(422, 'refund_amount_not_positive', {}, [
              { path: 'body/amountFen', key: 'refund_amount_not_positive' },
            ]);
          }
          await lockTenant(tx, payment.tenantId);
          const fromPayment = payment.advanceFen - (await repo.heldFromPayment(tx, payment.id));
          const available = Math.min(fromPayment, await availableAdvance(tx, actor.orgId, payment.tenantId));
          if (amountFen > available) throw exceedsAdvance(amountFen, available);
          if (order) {
            const throughOrder = await refundableThroughOrder(tx, order);
            if (amountFen > throughOrder) throw exceedsChannel(amountFen, throughOrder, 'body/amountFen');
          }
          row = await repo.insert(tx, {
            orgId: actor.orgId,
            refundNo: newRefundNo(),
            tenantId: payment.tenantId,
            kind: 'overpayment',
            paymentId: payment.id,
            paymentOrderId: order?.id ?? null,
            provider: order?.provider ?? null,
            amountFen,
            reason,
            method: input.method,
            requestedBy: actor.id,
            requestedByName: actor.name,
          });
        } else if (input.kind === 'suspense') {
          row = await this.insertSuspenseRefund(tx, actor, input, reason);
        } else {
          row = await this.insertDepositRefund(tx, actor, input, reason, payment, order);
        }
        await notificationsService.notifyOnce(tx, {
          orgId: actor.orgId,
          recipientRole: 'approver',
          kind: 'refund_requested',
          entityType: 'refund',
          entityId: row.id,
          title: `退款待审批：${row.refundNo}`,
          body: `${actor.name ?? ''} 申请退还${KIND_TEXT[row.kind]} ${formatYuan(row.amountFen)} 元，理由：${reason}`,
          dedupeKey: `refund_requested:${row.id}`,
        });
        await auditService.record(tx, actor, {
          action: 'refund.request',
          entityType: 'refund',
          entityId: row.id,
          after: {
            refundNo: row.refundNo,
            kind: row.kind,
            tenantId: row.tenantId,
            paymentId: row.paymentId,
            depositBillId: row.depositBillId,
            depositPaidFen: row.depositPaidFen,
            depositRefundRequestId: row.depositRefundRequestId,
            suspenseItemId: row.suspenseItemId,
            deductions: row.deductions,
            amountFen: row.amountFen,
            method: row.method,
            reason,
          },
        });
        await followRequest(tx, actor, row, true);
        return row.id;
      });
      return this.get(db, actor.orgId, id);
    } catch (error) {
      const violated = uniqueViolation(error);
      if (violated === 'refunds_deposit_open_key') throw new AppError(409, 'refund_deposit_exists');
      throw error;
    }
  },

  /**
   * A suspense item's money back to whoever paid it, through the channel it came by: the whole item, held
   * (`refunding`) until the refund is done, rejected or failed.
   */
  async insertSuspenseRefund(
    tx: Executor,
    actor: OrgActor,
    input: RefundRequestInput,
    reason: string,
  ): Promise<RefundRow> {
    if (!input.suspenseItemId) {
      throw new AppError(422, 'refund_suspense_item_required', {}, [
        { path: 'body/suspenseItemId', key: 'refund_suspense_item_required' },
      ]);
    }
    const item = await paymentsService.lockSuspenseItem(tx, actor.orgId, input.suspenseItemId);
    if (!item) throw notFound('suspense_item', input.suspenseItemId);
    if (item.status !== 'open') {
      throw new AppError(409, 'refund_suspense_item_not_open', {
        number: item.number,
        status: [item.status === 'refunding' ? 'suspense_status_refunding' : 'suspense_status_resolved'],
      });
    }
    if (!item.orderNo) {
      throw new AppError(422, 'refund_suspense_no_order', { number: item.number }, [
        { path: 'body/suspenseItemId', key: 'refund_suspense_no_order', params: { number: item.number } },
      ]);
    }
    // Whose it is, when the channel's order was one of ours.
    const order = await paymentsService.order(tx, item.orderNo);
    const tenantId = order && order.orgId === actor.orgId ? order.tenantId : null;
    await lockTenant(tx, tenantId);
    const row = await repo.insert(tx, {
      orgId: actor.orgId,
      refundNo: newRefundNo(),
      tenantId,
      kind: 'suspense',
      suspenseItemId: item.id,
      paymentOrderId: item.paymentOrderId,
      provider: item.provider,
      amountFen: item.amountFen,
      reason,
      method: 'original_channel',
      requestedBy: actor.id,
      requestedByName: actor.name,
    });
    await paymentsService.markSuspenseItem(tx, item.id, { status: 'refunding', refundId: row.id });
    return row;
  },

  /**
   * A deposit refund: the deposit paid less the deductions, each deduction on an unpaid bill of the tenant's. It
   * answers the contract's deposit refund request, when the lease's end left one.
   */
  async insertDepositRefund(
    tx: Executor,
    actor: OrgActor,
    input: RefundRequestInput,
    reason: string,
    payment: { id: string; tenantId: string; number: string; allocations: { billId: string }[] } | undefined,
    order: { id: string; provider: Provider; amountFen: number } | undefined,
  ): Promise<RefundRow> {
    if (!input.depositBillId) {
      throw new AppError(422, 'refund_deposit_bill_required', {}, [
        { path: 'body/depositBillId', key: 'refund_deposit_bill_required' },
      ]);
    }
    const deductions = (input.deductions ?? []).map((d) => ({
      item: d.item.trim(),
      amountFen: d.amountFen,
      ...(d.billId ? { billId: d.billId } : {}),
    }));
    const billIds = [input.depositBillId, ...deductions.flatMap((d) => (d.billId ? [d.billId] : []))];
    const locked = await lockBillsWithFigures(tx, actor.orgId, billIds);
    const deposit = locked.find((entry) => entry.bill.id === input.depositBillId)?.bill;
    if (deposit?.kind !== 'deposit') throw notFound('deposit_bill', input.depositBillId);
    if (await repo.liveDepositRefund(tx, deposit.id)) throw new AppError(409, 'refund_deposit_exists');
    if (deposit.principalPaidFen <= 0) {
      const params = { number: deposit.number };
      throw new AppError(422, 'refund_deposit_unpaid', params, [
        { path: 'body/depositBillId', key: 'refund_deposit_unpaid', params },
      ]);
    }
    if (payment && payment.tenantId !== deposit.tenantId) {
      throw new AppError(422, 'refund_payment_other_tenant', {}, [
        { path: 'body/paymentId', key: 'refund_payment_other_tenant' },
      ]);
    }
    if (payment && input.method === 'original_channel' && !payment.allocations.some((a) => a.billId === deposit.id)) {
      const params = { number: payment.number };
      throw new AppError(422, 'refund_payment_not_deposit', params, [
        { path: 'body/paymentId', key: 'refund_payment_not_deposit', params },
      ]);
    }
    for (const [index, deduction] of deductions.entries()) {
      const path = `body/deductions/${index}`;
      if (!deduction.item || !Number.isSafeInteger(deduction.amountFen) || deduction.amountFen <= 0) {
        throw new AppError(422, 'refund_deduction_invalid', { item: deduction.item }, [
          { path, key: 'refund_deduction_invalid', params: { item: deduction.item } },
        ]);
      }
      if (!deduction.billId) continue;
      const target = locked.find((entry) => entry.bill.id === deduction.billId);
      const payable =
        target &&
        target.bill.id !== deposit.id &&
        target.bill.tenantId === deposit.tenantId &&
        (target.bill.status === 'open' || target.bill.status === 'partial');
      if (!target || !payable || deduction.amountFen > target.figures.payableFen) {
        const params = { item: deduction.item, owed: formatYuan(target?.figures.payableFen ?? 0) };
        throw new AppError(422, 'refund_deduction_bill', params, [{ path, key: 'refund_deduction_bill', params }]);
      }
    }
    const deductedFen = deductions.reduce((sum, d) => sum + d.amountFen, 0);
    if (deductedFen > deposit.principalPaidFen) {
      const params = { deducted: formatYuan(deductedFen), deposit: formatYuan(deposit.principalPaidFen) };
      throw new AppError(422, 'refund_deductions_exceed_deposit', params, [
        { path: 'body/deductions', key: 'refund_deductions_exceed_deposit', params },
      ]);
    }
    const amountFen = deposit.principalPaidFen - deductedFen;
    const throughChannel = input.method === 'original_channel' && amountFen > 0;
    if (throughChannel && order) {
      const available = await refundableThroughOrder(tx, order);
      if (amountFen > available) throw exceedsChannel(amountFen, available, 'body/paymentId');
    }
    const request = deposit.contractId
      ? await repo.lockRequestOfContract(tx, actor.orgId, deposit.contractId)
      : undefined;
    return repo.insert(tx, {
      orgId: actor.orgId,
      refundNo: newRefundNo(),
      tenantId: deposit.tenantId,
      kind: 'deposit',
      paymentId: payment?.id ?? null,
      paymentOrderId: throughChannel ? (order?.id ?? null) : null,
      provider: throughChannel ? (order?.provider ?? null) : null,
      depositBillId: deposit.id,
      contractId: deposit.contractId,
      depositPaidFen: deposit.principalPaidFen,
      deductions,
      amountFen,
      reason,
      method: throughChannel ? 'original_channel' : 'offline',
      requestedBy: actor.id,
      requestedByName: actor.name,
      depositRefundRequestId: request?.id ?? null,
    });
  },

  async get(db: Executor, orgId: string, id: string) {
    const row = await repo.find(db, orgId, id);
    if (!row) throw notFound('refund', id);
    return refundView(row);
  },

  async list(db: Executor, filter: RefundFilter, page: number, pageSize: number) {
    const { items, total } = await repo.list(db, filter, page, pageSize);
    return { items: items.map(refundView), total };
  },

  /** A requested refund, locked, that this actor may decide (never their own). */
  async decidable(tx: Executor, actor: OrgActor, id: string): Promise<RefundRow> {
    const refund = await repo.lock(tx, actor.orgId, id);
    if (!refund) throw notFound('refund', id);
    if (refund.status !== 'requested') throw new AppError(409, 'refund_decided', { status: refund.status });
    if (refund.requestedBy && refund.requestedBy === actor.id) throw new AppError(403, 'refund_self_approval');
    return refund;
  },

  /**
   * Approves: a deposit's deductions settle their bills (a payment from the deposit, Dr 2241 / Cr 1122) or become
   * repair income (Dr 2241 / Cr 6051.03); then the money goes back — through the channel at once (refunded when the
   * channel says so), or left to finance to record as paid offline.
   */
  async approve(deps: RefundsDeps, actor: OrgActor, id: string, note?: string | null) {
    const refund = await deps.db.transaction(async (tx) => {
      const locked = await this.decidable(tx, actor, id);
      await lockTenant(tx, locked.tenantId);
      if (locked.kind === 'overpayment' && locked.tenantId) {
        const available = await availableAdvance(tx, actor.orgId, locked.tenantId, locked.id);
        if (locked.amountFen > available) throw exceedsAdvance(locked.amountFen, available, 409);
      } else if (locked.kind === 'deposit') {
        await this.applyDeductions(tx, actor, locked);
      }
      const status = locked.amountFen === 0 ? 'refunded' : locked.method === 'original_channel' ? 'paying' : 'approved';
      let decided = await repo.update(tx, id, {
        status: status === 'refunded' ? 'approved' : status,
        decidedBy: actor.id,
        decidedByName: actor.name,
        decidedAt: new Date(),
        decisionNote: note?.trim() || null,
      });
      await auditService.record(tx, actor, {
        action: 'refund.approve',
        entityType: 'refund',
        entityId: id,
        before: { status: locked.status },
        after: { refundNo: locked.refundNo, status, amountFen: locked.amountFen, method: locked.method },
      });
      // Everything deducted: nothing goes back, the refund is done.
      if (status === 'refunded') {
        decided = await repo.update(tx, id, { status: 'refunded', refundedAt: new Date() });
      }
      if (status === 'paying') await settleOrder(tx, decided, 'refunding');
      else await queueApprovalMessage(tx, deps, decided);
      await followRequest(tx, actor, decided);
      return decided;
    });
    if (refund.status === 'paying') {
      await this.payThroughChannel(deps, refund);
      // Not paid back by the channel's answer: the tenant hears it was approved, and later that it arrived.
      await deps.db.transaction(async (tx) => {
        const now = await repo.lock(tx, actor.orgId, id);
        if (now?.status === 'paying') await queueApprovalMessage(tx, deps, now);
      });
    }
    return this.get(deps.db, actor.orgId, id);
  },

  async applyDeductions(tx: Executor, actor: OrgActor, refund: RefundRow) {
    const sub = { tenantId: refund.tenantId, contractId: refund.contractId, billId: refund.depositBillId };
    for (const deduction of refund.deductions) {
      if (!deduction.billId || !refund.tenantId) continue;
      await applyPayment(tx, actor, {
        orgId: refund.orgId,
        tenantId: refund.tenantId,
        amountFen: deduction.amountFen,
        receivedOn: today(),
        method: 'deposit',
        billIds: [deduction.billId],
        // Taken from this contract's deposit: its 2241 sub-ledger, like the refund of the rest.
        debitSub: { contractId: refund.contractId, billId: refund.depositBillId },
        remarks: `保证金抵扣（退款 ${refund.refundNo}）：${deduction.item}`.slice(0, 500),
        debitPurpose: 'deposits',
      });
    }
    const unbilled = refund.deductions.filter((d) => !d.billId);
    const unbilledFen = unbilled.reduce((sum, d) => sum + d.amountFen, 0);
    if (unbilledFen === 0) return;
    const entry = await journal.post(tx, actor, {
      orgId: refund.orgId,
      entryDate: today(),
      kind: 'refund',
      memo: `保证金扣除（退款 ${refund.refundNo}）：${unbilled.map((d) => d.item).join('、')}`.slice(0, 500),
      sourceType: 'refund',
      sourceId: refund.id,
      lines: [
        { purpose: 'deposits', debitFen: unbilledFen, ...sub },
        { purpose: 'charge_repair', creditFen: unbilledFen, ...sub },
      ],
    });
    await repo.update(tx, refund.id, { deductionEntryId: entry.id });
  },

  /** Asks the channel to pay the refund back; its answer is applied (succeeded, failed, or still processing). */
  /** The channel's trade a refund goes back through: its order number, transaction id and the amount it took. */
  async channelTradeOf(db: Executor, refund: RefundRow) {
    if (refund.suspenseItemId) {
      const item = await paymentsService.suspense.get(db, refund.orgId, refund.suspenseItemId);
      // A difference settled by reconciliation may hold only part of the channel's trade: its total is in the detail.
      const total = Number(item.detail.channelAmountFen);
      return {
        orderNo: item.orderNo!,
        transactionId: item.transactionId,
        totalFen: Number.isSafeInteger(total) && total >= item.amountFen ? total : item.amountFen,
      };
    }
    const payment = await collectionsService.getPayment(db, refund.orgId, refund.paymentId!);
    const order = await paymentsService.order(db, payment.paymentOrderNo!);
    return { orderNo: order!.orderNo, transactionId: order!.transactionId!, totalFen: order!.amountFen };
  },

  async payThroughChannel(deps: RefundsDeps, refund: RefundRow) {
    const actor = channelActor(refund.orgId, refund.provider!);
    const trade = await this.channelTradeOf(deps.db, refund);
    let state: RefundState;
    try {
      const adapter = await paymentsService.adapterForOrg(deps, refund.orgId, refund.provider!);
      state = await adapter.refund({
        orderNo: trade.orderNo,
        refundNo: refund.refundNo,
        transactionId: trade.transactionId,
        amountFen: refund.amountFen,
        totalFen: trade.totalFen,
        reason: refund.reason.slice(0, 80),
        notifyUrl: `${deps.payments.notifyBaseUrl}/notify/${refund.provider}`,
      });
    } catch (error) {
      if (answerUnknown(error)) {
        // Not answered (network, timeout, an answer we cannot trust, the channel's own fault): the money may have
        // left. Still paying; a query or the notification settles it, never a new refund asked on a guess.
        deps.log?.error({ refundNo: refund.refundNo, err: error }, 'refund request not answered');
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      state = { state: 'failed', reason: `${error instanceof ChannelError ? `${error.code}: ` : ''}${message}` };
    }
    await applyChannelState(deps, refund.orgId, refund.refundNo, state, actor, 'answer');
  },

  /** Asks the channel how a refund under way stands, and applies the answer. */
  async query(deps: RefundsDeps, actor: OrgActor, id: string) {
    const refund = await repo.find(deps.db, actor.orgId, id);
    if (!refund) throw notFound('refund', id);
    if (refund.status !== 'paying') throw new AppError(409, 'refund_not_paying', { status: refund.status });
    const trade = await this.channelTradeOf(deps.db, refund);
    const adapter = await paymentsService.adapterForOrg(deps, refund.orgId, refund.provider!);
    const state = await adapter.queryRefund(refund.refundNo, trade.orderNo);
    await applyChannelState(deps, refund.orgId, refund.refundNo, state, actor, 'query');
    return this.get(deps.db, actor.orgId, id);
  },

  /**
   * Refund notifications are not guaranteed and an answer can be lost: refunds still paying after two minutes are
   * asked about and settled by the channel's answer, like payment orders (job `refunds-backstop`). One refund's
   * failure to answer is logged and does not stop the others.
   */
  async backstop(deps: RefundsDeps, now = new Date()): Promise<{ asked: number; settled: number }> {
    const due = await repo.unsettledChannelRefunds(deps.db, new Date(now.getTime() - BACKSTOP_AFTER_MS), 50);
    let settled = 0;
    for (const { id, orgId } of due) {
      try {
        const refund = await refundsService.query(deps, { ...systemActor, orgId, name: 'refunds-backstop' }, id);
        if (refund.status !== 'paying') settled += 1;
      } catch (error) {
        deps.log?.warn({ refundId: id, err: error }, 'refund backstop query failed');
      }
    }
    return { asked: due.length, settled };
  },

  /** A verified refund notification (WeChat REFUND.SUCCESS, …): completes the refund once; duplicates change nothing. */
  async fromNotification(
    deps: RefundsDeps,
    account: { orgId: string; provider: Provider },
    notice: {
      refundNo: string;
      refundId: string;
      amountFen: number;
      succeeded: boolean;
      at: Date;
      detail?: Record<string, string | number>;
    },
    actor: Actor & { orgId: string } = channelActor(account.orgId, account.provider),
  ): Promise<RefundOutcome> {
    const state: RefundState = notice.succeeded
      ? { state: 'succeeded', refundId: notice.refundId, amountFen: notice.amountFen, succeededAt: notice.at }
      : { state: 'failed', reason: '渠道通知退款未成功' };
    const cumulative = notice.detail?.refund_fee_is_cumulative === 'true';
    return applyChannelState(deps, account.orgId, notice.refundNo, state, actor, 'notification', cumulative);
  },

  /** Finance records an approved offline refund as paid (bank transfer to the tenant). */
  async recordPaid(deps: RefundsDeps, actor: OrgActor, id: string, input: { reference?: string | null }) {
    await deps.db.transaction(async (tx) => {
      const refund = await repo.lock(tx, actor.orgId, id);
      if (!refund) throw notFound('refund', id);
      if (refund.status !== 'approved' || refund.method !== 'offline') {
        throw new AppError(409, 'refund_not_payable', { status: refund.status });
      }
      await completeLocked(
        tx,
        deps,
        actor,
        refund,
        { at: new Date(), paidBy: actor.id, paidByName: actor.name, reference: input.reference?.trim() || null },
        'offline',
      );
    });
    return this.get(deps.db, actor.orgId, id);
  },

  async reject(deps: RefundsDeps, actor: OrgActor, id: string, note: string) {
    const decisionNote = note.trim();
    if (!decisionNote) {
      throw new AppError(422, 'refund_note_required', {}, [{ path: 'body/note', key: 'refund_note_required' }]);
    }
    await deps.db.transaction(async (tx) => {
      const refund = await this.decidable(tx, actor, id);
      const rejected = await repo.update(tx, id, {
        status: 'rejected',
        decidedBy: actor.id,
        decidedByName: actor.name,
        decidedAt: new Date(),
        decisionNote,
      });
      await releaseSuspense(tx, rejected);
      await followRequest(tx, actor, rejected);
      await auditService.record(tx, actor, {
        action: 'refund.reject',
        entityType: 'refund',
        entityId: id,
        before: { status: refund.status },
        after: { refundNo: refund.refundNo, status: 'rejected', note: decisionNote },
      });
    });
    return this.get(deps.db, actor.orgId, id);
  },
  /** The tenant's own refunds, newest first (the portal): deposits with their deductions, overpayments, suspense. */
  async forTenant(db: Executor, tenant: { orgId: string; tenantId: string }) {
    const rows = await repo.ofTenant(db, tenant.orgId, tenant.tenantId);
    return { items: rows.map(portalRefundView) };
  },

  /**
   * Contracts ended with a deposit to give back (deposit_refund_requests), newest first: the deposit bill and what
   * was paid on it, the contract's unpaid bills (to deduct from the deposit), and the refund answering the request.
   */
  async listDepositRequests(
    db: Executor,
    filter: { orgId: string; status?: DepositRefundRequestStatus; contractId?: string },
    page: number,
    pageSize: number,
  ) {
    const { items, total } = await repo.listRequests(db, filter, page, pageSize);
    const unpaid = await repo.unpaidBillsOfContracts(db, [...new Set(items.map((row) => row.contractId))]);
    return {
      items: items.map((row) =>
        depositRequestView(
          row,
          unpaid
            .filter((bill) => bill.contractId === row.contractId)
            .map((bill) => ({
              id: bill.id,
              billNo: bill.billNo,
              kind: bill.kind,
              period: bill.periodStart && bill.periodEnd ? `${bill.periodStart} 至 ${bill.periodEnd}` : null,
              dueDate: bill.dueDate,
              outstandingFen: Number(bill.outstandingFen),
            })),
        ),
      ),
      total,
    };
  },
};
