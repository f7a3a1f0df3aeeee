// The dashboard (驾驶舱) over many bills on PostgreSQL: a database of its own (assetpay_bench_reports, dropped at the
// end), migrated with the project's migrator, then N bills (default 10,000,000; `--quick` 200,000; `--bills=N`)
// generated in SQL across N/100 tenants, contracts and units in 40 projects: monthly rent due on each contract's day,
// paid mostly (the older, the likelier), some partly, the rest open; payments and their allocations for the last 60
// days. ANALYZE, then each of the dashboard's queries run repeatedly through the reports code.
// Prints one JSON line per query: { name, db, n, seconds, perSecond, p50Ms, p95Ms, p99Ms, peakRssMb, baseline, ratio }
// where baseline is the milliseconds of one bare aggregate over every bill (SELECT sum(amount_fen) FROM bills, the
// machine's own limit for touching the table, measured in the same run) and ratio = p95 / baseline; targetMs is 200.
// `--keep` leaves the database behind; `--reuse` measures a kept one again without seeding it.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { PiiCipher, randomKeyring } from '../src/crypto/pii.ts';
import { type Orm, openDatabase, queryRows } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { chinaDate } from '../src/domain/calendar.ts';
import { dashboard, dashboardParts } from '../src/modules/reports/dashboard.ts';
import type { ReportContext, ReportReader } from '../src/modules/reports/framework.ts';
import { compactBillDueTotals } from '../src/modules/reports/summaries.ts';
import { postgresReachable } from './_figure.ts';

const SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const DATABASE = 'assetpay_bench_reports';
const quick = process.argv.includes('--quick');
const billsArg = process.argv.find((arg) => arg.startsWith('--bills='));
const N = billsArg ? Number(billsArg.slice(8)) : quick ? 200_000 : 10_000_000;
const PERIODS = 100; // monthly bills per contract: 8⅓ years of history
const CONTRACTS = Math.max(1, Math.round(N / PERIODS));
const RUNS = quick ? 15 : 20;
const TARGET_MS = 200;

const log = (message: string) => console.error(`[reports bench] ${message}`);

