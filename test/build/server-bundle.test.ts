// `npm start` runs the bundle in dist/server with node, not tsx on the sources: from there it must still find what
// ships beside the source (src/db/migrations, web/dist) and the libraries in node_modules.
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { buildServer } from '../../scripts/build-server.mjs';
import { startServer } from '../helpers/server.ts';

it('serves the console and the API from dist/server on a fresh embedded database', async () => {
  const { main } = await buildServer();
  // Nothing beside the server itself: no demo, no simulators, no scheduled jobs.
  const environment = { DEMO: 'false', SIMULATORS: 'false', JOBS: 'false' };
  const server = await startServer(environment, 30_000, { waitForDemo: false, bundle: main });
  try {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok', db: 'pglite' });
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>AssetPay');
    // A failed login reads the users and writes the audit log: the migrations made their tables.
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody', password: 'not-a-password' }),
    });
    expect({ status: login.status, body: await login.text() }).toMatchObject({
      status: 401,
      body: expect.stringContaining('bad_credentials'),
    });
  } finally {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}, 60_000);
