import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Row counts of every table the requests below could write to. */
const snapshot = async () =>
  (
    await queryRows(
      t.database.orm,
      sql`SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM orgs) AS orgs,
                 (SELECT string_agg(md5(u::text), ',' ORDER BY id) FROM users u) AS user_rows`,
    )
  )[0];

describe('bad input gets a 4xx problem+json a person can act on, and changes nothing', () => {
  const badRequests: { name: string; status: number; code: string; payload: string; contentType?: string }[] = [
    { name: 'malformed JSON', status: 400, code: 'malformed_json', payload: '{"username": "x",' },
    {
      name: 'wrong types',
      status: 400,
      code: 'validation_failed',
      payload: '{"username": 5, "displayName": [], "password": true, "roles": "admin"}',
    },
    {
      name: 'unknown fields',
      status: 400,
      code: 'validation_failed',
      payload: JSON.stringify({
        username: 'newbie',
        displayName: 'N',
        password: 'Strong@Pass1',
        roles: ['finance'],
        isRoot: true,
      }),
    },
    {
      name: 'an unknown role',
      status: 400,
      code: 'validation_failed',
      payload: JSON.stringify({ username: 'newbie', displayName: 'N', password: 'Strong@Pass1', roles: ['god'] }),
    },
    { name: 'an empty body', status: 400, code: 'empty_body', payload: '' },
    { name: 'a JSON array', status: 400, code: 'validation_failed', payload: '[]' },
    {
      name: 'SQL in the username',
      status: 400,
      code: 'validation_failed',
      payload: JSON.stringify({
        username: "x'; DROP TABLE users;--",
        displayName: 'N',
        password: 'Strong@Pass1',
        roles: ['finance'],
      }),
    },
    {
      name: 'an oversized body',
      status: 413,
      code: 'body_too_large',
      payload: JSON.stringify({
        username: 'big',
        displayName: 'x'.repeat(2_000_000),
        password: 'Strong@Pass1',
        roles: ['finance'],
      }),
    },
    {
      name: 'a form instead of JSON',
      status: 415,
      code: 'unsupported_media_type',
      payload: 'username=a',
      contentType: 'application/x-www-form-urlencoded',
    },
  ];

  for (const bad of badRequests) {
    it(`refuses ${bad.name}`, async () => {
      const admin = await t.as('admin');
      const before = await snapshot();
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { ...admin, 'content-type': bad.contentType ?? 'application/json' },
        payload: bad.payload,
      });
      const problem = problemOf(response);
      expect(problem).toMatchObject({ status: bad.status, code: bad.code });
      expect(response.statusCode).toBe(bad.status);
      expect(problem.detail).toMatch(/[\u4e00-\u9fa5]/);
      expect(response.body).not.toMatch(/at .*\.ts:\d+/);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('names each wrong field, in English on request', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...(await t.as('admin')), 'accept-language': 'en-US,en;q=0.9' },
      payload: { username: 'ok_name', displayName: '', password: 'Strong@Pass1', roles: [], extra: 1 },
    });
    const problem = problemOf(response);
    expect(problem.detail).toBe('Some fields are invalid; correct them and retry');
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(['body/displayName', 'body/extra', 'body/roles']);
  });

  it('answers an unknown API path with a 404 problem, not the web page', async () => {
    const response = await t.app.inject({ url: '/api/v1/no-such-thing' });
    expect(problemOf(response)).toMatchObject({ status: 404, code: 'route_not_found' });
  });
});

describe('the service describes itself', () => {
  it('answers /healthz with the database kind', async () => {
    const response = await t.app.inject({ url: '/healthz' });
    expect(response.json()).toEqual({ status: 'ok', db: t.kind, version: expect.any(String), demo: 'off' });
  });

  it('publishes an OpenAPI 3 document naming the fixed endpoints', async () => {
    const document = (await t.app.inject({ url: '/openapi.json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/auth/logout', '/healthz']),
    );
    expect((await t.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('exposes Prometheus metrics including request durations', async () => {
    await t.app.inject({ url: '/healthz' });
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('assetpay_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/healthz"');
  });

  it('sends security headers', async () => {
    const response = await t.app.inject({ url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('rate-limits logins from one address', async () => {
    const limited = await createTestApp({ loginRateLimitPerMinute: 3 });
    try {
      const attempts = [];
      for (let i = 0; i < 4; i++) {
        attempts.push(
          await limited.app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { username: 'nobody', password: 'x' },
          }),
        );
      }
      expect(attempts.map((response) => response.statusCode)).toEqual([401, 401, 401, 429]);
      expect(problemOf(attempts[3]!).code).toBe('too_many_requests');
    } finally {
      await limited.close();
    }
  });
});

describe('logs', () => {
  it('never hold passwords, tokens, phone numbers or ID numbers', async () => {
    const { PassThrough } = await import('node:stream');
    const { buildApp } = await import('../../src/server.ts');
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk) => {
      written += chunk;
    });
    const app = await buildApp({ config: { ...t.config, logLevel: 'info' }, database: t.database, logStream: stream });
    app.log.info(
      {
        tenant: { phone: '13800138000', idNumber: '11010519491231002X' },
        login: { password: 'Secret@123', token: 'tok' },
      },
      'tenant looked up',
    );
    await app.inject({
      url: '/healthz',
      headers: { authorization: 'Bearer very-secret-token', cookie: 'assetpay_session=abc' },
    });
    await app.close();
    expect(written).toContain('tenant looked up');
    for (const secret of ['13800138000', '11010519491231002X', 'Secret@123', 'very-secret-token', '"tok"']) {
      expect(written).not.toContain(secret);
    }
  });
});
