import { createHash, randomBytes } from 'node:crypto';
import type { Orm } from '../../db/client.ts';
import {
  afterFailedLogin,
  isLocked,
  isSessionExpired,
  LOGIN_LOCK_MINUTES,
  LOGIN_MAX_FAILURES,
  SESSION_MAX_HOURS,
} from '../../domain/access-policy.ts';
import { AppError } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { usersRepository } from '../users/repository.ts';
import { assertPasswordPolicy, usersService } from '../users/service.ts';
import { UNKNOWN_USER_HASH, verifyPassword } from './password.ts';
import { type Permission, permissionsOf } from './permissions.ts';
import { sessionsRepository } from './repository.ts';

export interface StaffPrincipal {
  kind: 'staff';
  sessionId: string;
  orgId: string;
  userId: string;
  username: string;
  displayName: string;
  roles: string[];
  permissions: Permission[];
}

export interface TenantPrincipal {
  kind: 'tenant';
  sessionId: string;
  orgId: string;
  tenantId: string;
}

export type Principal = StaffPrincipal | TenantPrincipal;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
// Touching last_seen_at on every request would write on every read; a minute's slack is enough for a 30-minute limit.
const TOUCH_AFTER_MS = 60_000;

export function createAuthService(db: Orm, options: { sessionIdleMinutes: number }) {
  async function openSession(
    subject:
      | { principal: 'staff'; orgId: string; userId: string }
      | { principal: 'tenant'; orgId: string; tenantId: string },
    client: ClientInfo,
    tx: Orm | Parameters<Parameters<Orm['transaction']>[0]>[0] = db,
  ) {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const session = await sessionsRepository.insert(tx, {
      ...subject,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + SESSION_MAX_HOURS * 3_600_000),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
    });
    return { token, session };
  }

  return {
    openSession,

    /** Checks the password, counts failures toward the lock, and opens a session. Every outcome is audited. */
    async login(username: string, password: string, client: ClientInfo) {
      const candidate = await usersRepository.findByUsername(db, username);
      const passwordMatches = await verifyPassword(password, candidate?.passwordHash ?? UNKNOWN_USER_HASH);
      const anonymous: Actor = { kind: 'anonymous', orgId: null, id: null, name: username.slice(0, 100), ...client };

      const outcome = await db.transaction(async (tx) => {
        const user = candidate && (await usersRepository.findByUsername(tx, username, true));
        if (!user) {
          await auditService.record(tx, anonymous, { action: 'auth.login_failed', after: { reason: 'unknown_user' } });
          return { error: new AppError(401, 'bad_credentials') } as const;
        }
        const actor: Actor = { kind: 'staff', orgId: user.orgId, id: user.id, name: user.username, ...client };
        const now = new Date();
        if (isLocked(user.lockedUntil, now)) {
          await auditService.record(tx, actor, { action: 'auth.login_failed', after: { reason: 'locked' } });
          return { error: new AppError(423, 'account_locked', { until: user.lockedUntil!.toISOString() }) } as const;
        }
        if (user.status !== 'active') {
          await auditService.record(tx, actor, { action: 'auth.login_failed', after: { reason: 'disabled' } });
          return { error: new AppError(403, 'account_disabled') } as const;
        }
        if (!passwordMatches || user.passwordHash !== candidate.passwordHash) {
          const next = afterFailedLogin(user.failedLogins, now);
          await usersRepository.update(tx, user.id, next);
          await auditService.record(tx, actor, {
            action: next.lockedUntil ? 'auth.account_locked' : 'auth.login_failed',
            entityType: 'user',
            entityId: user.id,
            after: { reason: 'bad_password', failedLogins: next.failedLogins, lockedUntil: next.lockedUntil },
          });
          if (next.lockedUntil) {
            return { error: new AppError(423, 'account_locked', { until: next.lockedUntil.toISOString() }) } as const;
          }
          return {
            error: new AppError(401, 'bad_credentials_remaining', {
              remaining: LOGIN_MAX_FAILURES - next.failedLogins,
              minutes: LOGIN_LOCK_MINUTES,
            }),
          } as const;
        }
        const updated = await usersRepository.update(tx, user.id, {
          failedLogins: 0,
          lockedUntil: null,
          lastLoginAt: now,
        });
        const { token, session } = await openSession(
          { principal: 'staff', orgId: user.orgId, userId: user.id },
          client,
          tx,
        );
        await auditService.record(tx, actor, {
          action: 'auth.login',
          entityType: 'session',
          entityId: session.id,
        });
        return { token, user: updated } as const;
      });
      if ('error' in outcome) throw outcome.error;
      const orgName = await usersRepository.orgName(db, outcome.user.orgId);
      return { token: outcome.token, user: staffView(outcome.user, orgName) };
    },

    /** The principal behind a token, or an error saying why there is none. Idle sessions end here. */
    async authenticate(token: string): Promise<Principal> {
      const found = await sessionsRepository.findWithUser(db, hashToken(token));
      if (!found) throw new AppError(401, 'unauthenticated');
      const { session, user } = found;
      const now = new Date();
      if (isSessionExpired(session, options.sessionIdleMinutes, now)) {
        await sessionsRepository.remove(db, session.id);
        throw new AppError(401, 'session_expired', { minutes: options.sessionIdleMinutes });
      }
      if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
        await sessionsRepository.touch(db, session.id, now);
      }
      if (session.principal === 'tenant') {
        return { kind: 'tenant', sessionId: session.id, orgId: session.orgId, tenantId: session.tenantId! };
      }
      if (user?.status !== 'active') {
        await sessionsRepository.remove(db, session.id);
        throw new AppError(401, 'unauthenticated');
      }
      return {
        kind: 'staff',
        sessionId: session.id,
        orgId: user.orgId,
        userId: user.id,
        username: user.username,
        displayName: user.displayName,
        roles: user.roles,
        permissions: permissionsOf(user.roles),
      };
    },

    async logout(principal: Principal, actor: Actor) {
      await db.transaction(async (tx) => {
        await sessionsRepository.remove(tx, principal.sessionId);
        await auditService.record(tx, actor, {
          action: 'auth.logout',
          entityType: 'session',
          entityId: principal.sessionId,
        });
      });
    },

    async me(principal: StaffPrincipal) {
      const user = await usersService.get(db, principal.orgId, principal.userId);
      return staffView(user, await usersRepository.orgName(db, principal.orgId));
    },

    /** A person changes their own password; other sessions of theirs end. */
    async changePassword(principal: StaffPrincipal, actor: Actor & { orgId: string }, current: string, next: string) {
      const user = await usersService.get(db, principal.orgId, principal.userId);
      if (!(await verifyPassword(current, user.passwordHash))) throw new AppError(400, 'wrong_current_password');
      assertPasswordPolicy(next, user.username);
      await usersService.setPassword(db, actor, user.id, next, 'user.password_change');
    },

    removeExpiredSessions(now = new Date()) {
      return sessionsRepository.removeExpired(db, options.sessionIdleMinutes, now);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

export function staffView(
  user: { id: string; username: string; displayName: string; roles: string[]; orgId: string },
  orgName: string,
) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    orgId: user.orgId,
    orgName,
    permissions: permissionsOf(user.roles),
  };
}
