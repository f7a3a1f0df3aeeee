// How difference kinds and statuses and run statuses read in the console's language, and which resolutions a
// difference allows (money moves only for a payment the channel took that is not here, or took at another amount).

import type { BadgeStatus, ValueEnum } from '../../components/ListPage.tsx';
import { knownKey } from '../../i18n.ts';
import type { Translate } from '../assets/asset-labels.ts';
import type {
  DifferenceKind,
  DifferenceStatus,
  ReconciliationDifference,
  ResolveAction,
} from './reconciliation-api.ts';

export const DIFFERENCE_KINDS: DifferenceKind[] = [
  'amount_differs',
  'missing_here',
  'missing_in_channel',
  'refund_differs',
  'refund_missing_here',
  'refund_missing_in_channel',
];
export const DIFFERENCE_STATUSES: DifferenceStatus[] = ['open', 'awaiting_approval', 'resolved'];

const STATUS_BADGES: Record<DifferenceStatus, BadgeStatus> = {
  open: 'warning',
  awaiting_approval: 'processing',
  resolved: 'success',
};

function labelOf(prefix: string, code: string, t: Translate): string {
  const key = knownKey(`${prefix}.${code}`);
  return key ? t(key) : code;
}

export const differenceKindLabel = (kind: string, t: Translate) => labelOf('reconciliation.kind', kind, t);
export const differenceStatusLabel = (status: string, t: Translate) =>
  labelOf('reconciliation.differenceStatus', status, t);
export const differenceStatusBadge = (status: DifferenceStatus): BadgeStatus => STATUS_BADGES[status] ?? 'default';
export const resolveActionLabel = (action: string, t: Translate) => labelOf('reconciliation.action', action, t);
export const runStatusLabel = (status: string, t: Translate) => labelOf('reconciliation.runStatus', status, t);

export const differenceKindEnum = (t: Translate): ValueEnum =>
  Object.fromEntries(DIFFERENCE_KINDS.map((kind) => [kind, { text: differenceKindLabel(kind, t) }]));
export const differenceStatusEnum = (t: Translate): ValueEnum =>
  Object.fromEntries(
    DIFFERENCE_STATUSES.map((status) => [
      status,
      { text: differenceStatusLabel(status, t), status: differenceStatusBadge(status) },
    ]),
  );

/** `settle` books the channel's money (approver needed); only where the channel has money we do not. */
export function actionsFor(difference: Pick<ReconciliationDifference, 'kind'>): ResolveAction[] {
  return difference.kind === 'missing_here' || difference.kind === 'amount_differs'
    ? ['acknowledge', 'settle']
    : ['acknowledge'];
}

/** Yesterday in China time (the channels' statement day), YYYY-MM-DD. */
export function chinaYesterday(now = new Date()): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}
