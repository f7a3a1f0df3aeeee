// `npm run bench [-- --quick] [names…]`: runs every benchmark in bench/ (or those whose file name contains one of the
// names) one after the other, each as a child process with the same flags, and collects the JSON figure lines each
// prints on stdout (bench/_figure.ts). Prints every figure as it comes, a summary on stderr, and writes the figures
// with the machine they ran on to bench/results/<date>.json (`--quick`: <date>-quick.json). The results files are
// not tracked; the run the README quotes is committed on purpose (git add -f).
// Exit code 1 when a benchmark fails: a non-zero exit, a signal or timeout, or no figure printed at all.
// A figure that misses its target is listed in the summary but is not a failure (`--strict` makes it one).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { POSTGRES_URL } from './_figure.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.resolve(benchDir, '..');
const args = process.argv.slice(2);
const flags = args.filter((arg) => arg.startsWith('--'));
const only = args.filter((arg) => !arg.startsWith('--'));
const quick = flags.includes('--quick');
const strict = flags.includes('--strict');
/** A benchmark still running after this is killed and counted as failed. */
const timeoutSeconds = Number(flags.find((arg) => arg.startsWith('--timeout='))?.slice(10) ?? (quick ? 600 : 3600));

const benchmarks = fs
  .readdirSync(benchDir)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts' && !name.startsWith('_'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.includes(wanted)))
  .sort();

async function postgresVersion(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

async function pgliteVersion(): Promise<string | null> {
  try {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(projectDir, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
    ) as { version: string };
    return manifest.version;
  } catch {
    return null;
  }
}

const machine = {
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cores: os.availableParallelism(),
  ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  postgres: await postgresVersion(),
  pglite: await pgliteVersion(),
  loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
};
console.error(
  `[bench] ${machine.cpu}, ${machine.cores} cores, ${machine.ramGb} GB, node ${machine.node}, ` +
    `PostgreSQL ${machine.postgres ?? 'not reachable'}, load ${machine.loadAverageAtStart.join(' ')}`,
);

interface Outcome {
  bench: string;
  seconds: number;
  exitCode: number | null;
  signal: string | null;
  figures: number;
  failed: boolean;
}

const figures: Record<string, unknown>[] = [];
const outcomes: Outcome[] = [];

function runBenchmark(name: string): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(path.join(projectDir, 'node_modules/.bin/tsx'), [path.join(benchDir, name), ...flags], {
    cwd: projectDir,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group, so a timeout ends the servers and browsers it started too
  });
  let count = 0;
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.trim().startsWith('{')) {
      if (line.trim()) console.error(`[${name}] ${line}`);
      return;
    }
    try {
      const figure = { bench: name, ...(JSON.parse(line) as Record<string, unknown>) };
      figures.push(figure);
      count++;
      console.log(JSON.stringify(figure));
    } catch {
      console.error(`[${name}] ${line}`);
    }
  });
  const timer = setTimeout(() => {
    console.error(`[bench] ${name} still running after ${timeoutSeconds} s: killed`);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, timeoutSeconds * 1000);
  return new Promise((resolve) => {
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const failed = exitCode !== 0 || count === 0;
      resolve({
        bench: name,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        exitCode,
        signal,
        figures: count,
        failed,
      });
    });
  });
}

const started = new Date();
for (const name of benchmarks) {
  console.error(`[bench] ${name} ${flags.join(' ')}`);
  const outcome = await runBenchmark(name);
  outcomes.push(outcome);
  if (outcome.failed) {
    console.error(
      `[bench] FAILED ${name}: ${outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.exitCode}`}, ` +
        `${outcome.figures} figures`,
    );
  } else {
    console.error(`[bench] ${name}: ${outcome.figures} figures in ${outcome.seconds} s`);
  }
}

const missed = figures.filter((figure) => figure.meetsTarget === false);
const failed = outcomes.filter((outcome) => outcome.failed);
const resultsDir = path.join(benchDir, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${started.toISOString().slice(0, 10)}${quick ? '-quick' : ''}.json`);
fs.writeFileSync(
  file,
  `${JSON.stringify(
    {
      at: started.toISOString(),
      finishedAt: new Date().toISOString(),
      args,
      machine: { ...machine, loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100) },
      benchmarks: outcomes,
      figures,
    },
    null,
    2,
  )}\n`,
);
const totalSeconds = Math.round((Date.now() - started.getTime()) / 100) / 10;
console.error(`[bench] ${figures.length} figures in ${totalSeconds} s written to ${path.relative(projectDir, file)}`);
for (const figure of missed) {
  console.error(`[bench] target missed: ${figure.name} (${figure.db}) ${figure.ratio ?? ''} ${figure.target ?? ''}`);
}
for (const outcome of failed) console.error(`[bench] failed: ${outcome.bench}`);
process.exitCode = failed.length > 0 || (strict && missed.length > 0) ? 1 : 0;
