// Issue #9, hostile input: every public route (the list comes from the app's own route table) fed malformed,
// oversized, wrongly typed and wrongly encoded bodies, injected strings (SQL, HTML, paths), forged, tampered,
// truncated, stale and replayed channel notifications, huge and negative numbers and unicode tricks — hand-written
// cases plus fast-check's (fixed seed). Every answer is 4xx (a genuine notification delivered again answers 200 and
// posts nothing new; UnionPay's front notification redirects the browser, to our own pages only), never 5xx, and every
// table of the database is as it was (the audit log may only gain failed logins). Prints one JSON line: routes,
// inputs, statuses.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayLink } from '../../../src/modules/messages/pay-link.ts';
import type { PayChannel, Provider } from '../../../src/modules/payments/channels/types.ts';
import type { OutgoingRequest } from '../../../src/simulators/kit.ts';
import { createTestApp, type TestApp } from '../../helpers/app.ts';
import {
  connectTestChannels,
  payingTenant,
  snapshot,
  type TestChannels,
  tenantHeaders,
} from '../../helpers/payments.ts';
import { auditActionsSince, fingerprint, lastAuditId } from './fixtures.ts';

let t: TestApp;
let channels: TestChannels;
let payLink: string;
let receiptCode: string;
const genuine: Partial<Record<Provider, OutgoingRequest>> = {};
const statuses: Record<string, number> = {};
const routesTried = new Set<string>();
let inputs = 0;
let address = 0;

const db = () => t.database.orm;
const SEED = 20261126;

