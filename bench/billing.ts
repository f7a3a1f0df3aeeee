// The billing run at scale (#10 workload 1): N active contracts (1,000,000; `--quick` 20,000; `--contracts=N`), each
// with its tenant and a 12-month bill plan written by bulk SQL, then the product's billing run (runBilling) through
// a date where each contract has one bill due: N bills, N principal lines, N journal entries and 3N journal lines in
// one transaction. Then the same run again at once, which must issue nothing.
// On PostgreSQL (a database of its own, dropped at the end) and on PGlite in memory at the quick size (20,000,
// `--pglite-contracts=N`); in a full run PostgreSQL is measured at that size too, for the comparison at equal size.
// Baseline: a bare COPY (FROM STDIN, streamed from a file as psql's \copy does) of the N bills the run issued into a
// table made LIKE bills INCLUDING ALL (the same columns, defaults, checks and indexes; no triggers or foreign keys),
// in the same run. Both are also measured in CPU seconds of their PostgreSQL backend (/proc), steadier on a busy
// machine (cpuRatio).
// Figures (bench/_figure.ts):
//   billing.run     postgres  bills/s; ratio = bills/s ÷ COPY rows/s          target ≥ 50,000 bills/s and ≥ 0.25
//   billing.rerun   both      ratio = rerun seconds ÷ first run seconds        target ≤ 0.10, nothing issued
//   billing.run     pglite    ratio = PGlite seconds ÷ PostgreSQL seconds (same N)   target ≤ 3
// `--postgres-only` skips PGlite; `--phases` first logs the time of each statement of the run and EXPLAIN ANALYZE of
// its issue statement (in a transaction rolled back).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Database, openDatabase, queryRows, sql } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { systemActor } from '../src/modules/audit/service.ts';
import { runBilling } from '../src/modules/billing/run.ts';
import { insertBenchOrg } from './_app.ts';
import {
  flag,
  freshPostgresDatabase,
  logger,
  POSTGRES_URL,
  peakRssMb,
  postgresReachable,
  printFigure,
  quick,
  round,
} from './_figure.ts';

const log = logger('billing bench');
const QUICK_CONTRACTS = 20_000;
const contracts = Number(flag('contracts') ?? (quick ? QUICK_CONTRACTS : 1_000_000));
const pgliteContracts = Number(flag('pglite-contracts') ?? Math.min(contracts, QUICK_CONTRACTS));
const THROUGH = '2026-01-15';
const TARGET_BILLS_PER_SECOND = 50_000;
const TARGET_COPY_RATIO = 0.25;
const TARGET_RERUN_RATIO = 0.1;
const TARGET_PGLITE_RATIO = 3;

const terms = {
  startDate: '2026-01-01',
  endDate: '2026-12-31',
  rent: { mode: 'fixed', monthlyFen: 109_000 },
  billingCycleMonths: 1,
  dueOffsetDays: 0,
  lateFee: { dailyRate: '0.0005', capRatio: '0.3' },
  taxRate: '0.09',
};

