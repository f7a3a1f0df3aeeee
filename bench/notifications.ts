// Payment notifications at load (#10 workload 2): the real server (src/main.ts) on a fresh PostgreSQL database, N open
// bills each with a WeChat Pay order, and a load generator in another process posting WeChat Pay v3 notifications over
// HTTP (keep-alive) exactly as the channel does: the body's resource AES-256-GCM encrypted with the merchant's API v3
// key, the Wechatpay-* headers signed with the platform key (keys made like the simulator's, src/simulators/keys.ts),
// one in ten sent twice.
// Phase 1, throughput: a closed loop of CONCURRENCY requests in flight for a fixed time. Phase 2, latency: an open loop
// at a fixed 1,000 notifications a second (each timed from its scheduled instant, so a slow server cannot hide delay).
// Baseline: pgbench's TPS, same run, for an equivalent three-statement posting transaction on scratch tables
// (UPDATE the order, INSERT the payment, INSERT the journal entry). After the run: every order succeeded once, one
// payment and one journal entry per transaction, nothing posted twice.
// Figures: notifications.throughput (ratio = notifications/s ÷ pgbench TPS, target ≥ 0.5), notifications.latency
// (p99 at 1,000/s, target < 50 ms), notifications.postings (double postings, target 0).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createCipheriv, createSign, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PiiCipher, randomKeyring } from '../src/crypto/pii.ts';
import { openDatabase, queryRows, sql } from '../src/db/client.ts';
import { systemActor } from '../src/modules/audit/service.ts';
import { runBilling } from '../src/modules/billing/run.ts';
import { channelSettingsService } from '../src/modules/payments/channel-settings.ts';
import { PROVIDERS_MODULES } from '../src/modules/payments/channels/index.ts';
import { generateChannelKeys } from '../src/simulators/keys.ts';
import { openBenchOrg } from './_app.ts';
import { flag, freshPostgresDatabase, logger, percentile, printFigure, quick, round } from './_figure.ts';

/** Who the benchmark's set-up acts as. */
const benchActor = (orgId: string) => ({ ...systemActor, orgId, name: '通知基准' });
const log = logger('notifications bench');
const THROUGHPUT_SECONDS = Number(flag('seconds') ?? (quick ? 5 : 20));
const LATENCY_SECONDS = quick ? 4 : 15;
const RATE = 1_000;
const CONCURRENCY = Number(flag('concurrency') ?? 16);
/** Unique notifications prepared for the throughput phase (it stops early if they run out). */
const THROUGHPUT_UNIQUE = Number(flag('unique') ?? (quick ? 4_000 : 20_000));
const LATENCY_UNIQUE = Math.ceil((RATE * LATENCY_SECONDS) / 1.1);
const BILLS = THROUGHPUT_UNIQUE + LATENCY_UNIQUE;
const DUE = '2026-01-01';
const AMOUNT_FEN = 109_000;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;

const orderNoOf = (i: number) => `APN${String(i).padStart(10, '0')}`;
const transactionOf = (i: number) => `4200002026010${String(i).padStart(15, '0')}`;

// ---- parent ----

const terms = {
  startDate: '2026-01-01',
  endDate: '2026-12-31',
  rent: { mode: 'fixed', monthlyFen: AMOUNT_FEN },
  billingCycleMonths: 1,
  dueOffsetDays: 0,
  lateFee: { dailyRate: '0.0005', capRatio: '0.3' },
  taxRate: '0.09',
};