interface Hostile {
  route: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

/**
 * Sends one hostile request (each from an address of its own, so the per-address rate limits do not answer for the
 * route) and returns the status; 5xx fails at once, naming the input.
 */
async function send(input: Hostile): Promise<number> {
  address++;
  const response = await t.app.inject({
    method: input.method,
    url: input.url,
    headers: input.headers ?? {},
    remoteAddress: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
    ...(input.payload !== undefined ? { payload: input.payload } : {}),
  });
  inputs++;
  routesTried.add(input.route);
  statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
  const payload = String(input.payload ?? '');
  const shown = `${input.method} ${input.url.slice(0, 200)} ${payload.slice(0, 200)}${payload.length > 200 ? ` … ${payload.slice(-120)}` : ''} ${JSON.stringify(input.headers ?? {})}`;
  expect(response.statusCode, `${shown} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
  expect(response.body, shown).not.toMatch(/at .+\.ts:\d+|stack/i);
  if (input.route === 'POST /notify/unionpay/front' && response.statusCode === 303) {
    // The browser's return from UnionPay's page: whatever came back, it is sent to our own portal, never elsewhere.
    expect(String(response.headers.location), shown).toMatch(new RegExp(`^${t.config.publicBaseUrl}/m/`));
  } else {
    expect(
      response.statusCode,
      `${shown} → ${response.statusCode} ${response.body.slice(0, 300)}`,
    ).toBeGreaterThanOrEqual(400);
  }
  return response.statusCode;
}

const JSON_TYPE = { 'content-type': 'application/json' };

// ---- The inputs ----

const SQL = [
  "' OR '1'='1",
  "admin'--",
  "'; DROP TABLE users; --",
  "1' UNION SELECT password_hash FROM users--",
  "\\'; SELECT pg_sleep(5); --",
  '$$; DELETE FROM bills; $$',
];
const HTML = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  ['{{7*7}}', '$', '{7*7}'].join(''),
];
const PATHS = [
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'a\u0000b',
  '/dev/zero',
  'file:///etc/passwd',
];
const UNICODE = [
  '\u202eadmin',
  'ad\u200bmin',
  'аdmin', // Cyrillic а
  '１３８００１３８０００', // full-width digits
  'e\u0301\u0301\u0301\u0301',
  '😀'.repeat(50),
  '\ud800',
  '\uffff\ufffe',
  'Ａｄｍｉｎ',
];
const NUMBERS = [1e308, -1, -0, 2 ** 53 + 2, -(2 ** 53) - 2, 1.5, 0.1 + 0.2, Number.MAX_SAFE_INTEGER];
const STRINGS = [...SQL, ...HTML, ...PATHS, ...UNICODE, '', ' ', 'x'.repeat(10_000)];

/** Bodies that are not the JSON object a route wants, whatever its fields. */
const BROKEN_BODIES: { headers: Record<string, string>; payload: string | Buffer }[] = [
  { headers: JSON_TYPE, payload: '{' },
  { headers: JSON_TYPE, payload: '{"username": "admin", "password": ' },
  { headers: JSON_TYPE, payload: '[]' },
  { headers: JSON_TYPE, payload: 'null' },
  { headers: JSON_TYPE, payload: '"admin"' },
  { headers: JSON_TYPE, payload: '1e99999' },
  { headers: JSON_TYPE, payload: '' },
  { headers: JSON_TYPE, payload: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { headers: JSON_TYPE, payload: '{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}' },
  {
    headers: JSON_TYPE,
    payload: Buffer.from([0x7b, 0x22, 0x70, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d]),
  },
  { headers: JSON_TYPE, payload: iconv.encode('{"username":"管理员","phone":"一三八","channel":"微信"}', 'gbk') },
  { headers: { 'content-type': 'application/json; charset=gbk' }, payload: iconv.encode('{"phone":"１３８"}', 'gbk') },
  { headers: { 'content-type': 'application/json; charset=utf-16' }, payload: Buffer.from('{"phone":"1"}', 'utf16le') },
  { headers: { 'content-type': 'text/plain' }, payload: 'username=admin&password=x' },
  { headers: { 'content-type': 'application/xml' }, payload: '<xml><username>admin</username></xml>' },
  { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=admin&password=x' },
  {
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    payload: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
  },
  { headers: { 'content-type': 'multipart/form-data' }, payload: 'garbage' },
  { headers: { 'content-type': '../../etc/passwd' }, payload: '{}' },
  { headers: {}, payload: '{"username":"admin"}' },
  // Over the body limit (1 MiB by default).
  { headers: JSON_TYPE, payload: `{"username":"${'a'.repeat(1_100_000)}"}` },
  { headers: { ...JSON_TYPE, 'content-length': '5' }, payload: '{"username":"admin","password":"x"}' },
];

/** Field values every JSON route is fed: hand-written, plus fast-check's anything-goes values (fixed seed). */
function hostileValues(count: number): unknown[] {
  const generated = fc.sample(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.integer(),
      fc.double(),
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(...STRINGS),
    ),
    { seed: SEED, numRuns: count },
  );
  return [...STRINGS, ...NUMBERS, null, true, {}, [], ['x'], { $ne: null }, { $gt: '' }, ...generated];
}

/** The public JSON routes: what a well-formed body looks like and the fields an attacker fills. */
function jsonRoutes(): { route: string; url: string; valid: Record<string, unknown> }[] {
  return [
    {
      route: 'POST /api/v1/auth/login',
      url: '/api/v1/auth/login',
      valid: { username: 'nobody-hostile', password: 'Wrong@Pass1' },
    },
    { route: 'POST /api/v1/portal/auth/otp', url: '/api/v1/portal/auth/otp', valid: { phone: '1380013800' } },
    {
      route: 'POST /api/v1/portal/auth/login',
      url: '/api/v1/portal/auth/login',
      valid: { phone: '13800138000', code: '000000' },
    },
    {
      route: 'POST /api/v1/portal/pay-links/:token/payment-orders',
      url: `/api/v1/portal/pay-links/${payLink}/payment-orders`,
      valid: { channel: 'no_such_channel' },
    },
  ];
}

/** Path segments for the public routes that take one. */
const SEGMENTS = [
  ...['..', '../..', '%2e%2e', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%2f..%2f..%2fetc%2fpasswd', '%252e%252e%252f'],
  ...['a%00b', '%00', '%ff%fe', '%E0%A4%A', '%', '%c0%ae%c0%ae', '%u002e'],
  ...SQL.map(encodeURIComponent),
  ...HTML.map(encodeURIComponent),
  ...UNICODE.filter((text) => text !== '\ud800').map(encodeURIComponent),
  'x'.repeat(499),
  'x'.repeat(5000),
  '1e999',
  '-1',
  'null',
];

function pathRoutes(): { route: string; url: (segment: string) => string }[] {
  return [
    { route: 'GET /api/v1/portal/pay-links/:token', url: (s) => `/api/v1/portal/pay-links/${s}` },
    {
      route: 'GET /api/v1/portal/pay-links/:token/payment-orders/:orderNo',
      url: (s) => `/api/v1/portal/pay-links/${payLink}/payment-orders/${s}`,
    },
    {
      route: 'GET /api/v1/portal/pay-links/:token/payment-orders/:orderNo',
      url: (s) => `/api/v1/portal/pay-links/${s}/payment-orders/AP2026112600000000000001`,
    },
    {
      route: 'POST /api/v1/portal/pay-links/:token/payment-orders',
      url: (s) => `/api/v1/portal/pay-links/${s}/payment-orders`,
    },
    { route: 'GET /api/v1/public/receipts/:verifyCode', url: (s) => `/api/v1/public/receipts/${s}` },
  ];
}

// ---- Genuine notifications to tamper with and replay ----

const CHANNEL_OF: Record<Provider, PayChannel> = {
  wechatpay: 'wechat_native',
  alipay: 'alipay_qr',
  unionpay: 'unionpay',
};

/** A portal order paid at the simulator while recording: the channel's signed notification, not yet delivered. */
async function recordedNotification(provider: Provider, skewMs = 0): Promise<OutgoingRequest> {
  const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 88_800 }]);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/payment-orders',
    headers: await tenantHeaders(t, p.tenantId),
    payload: { billIds: [p.bills[0]!.id], channel: CHANNEL_OF[provider] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const order = created.json();
  if (provider === 'unionpay') {
    const form = order.payForm as { action: string; fields: Record<string, string> };
    const page = await fetch(form.action, { method: 'POST', body: new URLSearchParams(form.fields) });
    expect(page.status).toBeLessThan(400);
  }
  channels.mode = 'record';
  channels.recorded.length = 0;
  channels.clockSkewMs = skewMs;
  try {
    const paid = await fetch(`${channels.simulator.url}/_sim/${provider}/orders/${order.orderNo}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(paid.status).toBe(200);
    await channels.simulator.settled();
  } finally {
    channels.mode = 'forward';
    channels.clockSkewMs = 0;
  }
  const found = channels.recorded.find((item) => new URL(item.url).pathname === `/notify/${provider}`);
  if (!found) throw new Error(`no ${provider} notification recorded`);
  return found.request;
}

const notify = (provider: Provider | 'unionpay/front', request: OutgoingRequest, route = `POST /notify/${provider}`) =>
  send({ route, method: 'POST', url: `/notify/${provider}`, headers: request.headers, payload: request.body });

/** The same notification changed by hand: a forged or re-used signature, altered fields, truncated or empty. */
function tampered(provider: Provider, request: OutgoingRequest): OutgoingRequest[] {
  const body = request.body;
  const header = (name: string, value: string) => ({ ...request, headers: { ...request.headers, [name]: value } });
  const variants: OutgoingRequest[] = [
    { ...request, body: body.slice(0, Math.floor(body.length / 2)) },
    { ...request, body: '' },
    // A space inside the first signed value (a space after the last, Alipay's base64 `sign`, is no change at all).
    { ...request, body: body.replace('=', '= ') },
    { ...request, body: body.replace(/\d/, (digit) => String((Number(digit) + 1) % 10)) },
  ];
  if (provider === 'wechatpay') {
    // Without its headers a WeChat Pay notification has no signature. (An Alipay or UnionPay form without a content
    // type is still the genuine, signed form: a replay, answered 200 with nothing posted, as the replay test checks.)
    variants.push({ ...request, headers: {} });
    const json = JSON.parse(body);
    const resource = json.resource;
    const withResource = (change: object) => ({
      ...request,
      body: JSON.stringify({ ...json, resource: { ...resource, ...change } }),
    });
    variants.push(
      withResource({ ciphertext: resource.ciphertext.slice(0, -24) }),
      withResource({ ciphertext: resource.ciphertext.slice(0, 8) }),
      withResource({ ciphertext: '' }),
      withResource({ nonce: 'AAAAAAAAAAAA' }),
      withResource({ associated_data: 'refund' }),
      withResource({ algorithm: 'none' }),
      { ...request, body: JSON.stringify({ ...json, event_type: 'REFUND.SUCCESS' }) },
      header('Wechatpay-Signature', Buffer.from('forged').toString('base64')),
      header('Wechatpay-Signature', ''),
      header('Wechatpay-Timestamp', String(Math.floor(Date.now() / 1000) - 3600)),
      header('Wechatpay-Timestamp', '99999999999999999999'),
      header('Wechatpay-Timestamp', '-1'),
      header('Wechatpay-Nonce', "' OR 1=1 --"),
      header('Wechatpay-Serial', '../../../etc/passwd'),
      header('Wechatpay-Serial', 'PUB_KEY_ID_0000000000000000000000000000'),
    );
  } else {
    const form = new URLSearchParams(body);
    const withField = (name: string, value: string | null) => {
      const copy = new URLSearchParams(form);
      if (value === null) copy.delete(name);
      else copy.set(name, value);
      return { ...request, body: copy.toString() };
    };
    const amount = provider === 'alipay' ? 'total_amount' : 'txnAmt';
    const signature = provider === 'alipay' ? 'sign' : 'signature';
    variants.push(
      withField(amount, provider === 'alipay' ? '0.01' : '1'),
      withField(amount, '-888.00'),
      withField(amount, '1e308'),
      withField(amount, '99999999999999999999999'),
      withField(signature, null),
      withField(signature, 'Zm9yZ2Vk'),
      withField(signature, form.get(signature)!.slice(0, 20)),
      withField(provider === 'alipay' ? 'out_trade_no' : 'orderId', "' OR '1'='1"),
      withField(provider === 'alipay' ? 'trade_status' : 'respCode', 'TRADE_SUCCESS\u0000'),
      withField(provider === 'alipay' ? 'sign_type' : 'signMethod', provider === 'alipay' ? 'RSA' : '11'),
      withField(provider === 'alipay' ? 'app_id' : 'merId', '2021000000000000'),
      withField(provider === 'alipay' ? 'notify_time' : 'txnTime', '1999-01-01 00:00:00'),
      { ...request, body: gbkPercentEncoded(body) },
      { ...request, body: `${body}&${amount}=0.01` },
      { ...request, body: body.replaceAll('&', ';') },
    );
  }
  // A variant identical to the genuine body would be a replay (answered 200, tested above), not a tampering.
  return variants.filter((variant) => variant.body !== body || variant.headers !== request.headers);
}

/** The form's percent-encoded UTF-8 text percent-encoded as GBK instead (the signature covers the UTF-8). */
function gbkPercentEncoded(body: string): string {
  return body.replace(/(%[0-9A-F]{2})+/gi, (encoded) => {
    try {
      const bytes = iconv.encode(decodeURIComponent(encoded), 'gbk');
      return [...bytes].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    } catch {
      return encoded;
    }
  });
}

/** Bodies for a notification endpoint that are nothing like a notification. */
const NOTIFY_GARBAGE: { headers: Record<string, string>; payload: string | Buffer }[] = [
  ...BROKEN_BODIES,
  {
    headers: { 'content-type': 'application/xml' },
    payload: '<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>',
  },
  { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=%E0%A4%A&b=%' },
  { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `${'a=b&'.repeat(100_000)}` },
  {
    headers: { 'content-type': 'application/json' },
    payload: '{"id":"x","resource":{"ciphertext":"AAAA","nonce":"x","associated_data":"x"}}',
  },
];

beforeAll(async () => {
  // The login and SMS-code limits are per address a minute: each hostile request comes from an address of its own.
  t = await createTestApp();
  channels = await connectTestChannels(t);
  const p = await payingTenant(db(), t.orgId, [{ dueDate: '2026-01-01', amountFen: 50_000 }]);
  payLink = signPayLink(t.app.messaging.payLinkKey, { billId: p.bills[0]!.id, orgId: t.orgId });
  const desk = await t.app.inject({
    method: 'POST',
    url: '/api/v1/payments',
    headers: await t.as('caiwu'),
    payload: {
      tenantId: p.tenantId,
      amountFen: 50_000,
      receivedOn: '2026-01-01',
      method: 'cash',
      billIds: [p.bills[0]!.id],
    },
  });
  expect(desk.statusCode, desk.body).toBe(201);
  const receipts = await t.app.inject({ url: '/api/v1/receipts?pageSize=1', headers: await t.as('caiwu') });
  receiptCode = receipts.json().items[0]?.verifyCode ?? 'none';
  for (const provider of ['wechatpay', 'alipay', 'unionpay'] as const)
    genuine[provider] = await recordedNotification(provider);
}, 180_000);

afterAll(async () => {
  console.log(
    JSON.stringify({
      test: 'hostile-input',
      db: t?.kind,
      routes: routesTried.size,
      inputs,
      statuses: Object.fromEntries(Object.entries(statuses).sort()),
    }),
  );
  await channels?.simulator.close();
  await t?.close();
});

describe('a genuine notification', () => {
  it('delivered again, at once and later, answers 200 and posts nothing new; a stale one is refused', async () => {
    for (const provider of ['wechatpay', 'alipay', 'unionpay'] as const) {
      const request = genuine[provider]!;
      const first = await channels.toApp(`http://app/notify/${provider}`, request);
      expect(first.status, first.body).toBeLessThan(300);
      const posted = await fingerprint(db());
      const replays = await Promise.all([1, 2, 3].map(() => channels.toApp(`http://app/notify/${provider}`, request)));
      for (let i = 0; i < 3; i++) replays.push(await channels.toApp(`http://app/notify/${provider}`, request));
      for (const replay of replays) expect(replay.status, replay.body).toBeLessThan(300);
      inputs += replays.length;
      routesTried.add(`POST /notify/${provider}`);
      statuses[200] = (statuses[200] ?? 0) + replays.length;
      expect(await fingerprint(db())).toEqual(posted);
    }
    // Signed by the gateway six minutes ago and never delivered: refused as a replay, nothing written.
    const stale = await recordedNotification('wechatpay', -6 * 60_000);
    const before = await fingerprint(db());
    expect(await notify('wechatpay', stale)).toBeGreaterThanOrEqual(400);
    expect(await fingerprint(db())).toEqual(before);
  });
});

describe('every public route', () => {
  it('is one the test knows: the route table has no public route left untried', () => {
    const known = [
      'GET /openapi.json',
      'GET /healthz',
      'GET /metrics',
      ...jsonRoutes().map((route) => route.route),
      ...pathRoutes().map((route) => route.route),
      'POST /notify/wechatpay',
      'POST /notify/alipay',
      'POST /notify/unionpay',
      'POST /notify/unionpay/front',
    ];
    const publicRoutes = t.app.routeAccess
      .filter((route) => route.access === 'public' && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url}`);
    expect(new Set(publicRoutes)).toEqual(new Set(known));
  });

  it('answers hostile input with 4xx, never 5xx, and changes nothing in the database', async () => {
    const before = await fingerprint(db());
    const payments = await snapshot(db());
    const auditFrom = await lastAuditId(db());

    // Reads that take no input: hostile query strings and headers.
    for (const url of ['/healthz', '/metrics', '/openapi.json']) {
      for (const query of ['?x=%00', `?${SQL[0]}`, '?a[b][c]=1', `?q=${'x'.repeat(10_000)}`]) {
        address++;
        const response = await t.app.inject({ url: url + query, headers: { 'accept-language': "zh'--" } });
        expect(response.statusCode).toBeLessThan(500);
        inputs++;
        routesTried.add(`GET ${url}`);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      }
    }

    // JSON routes: broken bodies, then the valid shape with each field set to each hostile value.
    const values = hostileValues(120);
    for (const route of jsonRoutes()) {
      for (const body of BROKEN_BODIES) {
        await send({
          route: route.route,
          method: 'POST',
          url: route.url,
          headers: body.headers,
          payload: body.payload,
        });
      }
      for (const field of Object.keys(route.valid)) {
        for (const value of values) {
          const payload = JSON.stringify({ ...route.valid, [field]: value });
          await send({ route: route.route, method: 'POST', url: route.url, headers: JSON_TYPE, payload });
        }
      }
      // Fields nobody asked for, and fast-check's arbitrary objects as the whole body.
      await send({
        route: route.route,
        method: 'POST',
        url: route.url,
        headers: JSON_TYPE,
        payload: JSON.stringify({ ...route.valid, role: 'admin', orgId: t.orgId, amountFen: -1 }),
      });
      for (const object of fc.sample(fc.object({ maxDepth: 2 }), { seed: SEED, numRuns: 30 })) {
        await send({
          route: route.route,
          method: 'POST',
          url: route.url,
          headers: JSON_TYPE,
          payload: JSON.stringify(object),
        });
      }
    }
    // The pay link with a well-formed body but a forged, tampered or expired token.
    const [payload, signature] = payLink.split('.') as [string, string];
    const forgedTokens = [
      `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      `${payload}x.${signature}`,
      `${payload}.`,
      `.${signature}`,
      payload,
      `${payload}.${signature}.${signature}`,
      signPayLink(t.app.messaging.payLinkKey, { billId: crypto.randomUUID(), orgId: t.orgId }, new Date('2020-01-01')),
      signPayLink(Buffer.alloc(32, 1), { billId: crypto.randomUUID(), orgId: t.orgId }),
    ];
    for (const token of forgedTokens) {
      for (const method of ['GET', 'POST'] as const) {
        await send({
          route:
            method === 'GET'
              ? 'GET /api/v1/portal/pay-links/:token'
              : 'POST /api/v1/portal/pay-links/:token/payment-orders',
          method,
          url: `/api/v1/portal/pay-links/${encodeURIComponent(token)}${method === 'POST' ? '/payment-orders' : ''}`,
          headers: JSON_TYPE,
          ...(method === 'POST' ? { payload: '{"channel":"wechat_native"}' } : {}),
        });
      }
    }

    // Path parameters: traversal, NUL, broken percent-encoding, injections, overlong; fast-check's strings too.
    const generatedSegments = fc
      .sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), { seed: SEED, numRuns: 40 })
      .map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, 'x')));
    for (const route of pathRoutes()) {
      for (const segment of [...SEGMENTS, ...generatedSegments, receiptCode.toLowerCase(), `${receiptCode}'--`]) {
        const method = route.route.startsWith('POST') ? 'POST' : 'GET';
        await send({
          route: route.route,
          method,
          url: route.url(segment),
          headers: JSON_TYPE,
          ...(method === 'POST' ? { payload: '{"channel":"wechat_native"}' } : {}),
        });
      }
    }

    // Channel notifications: garbage, then the genuine ones (already posted above) tampered with.
    for (const provider of ['wechatpay', 'alipay', 'unionpay', 'unionpay/front'] as const) {
      const route = `POST /notify/${provider}`;
      for (const body of NOTIFY_GARBAGE) {
        await send({ route, method: 'POST', url: `/notify/${provider}`, headers: body.headers, payload: body.payload });
      }
      for (const bytes of fc.sample(fc.uint8Array({ maxLength: 300 }), { seed: SEED, numRuns: 25 })) {
        await send({
          route,
          method: 'POST',
          url: `/notify/${provider}`,
          headers: {
            'content-type': provider === 'wechatpay' ? 'application/json' : 'application/x-www-form-urlencoded',
          },
          payload: Buffer.from(bytes),
        });
      }
      const base = provider === 'unionpay/front' ? 'unionpay' : provider;
      for (const variant of tampered(base, genuine[base]!)) await notify(provider, variant, route);
      // The genuine notification of one channel sent to another's endpoint.
      const other = genuine[base === 'wechatpay' ? 'alipay' : 'wechatpay']!;
      await notify(provider, other, route);
    }

    expect(await snapshot(db())).toEqual(payments);
    expect(await fingerprint(db())).toEqual(before);
    const audited = await auditActionsSince(db(), auditFrom);
    expect(new Set(audited).size === 0 || [...new Set(audited)].every((action) => action === 'auth.login_failed')).toBe(
      true,
    );
  }, 300_000);
});
