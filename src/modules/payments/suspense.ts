// 挂账: money a channel confirmed that matched no open order of its amount. Finance finds whose it is and applies it
// to that tenant's bills through the normal payment path, from the suspense account (Dr 2202 / Cr 1122).

import type { Provider } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { applyPayment } from '../collections/service.ts';
import { receiptsService } from '../receipts/service.ts';
import { queuePaymentMessage } from './posting.ts';
import { paymentsRepository as repo, type SuspenseFilter, type SuspenseItemRow } from './repository.ts';
import type { PaymentsDeps } from './service.ts';

type SuspenseWithNames = SuspenseItemRow & {
  tenantId: string | null;
  tenantName: string | null;
  resolvedPaymentNumber: string | null;
};

export function suspenseItemView(row: SuspenseWithNames) {
  return {
    id: row.id,
    number: row.number,
    provider: row.provider,
    transactionId: row.transactionId,
    orderNo: row.orderNo,
    paymentOrderId: row.paymentOrderId,
    amountFen: row.amountFen,
    reason: row.reason,
    detail: row.detail as Record<string, string | number>,
    receivedOn: row.receivedOn,
    paidAt: row.paidAt?.toISOString() ?? null,
    status: row.status,
    resolution: row.resolution,
    resolvedPaymentId: row.resolvedPaymentId,
    resolvedPaymentNumber: row.resolvedPaymentNumber,
    resolutionNote: row.resolutionNote,
    resolvedByName: row.resolvedByName,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    tenantId: row.tenantId,
    tenantName: row.tenantName,
  };
}
export type SuspenseItemView = ReturnType<typeof suspenseItemView>;

export interface ResolveSuspenseInput {
  /** Whose money it is. */
  tenantId: string;
  /** Exactly these bills; otherwise the tenant's unsettled bills by due date (a remainder is an advance). */
  billIds?: string[];
  note: string;
}

export const suspenseService = {
  async list(
    db: PaymentsDeps['db'],
    filter: SuspenseFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: SuspenseItemView[]; total: number }> {
    const { items, total } = await repo.listSuspense(db, filter, page, pageSize);
    return { items: items.map(suspenseItemView), total };
  },

  async get(db: PaymentsDeps['db'], orgId: string, id: string): Promise<SuspenseItemView> {
    const { items } = await repo.listSuspense(db, { orgId, id }, 1, 1);
    const [item] = items;
    if (!item) throw notFound('suspense_item', id);
    return suspenseItemView(item);
  },

  /**
   * Applies a suspense item to a tenant's bills (as received on the day the channel took it), with a receipt and the
   * tenant's message; the item is resolved in the same transaction, audited.
   */
  async resolve(
    deps: Pick<PaymentsDeps, 'db' | 'pii' | 'publicBaseUrl'>,
    actor: Actor & { orgId: string },
    id: string,
    input: ResolveSuspenseInput,
  ): Promise<SuspenseItemView> {
    const note = input.note.trim();
    if (!note)
      throw new AppError(422, 'suspense_note_required', {}, [{ path: 'body/note', key: 'suspense_note_required' }]);
    await deps.db.transaction(async (tx) => {
      const item = await repo.lockSuspense(tx, actor.orgId, id);
      if (!item) throw notFound('suspense_item', id);
      if (item.status !== 'open') {
        throw new AppError(409, 'suspense_item_resolved', { number: item.number, resolution: item.resolution ?? '' });
      }
      const { payment } = await applyPayment(tx, actor, {
        orgId: actor.orgId,
        tenantId: input.tenantId,
        amountFen: item.amountFen,
        receivedOn: item.receivedOn,
        method: item.provider as Provider,
        reference: item.transactionId,
        billIds: input.billIds,
        paymentOrderNo: item.orderNo,
        remarks: `挂账 ${item.number} 转入：${note}`.slice(0, 500),
        debitPurpose: 'suspense',
      });
      const receipt = await receiptsService.issueFor(tx, actor, payment);
      await repo.updateSuspense(tx, item.id, {
        status: 'resolved',
        resolution: 'applied',
        resolvedPaymentId: payment.id,
        resolutionNote: note,
        resolvedBy: actor.kind === 'staff' ? actor.id : null,
        resolvedByName: actor.name,
        resolvedAt: new Date(),
      });
      await auditService.record(tx, actor, {
        action: 'suspense.resolve',
        entityType: 'suspense_item',
        entityId: item.id,
        before: { status: item.status },
        after: {
          status: 'resolved',
          resolution: 'applied',
          tenantId: input.tenantId,
          billIds: input.billIds ?? [],
          paymentNumber: payment.number,
          note,
        },
      });
      await queuePaymentMessage(tx, deps, payment, receipt);
    });
    return this.get(deps.db, actor.orgId, id);
  },
};