/** N tenants with a phone, N active contracts, one bill each (the product's billing run) and its created order. */
async function seed(url: string, pii: PiiCipher, keys: ReturnType<typeof generateChannelKeys>) {
  const { database, db, orgId } = await openBenchOrg(url, 'BENCHN', '通知基准公司');
  try {
    const phoneEnc = pii.encrypt('phone', '13800138000');
    await db.execute(sql`
      INSERT INTO tenants (org_id, code, kind, name, credit_code, phone_enc, phone_index)
      SELECT ${orgId}, 'NT' || lpad(i::text, 7, '0'), 'enterprise', '通知企业' || i, '92' || lpad(i::text, 16, '0'),
             ${phoneEnc}, 'bench' || i
        FROM generate_series(1, ${BILLS}) AS i`);
    await db.execute(sql`
      INSERT INTO contracts (org_id, number, tenant_id, status, terms, start_date, end_date, monthly_rent_fen,
                             annual_rent_fen, total_rent_fen, sign_date, activated_at, planned_at)
      SELECT ${orgId}, 'NC2026-' || substr(t.code, 3), t.id, 'active', ${JSON.stringify(terms)}::jsonb,
             '2026-01-01', '2026-12-31', ${AMOUNT_FEN}, ${AMOUNT_FEN * 12}, ${AMOUNT_FEN * 12}, '2025-12-20', now(),
             now()
        FROM tenants t WHERE t.org_id = ${orgId}`);
    await db.execute(sql`
      INSERT INTO bill_plan (org_id, contract_id, tenant_id, kind, period_index, period_start, period_end, due_date,
                             amount_fen, net_fen, tax_fen)
      SELECT c.org_id, c.id, c.tenant_id, 'rent', 0, ${DUE}, '2026-01-31', ${DUE}, ${AMOUNT_FEN}, 100000, 9000
        FROM contracts c WHERE c.org_id = ${orgId}`);
    const billing = await runBilling(db, systemActor, { orgId, throughDate: DUE, trigger: 'manual' });
    if (billing.issued !== BILLS) throw new Error(`expected ${BILLS} bills, issued ${billing.issued}`);
    const account = keys.accounts.wechatpay;
    const settings = account.settings as { mchid: string; appid: string };
    // One order per bill, as the portal makes them (created, the bill held open for it), numbered by tenant code.
    await db.execute(sql`
      INSERT INTO payment_orders (org_id, order_no, provider, channel, tenant_id, amount_fen, priced_on, status,
                                  description, merchant_id, app_id, created_via, expires_at)
      SELECT b.org_id, 'APN' || lpad(substr(t.code, 3), 10, '0'), 'wechatpay', 'wechat_native', b.tenant_id,
             b.amount_fen, ${DUE}, 'created', '2026年1月租金', ${settings.mchid}, ${settings.appid}, 'portal',
             now() + interval '1 day'
        FROM bills b JOIN tenants t ON t.id = b.tenant_id WHERE b.org_id = ${orgId}`);
    await db.execute(sql`
      INSERT INTO payment_order_bills (order_id, org_id, bill_id, amount_fen)
      SELECT o.id, o.org_id, b.id, b.amount_fen
        FROM payment_orders o JOIN bills b ON b.tenant_id = o.tenant_id AND b.org_id = o.org_id
       WHERE o.org_id = ${orgId}`);
    await channelSettingsService.save({ db, pii, providers: PROVIDERS_MODULES }, benchActor(orgId), 'wechatpay', {
      settings: account.settings as unknown as Record<string, unknown>,
      secrets: account.secrets as unknown as Record<string, string>,
    });
    await db.execute(sql`VACUUM ANALYZE`);
    return orgId;
  } finally {
    await database.close();
  }
}

