// Shared by the crash tests (test/faults): the product as a child process on a fixed port that can be killed -9 and
// started again on the same database, a database of its own on a PostgreSQL server, a throwaway PostgreSQL cluster
// to stop with `-m immediate`, business data made by bulk SQL, the channel simulators in the test process (so their
// notification retries outlive the server), a seeded PRNG, and the ledger invariants every crash must leave true.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { PiiCipher, type PiiKeyring, randomKeyring } from '../../src/crypto/pii.ts';
import { type Database, type Orm, openDatabase, queryRows, sql } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { atSimulator } from '../../src/demo/channels.ts';
import { seedDemoLogins } from '../../src/demo/seed.ts';
import { createAuthService } from '../../src/modules/auth/service.ts';
import { startSimulator } from '../../src/simulators/index.ts';
import { builtCommand } from './built-server.ts';
import { freePort, spawnGroup } from './server.ts';

/** mulberry32: the same seed gives the same kill delays on every machine. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Progress lines on stderr with FAULTS_VERBOSE=1 (timings of each start, run and kill). */
export function progress(...parts: unknown[]) {
  if (process.env.FAULTS_VERBOSE)
    process.stderr.write(`[faults ${new Date().toISOString().slice(11, 23)}] ${parts.join(' ')}\n`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it answers something truthy; throws `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T>, timeoutMs = 60_000, everyMs = 200) {
  const started = Date.now();
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(serverUrl: string, statement: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A migrated database of its own with the demo organisation and its logins (no business data), the personal-data
 * keys the product must start with, and an open connection for the test's own reads and writes.
 */
export interface FaultDatabase {
  url: string;
  database: Database;
  orm: Orm;
  orgId: string;
  keyring: PiiKeyring;
  pii: PiiCipher;
  /** PII_KEYS, PII_INDEX_KEY and PAY_LINK_KEY for the product's environment. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createFaultDatabase(serverUrl = SERVER_URL): Promise<FaultDatabase> {
  const name = `faults_${randomBytes(5).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  const database = await openDatabase({ url, poolSize: 4 });
  let orgId: string;
  try {
    await migrate(database);
    orgId = (await seedDemoLogins(database.orm)).orgId;
  } catch (error) {
    await database.close().catch(() => {});
    await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    throw error;
  }
  const keyring = randomKeyring();
  return {
    url,
    database,
    orm: database.orm,
    orgId,
    keyring,
    pii: new PiiCipher(keyring),
    env: {
      DATABASE_URL: url,
      PII_KEYS: keyring.keys.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(','),
      PII_INDEX_KEY: keyring.indexKey.toString('base64'),
      PAY_LINK_KEY: randomBytes(32).toString('base64'),
    },
    async drop() {
      await database.close().catch(() => {});
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    },
  };
}

/** A bearer token of a staff login (as its login would open), made in the database the product reads. */
export async function staffToken(db: Orm, username: string): Promise<string> {
  const [user] = await queryRows<{ id: string; orgId: string }>(
    db,
    sql`SELECT id, org_id AS "orgId" FROM users WHERE username = ${username}`,
  );
  if (!user) throw new Error(`no user ${username}`);
  const { token } = await createAuthService(db, { sessionIdleMinutes: 600 }).openSession(
    { principal: 'staff', orgId: user.orgId, userId: user.id },
    { ip: '127.0.0.1', userAgent: 'faults' },
  );
  return token;
}

/** A bearer token of a tenant's portal session. */
export async function tenantToken(db: Orm, orgId: string, tenantId: string): Promise<string> {
  const { token } = await createAuthService(db, { sessionIdleMinutes: 600 }).openSession(
    { principal: 'tenant', orgId, tenantId },
    { ip: '127.0.0.1', userAgent: 'faults' },
  );
  return token;
}

/**
 * `count` tenants with an encrypted mobile and an active contract each (¥1,090 a month, 9% VAT, 0.05% a day late),
 * planned by bulk SQL: 12 monthly periods from 2026-01-01, due on the 1st. Answers the contracts' ids.
 */
export async function seedContracts(f: FaultDatabase, count: number, prefix = 'F'): Promise<string[]> {
  const db = f.orm;
  const phone = f.pii.encrypt('phone', '13800000000');
  const terms = {
    startDate: '2026-01-01',
    endDate: '2026-12-31',
    rent: { mode: 'fixed', monthlyFen: 109_000 },
    billingCycleMonths: 1,
    dueOffsetDays: 0,
    lateFee: { dailyRate: '0.0005', capRatio: '0.3' },
    taxRate: '0.09',
  };
  await db.execute(sql`
    INSERT INTO tenants (org_id, code, kind, name, credit_code, phone_enc, phone_index)
    SELECT ${f.orgId}, ${prefix} || lpad(i::text, 6, '0'), 'enterprise', '故障测试企业' || ${prefix} || i,
           '91' || lpad(i::text, 16, '0'), ${phone}, ${prefix} || 'phone' || i
      FROM generate_series(1, ${count}) AS i`);
  const contracts = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO contracts (org_id, number, tenant_id, status, terms, start_date, end_date, monthly_rent_fen,
                               annual_rent_fen, total_rent_fen, sign_date, activated_at, planned_at)
        SELECT ${f.orgId}, 'HT' || t.code, t.id, 'active', ${JSON.stringify(terms)}::jsonb, '2026-01-01', '2026-12-31',
               109000, 1308000, 1308000, '2025-12-20', now(), now()
          FROM tenants t WHERE t.org_id = ${f.orgId} AND t.code LIKE ${`${prefix}%`}
        RETURNING id`,
  );
  await db.execute(sql`
    INSERT INTO bill_plan (org_id, contract_id, tenant_id, kind, period_index, period_start, period_end, due_date,
                           amount_fen, net_fen, tax_fen)
    SELECT c.org_id, c.id, c.tenant_id, 'rent', k,
           (date '2026-01-01' + make_interval(months => k))::date,
           (date '2026-01-01' + make_interval(months => k + 1) - interval '1 day')::date,
           (date '2026-01-01' + make_interval(months => k))::date,
           109000, 100000, 9000
      FROM contracts c CROSS JOIN generate_series(0, 11) AS k
     WHERE c.org_id = ${f.orgId} AND c.number LIKE ${`HT${prefix}%`}`);
  await db.execute(sql`ANALYZE`);
  return contracts.map((row) => row.id);
}

export interface InvariantReport {
  /** Plan rows due with no bill, and (contract, kind, period, revision) keys with more than one. */
  missingBills: number;
  duplicateBills: number;
  /** Bills without exactly one `bill_issued` entry. */
  billsWithoutOneEntry: number;
  unbalancedEntries: number;
  debitFen: number;
  creditFen: number;
  /** Contracts whose 1122 sub-ledger differs from what their bills say is outstanding. */
  receivableMismatches: number;
}

/**
 * The invariants of issue #9 over the whole database: one bill per due plan row (through `throughDate`, when given),
 * one entry per bill, every entry balanced and the journal as a whole, and each contract's receivable (1122) equal to
 * its bills' outstanding amounts.
 */
export async function ledgerInvariants(db: Orm, throughDate?: string): Promise<InvariantReport> {
  const [row] = await queryRows<Record<keyof InvariantReport, string>>(
    db,
    sql`SELECT
      (SELECT count(*) FROM bill_plan p JOIN contracts c ON c.id = p.contract_id
        WHERE ${throughDate ?? null}::date IS NOT NULL AND NOT p.cancelled AND p.amount_fen > 0
          AND p.due_date <= ${throughDate ?? null}::date AND c.status IN ('active', 'expired', 'terminated')
          AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.contract_id = p.contract_id AND b.kind = p.kind
                                                  AND b.period_index = p.period_index)) AS "missingBills",
      (SELECT count(*) FROM (SELECT 1 FROM bills GROUP BY contract_id, kind, period_index, revision
                              HAVING count(*) > 1) d) AS "duplicateBills",
      (SELECT count(*) FROM bills b
        WHERE (SELECT count(*) FROM journal_entries e WHERE e.source_type = 'bill' AND e.source_id = b.id
                 AND e.kind = 'bill_issued') <> 1) AS "billsWithoutOneEntry",
      (SELECT count(*) FROM (SELECT 1 FROM journal_lines GROUP BY entry_id
                              HAVING sum(debit_fen) <> sum(credit_fen)) u) AS "unbalancedEntries",
      (SELECT coalesce(sum(debit_fen), 0) FROM journal_lines) AS "debitFen",
      (SELECT coalesce(sum(credit_fen), 0) FROM journal_lines) AS "creditFen",
      (SELECT count(*) FROM (
         SELECT coalesce(r.contract_id, o.contract_id) AS contract_id
           FROM (SELECT l.contract_id, sum(l.debit_fen - l.credit_fen) AS fen
                   FROM journal_lines l JOIN ledger_accounts a ON a.id = l.account_id
                  WHERE a.purpose = 'receivable' GROUP BY l.contract_id) r
           FULL JOIN (SELECT contract_id, sum(amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen
                                              - late_fee_paid_fen) AS fen
                        FROM bills WHERE status <> 'void' GROUP BY contract_id) o ON o.contract_id = r.contract_id
          WHERE coalesce(r.fen, 0) <> coalesce(o.fen, 0)) m) AS "receivableMismatches"`,
  );
  return Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, Number(value)])) as never;
}

export const INVARIANTS_HOLD: InvariantReport = {
  missingBills: 0,
  duplicateBills: 0,
  billsWithoutOneEntry: 0,
  unbalancedEntries: 0,
  debitFen: 0,
  creditFen: 0,
  receivableMismatches: 0,
};

/** The report with the journal totals replaced by whether they are equal, for one `toEqual`. */
export function invariantsOf(report: InvariantReport) {
  return { ...report, debitFen: 0, creditFen: report.debitFen - report.creditFen };
}

/**
 * The product (the run's build of src/main.ts, test/helpers/built-server.ts), on a port fixed for its life so that a
 * restart answers the notify URLs given to the channels before the crash. `kill()` is kill -9 of its process group.
 */
export class Product {
  readonly url: string;
  #child: ChildProcess | undefined;
  #output = '';
  #starts = 0;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async on(env: Record<string, string>): Promise<Product> {
    return new Product(await freePort(), env);
  }

  get starts() {
    return this.#starts;
  }

  /** Everything the processes printed so far (for a failing test's message). */
  output(): string {
    return this.#output.slice(-20_000);
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts a process (extra environment for this start only) and waits for /healthz to say ok. */
  async start(extraEnv: Record<string, string> = {}, timeoutMs = 90_000): Promise<number> {
    if (this.running) throw new Error('already running');
    const started = Date.now();
    this.#starts += 1;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-faults-'));
    const [command, args] = builtCommand('main');
    const child = spawnGroup(command, args, {
      env: {
        ...process.env,
        NODE_ENV: '',
        LOG_LEVEL: 'error',
        DEMO: 'false',
        SIMULATORS: 'false',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        PUBLIC_BASE_URL: this.url,
        NOTIFY_BASE_URL: this.url,
        ...this.env,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const collect = (chunk: Buffer) => {
      this.#output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
    while (Date.now() - started < timeoutMs) {
      if (!this.running) throw new Error(`server exited (${child.exitCode ?? child.signalCode}):\n${this.output()}`);
      if ((await this.health()) === 'ok') {
        progress(`server up on :${this.port} in ${Date.now() - started} ms (start ${this.#starts})`);
        return Date.now() - started;
      }
      await sleep(100);
    }
    this.kill();
    throw new Error(`server not healthy within ${timeoutMs} ms:\n${this.output()}`);
  }

  /** /healthz's status, or 'down' when nothing answers. */
  async health(): Promise<string> {
    try {
      const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
      return ((await response.json()) as { status?: string }).status ?? String(response.status);
    } catch {
      return 'down';
    }
  }

  /** kill -9 of the whole process group; resolves once it is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child?.pid || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }

  /** Resolves when the process ends by itself (a failpoint killed it). */
  async exited(timeoutMs = 30_000): Promise<void> {
    await waitFor('server exit', async () => !this.running, timeoutMs, 50);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child?.pid || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    const force = setTimeout(() => this.kill(), 10_000);
    await exited;
    clearTimeout(force);
  }

  /** A JSON call with a bearer token; the answer's status, body and headers. */
  async call(method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json: json as Record<string, unknown>, headers: response.headers };
  }
}

