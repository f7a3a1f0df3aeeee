// Issue #9, authorization matrix: every route the app registers × every demo role, a logged-in tenant, anonymous and
// an administrator of another organisation → allowed or denied, compared with a reviewed golden file
// (authorization-matrix.json, regenerated with UPDATE_MATRIX=1 and read by a person before committing). Denied means
// 401/403; allowed is any other answer (a 400 or 404 for an invented id is fine: the request got past access control).
// The golden file itself is checked against the rules a reviewer holds it to (the auditor never writes, a tenant
// never reaches a staff route, approvals belong to approvers), so a careless regeneration fails too.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../../src/db/client.ts';
import { signPayLink } from '../../../src/modules/messages/pay-link.ts';
import { createTestApp, type TestApp } from '../../helpers/app.ts';
import { otherOrg } from './fixtures.ts';

const GOLDEN = path.join(import.meta.dirname, 'authorization-matrix.json');
const STAFF = ['admin', 'zichan', 'caiwu', 'shenpi', 'zongjingli', 'shenji'] as const;
/** Who calls: the six demo logins, another organisation's administrator, a portal tenant, nobody. */
const PRINCIPALS = [...STAFF, 'other_admin', 'tenant', 'anonymous'] as const;
type Principal = (typeof PRINCIPALS)[number];
type Golden = Record<string, string>;

let t: TestApp;
let payLinkToken: string;
let tenantId: string;
const headers = new Map<Principal, Record<string, string>>();

beforeAll(async () => {
  t = await createTestApp({ loginRateLimitPerMinute: 10_000 });
  await otherOrg(t, [{ username: 'other_admin', roles: ['admin'] }]);
  for (const name of [...STAFF, 'other_admin'] as const) headers.set(name, await t.as(name));
  const [bill] = await queryRows<{ id: string; tenant_id: string }>(
    t.database.orm,
    sql`SELECT id, tenant_id FROM bills WHERE org_id = ${t.orgId} AND status = 'open' ORDER BY id LIMIT 1`,
  );
  tenantId = bill!.tenant_id;
  headers.set('tenant', await tenantSession());
  headers.set('anonymous', {});
  payLinkToken = signPayLink(t.app.messaging.payLinkKey, { billId: bill!.id, orgId: t.orgId });
}, 120_000);
afterAll(() => t?.close());

async function tenantSession() {
  const { token } = await t.app.auth.openSession(
    { principal: 'tenant', orgId: t.orgId, tenantId },
    { ip: '127.0.0.1', userAgent: 'vitest' },
  );
  return { authorization: `Bearer ${token}` };
}

/** A principal's headers; a logout gets a session of its own so that it ends no other request's. */
async function headersOf(principal: Principal, route: string) {
  if (!/\/logout$/.test(route)) return headers.get(principal)!;
  if (principal === 'anonymous') return {};
  if (principal === 'tenant') return tenantSession();
  const [user] = await queryRows<{ id: string; org_id: string }>(
    t.database.orm,
    sql`SELECT id, org_id FROM users WHERE username = ${principal}`,
  );
  const { token } = await t.app.auth.openSession(
    { principal: 'staff', orgId: user!.org_id, userId: user!.id },
    { ip: '127.0.0.1', userAgent: 'vitest' },
  );
  return { authorization: `Bearer ${token}` };
}

/**
 * A query string the route's schema refuses (400), for reads that would otherwise build a whole report or workbook
 * for every principal allowed: access is decided before validation, so the answer still tells allowed from denied.
 */
function refusedQueryOf(url: string): string {
  const openapiPath = url.replace(/:(\w+)/g, '{$1}');
  const operation = (t.app.swagger() as { paths: Record<string, Record<string, OpenApiOperation>> }).paths[openapiPath]
    ?.get;
  for (const parameter of operation?.parameters ?? []) {
    if (parameter.in !== 'query') continue;
    const schema = parameter.schema ?? {};
    if (schema.type === 'integer' || schema.type === 'number' || schema.format === 'date' || schema.enum) {
      return `?${parameter.name}=${encodeURIComponent('不合法-x')}`;
    }
  }
  return '';
}
interface OpenApiOperation {
  parameters?: { in: string; name: string; schema?: { type?: string; format?: string; enum?: unknown[] } }[];
}

