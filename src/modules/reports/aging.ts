// Arrears aging (账龄): a bill's days overdue on the as-of day counted from its due date, in the buckets the dashboard
// and the aging report share. Due today or later is not overdue.
import { type SQL, sql } from 'drizzle-orm';
import type { Label } from './framework.ts';

export const AGING_BUCKETS = [
  { key: 'not-due', upTo: 0, zh: '未到期', en: 'Not due' },
  { key: '1-30', upTo: 30, zh: '逾期1–30天', en: '1–30 days' },
  { key: '31-90', upTo: 90, zh: '逾期31–90天', en: '31–90 days' },
  { key: '91-180', upTo: 180, zh: '逾期91–180天', en: '91–180 days' },
  { key: '181-365', upTo: 365, zh: '逾期181–365天', en: '181–365 days' },
  { key: 'over-365', upTo: null, zh: '逾期365天以上', en: 'Over 365 days' },
] as const;

export type AgingBucket = (typeof AGING_BUCKETS)[number]['key'];
export const AGING_BUCKET_KEYS = AGING_BUCKETS.map((bucket) => bucket.key);
export const AGING_LABELS: Record<string, Label> = Object.fromEntries(
  AGING_BUCKETS.map(({ key, zh, en }) => [key, { zh, en }]),
);

/** The bucket of a number of days overdue (0 or less: not due). */
export function agingBucket(daysOverdue: number): AgingBucket {
  return AGING_BUCKETS.find((bucket) => bucket.upTo === null || daysOverdue <= bucket.upTo)!.key;
}

/** The same rule in SQL, over an integer expression of days overdue. */
export function agingBucketSql(daysOverdue: SQL): SQL {
  const cases = AGING_BUCKETS.filter((bucket) => bucket.upTo !== null).map(
    (bucket) => sql`WHEN ${daysOverdue} <= ${sql.raw(String(bucket.upTo))} THEN ${sql.raw(`'${bucket.key}'`)}`,
  );
  return sql`(CASE ${sql.join(cases, sql` `)} ELSE 'over-365' END)`;
}
