// What every benchmark shares: the figure line printed to stdout (one JSON object per figure, the same fields in the
// same order everywhere, null where a field does not apply), progress on stderr, percentiles, peak RSS and the
// PostgreSQL server the benchmarks use. bench/run.ts reads the figure lines of each benchmark's stdout.
import pg from 'pg';

export interface Figure {
  /** What was measured, e.g. `billing.run`; the unit of the baseline in the name or in `baselineOf`. */
  name: string;
  db: 'postgres' | 'pglite' | null;
  /** The size of the workload (rows, requests, lines). */
  n: number | null;
  seconds: number | null;
  perSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Of the process that did the work (this one unless said otherwise). */
  peakRssMb: number | null;
  /** The machine's own limit measured in the same run (bare COPY, hello-world, …). */
  baseline: number | null;
  /** The comparison the target is stated in. */
  ratio: number | null;
  /** The target in a few words, e.g. ">= 0.25 of COPY". */
  target: string | null;
  meetsTarget: boolean | null;
  /** Anything else worth keeping: baselineOf, seed seconds, counts, … */
  [extra: string]: unknown;
}

const FIELDS = [
  'name',
  'db',
  'n',
  'seconds',
  'perSecond',
  'p50Ms',
  'p99Ms',
  'peakRssMb',
  'baseline',
  'ratio',
  'target',
  'meetsTarget',
] as const;

/** Prints one figure line on stdout (the contract's fields first, null where missing) and returns it. */
export function printFigure(figure: Partial<Figure> & { name: string }): Figure {
  const line: Record<string, unknown> = {};
  for (const field of FIELDS) line[field] = figure[field] ?? null;
  if (line.peakRssMb === null && !('peakRssMb' in figure)) line.peakRssMb = peakRssMb();
  for (const [key, value] of Object.entries(figure)) if (!(key in line)) line[key] = value;
  console.log(JSON.stringify(line));
  return line as Figure;
}

/** Progress and diagnostics: stderr, so stdout holds figure lines only. */
export function logger(bench: string) {
  return (message: string) => console.error(`[${bench}] ${message}`);
}

/** This process's peak resident set so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** The p-th percentile (nearest rank) of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(value: number, places = 1): number {
  return Number(value.toFixed(places));
}

export const quick = process.argv.includes('--quick');

/** A `--name=value` flag's value. */
export function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

/** The PostgreSQL server of the benchmarks (any database on it; benchmarks create their own). */
export const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** The same server, another database. */
export function postgresUrlOf(database: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function postgresReachable(url = POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Runs statements on the server's maintenance connection (CREATE/DROP DATABASE). */
export async function postgresAdmin(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh database on the server for one benchmark, and its URL; drop() removes it. */
export async function freshPostgresDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  await postgresAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`);
  return {
    url: postgresUrlOf(name),
    drop: () => postgresAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