/** pgbench's TPS for UPDATE order + INSERT payment + INSERT journal entry, one transaction, on scratch tables. */
function pgbenchTps(url: string, dir: string, clients: number, seconds: number): number {
  const setup = `
    DROP TABLE IF EXISTS pgb_orders, pgb_payments, pgb_journal;
    CREATE TABLE pgb_orders (id integer PRIMARY KEY, status text NOT NULL, transaction_id text, paid_at timestamptz,
                             amount_fen bigint NOT NULL);
    INSERT INTO pgb_orders SELECT i, 'created', NULL, NULL, 109000 FROM generate_series(1, 100000) AS i;
    CREATE TABLE pgb_payments (id bigserial PRIMARY KEY, order_id integer NOT NULL, amount_fen bigint NOT NULL,
                               reference text NOT NULL, received_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE pgb_journal (id bigserial PRIMARY KEY, payment_id bigint NOT NULL, debit_fen bigint NOT NULL,
                              credit_fen bigint NOT NULL, memo text NOT NULL);`;
  const ran = spawnSync('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', setup, '-c', 'VACUUM ANALYZE pgb_orders'], {
    encoding: 'utf8',
  });
  if (ran.status !== 0) throw new Error(`pgbench setup failed: ${ran.stderr}`);
  const script = path.join(dir, 'posting.sql');
  fs.writeFileSync(
    script,
    `\\set id random(1, 100000)
BEGIN;
UPDATE pgb_orders SET status = 'succeeded', transaction_id = 'tx' || :id, paid_at = now() WHERE id = :id;
INSERT INTO pgb_payments (order_id, amount_fen, reference) VALUES (:id, 109000, 'tx' || :id) RETURNING id;
INSERT INTO pgb_journal (payment_id, debit_fen, credit_fen, memo) VALUES (currval('pgb_payments_id_seq'), 109000, 109000, 'posting');
END;
`,
  );
  const result = spawnSync(
    'pgbench',
    ['-n', '-f', script, '-c', String(clients), '-j', '2', '-T', String(seconds), url],
    { encoding: 'utf8' },
  );
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(result.stdout ?? '');
  if (result.status !== 0 || !tps) throw new Error(`pgbench failed: ${result.stderr}\n${result.stdout}`);
  spawnSync('psql', [url, '-q', '-c', 'DROP TABLE pgb_orders, pgb_payments, pgb_journal'], { encoding: 'utf8' });
  return Number(tps[1]);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHealth(baseUrl: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    const ok = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not answer /healthz within 180 s');
}

/** Peak RSS of another process (VmHWM), in MB. */
function peakRssOf(pid: number | undefined): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status);
    return kb ? Math.round(Number(kb[1]) / 1024) : null;
  } catch {
    return null;
  }
}

interface PhaseResult {
  sent: number;
  ok: number;
  failed: number;
  /** Of the failed: refused at once as too many at once (503, NOTIFY_MAX_IN_FLIGHT), for the channel to send again. */
  refused: number;
  seconds: number;
  /** Every answer's time, and the accepted (2xx) ones' alone. */
  latenciesMs: number[];
  acceptedLatenciesMs: number[];
}

