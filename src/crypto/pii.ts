import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

// Personal data at rest: AES-256-GCM with a random 12-byte IV per value, stored as text
// `v1:<keyId>:<iv base64>:<ciphertext+tag base64>`, so several keys can be in use during a rotation.
// Exact-match search goes through a blind index: HMAC-SHA256 of the normalised value under a separate key.

export interface PiiKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface PiiKeyring {
  /** The first encrypts; all of them decrypt. */
  keys: PiiKey[];
  indexKey: Buffer;
}

/**
 * Which value a ciphertext holds; bound into it as associated data, so a value cannot be moved to another column.
 * `recipient`: the phone or WeChat openid a message to a tenant goes to (outbound_messages).
 * `channel_secrets`: an org's merchant keys for a payment channel (channel_settings).
 */
export type PiiField = 'id_number' | 'phone' | 'contact_phone' | 'bank_account' | 'recipient' | 'channel_secrets';
/** What a blind index is for: a phone is searched the same way whether it is the tenant's or the contact's. */
export type PiiIndexKind = 'id_number' | 'phone';

export const PII_KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PiiCipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keyring: PiiKeyring) {
    if (keyring.keys.length === 0) throw new Error('至少需要一个个人信息加密密钥');
    for (const { id, key } of [...keyring.keys, { id: 'index', key: keyring.indexKey }]) {
      if (key.length !== 32) throw new Error(`个人信息密钥 ${id} 必须是 32 字节`);
    }
    this.byId = new Map(keyring.keys.map(({ id, key }) => [id, key]));
  }

  get currentKeyId(): string {
    return this.keyring.keys[0]!.id;
  }

  /** The stored-text prefix of values encrypted with the current key. */
  get currentPrefix(): string {
    return `${FORMAT}:${this.currentKeyId}:`;
  }

  encrypt(field: PiiField, plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyring.keys[0]!.key, iv);
    cipher.setAAD(Buffer.from(field));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${FORMAT}:${this.currentKeyId}:${iv.toString('base64')}:${sealed.toString('base64')}`;
  }

  decrypt(field: PiiField, stored: string): string {
    const [format, keyId, ivText, sealedText] = stored.split(':');
    if (format !== FORMAT || !keyId || !ivText || !sealedText) throw new Error('个人信息密文格式无法识别');
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`个人信息密文使用的密钥 ${keyId} 未配置（PII_KEYS 中需保留旧密钥直到轮换完成）`);
    const sealed = Buffer.from(sealedText, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64'));
    decipher.setAAD(Buffer.from(field));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Re-encrypts with the current key; a value already under it is returned unchanged. */
  reencrypt(field: PiiField, stored: string): string {
    return stored.startsWith(this.currentPrefix) ? stored : this.encrypt(field, this.decrypt(field, stored));
  }

  /** The blind index of an already-normalised value. */
  blindIndex(kind: PiiIndexKind, normalized: string): string {
    return createHmac('sha256', this.keyring.indexKey).update(`${kind}:${normalized}`).digest('base64url');
  }
}

/** A fresh keyring, for tests and for the generated development secrets. */
export function randomKeyring(keyId = 'k1'): PiiKeyring {
  return { keys: [{ id: keyId, key: randomBytes(32) }], indexKey: randomBytes(32) };
}