function urlOf(database: string) {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function databaseExists(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const round = (value: number, places = 1) => Number(value.toFixed(places));

/** The org, its projects, units, tenants, contracts and N bills, with payments of the last 60 days. */
async function seed(db: Orm, today: string): Promise<string> {
  const [org] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO orgs (code, name) VALUES ('BENCHRPT', '报表基准公司') RETURNING id`,
  );
  const orgId = org!.id;
  await db.execute(sql`SET synchronous_commit = off`);
  await db.execute(sql`SELECT setseed(0.42)`);
  log(`seeding ${CONTRACTS} tenants, units and contracts`);
  // 40 projects, each with buildings of units; 1 unit per contract plus 8% vacant units.
  await db.execute(sql`
    INSERT INTO assets (org_id, code, name, type, status)
    SELECT ${orgId}, 'P' || p, '园区' || p, 'project', 'vacant' FROM generate_series(1, 40) p`);
  await db.execute(sql`
    INSERT INTO assets (org_id, code, name, type, parent_id, status)
    SELECT ${orgId}, 'B' || p || '-' || b, '园区' || p || '-' || b || '号楼', 'building', a.id, 'vacant'
      FROM generate_series(1, 40) p CROSS JOIN generate_series(1, 10) b
      JOIN assets a ON a.org_id = ${orgId} AND a.code = 'P' || p`);
  // Statistics before each insert that reads its own table: without them the planner scans the buildings once per
  // unit, past every unit already inserted (quadratic: 100,000 units took over 15 minutes).
  await db.execute(sql`ANALYZE assets`);
  const units = Math.round(CONTRACTS * 1.08);
  await db.execute(sql`
    INSERT INTO assets (org_id, code, name, type, parent_id, area_sqm, status, created_at)
    SELECT ${orgId}, 'U' || u, '单元' || u,
           (ARRAY['unit', 'unit', 'unit', 'unit', 'parking', 'warehouse', 'factory', 'land'])[1 + u % 8],
           b.id, (20 + (u * 37) % 480)::numeric(12, 2),
           CASE WHEN u <= ${CONTRACTS} THEN 'leased' ELSE 'vacant' END, now() - interval '400 days'
      FROM generate_series(1, ${units}) u
      JOIN assets b ON b.org_id = ${orgId} AND b.code = 'B' || (1 + u % 40) || '-' || (1 + (u / 40) % 10)`);
  await db.execute(sql`
    INSERT INTO tenants (org_id, code, kind, name, credit_code, id_number_enc, id_number_index, phone_enc, phone_index)
    SELECT ${orgId}, 'RT' || lpad(i::text, 7, '0'), CASE WHEN i % 5 = 0 THEN 'individual' ELSE 'enterprise' END,
           CASE WHEN i % 5 = 0 THEN '张' || i ELSE '基准企业' || i END,
           CASE WHEN i % 5 = 0 THEN NULL ELSE '91' || lpad(i::text, 16, '0') END,
           CASE WHEN i % 5 = 0 THEN 'v1:bench' END, CASE WHEN i % 5 = 0 THEN 'ri' || i END, 'v1:bench', 'rb' || i
      FROM generate_series(1, ${CONTRACTS}) i`);
  // Contract i: started PERIODS months (less a few days) before today, ends between 1 and 1,000 days from today.
  await db.execute(sql`
    INSERT INTO contracts (org_id, number, tenant_id, status, terms, start_date, end_date, monthly_rent_fen,
                           annual_rent_fen, total_rent_fen, sign_date, activated_at, planned_at)
    SELECT ${orgId}, 'RC-' || substr(t.code, 3), t.id, 'active', '{}'::jsonb, r.start, ${today}::date + 1 + (n % 1000),
           r.rent, r.rent * 12, r.rent * ${PERIODS}, r.start - 10, now(), now()
      FROM tenants t
      CROSS JOIN LATERAL (SELECT substr(t.code, 3)::int AS n) k
      CROSS JOIN LATERAL (SELECT ((${today}::date - make_interval(months => ${PERIODS - 1}))::date - (n % 28)) AS start,
                                 (100000 + (n::bigint * 7919) % 4900000) AS rent) r
     WHERE t.org_id = ${orgId}`);
  await db.execute(sql`ANALYZE assets, tenants, contracts`);
  await db.execute(sql`
    INSERT INTO contract_assets (contract_id, asset_id, org_id, position, period, active)
    SELECT c.id, a.id, ${orgId}, 0, daterange(c.start_date, c.end_date, '[]'), true
      FROM contracts c JOIN assets a ON a.org_id = ${orgId} AND a.code = 'U' || substr(c.number, 4)::int
     WHERE c.org_id = ${orgId}`);

  // The bills: drop the plain indexes for the load and build them after (the constraints' indexes stay).
  const indexes = await queryRows<{ name: string; definition: string }>(
    db,
    sql`SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
         WHERE i.tablename = 'bills' AND i.schemaname = current_schema()
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const index of indexes) await db.execute(sql.raw(`DROP INDEX ${index.name}`));
  log(`generating ${CONTRACTS * PERIODS} bills`);
  const chunk = 20_000;
  for (let first = 1; first <= CONTRACTS; first += chunk) {
    const last = Math.min(CONTRACTS, first + chunk - 1);
    await db.execute(sql`
      INSERT INTO bills (org_id, number, contract_id, tenant_id, kind, period_index, period_start, period_end, due_date,
                         amount_fen, net_fen, tax_fen, tax_rate, principal_paid_fen, status, settled_on, issued_at)
      SELECT ${orgId}, 'RB-' || n || '-' || k, c.id, c.tenant_id, 'rent', k, p.start, p.finish, p.start,
             c.monthly_rent_fen, c.monthly_rent_fen - c.monthly_rent_fen * 9 / 109, c.monthly_rent_fen * 9 / 109,
             '0.09', s.paid, CASE WHEN s.paid = c.monthly_rent_fen THEN 'paid' WHEN s.paid > 0 THEN 'partial' ELSE 'open' END,
             CASE WHEN s.paid = c.monthly_rent_fen THEN least(p.start + s.lag, ${today}::date) END, p.start - 10
        FROM contracts c
        CROSS JOIN LATERAL (SELECT substr(c.number, 4)::int AS n) k0(n)
        CROSS JOIN generate_series(0, ${PERIODS - 1}) k
        CROSS JOIN LATERAL (SELECT (c.start_date + make_interval(months => k))::date AS start,
                                   (c.start_date + make_interval(months => k + 1) - interval '1 day')::date AS finish) p
        CROSS JOIN LATERAL (SELECT ${today}::date - p.start AS age, random() AS dice,
                                   (random() * 20)::int - 5 AS lag) d
        CROSS JOIN LATERAL (SELECT CASE
               WHEN d.age < 0 THEN CASE WHEN d.dice < 0.1 THEN c.monthly_rent_fen ELSE 0 END
               WHEN d.dice < CASE WHEN d.age > 365 THEN 0.99 WHEN d.age > 90 THEN 0.97 WHEN d.age > 30 THEN 0.9 ELSE 0.75 END
                 THEN c.monthly_rent_fen
               WHEN d.dice < 0.995 THEN c.monthly_rent_fen / 2
               ELSE 0 END AS paid, greatest(d.lag, 0) AS lag) s
       WHERE c.org_id = ${orgId} AND n BETWEEN ${first} AND ${last}`);
    if (((first - 1) / chunk) % 10 === 0) log(`  contracts ${first}–${last}`);
  }
  log('building the bills indexes');
  for (const index of indexes) await db.execute(sql.raw(index.definition));
  await db.execute(sql`ANALYZE bills`);
  // Payments of the last 60 days: one per bill paid in that window, by method, with its allocation.
  await db.execute(sql`
    INSERT INTO payments (org_id, number, tenant_id, method, amount_fen, received_on, reference)
    SELECT b.org_id, 'RP-' || b.number, b.tenant_id,
           (ARRAY['bank_transfer', 'wechatpay', 'alipay', 'unionpay', 'cash', 'pos'])[1 + abs(hashtext(b.number)) % 6],
           b.principal_paid_fen, b.settled_on, NULL
      FROM bills b WHERE b.org_id = ${orgId} AND b.status = 'paid' AND b.settled_on > ${today}::date - 60`);
  await db.execute(sql`ANALYZE payments`);
  await db.execute(sql`
    INSERT INTO payment_allocations (org_id, payment_id, bill_id, applied_on, principal_fen, late_fee_fen)
    SELECT p.org_id, p.id, b.id, p.received_on, p.amount_fen, 0
      FROM payments p JOIN bills b ON b.org_id = p.org_id AND b.number = substr(p.number, 4)
     WHERE p.org_id = ${orgId}`);
  // As the report-totals-compact job does each minute.
  await compactBillDueTotals(db);
  await db.execute(sql`VACUUM ANALYZE`);
  return orgId;
}

async function main() {
  const today = chinaDate(new Date());
  const reuse = process.argv.includes('--reuse') && (await databaseExists());
  if (!reuse) {
    await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${DATABASE}`);
  }
  const database = await openDatabase({ url: urlOf(DATABASE), poolSize: 8 });
  try {
    await migrate(database);
    const db = database.orm;
    const seedStart = performance.now();
    const [kept] = reuse ? await queryRows<{ id: string }>(db, sql`SELECT id FROM orgs WHERE code = 'BENCHRPT'`) : [];
    const orgId = kept?.id ?? (await seed(db, today));
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const [counts] = await queryRows<{ bills: string; payments: string }>(
      db,
      sql`SELECT (SELECT count(*) FROM bills)::text AS bills, (SELECT count(*) FROM payments)::text AS payments`,
    );
    const n = Number(counts!.bills);
    log(`seeded ${n} bills, ${counts!.payments} payments in ${seedSeconds.toFixed(0)} s`);

    // The baseline: one bare aggregate over every bill.
    const bare = [];
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      await db.execute(sql`SELECT sum(amount_fen) FROM bills`);
      bare.push(performance.now() - start);
    }
    const baseline = [...bare].sort((a, b) => a - b)[2]!;

    const context: ReportContext = { db, pii: new PiiCipher(randomKeyring()) };
    const reader: ReportReader = { orgId, seesNames: false, today };
    const asOf = today;
    type Part = (context: ReportContext, reader: ReportReader, asOf: string) => Promise<unknown>;
    const parts: [string, Part][] = [
      ['dashboard', dashboard],
      ...Object.entries(dashboardParts).map(([name, part]): [string, Part] => [`dashboard.${name}`, part]),
    ];
    const queries: [string, () => Promise<unknown>][] = parts.map(([name, part]) => [
      name,
      () => part(context, reader, asOf),
    ]);
    const figures = [];
    for (const [name, run] of queries) {
      await run(); // warm
      const times: number[] = [];
      const start = performance.now();
      for (let i = 0; i < RUNS; i++) {
        const began = performance.now();
        await run();
        times.push(performance.now() - began);
      }
      const seconds = (performance.now() - start) / 1000;
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      const figure = {
        name: `reports.${name}`,
        db: 'postgres',
        n,
        seconds: round(seconds, 3),
        perSecond: round(RUNS / seconds, 2),
        p50Ms: round(percentile(times, 50)),
        p95Ms: round(p95),
        p99Ms: round(percentile(times, 99)),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        baseline: round(baseline),
        ratio: round(p95 / baseline, 2),
        targetMs: TARGET_MS,
        meetsTarget: p95 < TARGET_MS,
        runs: RUNS,
        seedSeconds: round(seedSeconds, 0),
      };
      figures.push(figure);
      console.log(JSON.stringify(figure));
    }
  } finally {
    await database.close();
    if (!process.argv.includes('--keep') && !process.argv.includes('--reuse'))
      await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  }
}

if (!(await postgresReachable(SERVER_URL))) {
  console.error(`PostgreSQL not reachable at ${SERVER_URL}: the reports benchmark needs it`);
} else {
  await main();
}