async function parent() {
  const { url, drop } = await freshPostgresDatabase('assetpay_bench_notify');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-bench-notify-'));
  let server: ChildProcess | undefined;
  let generator: ChildProcess | undefined;
  try {
    const keyring = randomKeyring();
    const pii = new PiiCipher(keyring);
    const keys = generateChannelKeys('http://127.0.0.1:9');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;

    // The generator signs and encrypts every notification while the database is seeded.
    const simulator = keys.simulator;
    generator = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--loadgen', ...process.argv.slice(2)],
      {
        env: {
          ...process.env,
          BENCH_NOTIFY: JSON.stringify({
            baseUrl,
            platform: simulator.keys.wechatpay,
            merchant: simulator.merchant.wechatpay,
          }),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const messages: unknown[] = [];
    const waiters: ((message: unknown) => void)[] = [];
    generator.on('message', (message) => {
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else messages.push(message);
    });
    const fromGenerator = () =>
      new Promise<unknown>((resolve, reject) => {
        const queued = messages.shift();
        if (queued !== undefined) resolve(queued);
        else waiters.push(resolve);
        generator!.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
      });

    const seedStart = performance.now();
    log(`seeding ${BILLS} bills with their WeChat Pay orders`);
    const orgId = await seed(url, pii, keys);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    log(`seeded in ${seedSeconds.toFixed(1)} s; pgbench baseline`);
    const tps = pgbenchTps(url, dir, CONCURRENCY, quick ? 4 : 15);
    log(`pgbench: ${Math.round(tps)} TPS; starting the server`);

    const { DATABASE_SCHEMA: _schema, ...environment } = process.env;
    // --cpu-prof writes the server's profile to bench/results when it exits (Node refuses it in NODE_OPTIONS).
    const profile = process.argv.includes('--cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir=bench/results'] : [];
    server = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
      env: {
        ...environment,
        NODE_ENV: 'development',
        DATABASE_URL: url,
        PORT: String(port),
        HOST: '127.0.0.1',
        DEMO: 'false',
        JOBS: 'false',
        SIMULATORS: 'false',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        DATA_DIR: dir,
        PII_KEYS: `${keyring.keys[0]!.id}:${keyring.keys[0]!.key.toString('base64')}`,
        PII_INDEX_KEY: keyring.indexKey.toString('base64'),
        PUBLIC_BASE_URL: baseUrl,
      },
      stdio: ['ignore', process.argv.includes('--server-log') ? 'inherit' : 'ignore', 'inherit'],
    });
    await waitForHealth(baseUrl, server);
    await fromGenerator(); // signed and ready
    generator.send({ phase: 'throughput', seconds: THROUGHPUT_SECONDS, concurrency: CONCURRENCY });
    const throughput = (await fromGenerator()) as PhaseResult;
    log(`throughput: ${throughput.ok} in ${throughput.seconds.toFixed(2)} s (${throughput.failed} failed)`);
    generator.send({ phase: 'latency', seconds: LATENCY_SECONDS, rate: RATE });
    const latency = (await fromGenerator()) as PhaseResult;
    log(
      `latency: ${latency.ok} in ${latency.seconds.toFixed(2)} s (${latency.failed} failed, ${latency.refused} of them refused as busy)`,
    );
    generator.send({ phase: 'done' });
    const serverPeakRssMb = peakRssOf(server.pid);

    // Every notification sent once or twice: one payment, one journal entry, one succeeded order per transaction.
    const checking = await openDatabase({ url, poolSize: 1 });
    const [check] = await queryRows<Record<string, string>>(
      checking.orm,
      sql`SELECT (SELECT count(*) FROM payment_orders WHERE org_id = ${orgId} AND status = 'succeeded') AS succeeded,
                 (SELECT count(*) FROM payments WHERE org_id = ${orgId} AND method = 'wechatpay') AS payments,
                 (SELECT count(*) FROM (SELECT reference FROM payments WHERE org_id = ${orgId}
                                         GROUP BY reference HAVING count(*) > 1) d) AS "doubleReferences",
                 (SELECT count(*) FROM (SELECT payment_order_no FROM payments WHERE org_id = ${orgId}
                                         GROUP BY payment_order_no HAVING count(*) > 1) d) AS "doubleOrders",
                 (SELECT count(*) FROM journal_entries e JOIN payments p ON p.id = e.source_id
                   WHERE e.source_type = 'payment' AND p.org_id = ${orgId}) AS entries,
                 (SELECT count(*) FROM (SELECT source_id FROM journal_entries WHERE source_type = 'payment'
                                         GROUP BY source_id HAVING count(*) > 1) d) AS "doubleEntries",
                 (SELECT count(*) FROM suspense_items WHERE org_id = ${orgId}) AS suspense,
                 (SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id
                                         HAVING sum(debit_fen) <> sum(credit_fen)) u) AS unbalanced`,
    );
    await checking.close();
    const count = (key: string) => Number(check![key]);
    const uniquePosted = count('payments');
    const doublePostings = count('doubleReferences') + count('doubleOrders') + count('doubleEntries');
    log(`after the run: ${JSON.stringify(check)}`);

    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const throughputLatencies = sorted(throughput.latenciesMs);
    const perSecond = throughput.ok / throughput.seconds;
    printFigure({
      name: 'notifications.throughput',
      db: 'postgres',
      n: throughput.ok,
      seconds: round(throughput.seconds, 2),
      perSecond: Math.round(perSecond),
      p50Ms: round(percentile(throughputLatencies, 50), 1),
      p99Ms: round(percentile(throughputLatencies, 99), 1),
      peakRssMb: serverPeakRssMb,
      baseline: Math.round(tps),
      ratio: round(perSecond / tps, 3),
      target: `>= ${TARGET_RATIO} of pgbench TPS (3-statement posting)`,
      meetsTarget: perSecond / tps >= TARGET_RATIO && throughput.failed === 0,
      baselineOf: 'pgbench TPS, UPDATE order + INSERT payment + INSERT journal',
      concurrency: CONCURRENCY,
      failed: throughput.failed,
      refusedAsBusy: throughput.refused,
      seedSeconds: round(seedSeconds, 1),
      loadAverage: os.loadavg().map((value) => round(value, 1)),
    });
    // Timed from the instant each was due: every answer (a refusal too), and the accepted ones alone.
    const latencies = sorted(latency.latenciesMs);
    const accepted = sorted(latency.acceptedLatenciesMs);
    const p99 = percentile(latencies, 99);
    const achieved = latency.ok / latency.seconds;
    printFigure({
      name: 'notifications.latency',
      db: 'postgres',
      n: latency.ok,
      seconds: round(latency.seconds, 2),
      perSecond: Math.round(achieved),
      p50Ms: round(percentile(latencies, 50), 1),
      p99Ms: round(p99, 1),
      peakRssMb: serverPeakRssMb,
      baseline: null,
      ratio: null,
      target: `p99 < ${TARGET_P99_MS} ms at ${RATE}/s offered`,
      meetsTarget: p99 < TARGET_P99_MS && latency.failed === 0 && achieved >= RATE * 0.95,
      offeredPerSecond: RATE,
      failed: latency.failed,
      refusedAsBusy: latency.refused,
      acceptedP50Ms: round(percentile(accepted, 50), 1),
      acceptedP99Ms: round(percentile(accepted, 99), 1),
    });
    printFigure({
      name: 'notifications.postings',
      db: 'postgres',
      n: throughput.sent + latency.sent,
      seconds: null,
      perSecond: null,
      p50Ms: null,
      p99Ms: null,
      peakRssMb: null,
      baseline: null,
      ratio: null,
      target: 'one payment and one journal entry per transaction, none posted twice',
      meetsTarget:
        doublePostings === 0 &&
        count('suspense') === 0 &&
        count('unbalanced') === 0 &&
        count('entries') === uniquePosted &&
        count('succeeded') === uniquePosted,
      transactions: uniquePosted,
      doublePostings,
      journalEntries: count('entries'),
      suspense: count('suspense'),
      unbalanced: count('unbalanced'),
    });
  } finally {
    generator?.kill();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        server!.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    fs.rmSync(dir, { recursive: true, force: true });
    if (!process.argv.includes('--keep')) await drop();
  }
}

