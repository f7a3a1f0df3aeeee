// Shared by the security tests: a fingerprint of everything the database holds, the principals that call the API,
// and a second organisation with its own staff.
import { type Orm, queryRows, sql } from '../../../src/db/client.ts';
import { DEMO_PASSWORD } from '../../../src/demo/seed.ts';
import { systemActor } from '../../../src/modules/audit/service.ts';
import type { Role } from '../../../src/modules/auth/permissions.ts';
import { findOrCreateOrg } from '../../../src/modules/orgs/service.ts';
import { usersService } from '../../../src/modules/users/service.ts';
import type { TestApp } from '../../helpers/app.ts';

/**
 * One md5 per table of the application's schema over all its rows, so "nothing changed" means every row of every
 * table. Left out: sessions (last_seen_at moves on every authenticated request), and the audit log with its chain head
 * (compared apart: which new audit actions a refused request may leave).
 */
export async function fingerprint(db: Orm): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`SELECT table_name AS name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name NOT IN ('sessions', 'audit_log', 'audit_chain')
         ORDER BY table_name`,
  );
  const parts = tables.map(
    ({ name }) =>
      sql`SELECT ${name} AS name, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') AS hash FROM ${sql.raw(`"${name}"`)} x`,
  );
  const rows = await queryRows<{ name: string; hash: string }>(db, sql.join(parts, sql` UNION ALL `));
  return Object.fromEntries(rows.map((row) => [row.name, row.hash]));
}

/** The audit actions recorded after audit row `afterId` (a refused request may leave only failed-login rows). */
export async function auditActionsSince(db: Orm, afterId: string): Promise<string[]> {
  const rows = await queryRows<{ action: string }>(
    db,
    sql`SELECT action FROM audit_log WHERE id > ${afterId}::bigint ORDER BY id`,
  );
  return rows.map((row) => row.action);
}

export async function lastAuditId(db: Orm): Promise<string> {
  const [row] = await queryRows<{ id: string }>(db, sql`SELECT coalesce(max(id), 0)::text AS id FROM audit_log`);
  return row!.id;
}

/** A second organisation with staff of its own (logins `<prefix>_<name>`), made as the CLI's user:create does. */
export async function otherOrg(t: TestApp, users: { username: string; roles: Role[] }[]) {
  const org = await findOrCreateOrg(t.database.orm, systemActor, { code: 'other-org', name: '另一家资产公司' });
  for (const user of users) {
    await usersService.create(t.database.orm, systemActor, org.id, {
      username: user.username,
      displayName: user.username,
      roles: user.roles,
      password: DEMO_PASSWORD,
    });
  }
  return org.id;
}
