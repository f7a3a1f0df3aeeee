// The rules of the portal's SMS login code (短信验证码): six digits, kept only as a keyed hash, valid five minutes,
// five tries, one code a minute and ten a day per phone. Pure: no I/O.

import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const LOGIN_CODE_DIGITS = 6;
export const LOGIN_CODE_VALID_MINUTES = 5;
export const LOGIN_CODE_MAX_ATTEMPTS = 5;
/** A new code for the same phone no sooner than this. */
export const LOGIN_CODE_RESEND_SECONDS = 60;
/** At most this many codes for one phone in 24 hours (an SMS costs money and can be used to pester someone). */
export const LOGIN_CODES_PER_DAY = 10;

export const newLoginCode = (): string =>
  String(randomInt(0, 10 ** LOGIN_CODE_DIGITS)).padStart(LOGIN_CODE_DIGITS, '0');

/**
 * The stored form of a code: an HMAC under a server key, bound to its row, so a copy of the table does not give the
 * codes away (a plain hash of six digits is reversed by trying all million).
 */
export function loginCodeHash(key: Buffer, codeId: string, code: string): string {
  return createHmac('sha256', key).update(`portal-login-code:${codeId}:${code}`).digest('base64url');
}

export function loginCodeMatches(key: Buffer, codeId: string, code: string, storedHash: string): boolean {
  const given = Buffer.from(loginCodeHash(key, codeId, code));
  const stored = Buffer.from(storedHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export type LoginCodeState = 'usable' | 'missing' | 'expired' | 'used_up';

/** Whether the latest code of a phone can still be tried. */
export function loginCodeState(
  latest: { expiresAt: Date; consumedAt: Date | null; attempts: number } | undefined,
  now: Date,
): LoginCodeState {
  if (!latest || latest.consumedAt) return 'missing';
  if (latest.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (latest.attempts >= LOGIN_CODE_MAX_ATTEMPTS) return 'used_up';
  return 'usable';
}

/** Seconds until the phone may have another code; 0 when it may now. */
export function resendWaitSeconds(lastSentAt: Date | undefined, now: Date): number {
  if (!lastSentAt) return 0;
  const waitMs = lastSentAt.getTime() + LOGIN_CODE_RESEND_SECONDS * 1000 - now.getTime();
  return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
}

export const loginCodeText = (code: string) =>
  `【AssetPay】您的登录验证码为 ${code}，${LOGIN_CODE_VALID_MINUTES} 分钟内有效。如非本人操作，请忽略本短信。`;
