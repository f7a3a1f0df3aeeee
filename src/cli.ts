// `npm run cli -- <command>`: operations that run beside the server, on the database the configuration names.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Config, loadConfig } from './config.ts';
import { PiiCipher } from './crypto/pii.ts';
import { newPiiKeyLine, piiKeyringFor } from './crypto/pii-keys.ts';
import { type Database, openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { auditService, systemActor } from './modules/audit/service.ts';
import { isRole } from './modules/auth/permissions.ts';
import { messagesService } from './modules/messages/service.ts';
import { findOrCreateOrg } from './modules/orgs/service.ts';
import { tenantsService } from './modules/tenants/service.ts';
import { usersService } from './modules/users/service.ts';

type Command = (database: Database, args: string[], out: (line: string) => void) => Promise<number>;

/** Recomputes every audit chain; exit code 1 and the first broken link when something was altered or removed. */
export const auditVerify: Command = async (database, _args, out) => {
  const result = await auditService.verify(database.orm);
  for (const chain of result.chains) {
    if (chain.valid) {
      out(`✓ 审计链 ${chain.chain}: ${chain.entries} 条记录完整`);
    } else {
      const at = chain.brokenAt!;
      out(`✗ 审计链 ${chain.chain}: 第一个断点 seq=${at.seq} id=${at.id ?? '-'} 原因=${at.reason}`);
    }
  }
  out(result.valid ? `审计日志校验通过，共 ${result.checkedEntries} 条` : '审计日志校验失败：记录被修改或删除');
  return result.valid ? 0 : 1;
};

/** Creates a staff account (the first admin of a production install), creating the organisation if needed. */
export const userCreate: Command = async (database, args, out) => {
  const { values } = parseArgs({
    args,
    options: {
      'org-code': { type: 'string' },
      'org-name': { type: 'string' },
      username: { type: 'string' },
      'display-name': { type: 'string' },
      roles: { type: 'string', default: 'admin' },
      password: { type: 'string' },
    },
  });
  const password = values.password ?? process.env.ASSETPAY_NEW_PASSWORD;
  if (!values['org-code'] || !values.username || !password) {
    out(
      '用法: npm run cli -- user:create --org-code CODE [--org-name 名称] --username NAME [--display-name 姓名] [--roles admin,finance] (密码用 --password 或环境变量 ASSETPAY_NEW_PASSWORD)',
    );
    return 2;
  }
  const roles = values.roles.split(',').map((role) => role.trim());
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) {
    out(`未知角色: ${unknown.join(', ')}`);
    return 2;
  }
  const org = await findOrCreateOrg(database.orm, systemActor, {
    code: values['org-code'],
    name: values['org-name'] ?? values['org-code'],
  });
  const user = await usersService.create(database.orm, systemActor, org.id, {
    username: values.username,
    displayName: values['display-name'] ?? values.username,
    password,
    roles: roles.filter(isRole),
  });
  out(`已创建用户 ${user.username}（${user.roles.join(', ')}），组织 ${org.name}`);
  return 0;
};

/**
 * Re-encrypts every tenant's personal data under the current key (the first of PII_KEYS), in batches, while the
 * server keeps running on PostgreSQL: put the new key first in PII_KEYS and keep the old ones, restart the servers,
 * run this, then drop the old keys. (PGlite allows one process at a time: stop the server first.)
 */
export function piiRotateKey(pii: PiiCipher): Command {
  return async (database, args, out) => {
    const { values } = parseArgs({ args, options: { 'batch-size': { type: 'string', default: '500' } } });
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
      out('用法: npm run cli -- pii:rotate-key [--batch-size 1–5000]');
      return 2;
    }
    out(`使用当前密钥 ${pii.currentKeyId} 重新加密承租方个人信息，每批 ${batchSize} 行……`);
    const result = await tenantsService.rotateKey(
      { db: database.orm, pii },
      { batchSize, onBatch: (done) => out(`  已重新加密 ${done} 行`) },
    );
    const recipients = await messagesService.rotateRecipientKey(database.orm, pii, batchSize);
    if (recipients > 0) out(`  已重新加密 ${recipients} 条消息的收件人`);
    await database.orm.transaction((tx) =>
      auditService.record(tx, systemActor, { action: 'pii.rotate_key', after: { ...result, recipients } }),
    );
    if (result.remaining > 0) {
      out(`重新加密 ${result.reencrypted} 行；仍有 ${result.remaining} 行正被编辑而未处理，请稍后再次运行`);
      return 1;
    }
    out(
      `完成：重新加密 ${result.reencrypted} 行，全部个人信息现由密钥 ${result.keyId} 加密；可以从 PII_KEYS 中移除旧密钥`,
    );
    return 0;
  };
}

