import type { Orm } from '../db/client.ts';
import type { AuthService } from '../modules/auth/service.ts';
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
  ];
}
