// Vitest global setup for the browser tests: one first start of the product writes the demo data (about 20 s on
// PGlite); each test file then runs the server on a copy of that data directory, a second start with nothing to seed.
import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    demoDataDir: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startServer({}, 180_000);
  await server.stop();
  project.provide('demoDataDir', server.dataDir);
  return () => fs.rmSync(server.dataDir, { recursive: true, force: true });
}
