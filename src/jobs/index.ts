import type { Database, Orm } from '../db/client.ts';
import { maintainTables } from '../db/maintenance.ts';
import { purgeIdempotencyKeys } from '../http/idempotency.ts';
import type { AuthService } from '../modules/auth/service.ts';
import { runBillingForAllOrgs } from '../modules/billing/run.ts';
import { collectionsService } from '../modules/collections/service.ts';
import { contractsService, today } from '../modules/contracts/service.ts';
import { type MessagingDeps, messagesService } from '../modules/messages/service.ts';
import { runPaymentOrdersBackstop } from '../modules/payments/orders.ts';
import type { PaymentsDeps } from '../modules/payments/service.ts';
import { runDailyReconciliation } from '../modules/reconciliation/daily.ts';
import { refundsService } from '../modules/refunds/service.ts';
import { compactBillDueTotals } from '../modules/reports/summaries.ts';
import type { ScheduledJob } from './scheduler.ts';

/** Every scheduled job of AssetPay; later modules add theirs here. */
export function scheduledJobs(services: {
  auth: AuthService;
  db: Orm;
  /** PGlite has no autovacuum: the scheduler does its work (statistics, dead rows). */
  databaseKind?: Database['kind'];
  messaging?: MessagingDeps;
  /** Online payment (app.payments): the backstop asks channels about unpaid orders. */
  payments?: PaymentsDeps;
}): ScheduledJob[] {
  const { messaging, payments } = services;
  return [
    {
      name: 'session-cleanup',
      cron: '*/10 * * * *',
      run: async () => ({ removed: await services.auth.removeExpiredSessions() }),
    },
    {
      // Just after midnight in China: contracts that ended yesterday expire and free their units; alerts go out.
      name: 'contract-daily',
      cron: '5 0 * * *',
      run: () => contractsService.runDaily(services.db),
    },
    {
      // After the contract job: every org billed through today (bills due today and before).
      name: 'billing-daily',
      cron: '15 0 * * *',
      run: () => runBillingForAllOrgs(services.db),
    },
    {
      // On the 1st: every overdue bill's penalty fixed into the bills and the ledger through the previous month-end.
      name: 'late-fee-month-end',
      cron: '30 0 1 * *',
      run: () => collectionsService.runMonthEnd(services.db),
    },
    {
      // The dashboard's summary gains a row per statement that changes bills; each minute they are folded together.
      name: 'report-totals-compact',
      cron: '* * * * *',
      run: () => compactBillDueTotals(services.db),
    },
    ...(services.databaseKind === 'pglite'
      ? [
          {
            // Autovacuum's work on the embedded database, which has none: statistics for the planner, dead rows cleared.
            name: 'embedded-database-upkeep',
            cron: '*/10 * * * *',
            run: () => maintainTables(services.db),
          },
        ]
      : []),
    {
      name: 'idempotency-cleanup',
      cron: '40 3 * * *',
      run: async () => ({ removed: await purgeIdempotencyKeys(services.db) }),
    },
    ...(messaging
      ? [
          {
            // Reminders are queued in the morning; delivery still waits out each org's quiet hours.
            name: 'bill-reminders',
            cron: '0 9 * * *',
            run: () => messagesService.queueReminders(services.db, messaging, today()),
          },
          {
            name: 'message-delivery',
            cron: '* * * * *',
            run: () => messagesService.deliverDue(services.db, messaging),
          },
        ]
      : []),
    ...(payments
      ? [
          {
            // Notifications are not guaranteed: orders unpaid after 5 minutes are asked about, expired ones closed.
            name: 'payment-orders-backstop',
            cron: '* * * * *',
            run: () => runPaymentOrdersBackstop(payments),
          },
          {
            // A refund's answer or notification can be lost: refunds still paying after 2 minutes are asked about.
            name: 'refunds-backstop',
            cron: '*/2 * * * *',
            run: () => refundsService.backstop(payments),
          },
          {
            // 10:30 China time, when every channel has issued yesterday's statement: reconciled for every org.
            name: 'reconciliation-daily',
            cron: '30 10 * * *',
            run: () => runDailyReconciliation(payments),
          },
        ]
      : []),
  ];
}
