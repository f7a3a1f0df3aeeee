import { and, asc, count, desc, eq, gt, gte, ilike, lt, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { auditChain, auditLog } from '../../db/schema.ts';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

export interface AuditFilter {
  orgId: string;
  action?: string;
  actor?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
}

export const auditRepository = {
  /**
   * Locks the chain head for the rest of the transaction, creating it at genesis if new: one statement, as the
   * conflicting update locks the existing head and returns it unchanged (after any concurrent writer has committed).
   */
  async lockChainHead(db: Executor, chain: string, genesisHash: string) {
    const [head] = await db
      .insert(auditChain)
      .values({ chain, seq: 0, hash: genesisHash })
      .onConflictDoUpdate({ target: auditChain.chain, set: { seq: sql`${auditChain.seq}` } })
      .returning();
    return head!;
  },

  /** Entries already chained on the locked head of `chain`, in order; the head then points at the last. */
  async append(db: Executor, chain: string, rows: NewAuditRow[]) {
    const last = rows.at(-1);
    if (!last) return;
    await db.insert(auditLog).values(rows);
    await db.update(auditChain).set({ seq: last.seq, hash: last.hash }).where(eq(auditChain.chain, chain));
  },

  async list(db: Executor, filter: AuditFilter, page: number, pageSize: number) {
    const conditions: SQL[] = [eq(auditLog.orgId, filter.orgId)];
    if (filter.action) conditions.push(ilike(auditLog.action, `${filter.action}%`));
    if (filter.actor) conditions.push(ilike(auditLog.actorName, `%${filter.actor}%`));
    if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
    if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
    if (filter.from) conditions.push(gte(auditLog.at, filter.from));
    if (filter.to) conditions.push(lt(auditLog.at, filter.to));
    const where = and(...conditions);
    const [items, [total]] = await Promise.all([
      db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(auditLog).where(where),
    ]);
    return { items, total: total?.n ?? 0 };
  },

  chains(db: Executor) {
    return db.select().from(auditChain).orderBy(asc(auditChain.chain));
  },

  entriesAfter(db: Executor, chain: string, afterSeq: number, limit: number) {
    return db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.chain, chain), gt(auditLog.seq, afterSeq)))
      .orderBy(asc(auditLog.seq))
      .limit(limit);
  },
};
