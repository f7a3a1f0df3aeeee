import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { PiiKey, PiiKeyring } from './pii.ts';

export const SECRETS_FILE = 'secrets.json';

interface SecretsFile {
  piiKeys: string[];
  piiIndexKey: string;
}

/** `keyId:base64` → a key, or an error message naming what is wrong. */
export function parsePiiKey(text: string): PiiKey | string {
  const separator = text.indexOf(':');
  const id = text.slice(0, separator).trim();
  const key = Buffer.from(text.slice(separator + 1).trim(), 'base64');
  if (separator <= 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) return `密钥编号 "${id}" 无效（1–32 位字母、数字、_-）`;
  if (key.length !== 32) return `密钥 ${id} 解码后为 ${key.length} 字节，应为 32 字节`;
  return { id, key };
}

/**
 * The keys for personal data: from PII_KEYS / PII_INDEX_KEY when configured; otherwise, outside production,
 * generated once into DATA_DIR/secrets.json (readable by the owner only) and reused on every start.
 */
export function piiKeyringFor(config: Config): PiiKeyring {
  if (config.piiKeys && config.piiIndexKey) return { keys: config.piiKeys, indexKey: config.piiIndexKey };
  if (config.env === 'production') {
    throw new Error(
      '拒绝启动：生产环境必须配置个人信息加密密钥 PII_KEYS（"keyId:base64 编码的 32 字节"，多个用逗号分隔，第一个用于加密）和 PII_INDEX_KEY（base64 编码的 32 字节）。生成方法：npm run cli -- pii:new-key',
    );
  }
  const secrets = developmentSecrets(config.dataDir);
  const keys = config.piiKeys ?? secrets.piiKeys.map((text) => parsePiiKey(text) as PiiKey);
  return { keys, indexKey: config.piiIndexKey ?? Buffer.from(secrets.piiIndexKey, 'base64') };
}

function developmentSecrets(dataDir: string): SecretsFile {
  const file = path.join(dataDir, SECRETS_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const fresh: SecretsFile = {
      piiKeys: [`dev1:${randomBytes(32).toString('base64')}`],
      piiIndexKey: randomBytes(32).toString('base64'),
    };
    try {
      // 'wx': if another process created it first, theirs wins and is read below.
      fs.writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as SecretsFile;
  const problems = secrets.piiKeys.map(parsePiiKey).filter((key): key is string => typeof key === 'string');
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('；')}`);
  return secrets;
}

/** A new key line for PII_KEYS (and one for PII_INDEX_KEY). */
export function newPiiKeyLine(keyId: string): string {
  return `${keyId}:${randomBytes(32).toString('base64')}`;
}
