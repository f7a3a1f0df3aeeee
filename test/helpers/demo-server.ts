import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { type RunningServer, startServer } from './server.ts';

/** The product on a copy of the demo data the e2e global setup wrote once (its keys and secrets included). */
export async function startDemoServer(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-e2e-'));
  fs.cpSync(inject('demoDataDir'), dataDir, { recursive: true });
  return startServer({ DATA_DIR: dataDir, ...env }, timeoutMs);
}
