import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { piiRotateKey } from '../../cli.ts';
import { PiiCipher } from '../../crypto/pii.ts';
import { queryRows } from '../../db/client.ts';
import { buildApp } from '../../server.ts';

let t: TestApp;
let rotated: PiiCipher;
let server: FastifyInstance;
beforeAll(async () => {
  t = await createTestApp();
  // The operator puts a new key first and keeps the old one; servers restart with both.
  const keyring = { keys: [{ id: 'k2', key: randomBytes(32) }, ...t.config.piiKeys!], indexKey: t.config.piiIndexKey! };
  rotated = new PiiCipher(keyring);
  server = await buildApp({ config: t.config, database: t.database, pii: rotated });
});
afterAll(async () => {
  await server.close();
  await t.close();
});

const keyIds = async () =>
  queryRows<{ key_id: string; n: number }>(
    t.database.orm,
    sql`SELECT split_part(phone_enc, ':', 2) AS key_id, count(*)::int AS n FROM tenants GROUP BY 1 ORDER BY 1`,
  );

describe('pii:rotate-key', () => {
  it('re-encrypts every tenant under the new key in batches while the server keeps answering', async () => {
    const headers = { authorization: `Bearer ${await t.login('zichan')}` };
    expect(await keyIds()).toEqual([{ key_id: 'k1', n: 120 }]);
    const someone = (await server.inject({ url: '/api/v1/tenants?kind=individual&pageSize=1', headers })).json()
      .items[0];
    const before = (
      await server.inject({ method: 'POST', url: `/api/v1/tenants/${someone.id}/reveal`, headers })
    ).json();

    const lines: string[] = [];
    const rotation = piiRotateKey(rotated)(t.database, ['--batch-size', '25'], (line) => lines.push(line));
    // Meanwhile people keep working: a new tenant is written under k2 at once, edits and searches go on.
    const during = await Promise.all([
      server.inject({ url: `/api/v1/tenants/${someone.id}`, headers }),
      server.inject({
        method: 'PATCH',
        url: `/api/v1/tenants/${someone.id}`,
        headers,
        payload: { contactPhone: '023-49887777' },
      }),
      server.inject({ url: '/api/v1/tenants?pageSize=50', headers }),
    ]);
    expect(during.map((response) => response.statusCode)).toEqual([200, 200, 200]);
    expect(await rotation).toBe(0);

    expect(lines[0]).toBe('使用当前密钥 k2 重新加密承租方个人信息，每批 25 行……');
    expect(lines).toContain('  已重新加密 25 行');
    expect(lines.at(-1)).toMatch(
      /^完成：重新加密 1(19|20) 行，全部个人信息现由密钥 k2 加密；可以从 PII_KEYS 中移除旧密钥$/,
    );
    expect(await keyIds()).toEqual([{ key_id: 'k2', n: 120 }]);
    const [stale] = await queryRows<{ n: number }>(
      t.database.orm,
      sql`SELECT count(*)::int AS n FROM tenants WHERE id_number_enc NOT LIKE 'v1:k2:%' OR contact_phone_enc NOT LIKE 'v1:k2:%' OR bank_account_enc NOT LIKE 'v1:k2:%'`,
    );
    expect(stale?.n).toBe(0);

    // Same values, same blind indexes: reveal and exact search work as before, with the new key alone.
    const newOnly = await buildApp({
      config: t.config,
      database: t.database,
      pii: new PiiCipher({
        keys: [{ id: 'k2', key: (rotated as unknown as { byId: Map<string, Buffer> }).byId.get('k2')! }],
        indexKey: t.config.piiIndexKey!,
      }),
    });
    try {
      const after = (
        await newOnly.inject({ method: 'POST', url: `/api/v1/tenants/${someone.id}/reveal`, headers })
      ).json();
      expect(after).toEqual({ ...before, contactPhone: '023-49887777' });
      const found = (await newOnly.inject({ url: `/api/v1/tenants?idNumber=${before.idNumber}`, headers })).json();
      expect(found.items.map((item: { id: string }) => item.id)).toEqual([someone.id]);
    } finally {
      await newOnly.close();
    }
    const [audit] = await queryRows<{ after: { reencrypted: number; keyId: string } }>(
      t.database.orm,
      sql`SELECT after FROM audit_log WHERE action = 'pii.rotate_key'`,
    );
    expect(audit?.after).toMatchObject({ keyId: 'k2', remaining: 0 });
  });

  it('running it again finds nothing to do', async () => {
    const lines: string[] = [];
    expect(await piiRotateKey(rotated)(t.database, [], (line) => lines.push(line))).toBe(0);
    expect(lines.at(-1)).toContain('完成：重新加密 0 行');
  });
});
