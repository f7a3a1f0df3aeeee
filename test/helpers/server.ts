import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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

/**
 * Runs the product as `npm start` does (tsx src/main.ts) in its own process group, and waits for /healthz — and,
 * unless told not to, for the demo data the first start writes once the server is up.
 */
export async function startServer(
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  { waitForDemo = true } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const simulatorPort = env.SIM_PORT ?? String(await freePort());
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-e2e-'));
  const started = Date.now();
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/main.ts'], {
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
    detached: true,
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

/** Runs `npm run cli -- …` (tsx src/cli.ts) to completion. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/cli.ts', ...args], {
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