// ---- load generator (another process) ----

interface Prepared {
  body: string;
  headers: Record<string, string>;
}

function rfc3339Beijing(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

async function loadGenerator() {
  const config = JSON.parse(process.env.BENCH_NOTIFY!) as {
    baseUrl: string;
    platform: { platformPublicKeyId: string; platformPrivateKeyPem: string };
    merchant: { mchid: string; appid: string; apiV3Key: string };
  };
  const { platform, merchant } = config;
  const apiV3Key = Buffer.from(merchant.apiV3Key, 'utf8');
  const prepare = (i: number): Prepared => {
    const resource = JSON.stringify({
      appid: merchant.appid,
      mchid: merchant.mchid,
      out_trade_no: orderNoOf(i),
      transaction_id: transactionOf(i),
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: rfc3339Beijing(new Date()),
      payer: { openid: 'oBenchPayer' },
      amount: { total: AMOUNT_FEN, payer_total: AMOUNT_FEN, currency: 'CNY', payer_currency: 'CNY' },
    });
    const nonce = randomBytes(6).toString('hex');
    const cipher = createCipheriv('aes-256-gcm', apiV3Key, Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.from('transaction', 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(resource, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339Beijing(new Date()),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: ciphertext.toString('base64'),
        nonce,
        associated_data: 'transaction',
      },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headerNonce = randomBytes(16).toString('hex');
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'Wechatpay-Timestamp': timestamp,
        'Wechatpay-Nonce': headerNonce,
        'Wechatpay-Signature': createSign('RSA-SHA256')
          .update(`${timestamp}\n${headerNonce}\n${body}\n`)
          .sign(platform.platformPrivateKeyPem, 'base64'),
        'Wechatpay-Serial': platform.platformPublicKeyId,
        'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
      },
    };
  };
  /** Unique notifications [from, to), each tenth one followed later by its duplicate (the channel's retry). */
  const sequence = (from: number, to: number): Prepared[] => {
    const out: Prepared[] = [];
    const unique: Prepared[] = [];
    for (let i = from; i < to; i += 1) {
      const prepared = prepare(i);
      unique.push(prepared);
      out.push(prepared);
      if ((i - from) % 10 === 9) out.push(unique[unique.length - 5]!);
    }
    return out;
  };
  const throughputQueue = sequence(1, THROUGHPUT_UNIQUE + 1);
  const latencyQueue = sequence(THROUGHPUT_UNIQUE + 1, BILLS + 1);
  process.send!({ ready: true });

  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL('/notify/wechatpay', config.baseUrl);
  const post = (prepared: Prepared) =>
    new Promise<number>((resolve) => {
      const request = http.request(
        target,
        { method: 'POST', agent, headers: { ...prepared.headers, 'content-length': Buffer.byteLength(prepared.body) } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', () => resolve(0));
      request.end(prepared.body);
    });

  /** A phase's answers: how many of each kind (503: refused as busy), and how long each took. */
  const answers = () => {
    const tally = { ok: 0, failed: 0, refused: 0, latenciesMs: [] as number[], acceptedLatenciesMs: [] as number[] };
    const count = (status: number, ms: number) => {
      tally.latenciesMs.push(ms);
      if (status >= 200 && status < 300) {
        tally.ok += 1;
        tally.acceptedLatenciesMs.push(ms);
      } else {
        tally.failed += 1;
        if (status === 503) tally.refused += 1;
      }
    };
    return { tally, count };
  };

  const throughput = async (seconds: number, concurrency: number): Promise<PhaseResult> => {
    const { tally, count } = answers();
    let sent = 0;
    const start = performance.now();
    const until = start + seconds * 1000;
    const worker = async () => {
      while (performance.now() < until && sent < throughputQueue.length) {
        const prepared = throughputQueue[sent++]!;
        const began = performance.now();
        const status = await post(prepared);
        count(status, performance.now() - began);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { sent, ...tally, seconds: (performance.now() - start) / 1000 };
  };

  const openLoop = async (seconds: number, rate: number): Promise<PhaseResult> => {
    const { tally, count } = answers();
    const total = Math.min(latencyQueue.length, Math.round(seconds * rate));
    let sent = 0;
    const pending: Promise<void>[] = [];
    const start = performance.now();
    while (sent < total) {
      // Everything due by now goes out; each is timed from the instant it was due.
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) {
        const scheduled = start + (sent * 1000) / rate;
        const prepared = latencyQueue[sent++]!;
        pending.push(post(prepared).then((status) => count(status, performance.now() - scheduled)));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // A server far behind the offered rate is not waited for past 10 s: what has not answered by then failed.
    await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    const unanswered = sent - tally.ok - tally.failed;
    agent.destroy();
    return { sent, ...tally, failed: tally.failed + unanswered, seconds: (performance.now() - start) / 1000 };
  };

  process.on('message', async (message: { phase: string; seconds: number; concurrency: number; rate: number }) => {
    if (message.phase === 'throughput') process.send!(await throughput(message.seconds, message.concurrency));
    else if (message.phase === 'latency') process.send!(await openLoop(message.seconds, message.rate));
    else {
      agent.destroy();
      process.disconnect();
    }
  });
}

if (process.argv.includes('--loadgen')) await loadGenerator();
else await parent();
