import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import type { Registry } from 'prom-client';
import type { Database } from '../../db/client.ts';

export const VERSION = '0.1.0';

/** Where the demo data stands: `seeding` while the first start writes it after the server is up. */
export type DemoState = 'off' | 'seeding' | 'ready' | 'failed';

export const systemRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  metrics: Registry;
  demoState: () => DemoState;
}> = async (app, { database, metrics, demoState }) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['系统'],
        summary: '健康检查',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            db: Type.String(),
            version: Type.String(),
            demo: Type.Union([
              Type.Literal('off'),
              Type.Literal('seeding'),
              Type.Literal('ready'),
              Type.Literal('failed'),
            ]),
          }),
          503: Type.Object({ status: Type.Literal('error'), db: Type.String(), version: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      // While the demo is being seeded on PGlite its transaction holds the one connection: the server is up.
      const demo = demoState();
      if (demo === 'seeding') return { status: 'ok' as const, db: database.kind, version: VERSION, demo };
      try {
        await database.orm.execute(sql`SELECT 1`);
        return { status: 'ok' as const, db: database.kind, version: VERSION, demo };
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
