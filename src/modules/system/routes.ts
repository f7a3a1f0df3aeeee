import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import type { Registry } from 'prom-client';
import type { Database } from '../../db/client.ts';

export const VERSION = '0.1.0';

export const systemRoutes: FastifyPluginAsyncTypebox<{ database: Database; metrics: Registry }> = async (
  app,
  { database, metrics },
) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['系统'],
        summary: '健康检查',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), db: Type.String(), version: Type.String() }),
          503: Type.Object({ status: Type.Literal('error'), db: Type.String(), version: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await database.orm.execute(sql`SELECT 1`);
        return { status: 'ok' as const, db: database.kind, version: VERSION };
      } catch {
        return reply.status(503).send({ status: 'error' as const, db: database.kind, version: VERSION });
      }
    },
  );

  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { tags: ['系统'], summary: 'Prometheus 指标', hide: true } },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()),
  );
};
