import { defineConfig } from 'vitest/config';

// Integration tests run twice: on the embedded PGlite and on the local PostgreSQL (a fresh schema per run).
const integration = ['src/modules/**/*.test.ts', 'test/integration/**/*.test.ts'];
// The channel adapters and simulators need no database: their tests run once, with the unit tests.
const channels = ['src/simulators/**/*.test.ts', 'src/modules/payments/channels/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src/domain/**/*.test.ts',
            'src/http/**/*.test.ts',
            'src/crypto/**/*.test.ts',
            'src/excel/**/*.test.ts',
            'web/src/**/*.test.ts',
            ...channels,
          ],
        },
      },
      {
        test: {
          name: 'pglite',
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
          include: integration,
          exclude: channels,
          globalSetup: ['test/helpers/postgres-template.ts', 'test/helpers/channel-keys-setup.ts'],
          env: { TEST_DB: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/e2e-demo.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
