import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newPiiKeyLine } from '../../src/crypto/pii-keys.ts';
import { TEST_DATABASE_URL } from '../helpers/app.ts';
import { demoSeeded, type RunningServer, runCli, startServer } from '../helpers/server.ts';

const schemas: string[] = [];
afterAll(async () => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  for (const schema of schemas) {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`);
  }
  await client.end();
});

function freshSchema() {
  const schema = `e2e_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

async function demoLoginWorks(server: RunningServer) {
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'AssetPay@2026' }),
  });
  return response.status;
}

// As `npm start` does: dist/server built, then run by node; the other tests, here and in every browser and fault test,
// start the run's build of the same sources (test/helpers/built-server.ts).
describe('npm start on a fresh machine', () => {
  it('serves /healthz within 30 s on the embedded database, seeded with the demo logins, then the demo business', async () => {
    const server = await startServer({}, 30_000, { waitForDemo: false, npmStart: true });
    try {
      // The server answers while the demo business is still being written (some 10 s on PGlite).
      expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({
        status: 'ok',
        db: 'pglite',
        demo: 'seeding',
      });
      expect(await demoLoginWorks(server)).toBe(200);
      expect(server.output()).toContain('演示账号');
      expect(await demoSeeded(server)).toBe('ready');
      expect(server.output()).toMatch(/演示数据已生成.*份合同|演示数据已生成.*contracts/);
    } finally {
      await server.stop();
    }
    // A second start on the same data seeds nothing twice and still logs in.
    const again = await startServer({ DATA_DIR: server.dataDir }, 30_000, { npmStart: true });
    try {
      expect(await demoLoginWorks(again)).toBe(200);
      expect(again.output()).not.toContain('演示数据已生成');
    } finally {
      await again.stop();
    }
  });

  it('serves /healthz within 30 s on PostgreSQL with DATABASE_URL', async () => {
    const server = await startServer({ DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: freshSchema() }, 30_000, {
      waitForDemo: false,
      npmStart: true,
    });
    try {
      expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok', db: 'postgres' });
      expect(await demoLoginWorks(server)).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('production', () => {
  it('refuses to start while an account has the demo password, and starts once its first admin is created by the CLI', async () => {
    const demoSchema = freshSchema();
    // The demo logins (written before the server answers) are what production must refuse; not the demo business.
    const demo = await startServer({ DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: demoSchema }, 30_000, {
      waitForDemo: false,
    });
    await demo.stop();
    // Production needs the personal-data keys from its configuration, and says so.
    const keys = { PII_KEYS: newPiiKeyLine('k1'), PII_INDEX_KEY: newPiiKeyLine('x').slice(2) };
    const keyless = await startServer({
      NODE_ENV: 'production',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: demoSchema,
    }).catch((error: Error) => error.message);
    expect(keyless).toContain('拒绝启动：生产环境必须配置个人信息加密密钥 PII_KEYS');
    const refused = await startServer({
      NODE_ENV: 'production',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: demoSchema,
      ...keys,
    }).catch((error: Error) => error.message);
    expect(refused).toContain('仍使用演示密码');

    const schema = freshSchema();
    const env = { NODE_ENV: 'production', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, ...keys };
    const created = await runCli(
      ['user:create', '--org-code', 'yongchuan', '--org-name', '永川资产公司', '--username', 'root_admin'],
      { ...env, ASSETPAY_NEW_PASSWORD: 'Prod#Admin2026' },
    );
    expect(created).toMatchObject({ code: 0 });
    expect(created.output).toContain('已创建用户 root_admin');
    const server = await startServer(env);
    try {
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root_admin', password: 'Prod#Admin2026' }),
      });
      expect(login.status).toBe(200);
      expect(await demoLoginWorks(server)).toBe(401);
    } finally {
      await server.stop();
    }
    const verified = await runCli(['audit:verify'], env);
    expect(verified.code).toBe(0);
    expect(verified.output).toContain('审计日志校验通过');
  });
});
