import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { queryRows } from '../../db/client.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const counts = async () =>
  (
    await queryRows<{ users: number; audit: number }>(
      t.database.orm,
      sql`SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM audit_log) AS audit`,
    )
  )[0];

describe('staff accounts', () => {
  it('creates a user with a hashed password and audits it', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: await t.as('admin'),
      payload: { username: 'chuna', displayName: '陈出纳', password: 'Chu#na2026x', roles: ['finance'] },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ username: 'chuna', roles: ['finance'], status: 'active' });
    expect(response.body).not.toContain('scrypt');
    const [row] = await queryRows<{ password_hash: string }>(
      t.database.orm,
      sql`SELECT password_hash FROM users WHERE username = 'chuna'`,
    );
    expect(row?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row?.password_hash).not.toContain('Chu#na2026x');
    const audit = await t.app.inject({ url: '/api/v1/audit-log?action=user.create', headers: await t.as('admin') });
    expect(audit.json().items.map((item: { after: { username: string } }) => item.after.username)).toContain('chuna');
  });

  it('refuses a weak password with every rule it breaks, and writes nothing', async () => {
    const before = await counts();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: await t.as('admin'),
      payload: { username: 'weakling', displayName: '弱', password: 'abcdefg', roles: ['finance'] },
    });
    const problem = problemOf(response);
    expect(problem).toMatchObject({ status: 400, code: 'password_policy' });
    expect(problem.detail).toBe('密码不符合要求：至少 8 个字符；需包含大写字母、小写字母、数字、符号中的至少 3 类');
    expect(await counts()).toEqual(before);
  });

  it('refuses a taken username with 409 naming it', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...(await t.as('admin')), 'accept-language': 'en' },
      payload: { username: 'CaiWu', displayName: 'dup', password: 'Strong@Pass1', roles: ['finance'] },
    });
    expect(problemOf(response)).toMatchObject({ status: 409, code: 'username_taken' });
    expect(problemOf(response).detail).toBe('The username CaiWu is taken; choose another');
  });

  it('changes roles and status with before/after in the audit log; an admin cannot disable themself', async () => {
    const headers = await t.as('admin');
    const list = await t.app.inject({ url: '/api/v1/users?role=approver', headers });
    const shenpi = list.json().items.find((user: { username: string }) => user.username === 'shenpi');
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${shenpi.id}`,
      headers,
      payload: { roles: ['approver', 'finance'] },
    });
    expect(patched.json().roles).toEqual(['approver', 'finance']);
    const audit = await t.app.inject({ url: `/api/v1/audit-log?entityId=${shenpi.id}&action=user.update`, headers });
    expect(audit.json().items[0]).toMatchObject({
      before: { roles: ['approver'] },
      after: { roles: ['approver', 'finance'] },
    });

    const me = (await t.app.inject({ url: '/api/v1/auth/me', headers })).json().user;
    const self = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${me.id}`,
      headers,
      payload: { status: 'disabled' },
    });
    expect(problemOf(self)).toMatchObject({ status: 409, code: 'cannot_disable_self' });
  });

  it('changes a password only with the current one, then the new one logs in', async () => {
    const headers = { authorization: `Bearer ${await t.login('shenji')}` };
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers,
      payload: { currentPassword: 'not-it', newPassword: 'New@Pass2026' },
    });
    expect(problemOf(wrong)).toMatchObject({ status: 400, code: 'wrong_current_password' });
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers,
      payload: { currentPassword: 'AssetPay@2026', newPassword: 'New@Pass2026' },
    });
    expect(right.statusCode).toBe(204);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'shenji', password: 'New@Pass2026' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('lists with paging and refuses a page size above 200', async () => {
    const headers = await t.as('admin');
    const page = await t.app.inject({ url: '/api/v1/users?page=1&pageSize=2', headers });
    expect(page.json()).toMatchObject({ page: 1, pageSize: 2, total: 7 });
    expect(page.json().items).toHaveLength(2);
    const tooBig = await t.app.inject({ url: '/api/v1/users?pageSize=500', headers });
    expect(problemOf(tooBig)).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(problemOf(tooBig).errors?.[0]?.path).toBe('querystring/pageSize');
  });
});
