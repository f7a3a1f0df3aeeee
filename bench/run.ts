// `npm run bench [-- --quick]`: runs every benchmark in bench/ (each prints one JSON line per figure)
// and writes all figures to bench/results/<date>.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const only = args.filter((arg) => !arg.startsWith('--'));
const benchmarks = fs
  .readdirSync(benchDir)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts' && !name.startsWith('_'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.includes(wanted)))
  .sort();

const figures: unknown[] = [];
let failed = 0;
for (const name of benchmarks) {
  const result = spawnSync(
    path.resolve('node_modules/.bin/tsx'),
    [path.join(benchDir, name), ...args.filter((arg) => arg.startsWith('--'))],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  for (const line of result.stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const figure = JSON.parse(line);
      figures.push({ bench: name, ...figure });
      console.log(JSON.stringify({ bench: name, ...figure }));
    } catch {
      // Not a figure: a benchmark's own progress output.
    }
  }
  if (result.status !== 0) {
    failed++;
    console.error(`benchmark ${name} exited with ${result.status}`);
  }
}

const resultsDir = path.join(benchDir, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${new Date().toISOString().slice(0, 10)}.json`);
fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), args, figures }, null, 2)}\n`);
console.error(`${figures.length} figures written to ${path.relative(process.cwd(), file)}`);
process.exitCode = failed > 0 ? 1 : 0;
