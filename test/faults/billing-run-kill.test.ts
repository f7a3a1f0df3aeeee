// Issue #9: the server killed (-9) at random points of a billing run (POST /api/v1/billing-runs over 1,500 contracts;
// the delay drawn by a seeded PRNG between 0 and 1.5 × an uninterrupted run), then the run repeated by another server
// process → the killed run left all its bills or none, exactly one bill per contract and period, one entry per bill,
// the journal balanced, each contract's receivable (1122) equal to its outstanding bills, and a further run issues
// nothing. One database and one seeded set of contracts; between seeds the bills and entries are removed (as
// superuser, with the append-only triggers off) so every seed bills contracts never billed.
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { queryRows, sql } from '../../src/db/client.ts';
import {
  createFaultDatabase,
  type FaultDatabase,
  INVARIANTS_HOLD,
  invariantsOf,
  ledgerInvariants,
  Product,
  prng,
  progress,
  seedContracts,
  sleep,
  staffToken,
} from '../helpers/faults.ts';

const SEEDS = 20;
const CONTRACTS = Number(process.env.FAULTS_BILLING_CONTRACTS ?? 1500);
/** One rent period due per contract (January 2026). */
const THROUGH = '2026-01-15';

let f: FaultDatabase;
const fleet: Product[] = [];

/**
 * A server process started now, ready when the promise resolves. Start-up is ~3 s of CPU (the libraries, the routes'
 * schemas), so the test keeps two processes starting ahead of need: the process that repeats a killed run is a fresh
 * one that never ran that run (as another instance behind the proxy would), and the seeds do not wait for start-ups
 * one by one.
 */
function spare(): Promise<Product> {
  const starting = Product.on({ ...f.env, JOBS: 'false' }).then(async (product) => {
    fleet.push(product);
    await product.start();
    return product;
  });
  // A spare still starting when the test ends is killed: that is no failure.
  starting.catch(() => {});
  return starting;
}

beforeAll(async () => {
  f = await createFaultDatabase();
  await seedContracts(f, CONTRACTS);
  progress('seeded');
});

afterAll(async () => {
  await Promise.all(fleet.map((product) => product.kill()));
  await f?.drop();
});

/** Every bill and journal entry gone: the next seed runs against contracts never billed. */
async function unbill() {
  await f.database.withSession(async (session) => {
    await session.exec(`SET session_replication_role = replica;
      DELETE FROM journal_lines; DELETE FROM bill_lines; DELETE FROM journal_entries; DELETE FROM bills;
      DELETE FROM billing_runs; SET session_replication_role = origin;`);
  });
}

async function billCount() {
  const [row] = await queryRows<{ n: string }>(f.orm, sql`SELECT count(*) AS n FROM bills`);
  return Number(row!.n);
}

test(`kill -9 at random points of a billing run over ${CONTRACTS} contracts, ${SEEDS} seeds`, async () => {
  const started = Date.now();
  onTestFailed(() => console.error(fleet.map((product) => product.output()).join('\n---\n')));
  const starting = [spare(), spare()];
  let active = await starting.shift()!;
  const token = await staffToken(f.orm, 'caiwu');
  const run = (product: Product) => product.call('POST', '/api/v1/billing-runs', token, { throughDate: THROUGH });

  // Uninterrupted runs first: how long one takes (the second, warm), so that kill delays fall before, during and
  // after its commit.
  let runMs = 0;
  for (const _ of [1, 2]) {
    await unbill();
    const calibration = Date.now();
    const whole = await run(active);
    runMs = Date.now() - calibration;
    expect(whole.status, JSON.stringify(whole.json)).toBe(200);
    expect(whole.json.issued).toBe(CONTRACTS);
    expect(invariantsOf(await ledgerInvariants(f.orm, THROUGH))).toEqual(INVARIANTS_HOLD);
  }
  progress(`calibration run ${runMs} ms`);

  const seeds: { seed: number; killAfterMs: number; committedBeforeKill: boolean }[] = [];
  for (let seed = 1; seed <= SEEDS; seed += 1) {
    await unbill();
    const killAfterMs = Math.round(prng(seed)() * runMs * 1.5);
    const first = run(active).catch(() => undefined);
    await sleep(killAfterMs);
    await active.kill();
    await first;
    starting.push(spare());
    active = await starting.shift()!;
    // The killed run committed whole or not at all: its bills are all there or none (the rerun waits for the dead
    // connection's transaction to end, on the run's advisory lock).
    const again = await run(active);
    expect(again.status, JSON.stringify(again.json)).toBe(200);
    const issuedAfterRestart = again.json.issued as number;
    expect([0, CONTRACTS], `seed ${seed}`).toContain(issuedAfterRestart);
    expect(await billCount()).toBe(CONTRACTS);
    expect(invariantsOf(await ledgerInvariants(f.orm, THROUGH)), `seed ${seed}`).toEqual(INVARIANTS_HOLD);
    // A third run finds everything issued.
    const third = await run(active);
    expect(third.json.issued, `seed ${seed}`).toBe(0);
    progress(`seed ${seed}: killed after ${killAfterMs} ms, rerun issued ${issuedAfterRestart}`);
    seeds.push({ seed, killAfterMs, committedBeforeKill: issuedAfterRestart === 0 });
  }
  const afterCommit = seeds.filter((s) => s.committedBeforeKill).length;
  console.log(
    JSON.stringify({
      file: 'test/faults/billing-run-kill.test.ts',
      fault: 'kill -9 of the server during POST /api/v1/billing-runs; the run repeated by a fresh server process',
      faultsInjected: seeds.length,
      seeds: SEEDS,
      contracts: CONTRACTS,
      runMs,
      killsBeforeCommit: seeds.length - afterCommit,
      killsAfterCommit: afterCommit,
      serverStarts: fleet.length,
      invariants: [
        'a killed run committed all its bills or none',
        'exactly one bill per due plan row (contract, kind, period)',
        'exactly one bill_issued entry per bill',
        'every entry balanced; journal debits = credits',
        "each contract's 1122 balance = its bills' outstanding",
        'a further run issues nothing',
      ],
      seconds: Math.round((Date.now() - started) / 1000),
      result: 'pass',
    }),
  );
  // Start-ups take ~6 s on an idle 2-core machine, over 30 s on a busy one: a generous limit for the latter.
}, 900_000);
