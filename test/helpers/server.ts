import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../../scripts/build-server.mjs';
import { builtCommand, type Entry } from './built-server.ts';

export interface RunningServer {
  url: string;
  /** The channel simulators (WeChat Pay, Alipay, UnionPay) the server started for the demo. */
  simulatorUrl: string;
  dataDir: string;
  /** Seconds from spawn to the first healthy /healthz. */
  startSeconds: number;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface LaunchOptions {
  /**
   * As `npm start` (dist/server built, then run by node) and `npm run cli` (tsx on the sources) do, not the run's
   * build (test/helpers/built-server.ts).
   */
  npmStart?: boolean;
  /** A bundle made by buildServer() (scripts/build-server.mjs), run by node. */
  bundle?: string;
}

async function productCommand(entry: Entry, { npmStart = false, bundle }: LaunchOptions): Promise<[string, string[]]> {
  if (npmStart && entry === 'main') bundle ??= (await buildServer()).main;
  if (bundle) return [process.execPath, ['--enable-source-maps', bundle]];
  return npmStart ? [path.resolve('node_modules/.bin/tsx'), [`src/${entry}.ts`]] : builtCommand(entry);
}

const groups = new Set<ChildProcess>();
// A server left running (a beforeAll that failed after starting it, a test process ending early) is killed with the
// test process: a leftover holds its port and a core's share of CPU until someone notices.
process.once('exit', () => {
  for (const child of groups) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Spawns a process as the leader of its own group (so that a kill reaches what it starts), killed when we exit. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  groups.add(child);
  child.once('exit', () => groups.delete(child));
  return child;
}

/**
 * Runs the product (the run's build of src/main.ts, or as `npm start` does) in its own process group, and waits for
 * /healthz — and, unless told not to, for the demo data the first start writes once the server is up.
 */
export async function startServer(
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  { waitForDemo = true, ...launch }: { waitForDemo?: boolean } & LaunchOptions = {},
): Promise<RunningServer> {
  const port = await freePort();
  const simulatorPort = env.SIM_PORT ?? String(await freePort());
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-e2e-'));
  const [command, args] = await productCommand('main', launch);
  const started = Date.now();
  const child = spawnGroup(command, args, {
    env: {
      ...process.env,
      NODE_ENV: '',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATA_DIR: dataDir,
      // Channels post their notifications to this server, and browsers open the simulators' cashier pages.
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      NOTIFY_BASE_URL: `http://127.0.0.1:${port}`,
      SIM_PORT: simulatorPort,
      SIM_PUBLIC_URL: `http://127.0.0.1:${simulatorPort}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child);
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${url}/healthz`).then(
      async (response) =>
        response.ok && (!waitForDemo || ((await response.json()) as { demo: string }).demo !== 'seeding'),
      () => false,
    );
    if (healthy) {
      return {
        url,
        simulatorUrl: `http://127.0.0.1:${simulatorPort}`,
        dataDir,
        startSeconds: (Date.now() - started) / 1000,
        output: () => output,
        stop,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`server not healthy within ${timeoutMs} ms:\n${output}`);
}

/** Waits until the demo data of a first start is written; its state ('ready', or 'failed'). */
export async function demoSeeded(server: RunningServer, timeoutMs = 120_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const { demo } = (await (await fetch(`${server.url}/healthz`)).json()) as { demo: string };
    if (demo !== 'seeding' || Date.now() - started > timeoutMs) return demo;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const killed = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(killed);
}

/** Runs the CLI (`npm run cli -- …`, or the run's build of src/cli.ts) to completion. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  launch: LaunchOptions = {},
): Promise<{ code: number; output: string }> {
  const [command, cliArgs] = await productCommand('cli', launch);
  const child = spawn(command, [...cliArgs, ...args], {
    env: { ...process.env, NODE_ENV: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number>((resolve) => child.on('exit', (exitCode) => resolve(exitCode ?? 1)));
  return { code, output };
}
