import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { REDIS_CONNECT_TIMEOUT_MS, rateLimitStorage } from './rate-limit.ts';

describe('rate limits with Redis away', () => {
  it('starts within the connect timeout, warns once, and still limits in the process', async () => {
    const warnings: string[] = [];
    const log = { warn: (_: unknown, message: string) => warnings.push(message), info: () => {} };
    const started = Date.now();
    // Port 1: nothing listens there.
    const storage = await rateLimitStorage(
      { redisUrl: 'redis://127.0.0.1:1', redisKeyPrefix: 'assetpay-unit:' },
      log as never,
    );
    expect(Date.now() - started).toBeLessThan(REDIS_CONNECT_TIMEOUT_MS + 1500);
    expect(storage.kind).toBe('redis');

    const app = Fastify();
    await app.register(rateLimit, { ...storage.options, global: false });
    app.post('/login', { config: { rateLimit: { max: 2, timeWindow: 60_000 } } }, async () => 'ok');
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await app.inject({ method: 'POST', url: '/login' })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Redis unreachable/);
    await app.close();
    await storage.close();
  });

  it('counts in the process when no REDIS_URL is set', async () => {
    const storage = await rateLimitStorage({ redisUrl: undefined, redisKeyPrefix: 'assetpay:' }, {} as never);
    expect(storage).toMatchObject({ kind: 'process', options: {} });
  });
});
