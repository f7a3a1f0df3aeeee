import { eq } from 'drizzle-orm';
import type { Executor, Orm } from '../../db/client.ts';
import { orgs } from '../../db/schema.ts';
import { notFound } from '../../http/problem.ts';
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

/** The organisation's name, as the contracts print it (出租方). */
export async function orgName(db: Executor, orgId: string): Promise<string> {
  const [org] = await db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, orgId));
  if (!org) throw notFound('org', orgId);
  return org.name;
}

/** One section of the organisation's settings (orgs.settings[section]); undefined when never saved. */
export async function orgSettingsSection(db: Executor, orgId: string, section: string): Promise<unknown> {
  const [org] = await db.select({ settings: orgs.settings }).from(orgs).where(eq(orgs.id, orgId));
  if (!org) throw notFound('org', orgId);
  return org.settings[section];
}

/** Replaces one section of the settings inside the caller's transaction, the org row locked; returns the old one. */
export async function replaceOrgSettingsSection(
  tx: Executor,
  orgId: string,
  section: string,
  value: unknown,
): Promise<unknown> {
  const [org] = await tx.select({ settings: orgs.settings }).from(orgs).where(eq(orgs.id, orgId)).for('update');
  if (!org) throw notFound('org', orgId);
  await tx
    .update(orgs)
    .set({ settings: { ...org.settings, [section]: value } })
    .where(eq(orgs.id, orgId));
  return org.settings[section];
}
