// Pay links (缴费链接) in reminders: the token names the bill and the org and when it expires, signed with
// HMAC-SHA256 so that the link itself is the tenant's credential for that one bill. Nothing is stored per link.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';

export const PAY_LINK_KEY_FILE = 'pay-link.key';
/** A link stays valid for 30 days: long enough for a monthly bill to be paid late, short enough to age out. */
export const PAY_LINK_DAYS = 30;

export interface PayLinkClaims {
  billId: string;
  orgId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

export type PayLinkCheck = { ok: true; claims: PayLinkClaims } | { ok: false; reason: 'forged' | 'expired' };

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

export function signPayLink(
  key: Buffer,
  { billId, orgId }: { billId: string; orgId: string },
  now = new Date(),
  days = PAY_LINK_DAYS,
): string {
  const expiresAt = Math.floor(now.getTime() / 1000) + days * 86_400;
  const payload = Buffer.from(JSON.stringify({ b: billId, o: orgId, e: expiresAt })).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** Checks the signature (in constant time) before reading anything from the token, then its expiry. */
export function verifyPayLink(key: Buffer, token: string, now = new Date()): PayLinkCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'forged' };
  const expected = mac(key, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  let claims: { b?: unknown; o?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'forged' };
  }
  if (typeof claims.b !== 'string' || typeof claims.o !== 'string' || typeof claims.e !== 'number') {
    return { ok: false, reason: 'forged' };
  }
  if (claims.e * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { billId: claims.b, orgId: claims.o, expiresAt: claims.e } };
}

export function payLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/m/pay/${token}`;
}

/**
 * The pay-link key: PAY_LINK_KEY when configured; in tests a fresh one per process; otherwise generated once into
 * DATA_DIR/pay-link.key (owner-readable only) and reused on every start, so links survive restarts.
 * Several instances behind one address must share PAY_LINK_KEY.
 */
export function payLinkKeyFor(config: Config): Buffer {
  if (config.payLinkKey) return config.payLinkKey;
  if (config.env === 'test') return randomBytes(32);
  const file = path.join(config.dataDir, PAY_LINK_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    try {
      // 'wx': if another process created it first, theirs wins and is read below.
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length < 32) throw new Error(`${file}: 缴费链接密钥应为 base64 编码的至少 32 字节`);
  return key;
}