/** The org, tenants, active contracts and their plans (12 monthly periods due on the 1st), in a few statements. */
async function seed(database: Database, n: number): Promise<string> {
  const db = database.orm;
  const orgId = await insertBenchOrg(db, 'BENCH', '基准公司');
  await db.execute(sql`
    INSERT INTO tenants (org_id, code, kind, name, credit_code, phone_enc, phone_index)
    SELECT ${orgId}, 'BT' || lpad(i::text, 7, '0'), 'enterprise', '基准企业' || i, '91' || lpad(i::text, 16, '0'),
           'v1:bench', 'bench' || i
      FROM generate_series(1, ${n}) AS i`);
  await db.execute(sql`
    INSERT INTO contracts (org_id, number, tenant_id, status, terms, start_date, end_date, monthly_rent_fen,
                           annual_rent_fen, total_rent_fen, sign_date, activated_at, planned_at)
    SELECT ${orgId}, 'BC2026-' || substr(t.code, 3), t.id, 'active', ${JSON.stringify(terms)}::jsonb,
           '2026-01-01', '2026-12-31', 109000, 1308000, 1308000, '2025-12-20', now(), now()
      FROM tenants t WHERE t.org_id = ${orgId}`);
  await db.execute(sql`
    INSERT INTO bill_plan (org_id, contract_id, tenant_id, kind, period_index, period_start, period_end, due_date,
                           amount_fen, net_fen, tax_fen)
    SELECT c.org_id, c.id, c.tenant_id, 'rent', k,
           (date '2026-01-01' + make_interval(months => k))::date,
           (date '2026-01-01' + make_interval(months => k + 1) - interval '1 day')::date,
           (date '2026-01-01' + make_interval(months => k))::date,
           109000, 100000, 9000
      FROM contracts c CROSS JOIN generate_series(0, 11) AS k
     WHERE c.org_id = ${orgId}`);
  await db.execute(sql`VACUUM ANALYZE`);
  return orgId;
}

/** CPU seconds (user + system) a PostgreSQL backend process of this machine has used so far. */
function backendCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** CPU seconds of the work: the PostgreSQL backend's (same machine), or this process's for PGlite. */
async function cpuMeter(database: Database): Promise<() => number> {
  if (database.kind === 'pglite') {
    const start = process.cpuUsage();
    return () => {
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1e6;
    };
  }
  const [backend] = await queryRows<{ pid: number }>(database.orm, sql`SELECT pg_backend_pid() AS pid`);
  const start = backendCpuSeconds(backend!.pid);
  return () => backendCpuSeconds(backend!.pid) - start;
}

interface RunFigures {
  n: number;
  seconds: number;
  /** CPU seconds the database spent on the first run (the backend's on PostgreSQL; this process's on PGlite). */
  cpuSeconds: number;
  rerunSeconds: number;
  rerunIssued: number;
  seedSeconds: number;
  peakRssMb: number;
}

/** Seeds n contracts, runs the billing twice and checks what the first wrote. */
async function billingRuns(database: Database, n: number, label: string): Promise<RunFigures> {
  await migrate(database);
  const db = database.orm;
  const seedStart = performance.now();
  log(`${label}: seeding ${n} contracts with 12-month plans`);
  const orgId = await seed(database, n);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`${label}: seeded in ${seedSeconds.toFixed(1)} s; billing run through ${THROUGH}`);
  if (database.kind === 'postgres') await db.execute(sql`CHECKPOINT`);

  if (process.argv.includes('--phases')) await phases(database, orgId);

  const cpu = await cpuMeter(database); // the pool has one connection: the run's backend is this one
  const start = performance.now();
  const first = await runBilling(db, systemActor, { orgId, throughDate: THROUGH, trigger: 'manual' });
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = cpu();
  if (first.issued !== n) throw new Error(`${label}: expected ${n} bills, issued ${first.issued}`);
  log(
    `${label}: ${n} bills in ${seconds.toFixed(2)} s (${Math.round(n / seconds)}/s, CPU ${cpuSeconds.toFixed(2)} s); again`,
  );

  const rerunStart = performance.now();
  const rerun = await runBilling(db, systemActor, { orgId, throughDate: THROUGH, trigger: 'manual' });
  const rerunSeconds = (performance.now() - rerunStart) / 1000;
  log(`${label}: rerun issued ${rerun.issued} in ${rerunSeconds.toFixed(2)} s`);

  const [check] = await queryRows<{ bills: string; principal: string; entries: string; lines: string }>(
    db,
    sql`SELECT (SELECT count(*) FROM bills)::text AS bills, (SELECT count(*) FROM bill_lines)::text AS principal,
               (SELECT count(*) FROM journal_entries WHERE kind = 'bill_issued')::text AS entries,
               (SELECT count(*) FROM journal_lines)::text AS lines`,
  );
  const counts = [check!.bills, check!.principal, check!.entries, check!.lines].map(Number);
  if (counts.join() !== [n, n, n, 3 * n].join()) {
    throw new Error(`${label}: bills, lines, entries, journal lines = ${counts.join(', ')}, expected ${n}×(1,1,1,3)`);
  }
  return { n, seconds, cpuSeconds, rerunSeconds, rerunIssued: rerun.issued, seedSeconds, peakRssMb: peakRssMb() };
}