/** Invented values for path parameters: they pass the route's own format checks where it has one. */
function fillParams(url: string): string {
  return url.replace(/:(\w+)/g, (_match, name: string) => {
    if (name === 'provider') return 'wechatpay';
    if (name === 'token') return payLinkToken;
    if (name === 'orderNo') return `AP${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    if (name === 'verifyCode') return 'ABCDEFGHJKLM';
    return randomUUID();
  });
}

/**
 * The requests made per route: the route itself, plus variants where the route decides more than its access rule
 * does (a permission checked in the handler after the body or query is validated).
 */
async function requestsOf(route: { method: string; url: string }) {
  const key = `${route.method} ${route.url}`;
  const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
  const query = route.method === 'GET' || route.method === 'HEAD' ? refusedQueryOf(route.url) : '';
  const requests: { key: string; url: string; payload?: object }[] = [
    { key, url: fillParams(route.url) + query, ...(body ? { payload: body } : {}) },
  ];
  if (key === 'PUT /api/v1/settings/reminders') {
    // Checked in the handler (settings:manage or bill:write): a valid body, the settings as they are.
    const current = await t.app.inject({ url: '/api/v1/settings/reminders', headers: headers.get('admin')! });
    requests[0]!.payload = current.json();
  }
  if (key === 'GET /api/v1/tenants/export') {
    requests.push({ key: `${key}?reveal=true`, url: `${route.url}?reveal=true` });
  }
  return requests;
}

async function observeMatrix(): Promise<Golden> {
  // HEAD is Fastify's copy of each GET (same options, same access): checked apart, below, so each read runs once.
  const routes = t.app.routeAccess
    .filter((route) => route.access !== undefined && route.method !== 'HEAD')
    // Logouts last: they end sessions.
    .sort((a, b) => Number(/\/logout$/.test(a.url)) - Number(/\/logout$/.test(b.url)));
  const observed: Golden = {};
  for (const route of routes) {
    for (const request of await requestsOf(route)) {
      const allowed: string[] = [];
      for (const principal of PRINCIPALS) {
        const response = await t.app.inject({
          method: route.method as 'GET',
          url: request.url,
          headers: await headersOf(principal, route.url),
          ...(request.payload ? { payload: request.payload } : {}),
        });
        if (response.statusCode >= 500) {
          throw new Error(`${request.key} as ${principal}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        }
        if (response.statusCode !== 401 && response.statusCode !== 403) allowed.push(principal);
      }
      observed[request.key] = allowed.join(' ');
    }
  }
  return observed;
}

