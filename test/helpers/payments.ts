// Shared by the online payment tests: a tenant with bills, orders written straight into the database (for postings
// built by hand), what the database holds (a snapshot to prove a refused notification wrote nothing), and the ledger
// invariants: the journal balances and each contract's receivable equals its bills' outstanding amounts.
import { expect, inject } from 'vitest';
import { type Orm, queryRows, sql } from '../../src/db/client.ts';
import { type PayChannel, PROVIDERS, type Provider } from '../../src/db/schema.ts';
import { atSimulator } from '../../src/demo/channels.ts';
import { chinaDate } from '../../src/domain/calendar.ts';
import { type MerchantAccounts, PROVIDER_OF } from '../../src/modules/payments/channels/types.ts';
import { newOrderNo } from '../../src/modules/payments/orders.ts';
import { paymentsRepository } from '../../src/modules/payments/repository.ts';
import { startSimulator } from '../../src/simulators/index.ts';
import type { ChannelKeys } from '../../src/simulators/keys.ts';
import type { OutgoingRequest } from '../../src/simulators/kit.ts';
import type { TestApp } from './app.ts';
import { accountBalance, issueBill, makeContract, makeTenant, trialBalance } from './collections.ts';

/**
 * The channel simulators in-process with fresh keys, and the test org's channels connected to them through the API.
 * Notifications reach the app under test without a socket (`mode: 'forward'`), or are kept in `recorded` and
 * acknowledged (`mode: 'record'`) for a test to deliver itself, as often and whenever it likes.
 */
export interface TestChannels {
  simulator: Awaited<ReturnType<typeof startSimulator>>;
  accounts: MerchantAccounts;
  mode: 'forward' | 'record';
  recorded: { url: string; request: OutgoingRequest }[];
  /** The simulator's clock is this far off (a replay test makes it sign notifications in the past). */
  clockSkewMs: number;
  /** Delivers a (recorded) notification to the app, as the channel would. */
  toApp(url: string, request: OutgoingRequest): Promise<{ status: number; body: string }>;
}

/** The run's shared merchant and simulator keys (made once by test/helpers/channel-keys-setup.ts). */
export function testChannelKeys(): ChannelKeys {
  return structuredClone(inject('testChannelKeys'));
}

export async function connectTestChannels(
  t: TestApp,
  providers: readonly Provider[] = PROVIDERS,
): Promise<TestChannels> {
  const keys = testChannelKeys();
  const deliverToApp = async (url: string, request: OutgoingRequest) => {
    const target = new URL(url);
    const response = await t.app.inject({
      method: 'POST',
      url: `${target.pathname}${target.search}`,
      headers: request.headers,
      payload: request.body,
    });
    return { status: response.statusCode, body: response.body };
  };
  const state = { mode: 'forward' as TestChannels['mode'], recorded: [] as TestChannels['recorded'], clockSkewMs: 0 };
  const simulator = await startSimulator({
    keys: keys.simulator.keys,
    merchants: [keys.simulator.merchant],
    timeScale: 0.0001,
    feeRate: '0.006',
    now: () => new Date(Date.now() + state.clockSkewMs),
    deliver: async (url, request) => {
      if (state.mode === 'forward') return deliverToApp(url, request);
      state.recorded.push({ url, request });
      return { status: 200, body: 'success' };
    },
  });
  // The same object as `state`: tests switch its mode and clock while the simulator reads them.
  const channels: TestChannels = Object.assign(state, {
    simulator,
    accounts: atSimulator(keys.accounts, simulator.url),
    toApp: deliverToApp,
  });
  const admin = await t.as('admin');
  for (const provider of providers) {
    const account = channels.accounts[provider];
    const saved = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/channel-settings/${provider}`,
      headers: admin,
      payload: { settings: account.settings, secrets: account.secrets },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  }
  return channels;
}

/** A portal session of a tenant, as its login would open. */
export async function tenantHeaders(t: TestApp, tenantId: string) {
  const { token } = await t.app.auth.openSession(
    { principal: 'tenant', orgId: t.orgId, tenantId },
    { ip: '127.0.0.1', userAgent: 'vitest' },
  );
  return { authorization: `Bearer ${token}` };
}

export async function payingTenant(db: Orm, orgId: string, bills: { dueDate: string; amountFen: number }[]) {
  const tenant = await makeTenant(db, orgId);
  const contractId = await makeContract(db, orgId, tenant.id, null);
  const issued = [];
  for (const bill of bills) {
    issued.push(await issueBill(db, orgId, { contractId, tenantId: tenant.id, ...bill, lateFee: null }));
  }
  return { tenantId: tenant.id, tenantName: tenant.name, contractId, bills: issued };
}

/** An order as the service would have made it (status created), without asking a channel. */
/**
 * A new tenant's bill ordered through the portal and paid at the simulator at `paidAt` (notified unless the
 * instruction says `notify: false`; `amountFen` there pays another amount), the simulator's deliveries settled.
 */
export async function paidAtSimulator(
  t: TestApp,
  channels: TestChannels,
  input: { channel: PayChannel; provider: Provider; paidAt: string; amountFen: number; instruction?: object },
) {
  const p = await payingTenant(t.database.orm, t.orgId, [{ dueDate: '2026-01-01', amountFen: input.amountFen }]);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/payment-orders',
    headers: await tenantHeaders(t, p.tenantId),
    payload: { billIds: p.bills.map((bill) => bill.id), channel: input.channel },
  });
  expect(created.statusCode, created.body).toBe(201);
  const order = created.json();
  if (input.channel === 'unionpay') {
    const form = order.payForm as { action: string; fields: Record<string, string> };
    const page = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(form.fields),
      redirect: 'manual',
    });
    expect(page.status).toBeLessThan(400);
  }
  const paid = await fetch(`${channels.simulator.url}/_sim/${input.provider}/orders/${order.orderNo}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ paidAt: input.paidAt, ...input.instruction }),
  });
  expect(paid.status, await paid.clone().text()).toBe(200);
  await channels.simulator.settled();
  return { ...p, orderNo: order.orderNo as string, amountFen: order.amountFen as number };
}