/**
 * A PostgreSQL cluster of the test's own (never the shared one): initdb into a temporary directory owned by
 * `postgres`, listening on a free port with its socket in that directory; `crash()` is `pg_ctl stop -m immediate`.
 */
export class ThrowawayPostgres {
  readonly dir: string;
  readonly port: number;

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
  }

  get url() {
    return `postgres://root@127.0.0.1:${this.port}/postgres`;
  }

  static binDir(): string {
    const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    return `/usr/lib/postgresql/${versions[0]}/bin`;
  }

  static async create(): Promise<ThrowawayPostgres> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-pg-'));
    execFileSync('chown', ['postgres:postgres', dir]);
    const cluster = new ThrowawayPostgres(dir, await freePort());
    cluster.#asPostgres('initdb', ['-D', `${dir}/data`, '-A', 'trust', '-U', 'root', '-E', 'UTF8', '--no-sync']);
    fs.appendFileSync(
      `${dir}/data/postgresql.conf`,
      `\nport = ${cluster.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\n` +
        'shared_buffers = 32MB\nmax_connections = 40\nfsync = on\n',
    );
    cluster.start();
    return cluster;
  }

  #asPostgres(program: string, args: string[]) {
    execFileSync('runuser', ['-u', 'postgres', '--', `${ThrowawayPostgres.binDir()}/${program}`, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: this.dir,
    });
  }

  /** Starts (after a crash: recovers) and waits until it accepts connections. */
  start() {
    this.#asPostgres('pg_ctl', ['-D', `${this.dir}/data`, '-l', `${this.dir}/log`, '-w', '-t', '60', 'start']);
  }

  /** The crash: every server process quits at once, no checkpoint; the next start replays the WAL. */
  crash() {
    this.#asPostgres('pg_ctl', ['-D', `${this.dir}/data`, '-m', 'immediate', '-w', 'stop']);
  }

  destroy() {
    try {
      this.#asPostgres('pg_ctl', ['-D', `${this.dir}/data`, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not running
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

type ProviderName = 'wechatpay' | 'alipay' | 'unionpay';

export interface Simulators {
  urlOf(provider: ProviderName): string;
  /** Resolves when no notification is on its way right now. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The channel simulators in the test process (they outlive every server crash and keep retrying notifications on
 * the channels' schedules), one per provider so each schedule is compressed by its own factor: UnionPay resends only
 * five times within 31 minutes, WeChat Pay and Alipay for a day. The org's three merchant accounts are connected to
 * them through the API.
 */
export async function connectSimulators(
  product: Product,
  adminToken: string,
  timeScale: Record<ProviderName, number>,
): Promise<Simulators> {
  const keys = structuredClone(inject('testChannelKeys'));
  const started = {} as Record<ProviderName, Awaited<ReturnType<typeof startSimulator>>>;
  for (const provider of ['wechatpay', 'alipay', 'unionpay'] as const) {
    started[provider] = await startSimulator({
      keys: keys.simulator.keys,
      merchants: [keys.simulator.merchant],
      timeScale: timeScale[provider],
    });
    const account = atSimulator(keys.accounts, started[provider].url)[provider];
    const saved = await product.call('PUT', `/api/v1/channel-settings/${provider}`, adminToken, {
      settings: account.settings,
      secrets: account.secrets,
    });
    if (saved.status !== 200) throw new Error(`channel ${provider}: ${saved.status} ${JSON.stringify(saved.json)}`);
  }
  const all = Object.values(started);
  return {
    urlOf: (provider) => started[provider].url,
    settled: async () => {
      await Promise.all(all.map((simulator) => simulator.settled()));
    },
    close: async () => {
      await Promise.all(all.map((simulator) => simulator.close()));
    },
  };
}

export type StormChannel = 'wechat_native' | 'alipay_qr' | 'unionpay';
export const STORM_CHANNELS: readonly StormChannel[] = ['wechat_native', 'alipay_qr', 'unionpay'];
const PROVIDER_OF_CHANNEL = { wechat_native: 'wechatpay', alipay_qr: 'alipay', unionpay: 'unionpay' } as const;

export interface StormOrder {
  orderNo: string;
  provider: 'wechatpay' | 'alipay' | 'unionpay';
  amountFen: number;
  tenantId: string;
}

/** An order for a tenant's oldest unpaid bill, made through the portal at the channel (the simulator). */
export async function orderThroughPortal(
  product: Product,
  f: FaultDatabase,
  tenantId: string,
  channel: StormChannel,
): Promise<StormOrder> {
  const [bill] = await queryRows<{ id: string }>(
    f.orm,
    sql`SELECT id FROM bills WHERE tenant_id = ${tenantId} AND status IN ('open', 'partial')
         ORDER BY due_date LIMIT 1`,
  );
  if (!bill) throw new Error(`tenant ${tenantId} has no open bill`);
  const token = await tenantToken(f.orm, f.orgId, tenantId);
  const created = await product.call('POST', '/api/v1/portal/payment-orders', token, {
    billIds: [bill.id],
    channel,
  });
  if (created.status !== 201) throw new Error(`order: ${created.status} ${JSON.stringify(created.json)}`);
  const order = created.json as { orderNo: string; amountFen: number; payForm?: { action: string; fields: object } };
  if (channel === 'unionpay' && order.payForm) {
    // The tenant's browser posts UnionPay's front form to the gateway before paying there.
    const page = await fetch(order.payForm.action, {
      method: 'POST',
      body: new URLSearchParams(order.payForm.fields as Record<string, string>),
      redirect: 'manual',
    });
    if (page.status >= 400) throw new Error(`unionpay front form: ${page.status}`);
  }
  return { orderNo: order.orderNo, provider: PROVIDER_OF_CHANNEL[channel], amountFen: order.amountFen, tenantId };
}

/** Completes the payment at the simulator, which notifies the server now and retries until acknowledged. */
export async function payAtSimulator(simulators: Simulators, order: StormOrder, instruction: object = {}) {
  const paid = await fetch(`${simulators.urlOf(order.provider)}/_sim/${order.provider}/orders/${order.orderNo}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(instruction),
  });
  if (paid.status !== 200) throw new Error(`pay ${order.orderNo}: ${paid.status} ${await paid.text()}`);
}

/** The simulator's view: has the server acknowledged a notification of this order yet? */
export async function acknowledged(simulators: Simulators, order: StormOrder): Promise<boolean> {
  const view = (await (
    await fetch(`${simulators.urlOf(order.provider)}/_sim/${order.provider}/orders/${order.orderNo}`)
  ).json()) as {
    notifications: { acknowledged: boolean }[];
  };
  return view.notifications.some((attempt) => attempt.acknowledged);
}

/** A text[] parameter of order numbers (letters and digits only). */
export function orderNoArray(orderNos: string[]): string {
  if (!orderNos.every((orderNo) => /^[A-Za-z0-9]+$/.test(orderNo))) throw new Error('order numbers are alphanumeric');
  return `{${orderNos.join(',')}}`;
}

export interface PostingReport {
  orders: number;
  /** Orders whose status is not `succeeded`. */
  notSucceeded: number;
  /** Orders without exactly one payment, payments without exactly one `payment` entry. */
  ordersWithoutOnePayment: number;
  paymentsWithoutOneEntry: number;
  /** Money sent to suspense (a second posting of a paid order would land there). */
  suspenseItems: number;
  receipts: number;
}

/** Exactly one posting per channel transaction: the orders given, their payments, entries and receipts. */
export async function postingsOf(db: Orm, orderNos: string[]): Promise<PostingReport> {
  const list = orderNoArray(orderNos);
  const [row] = await queryRows<Record<keyof PostingReport, string>>(
    db,
    sql`WITH o AS (SELECT * FROM payment_orders WHERE order_no = ANY(${list}::text[]))
        SELECT (SELECT count(*) FROM o) AS orders,
               (SELECT count(*) FROM o WHERE status <> 'succeeded') AS "notSucceeded",
               (SELECT count(*) FROM o WHERE (SELECT count(*) FROM payments p
                                               WHERE p.payment_order_no = o.order_no) <> 1) AS "ordersWithoutOnePayment",
               (SELECT count(*) FROM payments p
                 WHERE p.payment_order_no = ANY(${list}::text[])
                   AND (SELECT count(*) FROM journal_entries e WHERE e.kind = 'payment' AND e.source_id = p.id) <> 1)
                 AS "paymentsWithoutOneEntry",
               (SELECT count(*) FROM suspense_items) AS "suspenseItems",
               (SELECT count(*) FROM receipts r JOIN payments p ON p.id = r.payment_id
                 WHERE p.payment_order_no = ANY(${list}::text[])) AS receipts`,
  );
  return Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, Number(value)])) as never;
}
