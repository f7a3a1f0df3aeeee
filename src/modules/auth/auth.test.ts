import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { queryRows } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../../demo/seed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

async function auditActions(username: string) {
  const rows = await queryRows<{ action: string }>(
    t.database.orm,
    sql`SELECT action FROM audit_log WHERE actor_name = ${username} ORDER BY id`,
  );
  return rows.map((row) => row.action);
}

describe('staff login', () => {
  it('answers a token, the user and an httpOnly SameSite=Strict cookie', async () => {
    const response = await login('caiwu', DEMO_PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ username: 'caiwu', roles: ['finance'], orgId: t.orgId });
    expect(body.token).toMatch(/^[\w-]{40,}$/);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/assetpay_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const me = await t.app.inject({ url: '/api/v1/auth/me', cookies: { assetpay_session: body.token } });
    expect(me.json().user.username).toBe('caiwu');
    expect(await auditActions('caiwu')).toContain('auth.login');
  });

  it('locks the account for 15 minutes after 5 wrong passwords, even for the right one', async () => {
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await login('shenpi', 'Wrong@pass1');
      expect(problemOf(response)).toMatchObject({ status: 401, code: 'bad_credentials_remaining' });
      expect(problemOf(response).detail).toContain(`再错 ${5 - attempt} 次`);
    }
    const fifth = await login('shenpi', 'Wrong@pass1');
    expect(problemOf(fifth)).toMatchObject({ status: 423, code: 'account_locked' });
    const rightPassword = await login('shenpi', DEMO_PASSWORD);
    expect(problemOf(rightPassword)).toMatchObject({ status: 423, code: 'account_locked' });
    const [user] = await queryRows<{ minutes: number }>(
      t.database.orm,
      sql`SELECT round(extract(epoch FROM locked_until - now()) / 60)::int AS minutes FROM users WHERE username = 'shenpi'`,
    );
    expect(user?.minutes).toBe(15);
    expect(await auditActions('shenpi')).toEqual([
      'auth.login_failed',
      'auth.login_failed',
      'auth.login_failed',
      'auth.login_failed',
      'auth.account_locked',
      'auth.login_failed',
    ]);
    // An administrator unlocks it.
    const shenpi = (await t.app.inject({ url: '/api/v1/users?q=shenpi', headers: await t.as('admin') })).json()
      .items[0];
    const unlocked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${shenpi.id}/unlock`,
      headers: await t.as('admin'),
    });
    expect(unlocked.json().lockedUntil).toBeNull();
    expect((await login('shenpi', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('audits a login attempt with an unknown username', async () => {
    const response = await login('nobody-here', 'whatever');
    expect(problemOf(response)).toMatchObject({ status: 401, code: 'bad_credentials' });
    expect(await auditActions('nobody-here')).toEqual(['auth.login_failed']);
  });

  it('ends a session idle for 30 minutes', async () => {
    const token = await t.login('zichan');
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers })).statusCode).toBe(200);
    await t.database.orm.execute(
      sql`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = (SELECT id FROM users WHERE username = 'zichan')`,
    );
    const expired = await t.app.inject({ url: '/api/v1/auth/me', headers });
    expect(problemOf(expired)).toMatchObject({ status: 401, code: 'session_expired' });
    expect(problemOf(expired).detail).toContain('30 分钟');
  });

  it('logs out: the token stops working and the logout is audited', async () => {
    const token = await t.login('shenji');
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
    expect(await auditActions('shenji')).toEqual(['auth.login', 'auth.logout']);
  });
});

describe('who may call what', () => {
  it('refuses a role without the permission with 403 naming it', async () => {
    const response = await t.app.inject({ url: '/api/v1/users', headers: await t.as('caiwu') });
    expect(problemOf(response)).toMatchObject({ status: 403, code: 'forbidden' });
    expect(problemOf(response).detail).toContain('user:read');
  });

  it('lets the auditor read the audit log but not manage users', async () => {
    const headers = await t.as('shenji');
    expect((await t.app.inject({ url: '/api/v1/audit-log', headers })).statusCode).toBe(200);
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { username: 'sneaky', displayName: 'x', password: 'Strong@Pass1', roles: ['admin'] },
    });
    expect(problemOf(create)).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('never lets a tenant token reach a staff route', async () => {
    const { token } = await t.app.auth.openSession(
      { principal: 'tenant', orgId: t.orgId, tenantId: randomUUID() },
      { ip: null, userAgent: null },
    );
    for (const url of ['/api/v1/auth/me', '/api/v1/users', '/api/v1/audit-log']) {
      const response = await t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
      expect(problemOf(response)).toMatchObject({ status: 403, code: 'staff_only' });
    }
  });

  it('declares an access rule on every API route and refuses anonymous calls to each guarded one', async () => {
    const apiRoutes = t.app.routeAccess.filter((route) => route.url.startsWith('/api/') && route.method !== 'HEAD');
    expect(apiRoutes.length).toBeGreaterThan(10);
    expect(apiRoutes.filter((route) => !route.access)).toEqual([]);
    for (const route of apiRoutes.filter((route) => route.access !== 'public')) {
      const url = route.url.replace(/:(\w+)/g, () => randomUUID());
      const response = await t.app.inject({ method: route.method as 'GET', url, payload: {} });
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
      });
    }
  });
});
