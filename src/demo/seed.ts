import { eq } from 'drizzle-orm';
import type { PiiCipher } from '../crypto/pii.ts';
import type { Orm } from '../db/client.ts';
import { orgs, users } from '../db/schema.ts';
import { chinaDate } from '../domain/calendar.ts';
import { assetsService } from '../modules/assets/service.ts';
import { systemActor } from '../modules/audit/service.ts';
import { verifyPassword } from '../modules/auth/password.ts';
import type { Role } from '../modules/auth/permissions.ts';
import { runBilling } from '../modules/billing/run.ts';
import { billingService } from '../modules/billing/service.ts';
import { findOrCreateOrg } from '../modules/orgs/service.ts';
import { tenantsService } from '../modules/tenants/service.ts';
import { usersRepository } from '../modules/users/repository.ts';
import { usersService } from '../modules/users/service.ts';
import { demoAssetRows } from './assets.ts';
import { seedDemoContracts } from './contracts.ts';
import { demoTenantRows } from './tenants.ts';

export const DEMO_PASSWORD = 'AssetPay@2026';
export const DEMO_ORG = { code: 'zhengxin', name: '重庆永川政鑫资产经营有限公司（政鑫公司）' };

export const DEMO_USERS: { username: string; displayName: string; roles: Role[] }[] = [
  { username: 'admin', displayName: '系统管理员', roles: ['admin'] },
  { username: 'zichan', displayName: '张资产', roles: ['asset_manager'] },
  { username: 'caiwu', displayName: '李财务', roles: ['finance'] },
  { username: 'shenpi', displayName: '王审批', roles: ['approver'] },
  { username: 'zongjingli', displayName: '刘总经理', roles: ['approver'] },
  { username: 'shenji', displayName: '赵审计', roles: ['auditor'] },
];

/** Seeds the demo organisation and its logins; running it again changes nothing. */
export async function seedDemoLogins(db: Orm): Promise<{ orgId: string; created: string[] }> {
  const org = await findOrCreateOrg(db, systemActor, DEMO_ORG);
  const created: string[] = [];
  for (const user of DEMO_USERS) {
    if (await usersRepository.findByUsername(db, user.username)) continue;
    await usersService.create(db, systemActor, org.id, { ...user, password: DEMO_PASSWORD });
    created.push(user.username);
  }
  return { orgId: org.id, created };
}

/**
 * Seeds the demo asset registry, tenants and contracts (through the services: audited, personal data encrypted,
 * each kind in one transaction); running it again changes nothing.
 */
export async function seedDemoBusiness(db: Orm, { pii, orgId }: { pii: PiiCipher; orgId: string }): Promise<string[]> {
  const created: string[] = [];
  const actor = { ...systemActor, orgId };
  // An empty registry only: once people work in it, the demo leaves it alone.
  if ((await assetsService.list(db, { orgId }, 1, 1)).total === 0) {
    const outcome = await assetsService.importAssets(db, actor, demoAssetRows(), { dryRun: false, source: 'demo' });
    if (outcome.problems.length > 0) throw new Error(`demo assets: ${JSON.stringify(outcome.problems.slice(0, 3))}`);
    created.push(`${outcome.created} assets`);
  }
  const tenants = { db, pii };
  if ((await tenantsService.list(tenants, { orgId }, 1, 1)).total === 0) {
    const outcome = await tenantsService.importTenants(tenants, actor, demoTenantRows(), {
      dryRun: false,
      source: 'demo',
    });
    if (outcome.problems.length > 0) throw new Error(`demo tenants: ${JSON.stringify(outcome.problems.slice(0, 3))}`);
    created.push(`${outcome.created} tenants`);
  }
  const contracts = await seedDemoContracts(db, { pii, orgId });
  if (contracts > 0) created.push(`${contracts} contracts`);
  // Bills through today, once (the daily job bills from then on).
  if ((await billingService.runs(db, orgId, 1, 1)).total === 0) {
    const started = performance.now();
    const run = await runBilling(db, actor, { orgId, throughDate: chinaDate(new Date()), trigger: 'schedule' });
    created.push(`${run.issued} bills (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return created;
}

/** The whole demo: logins, then the business data. */
export async function seedDemo(db: Orm, { pii }: { pii: PiiCipher }): Promise<{ orgId: string; created: string[] }> {
  const logins = await seedDemoLogins(db);
  const business = await seedDemoBusiness(db, { pii, orgId: logins.orgId });
  return { orgId: logins.orgId, created: [...logins.created, ...business] };
}

/** Production refuses to run while any active account still has the published demo password. */
export async function accountsWithDemoPassword(db: Orm): Promise<string[]> {
  const active = await db.select().from(users).where(eq(users.status, 'active'));
  const found: string[] = [];
  for (const user of active) {
    if (await verifyPassword(DEMO_PASSWORD, user.passwordHash)) found.push(user.username);
  }
  return found;
}

export async function demoOrgId(db: Orm): Promise<string | undefined> {
  const [org] = await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.code, DEMO_ORG.code));
  return org?.id;
}
