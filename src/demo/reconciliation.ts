// Demo reconciliation (对账): the demo's recent days with online payments reconciled against the simulators'
// statements, so the console shows runs that tie out, and one difference left open for finance — a payment the
// WeChat Pay simulator reports at one yuan less than the order (the control API's `amountFen`), which went to
// suspense when its notification arrived and shows on yesterday's statement as amount_differs. Once only.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Orm, queryRows, sql } from '../db/client.ts';
import type { Provider } from '../db/schema.ts';
import { addDays, chinaDate } from '../domain/calendar.ts';
import type { Actor } from '../modules/audit/service.ts';
import { type PaymentsDeps, paymentsService } from '../modules/payments/service.ts';
import { reconciliationService } from '../modules/reconciliation/service.ts';

export interface DemoReconciliationDeps {
  payments: PaymentsDeps;
  orgId: string;
  /** Where the simulators' control API answers. */
  simulatorUrl: string;
  /** Days before today whose payments are reconciled (default 3: a few runs, well under a second). */
  days?: number;
}

export interface DemoReconciliationOutcome {
  skipped: boolean;
  runs: number;
  openDifferences: number;
}

export async function seedDemoReconciliation(
  db: Orm,
  deps: DemoReconciliationDeps,
): Promise<DemoReconciliationOutcome> {
  const outcome: DemoReconciliationOutcome = { skipped: true, runs: 0, openDifferences: 0 };
  const { orgId } = deps;
  const [done] = await queryRows(db, sql`SELECT 1 FROM reconciliation_runs WHERE org_id = ${orgId} LIMIT 1`);
  if (done) return outcome;
  const connected = await queryRows<{ provider: Provider }>(
    db,
    sql`SELECT provider FROM channel_settings WHERE org_id = ${orgId} AND enabled`,
  );
  if (connected.length === 0) return outcome;
  outcome.skipped = false;
  const now = new Date();
  const today = chinaDate(now);
  const yesterday = addDays(today, -1);
  const finance: Actor & { orgId: string } = {
    kind: 'system',
    orgId,
    id: null,
    name: 'caiwu（演示数据）',
    ip: null,
    userAgent: null,
  };
  if (connected.some((row) => row.provider === 'wechatpay')) await payOneYuanShort(db, deps, yesterday);

  const from = new Date(`${addDays(today, -(deps.days ?? 3))}T00:00:00+08:00`);
  const to = new Date(`${today}T00:00:00+08:00`);
  const days = await queryRows<{ provider: Provider; day: string }>(
    db,
    sql`SELECT DISTINCT provider, to_char(paid_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day
          FROM payment_orders
         WHERE org_id = ${orgId} AND paid_at >= ${from.toISOString()}::timestamptz
           AND paid_at < ${to.toISOString()}::timestamptz
         ORDER BY day, provider`,
  );
  for (const { provider, day } of days) {
    const run = await reconciliationService.reconcile(deps.payments, finance, { provider, date: day, today });
    outcome.runs += 1;
    outcome.openDifferences += run.openDifferences;
  }
  return outcome;
}

/** An open bill ordered by WeChat Pay and paid yesterday at one yuan less than the order, as the channel reports it. */
async function payOneYuanShort(db: Orm, deps: DemoReconciliationDeps, day: string): Promise<void> {
  const [bill] = await queryRows<{ id: string; tenantId: string }>(
    db,
    sql`SELECT b.id, b.tenant_id AS "tenantId" FROM bills b
         WHERE b.org_id = ${deps.orgId} AND b.status = 'open' AND b.due_date <= ${day}
           AND NOT EXISTS (SELECT 1 FROM payment_order_bills ob WHERE ob.bill_id = b.id AND ob.open)
         ORDER BY b.due_date DESC, b.id LIMIT 1`,
  );
  if (!bill) return;
  const order = await paymentsService.orders.create(
    deps.payments,
    {
      orgId: deps.orgId,
      tenantId: bill.tenantId,
      via: 'portal',
      clientIp: '127.0.0.1',
      actor: {
        kind: 'tenant',
        orgId: deps.orgId,
        id: bill.tenantId,
        name: '承租方（演示数据）',
        ip: '127.0.0.1',
        userAgent: null,
      },
    },
    { billIds: [bill.id], channel: 'wechat_native', payableOn: day },
    new Date(),
  );
  const response = await fetch(
    `${deps.simulatorUrl.replace(/\/+$/, '')}/_sim/wechatpay/orders/${encodeURIComponent(order.orderNo)}/pay`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ paidAt: `${day}T16:20:00+08:00`, amountFen: order.amountFen - 100 }),
    },
  );
  if (!response.ok) throw new Error(`演示对账：模拟器拒绝支付订单 ${order.orderNo}（${response.status}）`);
  // The notification goes to suspense (amount mismatch): wait for it, briefly.
  for (let waited = 0; waited < 5_000; waited += 20) {
    const [row] = await queryRows<{ status: string }>(
      db,
      sql`SELECT status FROM payment_orders WHERE order_no = ${order.orderNo}`,
    );
    if (row?.status !== 'created') return;
    await sleep(20);
  }
}