function readGolden(): Golden {
  return fs.existsSync(GOLDEN) ? JSON.parse(fs.readFileSync(GOLDEN, 'utf8')).routes : {};
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const allowedIn = (golden: Golden, key: string) => new Set(golden[key]!.split(' ').filter(Boolean));

describe('authorization matrix', () => {
  it('every route × every principal answers as the reviewed golden file says', async () => {
    const started = performance.now();
    const observed = await observeMatrix();
    const requests = Object.keys(observed).length * PRINCIPALS.length;
    if (process.env.UPDATE_MATRIX) {
      const lines = Object.entries(observed).map(
        ([key, allowed]) => `    ${JSON.stringify(key)}: ${JSON.stringify(allowed)}`,
      );
      fs.writeFileSync(
        GOLDEN,
        `{\n  "principals": ${JSON.stringify(PRINCIPALS)},\n  "routes": {\n${lines.join(',\n')}\n  }\n}\n`,
      );
    }
    console.log(
      JSON.stringify({
        test: 'authorization-matrix',
        db: t.kind,
        routes: Object.keys(observed).length,
        principals: PRINCIPALS.length,
        requests,
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      }),
    );
    expect(observed).toEqual(readGolden());
  }, 300_000);

  it('every HEAD route is its GET route’s copy: the same access, and refused to anonymous callers alike', async () => {
    const heads = t.app.routeAccess.filter((route) => route.method === 'HEAD' && route.access !== undefined);
    expect(heads.length).toBeGreaterThan(90);
    const golden = readGolden();
    for (const head of heads) {
      const get = t.app.routeAccess.find((route) => route.method === 'GET' && route.url === head.url);
      expect(get?.access, head.url).toBe(head.access);
      const response = await t.app.inject({ method: 'HEAD', url: fillParams(head.url) + refusedQueryOf(head.url) });
      const allowed = response.statusCode !== 401 && response.statusCode !== 403;
      expect({ url: head.url, allowed }).toEqual({
        url: head.url,
        allowed: allowedIn(golden, `GET ${head.url}`).has('anonymous'),
      });
    }
  });

  describe('the golden file keeps the rules a reviewer holds it to', () => {
    const golden = readGolden();
    const keys = Object.keys(golden);
    const isPublic = (key: string) => allowedIn(golden, key).has('anonymous');
    // What the auditor may POST: its own session and password, and previews that compute without writing.
    const auditorPosts = new Set([
      'POST /api/v1/auth/logout',
      'POST /api/v1/auth/password',
      'POST /api/v1/contracts/schedule-preview',
      'POST /api/v1/late-fee-preview',
      'POST /api/v1/bank-statements/preview',
    ]);

    it('covers a few hundred requests, every principal named', () => {
      expect(keys.length).toBeGreaterThan(150);
      for (const key of keys) {
        for (const principal of allowedIn(golden, key)) expect(PRINCIPALS).toContain(principal);
      }
    });

    it('public routes are only the logins, pay links, receipt verification, notifications, health and docs', () => {
      const publicRoutes = keys.filter(isPublic).map((key) => key.replace(/^(GET|HEAD|POST) /, ''));
      for (const url of publicRoutes) {
        expect(url).toMatch(
          /^\/(openapi\.json|healthz|metrics|notify\/.+|api\/v1\/(auth\/login|portal\/auth\/(otp|login)|portal\/pay-links\/.+|public\/receipts\/:verifyCode))$/,
        );
      }
      // A public route is open to everyone, signed in or not.
      for (const key of keys.filter(isPublic)) expect(allowedIn(golden, key).size).toBe(PRINCIPALS.length);
    });

    it('a tenant reaches only the portal and public routes; staff never the tenant-only ones', () => {
      for (const key of keys) {
        const allowed = allowedIn(golden, key);
        if (allowed.has('tenant') && !isPublic(key)) {
          expect(key).toMatch(/^(GET|HEAD|POST) \/api\/v1\/portal\//);
          expect([...allowed]).toEqual(['tenant']);
        }
      }
    });

    it('the auditor never writes', () => {
      for (const key of keys.filter((key) => writeMethods.has(key.split(' ')[0]!) && !isPublic(key))) {
        if (allowedIn(golden, key).has('shenji')) expect(auditorPosts, key).toContain(key);
      }
      expect(allowedIn(golden, 'GET /api/v1/tenants/export?reveal=true').has('shenji')).toBe(false);
    });

    it('approvals belong to approvers: finance and asset managers never approve', () => {
      for (const key of keys.filter((key) => /\/(approve|reject)$/.test(key) && key.startsWith('POST'))) {
        expect(golden[key], key).toBe('shenpi zongjingli');
      }
    });

    it('personal data is revealed only by administrators and the asset manager', () => {
      expect(golden['POST /api/v1/tenants/:id/reveal']).toBe('admin zichan other_admin');
      expect(golden['GET /api/v1/tenants/export?reveal=true']).toBe('admin zichan other_admin');
    });

    it('users, roles, channel secrets and settings are the administrator’s', () => {
      for (const key of keys.filter((key) =>
        /^(POST|PATCH|PUT|DELETE) \/api\/v1\/(users|channel-settings|settings\/contracts|contract-templates)/.test(key),
      )) {
        expect(golden[key], key).toBe('admin other_admin');
      }
      expect(golden['GET /api/v1/channel-settings']).toBe('admin other_admin');
    });

    it('money moves only by finance: payments, refunds, billing runs, reconciliation and bank statements', () => {
      for (const key of keys.filter((key) =>
        /^(POST|PUT|DELETE) \/api\/v1\/(payments|refunds(\/:id\/(paid|query))?$|billing-runs|bills|reconciliations|bank-statements\/(mappings|imports|lines))/.test(
          key,
        ),
      )) {
        expect(golden[key], key).toBe('caiwu');
      }
    });

    it('another organisation’s administrator has the same rights as ours (its data is another test)', () => {
      for (const key of keys) {
        expect(allowedIn(golden, key).has('other_admin'), key).toBe(allowedIn(golden, key).has('admin'));
      }
    });

    it('the two approvers have the same rights', () => {
      for (const key of keys) {
        expect(allowedIn(golden, key).has('zongjingli'), key).toBe(allowedIn(golden, key).has('shenpi'));
      }
    });
  });
});
