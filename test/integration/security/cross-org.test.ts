// Issue #9, authorization matrix (the data half): no id of another organisation can be read or changed. Organisation A
// (the demo) gets one real record of every kind a route takes by id — asset and its attachment, tenant, contract and
// its attachment, contract template, bill, waiver, desk and online payments, receipt, payment order, suspense item,
// refund, reconciliation run and difference, bank statement mapping and line, ledger account and entry, user.
// Organisation B's staff member holding every role but the auditor's then calls every staff route with A's ids (and a
// body its schema accepts): each answers 404 (or 403), and every table of the database is what it was. B's lists and
// reads never name A's records. A tenant reaches neither another tenant's orders, receipts nor bills.
import { randomInt, randomUUID } from 'node:crypto';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../../src/db/client.ts';
import { addDays, chinaDate } from '../../../src/domain/calendar.ts';
import { adapterForOrg } from '../../../src/modules/payments/channel-settings.ts';
import { statementBytes } from '../../../src/modules/payments/channels/statement-file.ts';
import { createTestApp, type TestApp } from '../../helpers/app.ts';
import { issueBill } from '../../helpers/collections.ts';
import {
  connectTestChannels,
  paidAtSimulator,
  payingTenant,
  type TestChannels,
  tenantHeaders,
} from '../../helpers/payments.ts';
import { multipartFile } from '../../helpers/uploads.ts';
import { fingerprint, otherOrg } from './fixtures.ts';

let t: TestApp;
let channels: TestChannels;
/** Organisation A's records: route parameter name (per route prefix) → a real id. */
const ids: Record<string, string> = {};
/** Two tenants of A with an online payment each, for the portal's half. */
const tenants: { tenantId: string; orderNo: string; receiptId: string; billId: string; paymentId: string }[] = [];

const db = () => t.database.orm;
const today = () => chinaDate(new Date());

