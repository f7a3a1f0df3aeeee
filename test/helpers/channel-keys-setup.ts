// Vitest global setup for the database projects: one set of merchant and simulator keys per run, handed to every
// test file (RSA keys and UnionPay certificates take about 1.4 s to make; a file asking for its own pays that each
// time). Tests that need keys of their own, to see a foreign signature refused, still call generateChannelKeys.
import type { TestProject } from 'vitest/node';
import { type ChannelKeys, generateChannelKeys } from '../../src/simulators/keys.ts';

/** The gateway address baked into the shared keys; each test's simulator announces its real one. */
export const TEST_CHANNEL_BASE_URL = 'http://127.0.0.1:9';

declare module 'vitest' {
  export interface ProvidedContext {
    testChannelKeys: ChannelKeys;
  }
}

// Made once for every project of the run (the pglite and postgres projects' setups run in one process).
const run = globalThis as { assetpayTestChannelKeys?: ChannelKeys };

export default function setup(project: TestProject) {
  run.assetpayTestChannelKeys ??= generateChannelKeys(TEST_CHANNEL_BASE_URL);
  project.provide('testChannelKeys', run.assetpayTestChannelKeys);
}