/** Each statement of the run's transaction timed (EXPLAIN ANALYZE of the issue statement), then rolled back. */
async function phases(database: Database, orgId: string) {
  const { issueStatement } = await import('../src/modules/billing/run.ts');
  const { planUnplanned } = await import('../src/modules/billing/plan.ts');
  const { ensureChart } = await import('../src/modules/ledger/journal.ts');
  await database.orm
    .transaction(async (tx) => {
      let at = performance.now();
      const lap = (what: string) => {
        log(`  phase ${what}: ${(performance.now() - at).toFixed(0)} ms`);
        at = performance.now();
      };
      const [run] = await queryRows<{ id: string }>(
        tx,
        sql`INSERT INTO billing_runs (org_id, through_date, trigger) VALUES (${orgId}, ${THROUGH}, 'manual') RETURNING id`,
      );
      lap('billing_runs row');
      await planUnplanned(tx, orgId);
      lap('planUnplanned');
      const accounts = await ensureChart(tx, orgId);
      lap('ensureChart');
      const statement = issueStatement({
        orgId,
        throughDate: THROUGH,
        runId: run!.id,
        actor: systemActor,
        day: '2026-01-15',
        accounts,
      });
      const plan = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`EXPLAIN (ANALYZE, BUFFERS) ${statement}`);
      lap('issue statement (EXPLAIN ANALYZE)');
      log(plan.map((row) => row['QUERY PLAN']).join('\n'));
      throw new RolledBack();
    })
    .catch((error) => {
      if (!(error instanceof RolledBack)) throw error;
    });
}
class RolledBack extends Error {}

/**
 * A bare COPY of the bills just issued (exported to a file first) into a table like bills: seconds, and the CPU
 * seconds of its backend. The file is streamed to COPY FROM STDIN as psql's \copy does.
 */
