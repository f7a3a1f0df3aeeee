import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { notifications } from '../../db/schema.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotificationRow = typeof notifications.$inferInsert;

export const notificationsRepository = {
  /** Inserts the notification unless one with its dedupe key exists; returns it, or undefined when it existed. */
  async insertOnce(db: Executor, values: NewNotificationRow): Promise<NotificationRow | undefined> {
    const [row] = await db.insert(notifications).values(values).onConflictDoNothing().returning();
    return row;
  },

  async list(db: Executor, orgId: string, roles: string[], page: number, pageSize: number) {
    const where = and(eq(notifications.orgId, orgId), inArray(notifications.recipientRole, roles));
    const [items, [total]] = await Promise.all([
      db
        .select()
        .from(notifications)
        .where(where)
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(notifications).where(where),
    ]);
    return { items, total: total?.n ?? 0 };
  },
};
