// Idempotency-Key (api.md): a write that moves money, sent again with the same key and body, answers what the first
// answered and does nothing more; the same key with another body is refused (409), as is a key whose first request is
// still running. A first request that failed (4xx, 5xx) frees its key, so a corrected retry may use it again.

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Orm, queryRows, sql } from '../db/client.ts';
import { AppError } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes an Idempotency-Key header (writes that move money). */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency?: { scope: string; key: string };
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** A first request still unanswered after this long is taken to have died with its process. */
const STALE_RUNNING_SECONDS = 300;
/** Keys are kept this long; after that the same key starts afresh. */
export const IDEMPOTENCY_KEY_HOURS = 24;

const VALID_KEY = /^[\x21-\x7e]{1,200}$/;

/** Object keys sorted at every level, so the same body in another key order hashes the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function requestHash(request: FastifyRequest): string {
  const what = { method: request.method, route: request.routeOptions.url, params: request.params, body: request.body };
  return createHash('sha256')
    .update(JSON.stringify(canonical(what)) ?? '')
    .digest('hex');
}

/** Whose keys these are: one staff user's or one tenant's (two callers never share a key space). */
function scopeOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind === 'staff') return `staff:${principal.userId}`;
  if (principal?.kind === 'tenant') return `tenant:${principal.tenantId}`;
  return `anonymous:${request.ip}`;
}

interface StoredKey {
  requestHash: string;
  statusCode: number | null;
  response: unknown;
}

/**
 * Installs the Idempotency-Key handling for every route with `config.idempotent: true`. Runs after authentication
 * and validation (preHandler), so a refused or malformed request never takes a key.
 */
export function installIdempotency(app: FastifyInstance, db: Orm) {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config?.idempotent) return;
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !VALID_KEY.test(key)) throw new AppError(400, 'idempotency_key_invalid');
    const scope = scopeOf(request);
    const hash = requestHash(request);

    // Take the key: new, or expired, or left running by a request that died.
    const [taken] = await queryRows<{ key: string }>(
      db,
      sql`INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (${scope}, ${key}, ${hash})
          ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status_code = NULL,
                 response = NULL, created_at = now()
           WHERE idempotency_keys.created_at < now() - make_interval(hours => ${IDEMPOTENCY_KEY_HOURS})
              OR (idempotency_keys.status_code IS NULL
                  AND idempotency_keys.created_at < now() - make_interval(secs => ${STALE_RUNNING_SECONDS}))
          RETURNING key`,
    );
    if (taken) {
      request.idempotency = { scope, key };
      return;
    }
    const [stored] = await queryRows<StoredKey>(
      db,
      sql`SELECT request_hash AS "requestHash", status_code AS "statusCode", response
            FROM idempotency_keys WHERE scope = ${scope} AND key = ${key}`,
    );
    // Freed between the two statements (the first request failed): the caller may simply retry.
    if (!stored || stored.statusCode === null) throw new AppError(409, 'idempotency_key_in_progress');
    if (stored.requestHash !== hash) throw new AppError(409, 'idempotency_key_reused');
    return reply
      .status(stored.statusCode)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(stored.response));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const taken = request.idempotency;
    if (!taken) return payload;
    request.idempotency = undefined;
    try {
      if (reply.statusCode >= 400) {
        await db.execute(sql`DELETE FROM idempotency_keys WHERE scope = ${taken.scope} AND key = ${taken.key}`);
      } else {
        const body = typeof payload === 'string' ? payload : payload === null ? 'null' : undefined;
        await db.execute(
          sql`UPDATE idempotency_keys SET status_code = ${reply.statusCode}, response = ${body ?? 'null'}::jsonb
               WHERE scope = ${taken.scope} AND key = ${taken.key}`,
        );
      }
    } catch (error) {
      request.log.error({ err: error }, 'idempotency key not recorded');
    }
    return payload;
  });
}

/**
 * Runs an idempotent request's use case and stores its answer in one transaction, so the answer commits with the work:
 * a crash after the commit and before the reply (test/faults/after-commit.test.ts) leaves the answer for the client's
 * retry, which would otherwise find the key still running (409) and, once it is stale, do the work again. With a key
 * the use case runs on a transaction (its own transactions become savepoints in it) and its answer, serialised as the
 * route will send it (its response schema for `statusCode`), is stored before that commits; onSend then writes the
 * same. Without a key it runs on the database as usual. For the routes whose use case is all database work; one that
 * calls a channel between its transactions (refund approval, payment orders) keeps its own transactions, and a retry
 * after a crash there is refused by the state it left (already approved, the earlier order closed first).
 */
export async function answeredInOneTransaction<T>(
  db: Orm,
  reply: FastifyReply,
  statusCode: number,
  work: (db: Orm) => Promise<T>,
): Promise<T> {
  const taken = reply.request.idempotency;
  if (!taken) return work(db);
  return db.transaction(async (tx) => {
    const answer = await work(tx);
    reply.status(statusCode);
    await tx.execute(
      sql`UPDATE idempotency_keys SET status_code = ${statusCode}, response = ${reply.serialize(answer)}::jsonb
           WHERE scope = ${taken.scope} AND key = ${taken.key}`,
    );
    return answer;
  });
}

/** Forgets keys older than the replay window (a daily job). */
export async function purgeIdempotencyKeys(db: Orm): Promise<number> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_KEY_HOURS})
        RETURNING key`,
  );
  return rows.length;
}
