import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { issueBill, makeContract, makeTenant } from '../../../test/helpers/collections.ts';
import { tenantHeaders } from '../../../test/helpers/payments.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';

const today = chinaDate(new Date());
const from = `${today.slice(0, 4)}-01-01`;

let t: TestApp;
let tenantId: string;

type Json = Record<string, unknown>;
type Document = {
  version: string;
  org: Json;
  generatedAt: string;
  asOf: string;
  collectionFrom: string;
  personalDataMasked: boolean;
  assets: Json[];
  contracts: Json[];
  collection: Json[];
  totals: Record<'assets' | 'contracts' | 'collection', Json>;
};

async function get(url: string, user = 'shenji') {
  return t.app.inject({ method: 'GET', url, headers: await t.as(user) });
}

async function report(name: string, query: string, user = 'caiwu') {
  const response = await get(`/api/v1/reports/${name}?${query}&pageSize=200`, user);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: Json[]; total: number; totals: Json };
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.orm;
  const tenant = await makeTenant(db, t.orgId, '诸葛监管');
  tenantId = tenant.id;
  const contractId = await makeContract(db, t.orgId, tenantId, null);
  await issueBill(db, t.orgId, { contractId, tenantId, dueDate: today, amountFen: 98_765, lateFee: null });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('supervision export (国资监管报送)', () => {
  it('holds the three ledgers, equal to the registers and the rent roll, with individuals’ names masked', async () => {
    for (const user of ['shenji', 'admin']) {
      const response = await get(`/api/v1/reports/supervision-export?asOf=${today}`, user);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      const document = response.json() as Document;
      expect(document).toMatchObject({ version: '1.0', asOf: today, collectionFrom: from, personalDataMasked: true });
      expect(document.org).toMatchObject({ id: t.orgId });
      expect(document.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);

      // The auditor's reports (names masked) are the same rows.
      const assets = await report('asset-register', `asOf=${today}`, 'shenji');
      expect(document.assets).toHaveLength(assets.total);
      expect(document.assets.slice(0, 200)).toEqual(assets.items);
      expect(document.totals.assets).toEqual({ count: assets.total, ...assets.totals });
      const contracts = await report('contract-register', '', 'shenji');
      expect(document.contracts).toHaveLength(contracts.total);
      expect(document.contracts.slice(0, 200)).toEqual(contracts.items);
      expect(document.totals.contracts).toEqual({ count: contracts.total, ...contracts.totals });
      const roll = await report('rent-roll', `from=${from}&to=${today}&asOf=${today}`, 'shenji');
      expect(document.collection).toHaveLength(roll.total);
      expect(document.collection.slice(0, 200)).toEqual(roll.items);
      expect(document.totals.collection).toEqual({ count: roll.total, ...roll.totals });
      const sum = (rows: Json[], key: string) => rows.reduce((total, row) => total + Number(row[key] ?? 0), 0);
      expect(sum(document.collection, 'outstandingFen')).toBe(roll.totals.outstandingFen);
      expect(sum(document.contracts, 'monthlyRentFen')).toBe(contracts.totals.monthlyRentFen);

      // Figures from the tables themselves.
      const [counts] = await queryRows<{ assets: string; contracts: string; billed: string }>(
        t.database.orm,
        sql`SELECT (SELECT count(*) FROM assets WHERE org_id = ${t.orgId})::text AS assets,
                   (SELECT count(*) FROM contracts WHERE org_id = ${t.orgId})::text AS contracts,
                   (SELECT coalesce(sum(amount_fen), 0) FROM bills WHERE org_id = ${t.orgId} AND status <> 'void'
                       AND due_date BETWEEN ${from}::date AND ${today}::date)::text AS billed`,
      );
      expect(document.assets).toHaveLength(Number(counts!.assets));
      expect(document.contracts).toHaveLength(Number(counts!.contracts));
      expect(document.totals.collection.billedFen).toBe(Number(counts!.billed));

      // No individual's full name, even for a reader who may reveal them.
      const individuals = await queryRows<{ name: string }>(
        t.database.orm,
        sql`SELECT name FROM tenants WHERE org_id = ${t.orgId} AND kind = 'individual' AND char_length(name) > 1`,
      );
      expect(individuals.length).toBeGreaterThan(0);
      for (const { name } of individuals) expect(response.body).not.toContain(`"${name}"`);
      expect(response.body).toContain('"诸***"');
      expect(document.collection.some((row) => row.tenantName === '诸***' && row.billedFen === 98_765)).toBe(true);
    }
  }, 120_000);

  it('as of an earlier day counts only what was collected by then', async () => {
    const asOf = addDays(today, -1);
    const response = await get(`/api/v1/reports/supervision-export?asOf=${asOf}&from=${addDays(today, -300)}`);
    expect(response.statusCode).toBe(200);
    const document = response.json() as Document;
    const roll = await report('rent-roll', `from=${addDays(today, -300)}&to=${asOf}&asOf=${asOf}`, 'shenji');
    expect(document.totals.collection).toEqual({ count: roll.total, ...roll.totals });
  }, 120_000);

  it('is described in the OpenAPI document, field by field', async () => {
    const openapi = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = openapi.paths['/api/v1/reports/supervision-export'].get;
    const schema = operation.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['version', 'org', 'generatedAt', 'asOf', 'assets', 'contracts', 'collection', 'totals']),
    );
    const collectionFields = schema.properties.collection.items.properties;
    expect(collectionFields.outstandingFen.description).toContain('未收金额');
    for (const field of Object.values(collectionFields) as { description?: string }[]) {
      expect(field.description).toBeTruthy();
    }
    expect(openapi.paths['/api/v1/reports/vouchers'].get).toBeTruthy();
    expect(openapi.paths['/api/v1/reports/voucher-mapping'].put).toBeTruthy();
  }, 120_000);

  it('refuses a tenant, an anonymous caller and bad filters', async () => {
    const url = '/api/v1/reports/supervision-export';
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const asTenant = await t.app.inject({ method: 'GET', url, headers: await tenantHeaders(t, tenantId) });
    expect(asTenant.statusCode).toBe(403);
    for (const query of ['asOf=2026-02-30x', `asOf=${today}&from=${addDays(today, 1)}`, 'extra=1', 'from=1990-01-01']) {
      expect((await get(`${url}?${query}`)).statusCode, query).toBe(400);
    }
  }, 120_000);
});