/** Prints a new key for PII_KEYS (and one for PII_INDEX_KEY), for a first install or a rotation. */
export const piiNewKey: Command = async (_database, args, out) => {
  const keyId = args[0] ?? `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
  out(`PII_KEYS 新密钥（放在最前面，保留旧密钥直到 pii:rotate-key 完成）: ${newPiiKeyLine(keyId)}`);
  out(`PII_INDEX_KEY（仅首次安装时设置，之后不要更换）: ${newPiiKeyLine('x').slice(2)}`);
  return 0;
};

/** Writes the embedded database (PGlite) as one tarball of its data directory; the server must be stopped. */
export async function writePgliteBackup(database: Database, file: string): Promise<number> {
  if (!database.dumpDataDir)
    throw new Error('backup 只用于内置数据库（PGlite）；PostgreSQL 请用 pg_dump -Fc，见 docs/backup-restore.md');
  const dump = await database.dumpDataDir();
  const bytes = Buffer.from(await dump.arrayBuffer());
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, bytes, { mode: 0o600 });
  fs.renameSync(partial, file);
  return bytes.length;
}

/** Opens a new embedded database from a backup, in `dataDir` (a PGlite data directory that must not exist yet). */
export async function restorePgliteBackup(file: string, dataDir: string): Promise<Database> {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} 已有数据库：请先停止服务并把它移走（保留到新库校验通过），再恢复`);
  }
  return openDatabase({ dataDir, pgliteTemplate: new Blob([fs.readFileSync(file)]) });
}

/** `backup <file>`: the embedded database into one file (stop the server first: PGlite allows one process). */
const backup = async (config: Config, args: string[], out: (line: string) => void): Promise<number> => {
  const file = args[0];
  if (!file || config.databaseUrl) {
    out(
      config.databaseUrl
        ? 'backup 只用于内置数据库（PGlite）；PostgreSQL 请用 pg_dump -Fc，见 docs/backup-restore.md'
        : '用法: npm run cli -- backup <文件.tar>（先停止服务）',
    );
    return 2;
  }
  const database = await openDatabase({ dataDir: path.join(config.dataDir, 'pglite') });
  try {
    const bytes = await writePgliteBackup(database, path.resolve(file));
    out(`已备份内置数据库到 ${path.resolve(file)}（${(bytes / 1024 / 1024).toFixed(1)} MB）`);
    out(
      `密钥不在备份中：请另行备份 PII_KEYS / PII_INDEX_KEY（或 ${path.join(config.dataDir, 'secrets.json')}）和 PAY_LINK_KEY`,
    );
  } finally {
    await database.close();
  }
  return 0;
};

/** `restore <file>`: a backup into DATA_DIR/pglite (which must not exist), then the audit chains checked. */
const restore = async (config: Config, args: string[], out: (line: string) => void): Promise<number> => {
  const file = args[0];
  if (!file || config.databaseUrl || !fs.existsSync(file)) {
    out(
      config.databaseUrl
        ? 'restore 只用于内置数据库（PGlite）；PostgreSQL 请用 pg_restore，见 docs/backup-restore.md'
        : '用法: npm run cli -- restore <备份文件>（先停止服务，并移走 DATA_DIR/pglite）',
    );
    return 2;
  }
  const database = await restorePgliteBackup(path.resolve(file), path.join(config.dataDir, 'pglite'));
  try {
    await migrate(database);
    out(`已恢复到 ${path.join(config.dataDir, 'pglite')}`);
    return await auditVerify(database, [], out);
  } finally {
    await database.close();
  }
};

/** Commands that open (or make) the database files themselves, before any migration. */
const fileCommands: Record<string, (config: Config, args: string[], out: (line: string) => void) => Promise<number>> = {
  backup,
  restore,
};

const commands: Record<string, (config: Config) => Command> = {
  'audit:verify': () => auditVerify,
  'user:create': () => userCreate,
  'pii:rotate-key': (config) => piiRotateKey(new PiiCipher(piiKeyringFor(config))),
  'pii:new-key': () => piiNewKey,
};

async function main() {
  const [name, ...args] = process.argv.slice(2);
  const makeCommand = name ? commands[name] : undefined;
  const fileCommand = name ? fileCommands[name] : undefined;
  if (!makeCommand && !fileCommand) {
    console.error(
      `用法: npm run cli -- <${[...Object.keys(commands), ...Object.keys(fileCommands)].join(' | ')}> [参数]`,
    );
    process.exit(2);
  }
  const config = loadConfig();
  if (fileCommand) {
    try {
      process.exitCode = await fileCommand(config, args, (line) => console.log(line));
    } catch (error) {
      console.error((error as Error).message);
      process.exitCode = 1;
    }
    return;
  }
  let command: Command;
  try {
    command = makeCommand!(config);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: path.join(config.dataDir, 'pglite'),
    schema: config.databaseSchema,
  });
  try {
    await migrate(database);
    process.exitCode = await command(database, args, (line) => console.log(line));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}

// Run, not imported: this file under tsx, or its bundle dist/server/cli.mjs.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
