import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAY_LINK_DAYS, payLinkUrl, signPayLink, verifyPayLink } from './pay-link.ts';

const key = randomBytes(32);
const ids = { billId: '0b5c7a3e-0000-4000-8000-000000000001', orgId: '0b5c7a3e-0000-4000-8000-000000000002' };
const now = new Date('2026-11-26T03:00:00Z');

describe('pay links', () => {
  it('signs base64url JSON {b, o, e} with HMAC-SHA256 over the payload, valid for 30 days', () => {
    const token = signPayLink(key, ids, now);
    const [payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({
      b: ids.billId,
      o: ids.orgId,
      e: now.getTime() / 1000 + 30 * 86_400,
    });
    // Recomputed from the definition, not through the module.
    expect(signature).toBe(createHmac('sha256', key).update(payload!).digest('base64url'));
    expect(PAY_LINK_DAYS).toBe(30);
    expect(verifyPayLink(key, token, now)).toEqual({
      ok: true,
      claims: { ...ids, expiresAt: now.getTime() / 1000 + 30 * 86_400 },
    });
    expect(payLinkUrl('https://pay.example.cn', token)).toBe(`https://pay.example.cn/m/pay/${token}`);
  });

  it('expires at the stated second', () => {
    const token = signPayLink(key, ids, now, 1);
    expect(verifyPayLink(key, token, new Date(now.getTime() + 86_400_000 - 1000)).ok).toBe(true);
    expect(verifyPayLink(key, token, new Date(now.getTime() + 86_400_000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token changed anywhere, signed with another key, or malformed', () => {
    const token = signPayLink(key, ids, now);
    const [payload, signature] = token.split('.') as [string, string];
    const otherBill = Buffer.from(JSON.stringify({ b: 'another', o: ids.orgId, e: 9_999_999_999 })).toString(
      'base64url',
    );
    // The second-to-last character carries six bits of the MAC (the last only four): change it to another one.
    const secondLast = signature.at(-2);
    const flipped = `${signature.slice(0, -2)}${secondLast === 'A' ? 'B' : 'A'}${signature.slice(-1)}`;
    for (const forged of [
      `${otherBill}.${signature}`,
      `${payload}.${flipped}`,
      `${payload}.${signature.slice(1)}`,
      signPayLink(randomBytes(32), ids, now),
      payload,
      `${token}.x`,
      '',
      '..',
    ]) {
      expect(verifyPayLink(key, forged, now), forged).toEqual({ ok: false, reason: 'forged' });
    }
    // A well-signed token whose contents are not claims is forged too.
    const junk = Buffer.from('[1,2]').toString('base64url');
    const signedJunk = `${junk}.${createHmac('sha256', key).update(junk).digest('base64url')}`;
    expect(verifyPayLink(key, signedJunk, now)).toEqual({ ok: false, reason: 'forged' });
  });
});
