// A fresh PGlite data directory costs an initdb inside WebAssembly: 4–15 s on two cores, most of the first
// `npm start`. `npm install` (prepare) makes one empty cluster and keeps its dump; a new data directory then
// starts from that dump in about a second. The dump belongs to one PGlite version, so its name carries it.
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root.ts';

// The package does not export its package.json, so read it from node_modules.
const pgliteVersion: string = JSON.parse(
  fs.readFileSync(path.join(projectRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
).version;

export const emptyClusterDump = path.join(
  projectRoot,
  'node_modules',
  '.cache',
  'assetpay',
  `pglite-${pgliteVersion}-empty-cluster.tar`,
);

/** The dump of an empty cluster, when `npm install` made one for this PGlite version. */
export function emptyClusterTemplate(): Blob | undefined {
  return fs.existsSync(emptyClusterDump) ? new Blob([fs.readFileSync(emptyClusterDump)]) : undefined;
}

/** True when the directory holds no PGlite cluster yet. */
export function isNewDataDir(dataDir: string): boolean {
  return !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

async function makeEmptyClusterDump() {
  const { PGlite } = await import('@electric-sql/pglite');
  const client = await PGlite.create('memory://');
  const dump = await client.dumpDataDir('none');
  await client.close();
  fs.mkdirSync(path.dirname(emptyClusterDump), { recursive: true });
  const partial = `${emptyClusterDump}.${process.pid}`;
  fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(partial, emptyClusterDump);
}

// Run by npm install's prepare (tsx); the source path, as in a bundle import.meta.url is the bundle's.
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(projectRoot, 'src/db/pglite-cluster.ts')) {
  if (!fs.existsSync(emptyClusterDump)) await makeEmptyClusterDump();
}