async function api(method: string, url: string, user: string, payload?: object) {
  const response = await t.app.inject({
    method: method as 'POST',
    url: `/api/v1${url}`,
    headers: await t.as(user),
    ...(payload ? { payload } : {}),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function upload(url: string, user: string, fileName: string, content: Buffer, contentType?: string) {
  const form = multipartFile(fileName, content, contentType);
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    headers: { ...(await t.as(user)), ...form.headers },
    payload: form.payload,
  });
  if (response.statusCode >= 300) throw new Error(`POST ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function one(query: ReturnType<typeof sql>): Promise<string> {
  const [row] = await queryRows<{ id: string }>(db(), query);
  if (!row) throw new Error('no row');
  return row.id;
}

/** A tenant of A who paid a bill online (WeChat Pay, at the simulator) on `paidAt`; its receipt and payment. */
async function paidOnline(paidAt: string, amountFen: number) {
  const paid = await paidAtSimulator(t, channels, {
    channel: 'wechat_native',
    provider: 'wechatpay',
    paidAt,
    amountFen,
  });
  const paymentId = await one(sql`SELECT id FROM payments WHERE payment_order_no = ${paid.orderNo}`);
  return { ...paid, paymentId };
}

beforeAll(async () => {
  t = await createTestApp({ loginRateLimitPerMinute: 10_000 });
  channels = await connectTestChannels(t, ['wechatpay']);
  const A = t.orgId;
  const yesterday = addDays(today(), -1);

  // The demo's records.
  ids.user = await one(sql`SELECT id FROM users WHERE username = 'zichan'`);
  ids.asset = await one(sql`SELECT id FROM assets WHERE org_id = ${A} ORDER BY code LIMIT 1`);
  ids.contract = await one(sql`SELECT id FROM contracts WHERE org_id = ${A} AND status = 'active' ORDER BY id LIMIT 1`);
  ids.tenant = await one(sql`SELECT tenant_id AS id FROM contracts WHERE id = ${ids.contract}`);
  ids.bill = await one(sql`SELECT id FROM bills WHERE org_id = ${A} AND status = 'open' ORDER BY id LIMIT 1`);
  ids.account = await one(sql`SELECT id FROM ledger_accounts WHERE org_id = ${A} ORDER BY code LIMIT 1`);

  // Attachments and a contract template.
  ids.assetAttachment = (await upload(`/assets/${ids.asset}/attachments`, 'zichan', '照片.png', PNG, 'image/png')).id;
  ids.contractAttachment = (
    await upload(`/contracts/${ids.contract}/attachments`, 'zichan', '附件.png', PNG, 'image/png')
  ).id;
  const template = await t.app.inject({ url: '/api/v1/contract-templates/default', headers: await t.as('admin') });
  ids.template = (await upload('/contract-templates', 'admin', '模板.docx', template.rawPayload)).id;

  // Money: two tenants paying online (payments, receipts, orders), one of them overpaid at the desk as well
  // (an advance to refund), a payment the channel made for less than the order (suspense), a waiver request.
  for (const hour of ['09', '10']) {
    const paid = await paidOnline(`${yesterday}T${hour}:00:00+08:00`, 80_000 + randomInt(1000));
    tenants.push({
      tenantId: paid.tenantId,
      orderNo: paid.orderNo,
      billId: paid.bills[0]!.id,
      paymentId: paid.paymentId,
      receiptId: await one(sql`SELECT id FROM receipts WHERE payment_id = ${paid.paymentId}`),
    });
  }
  ids.orderNo = tenants[0]!.orderNo;
  ids.receipt = tenants[0]!.receiptId;
  const desk = await api('POST', '/payments', 'caiwu', {
    tenantId: tenants[1]!.tenantId,
    amountFen: 50_000,
    receivedOn: today(),
    method: 'cash',
    billIds: [],
  });
  ids.payment = desk.id ?? desk.payment?.id;
  ids.refund = (
    await api('POST', '/refunds', 'caiwu', {
      kind: 'overpayment',
      paymentId: ids.payment,
      amountFen: 10_000,
      reason: '多缴退回',
      method: 'offline',
    })
  ).id;
  await paidAtSimulator(t, channels, {
    channel: 'wechat_native',
    provider: 'wechatpay',
    paidAt: `${yesterday}T11:00:00+08:00`,
    amountFen: 70_000,
    instruction: { amountFen: 69_000 },
  });
  ids.suspense = await one(sql`SELECT id FROM suspense_items WHERE org_id = ${A} ORDER BY created_at DESC LIMIT 1`);
  const late = await payingTenant(db(), A, []);
  const lateBill = await issueBill(db(), A, { ...late, dueDate: '2025-01-01', amountFen: 100_000 });
  ids.waiver = (await api('POST', `/bills/${lateBill.id}/waivers`, 'caiwu', { amountFen: 100, reason: '减免' })).id;
  ids.entry = await one(sql`SELECT journal_entry_id AS id FROM payments WHERE id = ${tenants[0]!.paymentId}`);

  // Reconciliation: yesterday's WeChat Pay statement, one line altered by hand (a difference).
  const adapter = await adapterForOrg(t.app.payments, A, 'wechatpay');
  const file = await adapter.fetchStatement(yesterday);
  let statement: Buffer;
  try {
    statement = await statementBytes(file);
  } finally {
    await file.dispose();
  }
  if (statement[0] === 0x50) statement = Buffer.from(Object.values(unzipSync(new Uint8Array(statement)))[0]!);
  const altered = statement.toString('utf8').replace(tenants[0]!.orderNo, `${tenants[0]!.orderNo.slice(0, -4)}9999`);
  const boundary = '----assetpay-security';
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const run = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reconciliations/upload',
    headers: { ...(await t.as('caiwu')), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(field('channel', 'wechatpay') + field('date', yesterday)),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bill.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.from(altered),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  if (run.statusCode >= 300) throw new Error(`reconciliation upload: ${run.statusCode} ${run.body}`);
  ids.run = run.json().id;
  ids.difference = await one(
    sql`SELECT id FROM reconciliation_differences WHERE run_id = ${ids.run} ORDER BY id LIMIT 1`,
  );

  // A bank statement: its column mapping and an imported line.
  ids.mapping = (await api('POST', '/bank-statements/mappings', 'caiwu', MAPPING)).id;
  const csv = iconv.encode(
    `交易日期,贷方发生额,借方发生额,对方户名,摘要\r\n${yesterday},123.45,,某公司,房租\r\n`,
    'gbk',
  );
  const imported = await upload(`/bank-statements/imports?mappingId=${ids.mapping}`, 'caiwu', '流水.csv', csv);
  ids.line = await one(sql`SELECT id FROM bank_statement_lines WHERE import_id = ${imported.import.id} LIMIT 1`);

  await otherOrg(t, [{ username: 'other_all', roles: ['admin', 'asset_manager', 'finance', 'approver'] }]);
}, 180_000);

afterAll(async () => {
  await channels?.simulator.close();
  await t?.close();
});

const MAPPING = {
  name: '工行基本户',
  accountLabel: '工商银行基本户',
  accountNo: '6222 0202 0000 1234 567',
  headerRow: 1,
  columns: { date: '交易日期', credit: '贷方发生额', debit: '借方发生额', payerName: '对方户名', reference: '摘要' },
  dateFormat: 'YYYY-MM-DD',
  encoding: 'gbk',
};
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

/** Bodies the schema's smallest sample does not make: what another organisation would most like to change. */
const BODIES: Record<string, object> = {
  'PATCH /api/v1/users/:id': { roles: ['admin'], status: 'disabled' },
  'PATCH /api/v1/assets/:id': { name: '另一家改的名字' },
  'PATCH /api/v1/tenants/:id': { name: '另一家改的名字' },
  'PATCH /api/v1/contracts/:id': { purpose: '另一家改的用途' },
  'PATCH /api/v1/ledger/accounts/:id': { name: '另一家改的名字' },
  'POST /api/v1/bills/:id/void': { reason: '另一家作废' },
  'POST /api/v1/bills/:id/reissue': { reason: '另一家重开', amountFen: 100, dueDate: '2026-12-01' },
  'PUT /api/v1/bank-statements/mappings/:id': { ...MAPPING, name: '另一家改的' },
};

/** Organisation A's id for a route's parameter: named by the route's path before it. */
function idFor(url: string, name: string): string | undefined {
  if (name === 'attachmentId') return url.startsWith('/api/v1/assets') ? ids.assetAttachment : ids.contractAttachment;
  if (name === 'orderNo') return ids.orderNo;
  const prefix = url.replace('/api/v1/', '').split('/')[0]!;
  const byPrefix: Record<string, string | undefined> = {
    users: ids.user,
    assets: ids.asset,
    tenants: ids.tenant,
    contracts: ids.contract,
    'contract-templates': ids.template,
    bills: ids.bill,
    ledger: url.includes('/entries/') ? ids.entry : ids.account,
    payments: ids.payment,
    waivers: ids.waiver,
    'suspense-items': ids.suspense,
    refunds: ids.refund,
    'reconciliation-differences': ids.difference,
    reconciliations: ids.run,
    'bank-statements': url.includes('/mappings/') ? ids.mapping : ids.line,
    receipts: ids.receipt,
  };
  return byPrefix[prefix];
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  minLength?: number;
  minItems?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** The smallest value the schema accepts (required properties only), from the OpenAPI document. */
function sampleOf(schema: JsonSchema | undefined, name = ''): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const variant = schema.anyOf ?? schema.oneOf;
  if (variant) return sampleOf(variant.find((item) => item.type !== 'null') ?? variant[0], name);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part, name)));
  const type = Array.isArray(schema.type) ? schema.type.find((item) => item !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const key of schema.required ?? []) value[key] = sampleOf(schema.properties?.[key], key);
      return value;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items, name));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return false;
    default:
      if (schema.format === 'date') return today();
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'uuid') return randomUUID();
      if (/password/i.test(name)) return 'Strong@Pass2026x';
      return '说明'.padEnd(Math.max(schema.minLength ?? 1, 2), '明');
  }
}

function bodyFor(method: string, url: string): object | undefined {
  if (!['POST', 'PUT', 'PATCH'].includes(method)) return undefined;
  const doc = t.app.swagger() as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  };
  const operation = doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  return (sampleOf(schema) as object) ?? {};
}

describe('another organisation', () => {
  it('gets 404 (or 403) for every id of ours on every route that takes one, and changes nothing', async () => {
    const routes = t.app.routeAccess.filter(
      (route) =>
        route.access !== 'public' &&
        route.access !== 'tenant' &&
        route.access !== undefined &&
        /:(?!provider)\w+/.test(route.url),
    );
    const headers = await t.as('other_all'); // logged in first: a login writes the user's last login
    const before = await fingerprint(db());
    const answers: { route: string; status: number; body: string }[] = [];
    const missing: string[] = [];
    for (const route of routes) {
      let unknown = false;
      const url = route.url.replace(/:(\w+)/g, (_match, name: string) => {
        const id = idFor(route.url, name);
        if (!id) unknown = true;
        return id ?? 'x';
      });
      if (unknown) {
        missing.push(`${route.method} ${route.url}`);
        continue;
      }
      const key = `${route.method} ${route.url}`;
      const form = route.url.endsWith('/attachments') ? multipartFile('照片.png', PNG, 'image/png') : undefined;
      const payload = form?.payload ?? BODIES[key] ?? bodyFor(route.method, route.url);
      const response = await t.app.inject({
        method: route.method as 'GET',
        url,
        headers: { ...headers, ...form?.headers },
        ...(payload ? { payload } : {}),
      });
      answers.push({
        route: `${route.method} ${route.url}`,
        status: response.statusCode,
        body: response.body.slice(0, 160),
      });
    }
    expect(missing).toEqual([]);
    expect(answers.length).toBeGreaterThan(60);
    expect(answers.filter((answer) => answer.status !== 404 && answer.status !== 403)).toEqual([]);
    expect(await fingerprint(db())).toEqual(before);
  });

  it('reads none of our records through its lists and reports', async () => {
    const ours = [...new Set(Object.values(ids))];
    const lists = t.app.routeAccess.filter(
      (route) =>
        route.method === 'GET' &&
        route.access !== 'public' &&
        route.access !== 'tenant' &&
        route.url.startsWith('/api/v1/') &&
        !route.url.includes(':') &&
        !/(\.xlsx|export|template)$/.test(route.url),
    );
    expect(lists.length).toBeGreaterThan(40);
    const filters = [
      `/api/v1/bills?contractId=${ids.contract}&tenantId=${ids.tenant}`,
      `/api/v1/payments?tenantId=${ids.tenant}`,
      `/api/v1/ledger/receivables?contractId=${ids.contract}`,
      `/api/v1/ledger/entries?pageSize=200`,
      `/api/v1/waivers?billId=${ids.bill}`,
      `/api/v1/bank-statements/lines?importId=${ids.line}`,
      `/api/v1/audit-log?pageSize=200`,
      `/api/v1/users?pageSize=200`,
    ];
    for (const url of [...lists.map((route) => route.url), ...filters]) {
      const response = await t.app.inject({ url, headers: await t.as('other_all') });
      expect(response.statusCode, `${url}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
      // A filter's own value may be echoed back; nothing else of ours may appear.
      for (const id of ours.filter((id) => !url.includes(id))) {
        expect(response.body.includes(id), `${url} names ${id}`).toBe(false);
      }
    }
  });
});

