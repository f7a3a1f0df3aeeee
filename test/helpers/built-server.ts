// Vitest global setup of the browser and fault tests: src/main.ts and src/cli.ts bundled once per run by the same
// build as `npm start`'s (scripts/build-server.mjs), into a directory of the tests' own, and started with `node`.
// tsx's loader costs ~2 s of CPU on every start (4.4 s against 2.6 s to the first healthy /healthz on PostgreSQL) and
// these tests start the product some 45 times. The first-start tests (test/e2e/startup.test.ts) build and start
// dist/server as `npm start` does.
import fs from 'node:fs';
import path from 'node:path';
import { buildServer } from '../../scripts/build-server.mjs';

export type Entry = 'main' | 'cli';

// Inside the project, so that the libraries (left out of the bundle) resolve from its node_modules.
const OUT_DIR = path.resolve('node_modules/.cache/assetpay/built-server');

/** `node <the built entry>`: the command and arguments that start it. */
export function builtCommand(entry: Entry): [string, string[]] {
  const file = path.join(OUT_DIR, `${entry}.mjs`);
  if (!fs.existsSync(file))
    throw new Error(`${file} missing: the project needs globalSetup test/helpers/built-server.ts`);
  return [process.execPath, ['--enable-source-maps', file]];
}

export default async function setup() {
  await buildServer({ outDir: OUT_DIR });
}
