// The morning's reconciliation (对账): yesterday's statement of every org's enabled channel fetched and reconciled as
// the system. A statement already imported is a no-op (same file, same run), so a rerun changes nothing. Finance is
// told when a channel's statement could not be had, and when a run leaves differences to resolve.

import { queryRows, sql } from '../../db/client.ts';
import type { Provider } from '../../db/schema.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import { translate } from '../../http/messages.ts';
import { AppError } from '../../http/problem.ts';
import { systemActor } from '../audit/service.ts';
import { notificationsService } from '../notifications/service.ts';
import { type ReconciliationDeps, reconciliationService } from './service.ts';

const PROVIDER_TEXT: Record<Provider, string> = { wechatpay: '微信支付', alipay: '支付宝', unionpay: '银联' };

export interface DailyReconciliationReport {
  date: string;
  reconciled: number;
  duplicates: number;
  failed: number;
  openDifferences: number;
}

export async function runDailyReconciliation(
  deps: ReconciliationDeps,
  now = new Date(),
): Promise<DailyReconciliationReport> {
  const today = chinaDate(now);
  const date = addDays(today, -1);
  const report: DailyReconciliationReport = { date, reconciled: 0, duplicates: 0, failed: 0, openDifferences: 0 };
  const accounts = await queryRows<{ orgId: string; provider: Provider }>(
    deps.db,
    sql`SELECT org_id AS "orgId", provider FROM channel_settings WHERE enabled ORDER BY org_id, provider`,
  );
  for (const { orgId, provider } of accounts) {
    const actor = { ...systemActor, orgId, name: 'reconciliation-daily' };
    try {
      const run = await reconciliationService.reconcile(deps, actor, { provider, date, today });
      if (run.duplicate) report.duplicates += 1;
      else report.reconciled += 1;
      report.openDifferences += run.openDifferences;
      if (run.openDifferences > 0) {
        await notificationsService.notifyOnce(deps.db, {
          orgId,
          recipientRole: 'finance',
          kind: 'reconciliation_differences',
          entityType: 'reconciliation_run',
          entityId: run.id,
          title: `对账差异待处理：${PROVIDER_TEXT[provider]} ${date}`,
          body: `${PROVIDER_TEXT[provider]} ${date} 对账有 ${run.openDifferences} 笔差异待处理，请在“对账”页面说明或结算。`,
          dedupeKey: `reconciliation_differences:${run.id}`,
        });
      }
    } catch (error) {
      report.failed += 1;
      deps.log?.warn({ err: error, orgId, provider, date }, 'daily reconciliation failed');
      const reason =
        error instanceof AppError
          ? translate(error.key, 'zh', error.params)
          : error instanceof Error
            ? error.message
            : '';
      await notificationsService.notifyOnce(deps.db, {
        orgId,
        recipientRole: 'finance',
        kind: 'reconciliation_failed',
        title: `对账未完成：${PROVIDER_TEXT[provider]} ${date}`,
        body: `${PROVIDER_TEXT[provider]} ${date} 的自动对账未完成（${reason.slice(0, 300)}），请稍后在“对账”页面重试或上传对账单。`,
        dedupeKey: `reconciliation_failed:${orgId}:${provider}:${date}`,
      });
    }
  }
  return report;
}
