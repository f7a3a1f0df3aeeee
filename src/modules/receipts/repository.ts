import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { orgSequences, receipts } from '../../db/schema.ts';

export type ReceiptRow = typeof receipts.$inferSelect;
export type NewReceiptRow = typeof receipts.$inferInsert;

export const receiptsRepository = {
  /** The next number of a yearly series (receipt:2026), gap-free: the counter moves only if the transaction commits. */
  async takeNumber(tx: Executor, orgId: string, series: string): Promise<number> {
    const [row] = await tx
      .insert(orgSequences)
      .values({ orgId, name: series, value: 1 })
      .onConflictDoUpdate({
        target: [orgSequences.orgId, orgSequences.name],
        set: { value: sql`${orgSequences.value} + 1` },
      })
      .returning({ value: orgSequences.value });
    return row!.value;
  },

  async insert(tx: Executor, row: NewReceiptRow): Promise<ReceiptRow> {
    const [inserted] = await tx.insert(receipts).values(row).returning();
    return inserted!;
  },
};