async function copyBaseline(url: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-bench-')), 'bills.copy');
  const exported = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy bills TO '${file}'`], {
    encoding: 'utf8',
  });
  if (exported.status !== 0) throw new Error(`psql \\copy bills TO: ${exported.stderr}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE bench_copy_bills (LIKE bills INCLUDING ALL)');
    await client.query('CHECKPOINT');
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const cpuStart = backendCpuSeconds(rows[0]!.pid);
    const start = performance.now();
    await pipeline(fs.createReadStream(file), client.query(copyFrom('COPY bench_copy_bills FROM STDIN')));
    const seconds = (performance.now() - start) / 1000;
    return { seconds, cpuSeconds: backendCpuSeconds(rows[0]!.pid) - cpuStart };
  } finally {
    await client.end();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

async function onPostgres(n: number, withBaseline: boolean) {
  const fresh = await freshPostgresDatabase('assetpay_bench_billing');
  try {
    const database = await openDatabase({ url: fresh.url, poolSize: 1 });
    let figures: RunFigures;
    try {
      figures = await billingRuns(database, n, `postgres ${n}`);
    } finally {
      await database.close();
    }
    const copy = withBaseline ? await copyBaseline(fresh.url) : null;
    if (copy)
      log(`postgres ${n}: COPY of the bills ${copy.seconds.toFixed(2)} s (CPU ${copy.cpuSeconds.toFixed(2)} s)`);
    return { ...figures, copy };
  } finally {
    await fresh.drop();
  }
}

function rerunFigure(db: 'postgres' | 'pglite', run: RunFigures) {
  const ratio = run.rerunSeconds / run.seconds;
  printFigure({
    name: 'billing.rerun',
    db,
    n: run.n,
    seconds: round(run.rerunSeconds, 3),
    peakRssMb: run.peakRssMb,
    baseline: round(run.seconds, 3),
    baselineOf: 'seconds of the first run',
    ratio: round(ratio, 3),
    target: `<= ${TARGET_RERUN_RATIO} of the first run, issues nothing`,
    meetsTarget: ratio <= TARGET_RERUN_RATIO && run.rerunIssued === 0,
    issued: run.rerunIssued,
  });
}

if (!(await postgresReachable())) {
  console.error(`PostgreSQL not reachable at ${POSTGRES_URL}: the billing benchmark needs it`);
  process.exit(1);
}

const postgres = await onPostgres(contracts, true);
const billsPerSecond = postgres.n / postgres.seconds;
const copyRowsPerSecond = postgres.n / postgres.copy!.seconds;
const copyRatio = billsPerSecond / copyRowsPerSecond;
printFigure({
  name: 'billing.run',
  db: 'postgres',
  n: postgres.n,
  seconds: round(postgres.seconds, 3),
  perSecond: Math.round(billsPerSecond),
  peakRssMb: postgres.peakRssMb,
  baseline: Math.round(copyRowsPerSecond),
  baselineOf: 'rows/s of a bare COPY of the same bills into a table like bills (indexes included)',
  ratio: round(copyRatio, 3),
  target: `>= ${TARGET_BILLS_PER_SECOND} bills/s and >= ${TARGET_COPY_RATIO} of COPY`,
  meetsTarget: billsPerSecond >= TARGET_BILLS_PER_SECOND && copyRatio >= TARGET_COPY_RATIO,
  copySeconds: round(postgres.copy!.seconds, 3),
  // The same comparison in CPU seconds of the database backend: steadier than wall time on a busy machine.
  cpuSeconds: round(postgres.cpuSeconds, 2),
  copyCpuSeconds: round(postgres.copy!.cpuSeconds, 2),
  cpuRatio: round(postgres.copy!.cpuSeconds / postgres.cpuSeconds, 3),
  journalLines: 3 * postgres.n,
  seedSeconds: round(postgres.seedSeconds),
});
rerunFigure('postgres', postgres);

if (process.argv.includes('--postgres-only')) process.exit(0);
const postgresAtPgliteSize = pgliteContracts === contracts ? postgres : await onPostgres(pgliteContracts, false);
const pglite = await openDatabase({});
let onPglite: RunFigures;
try {
  onPglite = await billingRuns(pglite, pgliteContracts, `pglite ${pgliteContracts}`);
} finally {
  await pglite.close();
}
const pgliteRatio = onPglite.seconds / postgresAtPgliteSize.seconds;
printFigure({
  name: 'billing.run',
  db: 'pglite',
  n: onPglite.n,
  seconds: round(onPglite.seconds, 3),
  perSecond: Math.round(onPglite.n / onPglite.seconds),
  peakRssMb: onPglite.peakRssMb,
  baseline: round(postgresAtPgliteSize.seconds, 3),
  baselineOf: `seconds of the same run on PostgreSQL (${postgresAtPgliteSize.n} contracts)`,
  ratio: round(pgliteRatio, 2),
  target: `<= ${TARGET_PGLITE_RATIO}x PostgreSQL`,
  meetsTarget: pgliteRatio <= TARGET_PGLITE_RATIO,
  seedSeconds: round(onPglite.seedSeconds),
  cpuSeconds: round(onPglite.cpuSeconds, 2),
  postgresCpuSeconds: round(postgresAtPgliteSize.cpuSeconds, 2),
  cpuRatio: round(onPglite.cpuSeconds / postgresAtPgliteSize.cpuSeconds, 2),
});
rerunFigure('pglite', onPglite);
