// Where the rate limits of the public routes (staff login, the portal's code and login, pay-link orders, receipt
// checks) keep their counts. Without REDIS_URL each process counts alone, so two instances behind a proxy would let a
// client try twice as many passwords. With REDIS_URL the counts live in Redis and every instance shares them.
//
// Redis down (at start or later): the limits fall back to each process's own count and a warning is logged once per
// outage — logins keep working (failing closed would lock every user out with Redis), the per-account lockout in the
// database still stops guessing one account's password, and a client gets at most the limit per instance. When Redis
// answers again the shared counts are used again.

import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';

/** How long a start waits for Redis, and a counted request for its answer, before counting in the process. */
export const REDIS_CONNECT_TIMEOUT_MS = 1000;
export const REDIS_COMMAND_TIMEOUT_MS = 500;

// One round trip: count the request and start the window on its first one (the same rule as the in-process count).
const COUNT_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`;

type CountCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

interface Counted {
  current: number;
  resetAt: number;
}

/** The in-process count: the only one without Redis, the fallback while Redis is away. */
class LocalCounts {
  private readonly counts = new Map<string, Counted>();

  count(key: string, timeWindow: number): { current: number; ttl: number } {
    const now = Date.now();
    let entry = this.counts.get(key);
    if (!entry || entry.resetAt <= now) {
      if (this.counts.size >= 10_000) this.prune(now);
      entry = { current: 0, resetAt: now + timeWindow };
      this.counts.set(key, entry);
    }
    entry.current += 1;
    return { current: entry.current, ttl: entry.resetAt - now };
  }

  private prune(now: number) {
    for (const [key, entry] of this.counts) if (entry.resetAt <= now) this.counts.delete(key);
    // Still full of live windows (an attack from many addresses): forget the oldest rather than grow without end.
    for (const key of this.counts.keys()) {
      if (this.counts.size < 10_000) break;
      this.counts.delete(key);
    }
  }
}

interface RedisWithCount extends Redis {
  assetpayRateLimitCount(key: string, timeWindow: number): Promise<[number, number]>;
}

export interface RateLimitStorage {
  /** Options for @fastify/rate-limit: a shared store with REDIS_URL, nothing (its own in-process store) without. */
  options: Partial<FastifyRateLimitOptions>;
  /** 'redis' when counts are shared, 'process' when each process counts alone. */
  kind: 'redis' | 'process';
  close(): Promise<void>;
}

/** The rate limits' store for this configuration; with Redis, waits up to REDIS_CONNECT_TIMEOUT_MS for it. */
export async function rateLimitStorage(
  config: Pick<Config, 'redisUrl' | 'redisKeyPrefix'>,
  log: FastifyBaseLogger,
): Promise<RateLimitStorage> {
  if (!config.redisUrl) return { options: {}, kind: 'process', close: async () => {} };

  const redis = new Redis(config.redisUrl, {
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    // A request never waits for a reconnect: while Redis is away it is counted in the process at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
    lazyConnect: true,
  }) as RedisWithCount;
  redis.defineCommand('assetpayRateLimitCount', { numberOfKeys: 1, lua: COUNT_SCRIPT });

  let away = false;
  const wentAway = (reason: string) => {
    if (away) return;
    away = true;
    log.warn(
      { reason },
      'Redis unreachable: rate limits counted per process until it answers (account lockout still applies)',
    );
  };
  redis.on('error', (error: Error) => wentAway(error.message));
  redis.on('ready', () => {
    if (away) log.info('Redis reachable again: rate limits shared by every instance');
    away = false;
  });

  await Promise.race([
    redis.connect().catch((error: Error) => wentAway(error.message)),
    new Promise((resolve) => setTimeout(resolve, REDIS_CONNECT_TIMEOUT_MS + 200).unref()),
  ]);
  if (redis.status !== 'ready') wentAway(`status ${redis.status}`);

  const prefix = `${config.redisKeyPrefix}rate-limit:`;
  const local = new LocalCounts();

  class SharedStore implements FastifyRateLimitStore {
    constructor(
      _options?: FastifyRateLimitOptions,
      private readonly route = 'global:',
    ) {}

    incr(key: string, callback: CountCallback, timeWindow: number) {
      const fallBack = (reason: string) => {
        wentAway(reason);
        callback(null, local.count(this.route + key, timeWindow));
      };
      if (redis.status !== 'ready') return fallBack(`status ${redis.status}`);
      redis.assetpayRateLimitCount(prefix + this.route + key, timeWindow).then(
        ([current, ttl]) => callback(null, { current, ttl }),
        (error: Error) => fallBack(error.message),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]) {
      // At run time the plugin hands the route's merged limit options, the route itself under routeInfo.
      const route = (routeOptions as unknown as { routeInfo?: { method?: unknown; url?: string } }).routeInfo;
      return new SharedStore(undefined, `${String(route?.method ?? '')}${route?.url ?? ''}:`);
    }
  }

  return {
    options: { store: SharedStore as unknown as FastifyRateLimitStoreCtor },
    kind: 'redis',
    async close() {
      redis.disconnect();
    },
  };
}
