import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/helpers/longest-first.ts';

// Integration tests run twice: on the embedded PGlite and on the local PostgreSQL (a fresh schema per run).
// Test files share their worker's loaded modules (isolate: false): every file makes its own app and database, no test
// mocks a module or changes the environment, and loading the modules again for each file cost 110 s of a 323 s run
// (2 workers, 112 files; 212 s without). A test that needs a module's fresh state must not rely on it.
const integration = ['src/modules/**/*.test.ts', 'test/integration/**/*.test.ts'];
// The channel adapters and simulators need no database: their tests run once, with the unit tests.
const channels = ['src/simulators/**/*.test.ts', 'src/modules/payments/channels/**/*.test.ts'];

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          isolate: false,
          include: [
            'src/domain/**/*.test.ts',
            'src/http/**/*.test.ts',
            'src/crypto/**/*.test.ts',
            'src/excel/**/*.test.ts',
            'web/src/**/*.test.ts',
            // The server bundle npm start runs, started once with node.
            'test/build/**/*.test.ts',
            ...channels,
          ],
        },
      },
      {
        test: {
          name: 'pglite',
          isolate: false,
          include: integration,
          exclude: channels,
          globalSetup: ['test/helpers/pglite-template.ts', 'test/helpers/channel-keys-setup.ts'],
          env: { TEST_DB: 'pglite' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'postgres',
          isolate: false,
          include: integration,
          exclude: channels,
          globalSetup: ['test/helpers/postgres-template.ts', 'test/helpers/channel-keys-setup.ts'],
          env: { TEST_DB: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Each browser test file runs its own server on its own copy of the demo data, and its own Chromium, two files
        // at a time: they spend most of their time waiting on a page (8 files: 150-184 s instead of 334 s one at a
        // time on the 2-core machine). Two early CI runs each lost a success message under this load; it did not
        // come back in 2 full runs and 4 runs of the two files concerned beside a busy loop, and a step whose message
        // does not come now names the page's last API calls and their answers (test/helpers/browser.ts).
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/built-server.ts', 'test/helpers/e2e-demo.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        // `npm run test:faults`: the server killed, PostgreSQL restarted, two instances on one database — each file
        // starts its own server processes on a database of its own (postgres-restart: on a cluster of its own), two
        // files at a time: most of their time is spent waiting for a channel's resends or pg-boss's cron, so the two
        // overlap (77 s instead of 154 s), and every invariant is checked whatever the timing of a kill.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/helpers/built-server.ts', 'test/helpers/channel-keys-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
