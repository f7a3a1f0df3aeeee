// What the reconciliation benchmark's two processes agree on: the statement's day and who acts.
import { systemActor } from '../src/modules/audit/service.ts';

export const DATE = '2026-05-01';

/** Who the benchmark's set-up and run act as. */
export const benchActor = (orgId: string) => ({ ...systemActor, orgId, name: '对账基准' });
