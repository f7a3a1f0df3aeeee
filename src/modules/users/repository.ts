import { and, arrayContains, asc, count, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { orgs, users } from '../../db/schema.ts';

export type UserRow = typeof users.$inferSelect;

export interface UserFilter {
  orgId: string;
  q?: string;
  role?: string;
  status?: 'active' | 'disabled';
}

export const usersRepository = {
  findByUsername(db: Executor, username: string, forUpdate = false) {
    const query = db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`);
    return (forUpdate ? query.for('update') : query).then((rows) => rows[0]);
  },

  findById(db: Executor, orgId: string, id: string, forUpdate = false) {
    const query = db
      .select()
      .from(users)
      .where(and(eq(users.orgId, orgId), eq(users.id, id)));
    return (forUpdate ? query.for('update') : query).then((rows) => rows[0]);
  },

  async orgName(db: Executor, orgId: string) {
    const [org] = await db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, orgId));
    return org?.name ?? '';
  },

  async list(db: Executor, filter: UserFilter, page: number, pageSize: number) {
    const conditions: SQL[] = [eq(users.orgId, filter.orgId)];
    if (filter.q) {
      conditions.push(or(ilike(users.username, `%${filter.q}%`), ilike(users.displayName, `%${filter.q}%`))!);
    }
    if (filter.role) conditions.push(arrayContains(users.roles, [filter.role]));
    if (filter.status) conditions.push(eq(users.status, filter.status));
    const where = and(...conditions);
    const [items, [total]] = await Promise.all([
      db
        .select()
        .from(users)
        .where(where)
        .orderBy(asc(users.username))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(users).where(where),
    ]);
    return { items, total: total?.n ?? 0 };
  },

  async insert(db: Executor, values: typeof users.$inferInsert) {
    const [row] = await db.insert(users).values(values).returning();
    return row!;
  },

  async update(db: Executor, id: string, values: Partial<typeof users.$inferInsert>) {
    const [row] = await db
      .update(users)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return row!;
  },
};
