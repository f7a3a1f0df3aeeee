// 对账差异处理: every difference a run leaves gets a name, an owner and an end. Finance explains it (`acknowledge`: no
// money moves, resolved at once) or proposes to settle the statement's line at the channel's figures (`settle`, only
// where the channel holds money for us: amount_differs, missing_here); a settlement is posted only when an approver
// other than the proposer approves it, and rejected back to open otherwise. Each decision is one transaction, audited.
//
// Settling a line: Dr 1002 net + Dr 6603 fee / Cr 1012.channel what the ledger already holds for the transaction (the
// order it paid, or its suspense item); the rest, when the channel took more, Cr 2202 with a new suspense item (so it
// can be applied to bills or refunded), and when it took less, Dr 1221 其他应收款—支付渠道.

import { randomUUID } from 'node:crypto';
import type {
  Provider,
  ReconciliationAction,
  ReconciliationDifferenceKind,
  ReconciliationDifferenceStatus,
  SuspenseReason,
} from '../../db/schema.ts';
import { chinaDate } from '../../domain/calendar.ts';
import { formatYuan } from '../../domain/money.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { CLEARING_ACCOUNT } from '../ledger/chart.ts';
import { journal } from '../ledger/journal.ts';
import { notificationsService } from '../notifications/service.ts';
import { suspenseNumber } from '../payments/posting.ts';
import { paymentsRepository } from '../payments/repository.ts';
import type { PaymentsDeps } from '../payments/service.ts';
import {
  type DifferenceFilter,
  type DifferenceListRow,
  differencesRepository as repo,
} from './differences.repository.ts';

type Db = Pick<PaymentsDeps, 'db'>;
type StaffActor = Actor & { orgId: string };

/** Kinds where the channel holds money the ledger has not settled: the only ones a settlement can post. */
export const SETTLEABLE_KINDS: readonly ReconciliationDifferenceKind[] = ['amount_differs', 'missing_here'];

const PROVIDER_TEXT: Record<Provider, string> = { wechatpay: '微信支付', alipay: '支付宝', unionpay: '银联' };
const KIND_TEXT: Record<ReconciliationDifferenceKind, string> = {
  amount_differs: '金额不符',
  missing_here: '渠道有、本系统未成功',
  missing_in_channel: '本系统成功、渠道无',
  refund_differs: '退款金额不符',
  refund_missing_here: '渠道有退款、本系统无',
  refund_missing_in_channel: '本系统已退款、渠道无',
};

export interface DifferenceView {
  id: string;
  runId: string;
  channel: Provider;
  date: string;
  kind: ReconciliationDifferenceKind;
  lineNo: number | null;
  orderNo: string | null;
  transactionId: string | null;
  refundNo: string | null;
  channelAmountFen: number | null;
  ourAmountFen: number | null;
  status: ReconciliationDifferenceStatus;
  action: ReconciliationAction | null;
  note: string | null;
  proposedByName: string | null;
  proposedAt: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  resolvedByName: string | null;
  resolvedAt: string | null;
  suspenseNumber: string | null;
  autoResolvedByRunId: string | null;
}

export const differenceView = (row: DifferenceListRow): DifferenceView => ({
  id: row.id,
  runId: row.runId,
  channel: row.provider,
  date: row.statementDate,
  kind: row.kind,
  lineNo: row.lineNo,
  orderNo: row.orderNo,
  transactionId: row.transactionId,
  refundNo: row.refundNo,
  channelAmountFen: row.channelAmountFen,
  ourAmountFen: row.ourAmountFen,
  status: row.status,
  action: row.action,
  note: row.resolutionNote,
  proposedByName: row.proposedByName,
  proposedAt: row.proposedAt?.toISOString() ?? null,
  decidedByName: row.decidedByName,
  decidedAt: row.decidedAt?.toISOString() ?? null,
  decisionNote: row.decisionNote,
  resolvedByName: row.resolvedByName,
  resolvedAt: row.resolvedAt?.toISOString() ?? null,
  suspenseNumber: row.suspenseNumber,
  autoResolvedByRunId: row.autoResolvedByRunId,
});

