import { eq } from 'drizzle-orm';
import type { Orm } from '../../db/client.ts';
import { orgs } from '../../db/schema.ts';
import { type Actor, auditService } from '../audit/service.ts';

export type OrgRow = typeof orgs.$inferSelect;

/** The organisation with this code, created (and audited) if it does not exist yet. */
export async function findOrCreateOrg(db: Orm, actor: Actor, input: { code: string; name: string }): Promise<OrgRow> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(orgs).where(eq(orgs.code, input.code));
    if (existing) return existing;
    const [created] = await tx.insert(orgs).values(input).returning();
    await auditService.record(tx, actor, {
      orgId: created!.id,
      action: 'org.create',
      entityType: 'org',
      entityId: created!.id,
      after: created,
    });
    return created!;
  });
}
