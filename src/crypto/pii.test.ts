import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { PiiCipher, randomKeyring } from './pii.ts';
import { newPiiKeyLine, piiKeyringFor, SECRETS_FILE } from './pii-keys.ts';

describe('personal data encryption (AES-256-GCM)', () => {
  const cipher = new PiiCipher(randomKeyring('k1'));

  it('stores v1:<keyId>:<12-byte IV>:<ciphertext+16-byte tag>, never the plain value', () => {
    const stored = cipher.encrypt('id_number', '11010519491231002X');
    const [format, keyId, iv, sealed] = stored.split(':');
    expect([format, keyId]).toEqual(['v1', 'k1']);
    expect(Buffer.from(iv!, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed!, 'base64')).toHaveLength(18 + 16);
    expect(stored).not.toContain('11010519491231002X');
    expect(cipher.decrypt('id_number', stored)).toBe('11010519491231002X');
  });

  it('uses a fresh IV every time', () => {
    expect(cipher.encrypt('phone', '13800000000')).not.toBe(cipher.encrypt('phone', '13800000000'));
  });

  it('refuses a value moved to another column or altered', () => {
    const stored = cipher.encrypt('phone', '13800000000');
    expect(() => cipher.decrypt('contact_phone', stored)).toThrow();
    const [head, sealed] = [stored.slice(0, stored.lastIndexOf(':') + 1), stored.slice(stored.lastIndexOf(':') + 1)];
    const bytes = Buffer.from(sealed, 'base64');
    bytes[0]! ^= 1;
    expect(() => cipher.decrypt('phone', head + bytes.toString('base64'))).toThrow();
  });

  it('decrypts with an older key after a new one is put first, and re-encrypts under the new one', () => {
    const old = randomKeyring('k1');
    const before = new PiiCipher(old).encrypt('phone', '13800000000');
    const rotated = new PiiCipher({
      keys: [{ id: 'k2', key: randomKeyring().keys[0]!.key }, ...old.keys],
      indexKey: old.indexKey,
    });
    expect(rotated.decrypt('phone', before)).toBe('13800000000');
    const after = rotated.reencrypt('phone', before);
    expect(after.startsWith('v1:k2:')).toBe(true);
    expect(rotated.reencrypt('phone', after)).toBe(after);
    expect(() => new PiiCipher(randomKeyring('k3')).decrypt('phone', before)).toThrow(/密钥 k1 未配置/);
  });

  it('finds by blind index: the same value and key give the same HMAC, another key another', () => {
    const keyring = randomKeyring();
    const a = new PiiCipher(keyring);
    const b = new PiiCipher({ ...keyring, keys: randomKeyring('other').keys });
    expect(a.blindIndex('phone', '13800000000')).toBe(b.blindIndex('phone', '13800000000'));
    expect(a.blindIndex('phone', '13800000000')).not.toBe(a.blindIndex('id_number', '13800000000'));
    expect(a.blindIndex('phone', '13800000000')).not.toBe(
      new PiiCipher(randomKeyring()).blindIndex('phone', '13800000000'),
    );
    expect(a.blindIndex('phone', '13800000000')).toMatch(/^[\w-]{43}$/);
  });
});

describe('personal data keys from configuration', () => {
  it('reads PII_KEYS (current first) and PII_INDEX_KEY', () => {
    const config = loadConfig({
      PII_KEYS: `${newPiiKeyLine('k2')},${newPiiKeyLine('k1')}`,
      PII_INDEX_KEY: newPiiKeyLine('x').slice(2),
    });
    expect(config.piiKeys?.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(new PiiCipher(piiKeyringFor(config)).currentKeyId).toBe('k2');
  });

  it('refuses a malformed key with a message naming it', () => {
    expect(() => loadConfig({ PII_KEYS: 'k1:c2hvcnQ=' })).toThrow('密钥 k1 解码后为 5 字节，应为 32 字节');
    expect(() => loadConfig({ PII_INDEX_KEY: 'c2hvcnQ=' })).toThrow(/PII_INDEX_KEY/);
  });

  it('generates development keys once into DATA_DIR/secrets.json, readable by the owner only, and reuses them', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-keys-'));
    try {
      const first = piiKeyringFor(loadConfig({ DATA_DIR: dataDir }));
      const file = path.join(dataDir, SECRETS_FILE);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const second = piiKeyringFor(loadConfig({ DATA_DIR: dataDir }));
      expect(second.keys[0]!.key.equals(first.keys[0]!.key)).toBe(true);
      expect(second.indexKey.equals(first.indexKey)).toBe(true);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start in production without configured keys, saying what to set', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-keys-'));
    try {
      expect(() => piiKeyringFor(loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir }))).toThrow(
        /生产环境必须配置个人信息加密密钥 PII_KEYS.*PII_INDEX_KEY/,
      );
      expect(fs.existsSync(path.join(dataDir, SECRETS_FILE))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
