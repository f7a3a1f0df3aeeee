import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { sessions, users } from '../../db/schema.ts';

export type SessionRow = typeof sessions.$inferSelect;

export const sessionsRepository = {
  async insert(db: Executor, values: typeof sessions.$inferInsert) {
    const [row] = await db.insert(sessions).values(values).returning();
    return row!;
  },

  /** A session and, for staff, its user: one round trip on every authenticated request. */
  async findWithUser(db: Executor, tokenHash: string) {
    const [row] = await db
      .select({ session: sessions, user: users })
      .from(sessions)
      .leftJoin(users, and(eq(users.id, sessions.userId), eq(users.orgId, sessions.orgId)))
      .where(eq(sessions.tokenHash, tokenHash));
    return row;
  },

  async touch(db: Executor, id: string, at: Date) {
    await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
  },

  async remove(db: Executor, id: string) {
    await db.delete(sessions).where(eq(sessions.id, id));
  },

  async removeForUser(db: Executor, userId: string) {
    await db.delete(sessions).where(eq(sessions.userId, userId));
  },

  /** Deletes sessions idle for longer than the limit or past their absolute end; returns how many. */
  async removeExpired(db: Executor, idleMinutes: number, now: Date) {
    const idleSince = new Date(now.getTime() - idleMinutes * 60_000);
    const removed = await db
      .delete(sessions)
      .where(or(lt(sessions.lastSeenAt, idleSince), lt(sessions.expiresAt, now)))
      .returning({ id: sessions.id });
    return removed.length;
  },

  async count(db: Executor) {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(sessions);
    return row?.n ?? 0;
  },
};