function requiredNote(note: string | null | undefined, path = 'body/note'): string {
  const text = (note ?? '').trim();
  if (!text)
    throw new AppError(422, 'reconciliation_note_required', {}, [{ path, key: 'reconciliation_note_required' }]);
  return text;
}

async function lockFor(tx: Parameters<typeof repo.lock>[0], actor: StaffActor, id: string) {
  const difference = await repo.lock(tx, actor.orgId, id);
  if (!difference) throw notFound('reconciliation_difference', id);
  return difference;
}

function refuseOwnProposal(difference: { proposedBy: string | null }, actor: StaffActor) {
  if (difference.proposedBy && difference.proposedBy === actor.id) {
    throw new AppError(403, 'reconciliation_difference_self_approval');
  }
}

export const differencesService = {
  async list(deps: Db, filter: DifferenceFilter, page: number, pageSize: number) {
    const { items, total } = await repo.list(deps.db, filter, page, pageSize);
    return { items: items.map(differenceView), total };
  },

  /** Every difference of one run, in line order. */
  async ofRun(deps: Db | { db: Parameters<typeof repo.list>[0] }, orgId: string, runId: string) {
    const { items } = await repo.list(deps.db, { orgId, runId }, 1, 100_000);
    return items.map(differenceView);
  },

  async get(deps: Db, orgId: string, id: string): Promise<DifferenceView> {
    const { items } = await repo.list(deps.db, { orgId, id }, 1, 1);
    if (!items[0]) throw notFound('reconciliation_difference', id);
    return differenceView(items[0]);
  },

  /**
   * Finance's answer to a difference: `acknowledge` (explained, nothing to post) resolves it; `settle` proposes to
   * post the line at the channel's figures and waits for an approver.
   */
  async resolve(
    deps: Db,
    actor: StaffActor,
    id: string,
    input: { action: ReconciliationAction; note: string },
  ): Promise<DifferenceView> {
    const note = requiredNote(input.note);
    await deps.db.transaction(async (tx) => {
      const difference = await lockFor(tx, actor, id);
      if (difference.status !== 'open') {
        throw new AppError(409, 'reconciliation_difference_not_open', { status: difference.status });
      }
      if (input.action === 'settle' && !SETTLEABLE_KINDS.includes(difference.kind)) {
        throw new AppError(422, 'reconciliation_difference_cannot_settle', { kind: KIND_TEXT[difference.kind] }, [
          { path: 'body/action', key: 'reconciliation_difference_cannot_settle' },
        ]);
      }
      if (input.action === 'settle' && (await repo.settledElsewhere(tx, difference))) {
        throw new AppError(409, 'reconciliation_difference_settled_elsewhere', {
          transactionId: difference.transactionId ?? '',
        });
      }
      const now = new Date();
      const proposed = {
        action: input.action,
        resolutionNote: note,
        proposedBy: actor.id,
        proposedByName: actor.name,
        proposedAt: now,
        decidedBy: null,
        decidedByName: null,
        decidedAt: null,
        decisionNote: null,
      };
      if (input.action === 'acknowledge') {
        await repo.update(tx, id, {
          ...proposed,
          status: 'resolved',
          resolvedBy: actor.id,
          resolvedByName: actor.name,
          resolvedAt: now,
        });
      } else {
        await repo.update(tx, id, { ...proposed, status: 'awaiting_approval' });
        await notificationsService.notifyOnce(tx, {
          orgId: actor.orgId,
          recipientRole: 'approver',
          kind: 'reconciliation_settlement_requested',
          entityType: 'reconciliation_difference',
          entityId: id,
          title: `对账差异待审批：${PROVIDER_TEXT[difference.provider]} ${difference.orderNo ?? difference.transactionId ?? ''}`,
          body: `${actor.name ?? ''} 申请按渠道金额 ${formatYuan(difference.channelAmountFen ?? 0)} 元结算（${KIND_TEXT[difference.kind]}），说明：${note}`,
          dedupeKey: `reconciliation_settlement_requested:${id}:${now.getTime()}`,
        });
      }
      await auditService.record(tx, actor, {
        action:
          input.action === 'acknowledge'
            ? 'reconciliation_difference.acknowledge'
            : 'reconciliation_difference.propose_settlement',
        entityType: 'reconciliation_difference',
        entityId: id,
        before: { status: difference.status },
        after: {
          status: input.action === 'acknowledge' ? 'resolved' : 'awaiting_approval',
          kind: difference.kind,
          transactionId: difference.transactionId,
          note,
        },
      });
    });
    return this.get(deps, actor.orgId, id);
  },

  /** An approver other than the proposer posts the settlement; the difference is resolved. */
  async approve(deps: Db, actor: StaffActor, id: string, input: { note?: string | null }): Promise<DifferenceView> {
    const decisionNote = input.note?.trim() || null;
    await deps.db.transaction(async (tx) => {
      const difference = await lockFor(tx, actor, id);
      if (difference.status !== 'awaiting_approval') {
        throw new AppError(409, 'reconciliation_difference_not_awaiting', { status: difference.status });
      }
      refuseOwnProposal(difference, actor);
      if (await repo.settledElsewhere(tx, difference)) {
        throw new AppError(409, 'reconciliation_difference_settled_elsewhere', {
          transactionId: difference.transactionId ?? '',
        });
      }
      const line = difference.lineNo === null ? undefined : await repo.line(tx, difference.runId, difference.lineNo);
      if (!line || !difference.transactionId) {
        // A settleable kind always comes from a statement line; anything else is a programming error.
        throw new Error(`difference ${id} has no statement line to settle`);
      }
      const provider = difference.provider;
      const held = await repo.postedForTransaction(tx, actor.orgId, provider, difference.transactionId);
      const gapFen = line.amountFen - held.postedFen;
      const netFen = line.amountFen - line.feeFen;
      let suspenseItemId = held.suspenseItemId;
      let suspense: { id: string; number: string; amountFen: number; reason: SuspenseReason } | undefined;
      if (gapFen > 0) {
        const order = await repo.orderStatus(tx, actor.orgId, provider, line.orderNo || difference.orderNo);
        const reason: SuspenseReason =
          difference.kind === 'amount_differs'
            ? 'amount_mismatch'
            : order?.status === 'closed'
              ? 'order_closed'
              : order?.status === 'failed'
                ? 'order_failed'
                : order && ['succeeded', 'refunding', 'refunded'].includes(order.status)
                  ? 'order_paid_twice'
                  : 'unknown_order';
        const year = Number(chinaDate(line.occurredAt).slice(0, 4));
        const number = suspenseNumber(year, await paymentsRepository.takeNumber(tx, actor.orgId, `suspense:${year}`));
        suspense = { id: randomUUID(), number, amountFen: gapFen, reason };
        suspenseItemId = suspense.id;
      }
      const memo = `${PROVIDER_TEXT[provider]} 对账差异结算 ${difference.transactionId}（${KIND_TEXT[difference.kind]}）${suspense ? ` 挂账 ${suspense.number}` : ''}`;
      const entry = await journal.post(tx, actor, {
        orgId: actor.orgId,
        entryDate: chinaDate(new Date()),
        kind: 'settlement',
        memo,
        sourceType: 'reconciliation_difference',
        sourceId: id,
        lines: [
          ...(netFen > 0 ? [{ purpose: 'bank' as const, debitFen: netFen }] : []),
          ...(netFen < 0 ? [{ purpose: 'bank' as const, creditFen: -netFen }] : []),
          ...(line.feeFen > 0 ? [{ purpose: 'channel_fees' as const, debitFen: line.feeFen }] : []),
          ...(line.feeFen < 0 ? [{ purpose: 'channel_fees' as const, creditFen: -line.feeFen }] : []),
          ...(held.postedFen > 0 ? [{ purpose: CLEARING_ACCOUNT[provider], creditFen: held.postedFen }] : []),
          ...(gapFen > 0 ? [{ purpose: 'suspense' as const, creditFen: gapFen }] : []),
          ...(gapFen < 0 ? [{ purpose: 'channel_receivable' as const, debitFen: -gapFen }] : []),
        ],
      });
      if (suspense) {
        const order = await repo.orderStatus(tx, actor.orgId, provider, line.orderNo || difference.orderNo);
        await paymentsRepository.insertSuspense(tx, {
          id: suspense.id,
          orgId: actor.orgId,
          number: suspense.number,
          provider,
          // One suspense item per channel transaction: a gap beside an earlier item is kept under its own key.
          transactionId: held.suspenseItemId ? `${difference.transactionId}:recon` : difference.transactionId,
          orderNo: line.orderNo || difference.orderNo,
          paymentOrderId: order?.id ?? null,
          amountFen: suspense.amountFen,
          reason: suspense.reason,
          detail: {
            source: 'reconciliation',
            reconciliationRunId: difference.runId,
            lineNo: difference.lineNo ?? 0,
            channelAmountFen: line.amountFen,
            postedFen: held.postedFen,
          },
          receivedOn: chinaDate(line.occurredAt),
          paidAt: line.occurredAt,
          journalEntryId: entry.id,
        });
      }
      const now = new Date();
      await repo.update(tx, id, {
        status: 'resolved',
        decidedBy: actor.id,
        decidedByName: actor.name,
        decidedAt: now,
        decisionNote,
        resolvedBy: actor.id,
        resolvedByName: actor.name,
        resolvedAt: now,
        suspenseItemId,
        journalEntryId: entry.id,
      });
      if (suspense) {
        await auditService.record(tx, actor, {
          action: 'suspense.flag',
          entityType: 'suspense_item',
          entityId: suspense.id,
          after: {
            number: suspense.number,
            provider,
            transactionId: difference.transactionId,
            amountFen: suspense.amountFen,
            source: 'reconciliation',
          },
        });
      }
      await auditService.record(tx, actor, {
        action: 'reconciliation_difference.approve',
        entityType: 'reconciliation_difference',
        entityId: id,
        before: { status: difference.status, proposedByName: difference.proposedByName },
        after: {
          status: 'resolved',
          journalEntryId: entry.id,
          channelAmountFen: line.amountFen,
          feeFen: line.feeFen,
          postedFen: held.postedFen,
          gapFen,
          suspenseNumber: suspense?.number ?? null,
          note: decisionNote,
        },
      });
    });
    return this.get(deps, actor.orgId, id);
  },

  /** The approver sends the proposal back: open again, with the reason. */
  async reject(deps: Db, actor: StaffActor, id: string, input: { note: string }): Promise<DifferenceView> {
    const decisionNote = requiredNote(input.note);
    await deps.db.transaction(async (tx) => {
      const difference = await lockFor(tx, actor, id);
      if (difference.status !== 'awaiting_approval') {
        throw new AppError(409, 'reconciliation_difference_not_awaiting', { status: difference.status });
      }
      refuseOwnProposal(difference, actor);
      await repo.update(tx, id, {
        status: 'open',
        action: null,
        decidedBy: actor.id,
        decidedByName: actor.name,
        decidedAt: new Date(),
        decisionNote,
      });
      await auditService.record(tx, actor, {
        action: 'reconciliation_difference.reject',
        entityType: 'reconciliation_difference',
        entityId: id,
        before: { status: difference.status, action: difference.action },
        after: { status: 'open', note: decisionNote },
      });
    });
    return this.get(deps, actor.orgId, id);
  },
};