export async function orderFor(
  db: Orm,
  orgId: string,
  tenantId: string,
  bills: { id: string; amountFen: number }[],
  channel: PayChannel = 'wechat_native',
  merchant: { merchantId: string; appId?: string } = { merchantId: '1900000001', appId: 'wx0000000000000001' },
) {
  const orderNo = newOrderNo();
  const provider: Provider = PROVIDER_OF[channel];
  return paymentsRepository.insertOrder(
    db,
    {
      orgId,
      orderNo,
      provider,
      channel,
      tenantId,
      amountFen: bills.reduce((sum, bill) => sum + bill.amountFen, 0),
      pricedOn: chinaDate(new Date()),
      description: '测试缴费',
      merchantId: merchant.merchantId,
      appId: merchant.appId ?? null,
      createdVia: 'portal',
      clientIp: '127.0.0.1',
      expiresAt: new Date(Date.now() + 30 * 60_000),
    },
    bills.map((bill) => ({ billId: bill.id, amountFen: bill.amountFen })),
  );
}

/** What a refused notification must leave untouched. */
export async function snapshot(db: Orm) {
  const [row] = await queryRows<Record<string, string>>(
    db,
    sql`SELECT (SELECT count(*) FROM journal_entries)::text AS entries,
               (SELECT count(*) FROM journal_lines)::text AS lines,
               (SELECT count(*) FROM payments)::text AS payments,
               (SELECT count(*) FROM payment_allocations)::text AS allocations,
               (SELECT count(*) FROM suspense_items)::text AS suspense,
               (SELECT count(*) FROM receipts)::text AS receipts,
               (SELECT count(*) FROM outbound_messages)::text AS messages,
               (SELECT string_agg(order_no || ':' || status || ':' || coalesce(transaction_id, '-'), ',' ORDER BY order_no)
                  FROM payment_orders) AS orders,
               (SELECT string_agg(id || ':' || status || ':' || principal_paid_fen, ',' ORDER BY id) FROM bills) AS bills`,
  );
  return row!;
}

/** The journal balances, and the contract's receivable (1122) equals what its bills say is outstanding. */
export async function expectLedgerMatchesBills(db: Orm, orgId: string, contractId: string) {
  const [row] = await queryRows<{ outstanding: string }>(
    db,
    sql`SELECT coalesce(sum(amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen), 0)
               AS outstanding
          FROM bills WHERE contract_id = ${contractId} AND status <> 'void'`,
  );
  expect(await accountBalance(db, orgId, 'receivable', { contractId })).toBe(Number(row!.outstanding));
  const balance = await trialBalance(db);
  expect(balance.debitFen).toBe(balance.creditFen);
}

export async function countWhere(
  db: Orm,
  table: 'payments' | 'suspense_items' | 'receipts',
  column: string,
  value: string,
) {
  const [row] = await queryRows<{ n: string }>(
    db,
    sql`SELECT count(*)::text AS n FROM ${sql.raw(table)} WHERE ${sql.raw(column)} = ${value}`,
  );
  return Number(row!.n);
}