describe('a tenant', () => {
  it('reaches neither another tenant’s orders, receipts nor bills through the portal', async () => {
    const [me, other] = tenants as [(typeof tenants)[0], (typeof tenants)[0]];
    const headers = await tenantHeaders(t, me.tenantId);
    for (const url of ['/api/v1/portal/bills', '/api/v1/portal/payments', '/api/v1/portal/refunds']) {
      const mine = await t.app.inject({ url, headers });
      expect(mine.statusCode).toBe(200);
      for (const id of [other.billId, other.paymentId, other.receiptId, other.orderNo]) {
        expect(mine.body.includes(id), `${url} names ${id}`).toBe(false);
      }
    }
    const ownReceipt = await t.app.inject({ url: `/api/v1/portal/receipts/${me.receiptId}/pdf`, headers });
    expect(ownReceipt.statusCode).toBe(200);
    const before = await fingerprint(db());
    for (const url of [
      `/api/v1/portal/receipts/${other.receiptId}/pdf`,
      `/api/v1/portal/payment-orders/${other.orderNo}`,
    ]) {
      expect((await t.app.inject({ url, headers })).statusCode, url).toBe(404);
    }
    const order = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/payment-orders',
      headers,
      payload: { billIds: [other.billId], channel: 'wechat_native' },
    });
    expect(order.statusCode).toBeGreaterThanOrEqual(400);
    expect(order.statusCode).toBeLessThan(500);
    expect(await fingerprint(db())).toEqual(before);
  });
});
