// The billing run at scale: 100,000 active contracts (`--quick`: 10,000), each with its tenant and a 12-month bill
// plan written by bulk SQL, then one `runBilling` through a date where each contract has 1 (then, on a fresh
// database, 3) bills due. On PGlite in memory and, when reachable, on PostgreSQL in a fresh schema.
// Prints one JSON line per figure: { name, database, contracts, dueBillsPerContract, bills, seconds, billsPerSecond }.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Database, openDatabase, queryRows } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { systemActor } from '../src/modules/audit/service.ts';
import { runBilling } from '../src/modules/billing/run.ts';

const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const contracts = process.argv.includes('--quick') ? 10_000 : 100_000;

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

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
async function seed(database: Database): Promise<string> {
  const db = database.orm;
  const [org] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO orgs (code, name) VALUES ('BENCH', '基准公司') RETURNING id`,
  );
  const orgId = org!.id;
  await db.execute(sql`
    INSERT INTO tenants (org_id, code, kind, name, credit_code, phone_enc, phone_index)
    SELECT ${orgId}, 'BT' || lpad(i::text, 6, '0'), 'enterprise', '基准企业' || i, '91' || lpad(i::text, 16, '0'),
           'v1:bench', 'bench' || i
      FROM generate_series(1, ${contracts}) AS i`);
  await db.execute(sql`
    INSERT INTO contracts (org_id, number, tenant_id, status, terms, start_date, end_date, monthly_rent_fen,
                           annual_rent_fen, total_rent_fen, sign_date, activated_at, planned_at)
    SELECT ${orgId}, 'BC2026-' || lpad(substr(t.code, 3), 6, '0'), t.id, 'active', ${JSON.stringify(terms)}::jsonb,
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
  await db.execute(sql`ANALYZE`);
  return orgId;
}

async function bench(kind: 'pglite' | 'postgres', duePerContract: 1 | 3) {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const database =
    kind === 'pglite' ? await openDatabase({}) : await openDatabase({ url: POSTGRES_URL, schema, poolSize: 5 });
  try {
    await migrate(database);
    const seedStart = performance.now();
    const orgId = await seed(database);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const throughDate = duePerContract === 1 ? '2026-01-15' : '2026-03-15';
    const start = performance.now();
    const result = await runBilling(database.orm, systemActor, { orgId, throughDate, trigger: 'manual' });
    const seconds = (performance.now() - start) / 1000;
    if (result.issued !== contracts * duePerContract) {
      throw new Error(`expected ${contracts * duePerContract} bills, issued ${result.issued}`);
    }
    const [check] = await queryRows<{ unbalanced: string; lines: string }>(
      database.orm,
      sql`SELECT (SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id
                                         HAVING sum(debit_fen) <> sum(credit_fen)) u) AS unbalanced,
                 (SELECT count(*) FROM journal_lines) AS lines`,
    );
    if (Number(check!.unbalanced) !== 0) throw new Error('unbalanced entries');
    console.log(
      JSON.stringify({
        name: 'billing-run',
        database: kind,
        contracts,
        dueBillsPerContract: duePerContract,
        bills: result.issued,
        journalLines: Number(check!.lines),
        seconds: Number(seconds.toFixed(3)),
        billsPerSecond: Math.round(result.issued / seconds),
        seedSeconds: Number(seedSeconds.toFixed(1)),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  } finally {
    await database.close();
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
}

const postgres = await postgresReachable();
if (!postgres) console.error(`PostgreSQL not reachable at ${POSTGRES_URL}: PGlite figures only`);
for (const due of [1, 3] as const) {
  await bench('pglite', due);
  if (postgres) await bench('postgres', due);
}
