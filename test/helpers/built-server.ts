// Vitest global setup of the browser and fault tests: src/main.ts and src/cli.ts bundled once per run into plain
// JavaScript, which the tests start with `node` instead of tsx. tsx's loader costs ~2 s of CPU on every start (4.4 s
// against 2.6 s to the first healthy /healthz on PostgreSQL) and these tests start the product some 45 times; one
// test (test/e2e/startup.test.ts, "npm start on a fresh machine") still starts it exactly as `npm start` does.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ENTRIES = { main: 'src/main.ts', cli: 'src/cli.ts' } as const;
export type Entry = keyof typeof ENTRIES;

// Inside the project, so that the libraries (left out of the bundle) resolve from its node_modules.
const OUT_DIR = path.resolve('node_modules/.cache/assetpay/built-server');

/** `node <the built entry>`: the command and arguments that start it. */
export function builtCommand(entry: Entry): [string, string[]] {
  const file = path.join(OUT_DIR, `${entry}.js`);
  if (!fs.existsSync(file))
    throw new Error(`${file} missing: the project needs globalSetup test/helpers/built-server.ts`);
  return [process.execPath, ['--enable-source-maps', file]];
}

/**
 * Modules find their files next to their source (src/db/migrations, web/dist, node_modules): in the bundle each
 * module's import.meta.url is its source file's URL. Not the entries': the CLI compares it with process.argv[1] to
 * know it was run.
 */
const sourceImportMeta: Plugin = {
  name: 'source-import-meta',
  setup(bundle) {
    const entries = new Set(Object.values(ENTRIES).map((entry) => path.resolve(entry)));
    bundle.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: entries.has(args.path) ? text : text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

export default async function setup() {
  const result = await build({
    entryPoints: ENTRIES,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    outdir: OUT_DIR,
    write: false,
    logLevel: 'warning',
    plugins: [sourceImportMeta],
  });
  // Written whole or not at all: another run's setup may be writing the same files.
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (const file of result.outputFiles) {
    const partial = `${file.path}.${process.pid}`;
    fs.writeFileSync(partial, file.contents);
    fs.renameSync(partial, file.path);
  }
}
