import type { AuthService } from '../modules/auth/service.ts';
import type { ScheduledJob } from './scheduler.ts';

/** Every scheduled job of AssetPay; later modules add theirs here. */
export function scheduledJobs(services: { auth: AuthService }): ScheduledJob[] {
  return [
    {
      name: 'session-cleanup',
      cron: '*/10 * * * *',
      run: async () => ({ removed: await services.auth.removeExpiredSessions() }),
    },
  ];
}
