import { describe, expect, it } from 'vitest';
import { afterFailedLogin, checkPassword, isLocked, isSessionExpired } from './access-policy.ts';

describe('password policy', () => {
  it('wants at least 8 characters', () => {
    expect(checkPassword('Ab1!xyz')).toContain('too_short');
    expect(checkPassword('Ab1!xyzw')).toEqual([]);
  });
  it('wants at least 3 of lower, upper, digit, symbol', () => {
    expect(checkPassword('abcdefgh1')).toEqual(['too_few_classes']);
    expect(checkPassword('abcdefgH1')).toEqual([]);
    expect(checkPassword('资产缴费abc12')).toEqual([]);
  });
  it('refuses a password containing the username', () => {
    expect(checkPassword('Caiwu@2026', 'caiwu')).toEqual(['contains_username']);
  });
});

describe('lockout', () => {
  const now = new Date('2026-11-26T08:00:00Z');
  it('locks for 15 minutes on the 5th failure, not before', () => {
    expect(afterFailedLogin(3, now)).toEqual({ failedLogins: 4, lockedUntil: null });
    const fifth = afterFailedLogin(4, now);
    expect(fifth.lockedUntil?.toISOString()).toBe('2026-11-26T08:15:00.000Z');
    expect(isLocked(fifth.lockedUntil, new Date('2026-11-26T08:14:59Z'))).toBe(true);
    expect(isLocked(fifth.lockedUntil, new Date('2026-11-26T08:15:00Z'))).toBe(false);
  });
});

describe('session idle timeout', () => {
  it('ends a session idle for the configured minutes', () => {
    const session = { lastSeenAt: new Date('2026-11-26T08:00:00Z'), expiresAt: new Date('2026-11-27T08:00:00Z') };
    expect(isSessionExpired(session, 30, new Date('2026-11-26T08:29:59Z'))).toBe(false);
    expect(isSessionExpired(session, 30, new Date('2026-11-26T08:30:00Z'))).toBe(true);
  });
});
