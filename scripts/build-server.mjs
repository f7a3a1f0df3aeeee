// `npm start` runs the server from this bundle of our own source, with plain `node`: under tsx the process held
// 224 MB before any work, the bundle 82 MB. The libraries stay in node_modules (packages: 'external').
// `node scripts/build-server.mjs` builds and prints nothing but errors; benchmarks and tests call buildServer().
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = { main: 'src/main.ts', cli: 'src/cli.ts' };

/**
 * Bundles src/main.ts and src/cli.ts (or `entries`: a benchmark's process) into outDir (default dist/server) as
 * main.mjs and cli.mjs, each with its source map; resolves to their absolute paths. The directory must lie inside the
 * project, for the libraries to resolve from its node_modules.
 * @param {{ outDir?: string; entries?: Record<string, string> }} [options]
 * @returns {Promise<Record<string, string>>}
 */
export async function buildServer({ outDir = path.join(projectRoot, 'dist/server'), entries = ENTRIES } = {}) {
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: entries,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    write: false,
    logLevel: 'error',
  });
  // Each file written whole or not at all: a server may be starting from it, another build writing it.
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of result.outputFiles) {
    const partial = `${file.path}.${process.pid}`;
    fs.writeFileSync(partial, file.contents);
    fs.renameSync(partial, file.path);
  }
  return Object.fromEntries(Object.keys(entries).map((name) => [name, path.join(outDir, `${name}.mjs`)]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildServer().catch((error) => {
    // esbuild has printed its own errors (a failed build's error lists them in .errors).
    if (!error.errors) console.error(error);
    process.exitCode = 1;
  });
}
