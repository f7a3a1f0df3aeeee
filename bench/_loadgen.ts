// A small HTTP load generator for the benchmarks: N keep-alive connections (node:http Agent), each sending its next
// request as soon as the previous answer is read (closed loop), for a warm-up and then a measured duration.
// Run it in a process of its own (`loadFromChildProcess`), so the server under test does not share its event loop.
// As a child: `tsx bench/_loadgen.ts '<LoadOptions as JSON>'` prints one LoadResult as JSON on stdout.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './_figure.ts';

export interface LoadOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers that were not 2xx, by status, and transport errors. */
  failures: Record<string, number>;
  bytes: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let bytes = 0;
  let measuring = false;
  let stopped = false;

  const once = () =>
    new Promise<void>((resolve) => {
      const began = performance.now();
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: options.method ?? 'GET',
          headers: options.headers,
        },
        (response) => {
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
          });
          response.on('end', () => {
            if (measuring) {
              latencies.push(performance.now() - began);
              bytes += size;
              const status = response.statusCode ?? 0;
              if (status < 200 || status >= 300) failures[status] = (failures[status] ?? 0) + 1;
            }
            resolve();
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (measuring) failures[error.code ?? 'error'] = (failures[error.code ?? 'error'] ?? 0) + 1;
        resolve();
      });
      request.end(options.body);
    });

  const connection = async () => {
    while (!stopped) await once();
  };
  const loops = Array.from({ length: options.connections }, connection);
  await new Promise((resolve) => setTimeout(resolve, options.warmupSeconds * 1000));
  measuring = true;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  measuring = false;
  const seconds = (performance.now() - start) / 1000;
  stopped = true;
  await Promise.all(loops);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    requests: latencies.length,
    seconds: round(seconds),
    perSecond: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? Number.NaN),
    failures,
    bytes,
  };
}

const self = fileURLToPath(import.meta.url);

/** Runs the load from a child process and returns what it measured. */
export function loadFromChildProcess(options: LoadOptions): Promise<LoadResult> {
  const child = spawn(path.resolve(path.dirname(self), '../node_modules/.bin/tsx'), [self, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(output) as LoadResult);
    });
  });
}

if (process.argv[1] === self && process.argv[2]) {
  console.log(JSON.stringify(await runLoad(JSON.parse(process.argv[2]) as LoadOptions)));
}
