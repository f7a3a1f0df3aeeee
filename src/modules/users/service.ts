import type { Executor, Orm } from '../../db/client.ts';
import { checkPassword } from '../../domain/access-policy.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { hashPassword } from '../auth/password.ts';
import type { Role } from '../auth/permissions.ts';
import { type UserFilter, type UserRow, usersRepository } from './repository.ts';

/** A staff account as the API shows it: never the password hash. */
export function userView(row: UserRow) {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    roles: row.roles,
    status: row.status,
    lockedUntil: row.lockedUntil && row.lockedUntil.getTime() > Date.now() ? row.lockedUntil.toISOString() : null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Refuses a password that breaks the policy, naming every rule it breaks. */
export function assertPasswordPolicy(password: string, username: string) {
  const problems = checkPassword(password, username);
  if (problems.length > 0) {
    throw new AppError(400, 'password_policy', {
      problems: problems.map((problem) => `password_${problem}` as const),
    });
  }
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
}

export const usersService = {
  list(db: Orm, filter: UserFilter, page: number, pageSize: number) {
    return usersRepository.list(db, filter, page, pageSize);
  },

  async get(db: Orm, orgId: string, id: string) {
    const row = await usersRepository.findById(db, orgId, id);
    if (!row) throw notFound('user', id);
    return row;
  },

  /** Creates a staff account in the actor's organisation (or `orgId` when a command-line admin creates it). */
  async create(db: Orm, actor: Actor, orgId: string, input: NewUser): Promise<UserRow> {
    assertPasswordPolicy(input.password, input.username);
    const passwordHash = await hashPassword(input.password);
    return db.transaction(async (tx) => {
      if (await usersRepository.findByUsername(tx, input.username)) {
        throw new AppError(409, 'username_taken', { username: input.username });
      }
      const row = await usersRepository.insert(tx, {
        orgId,
        username: input.username,
        displayName: input.displayName,
        roles: [...new Set(input.roles)],
        passwordHash,
      });
      await auditService.record(tx, actor, {
        orgId,
        action: 'user.create',
        entityType: 'user',
        entityId: row.id,
        after: userView(row),
      });
      return row;
    });
  },

  async update(
    db: Orm,
    actor: Actor & { orgId: string },
    id: string,
    changes: { displayName?: string; roles?: Role[]; status?: 'active' | 'disabled' },
  ) {
    return db.transaction(async (tx) => {
      const before = await lockedUser(tx, actor.orgId, id);
      const removesOwnAdmin = changes.roles !== undefined && !changes.roles.includes('admin');
      if (id === actor.id && (changes.status === 'disabled' || (before.roles.includes('admin') && removesOwnAdmin))) {
        throw new AppError(409, 'cannot_disable_self');
      }
      const after = await usersRepository.update(tx, id, {
        ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
        ...(changes.roles !== undefined ? { roles: [...new Set(changes.roles)] } : {}),
        ...(changes.status !== undefined ? { status: changes.status } : {}),
      });
      await auditService.record(tx, actor, {
        action: 'user.update',
        entityType: 'user',
        entityId: id,
        before: userView(before),
        after: userView(after),
      });
      return after;
    });
  },

  async unlock(db: Orm, actor: Actor & { orgId: string }, id: string) {
    return db.transaction(async (tx) => {
      const before = await lockedUser(tx, actor.orgId, id);
      const after = await usersRepository.update(tx, id, { lockedUntil: null, failedLogins: 0 });
      await auditService.record(tx, actor, {
        action: 'user.unlock',
        entityType: 'user',
        entityId: id,
        before: userView(before),
        after: userView(after),
      });
      return after;
    });
  },

  async setPassword(db: Orm, actor: Actor & { orgId: string }, id: string, password: string, action: string) {
    const target = await this.get(db, actor.orgId, id);
    assertPasswordPolicy(password, target.username);
    const passwordHash = await hashPassword(password);
    await db.transaction(async (tx) => {
      await lockedUser(tx, actor.orgId, id);
      await usersRepository.update(tx, id, {
        passwordHash,
        passwordChangedAt: new Date(),
        failedLogins: 0,
        lockedUntil: null,
      });
      await auditService.record(tx, actor, { action, entityType: 'user', entityId: id });
    });
  },
};

async function lockedUser(tx: Executor, orgId: string, id: string) {
  const row = await usersRepository.findById(tx, orgId, id, true);
  if (!row) throw notFound('user', id);
  return row;
}
