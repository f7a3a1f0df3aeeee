import type { Orm } from '../db/client.ts';
import type { AuthService } from '../modules/auth/service.ts';
import { runBillingForAllOrgs } from '../modules/billing/run.ts';
import { contractsService } from '../modules/contracts/service.ts';
import type { ScheduledJob } from './scheduler.ts';

/** Every scheduled job of AssetPay; later modules add theirs here. */
export function scheduledJobs(services: { auth: AuthService; db: Orm }): ScheduledJob[] {
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
  ];
}
