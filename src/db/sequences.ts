import { sql } from 'drizzle-orm';
import type { Executor } from './client.ts';
import { orgSequences } from './schema.ts';

/**
 * Takes `count` consecutive numbers of an organisation's named series (`contract:2026`, `payment:2026`,
 * `receipt:2026`, `tenant_code`, …) and returns the first. Gap-free: the counter row stays locked until the caller's
 * transaction ends, and moves only if it commits.
 */
export async function takeNumbers(tx: Executor, orgId: string, series: string, count = 1): Promise<number> {
  const [row] = await tx
    .insert(orgSequences)
    .values({ orgId, name: series, value: count })
    .onConflictDoUpdate({
      target: [orgSequences.orgId, orgSequences.name],
      set: { value: sql`${orgSequences.value} + ${count}` },
    })
    .returning({ value: orgSequences.value });
  return row!.value - count + 1;
}
