// The directory holding package.json. Files that ship beside the code (src/db/migrations, web/dist) are found from it,
// the same whether this module runs from its source (tsx: dev, tests) or from the bundle in dist/server (npm start).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`找不到项目目录：${start} 及其上级目录中没有 package.json`);
  }
}

export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
