import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import dayjs from 'dayjs';
import type { Orm } from '../../db/client.ts';
import { staffOf } from '../../http/access.ts';
import { DateString, Page, PageQuery } from '../../http/schemas.ts';
import { auditService } from './service.ts';

const AuditEntry = Type.Object({
  id: Type.Integer(),
  seq: Type.Integer(),
  chain: Type.String(),
  at: Type.String(),
  actorKind: Type.String(),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.Union([Type.String(), Type.Null()]),
  entityId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Type.Union([Type.String(), Type.Null()]),
});

const AuditQuery = Type.Object(
  {
    ...PageQuery,
    action: Type.Optional(Type.String({ maxLength: 100 })),
    actor: Type.Optional(Type.String({ maxLength: 100 })),
    entityType: Type.Optional(Type.String({ maxLength: 50 })),
    entityId: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(DateString),
    to: Type.Optional(DateString),
  },
  { additionalProperties: false },
);

const Verification = Type.Object({
  valid: Type.Boolean(),
  checkedEntries: Type.Integer(),
  chains: Type.Array(
    Type.Object({
      chain: Type.String(),
      entries: Type.Integer(),
      valid: Type.Boolean(),
      brokenAt: Type.Union([Type.Null(), Type.Object({}, { additionalProperties: true })]),
    }),
  ),
});

const chinaDayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

export const auditRoutes: FastifyPluginAsyncTypebox<{ db: Orm }> = async (app, { db }) => {
  app.get(
    '/audit-log',
    {
      config: { access: 'audit:read' },
      schema: { tags: ['审计'], summary: '审计日志', querystring: AuditQuery, response: { 200: Page(AuditEntry) } },
    },
    async (request) => {
      const { page, pageSize, from, to, ...filter } = request.query;
      const { items, total } = await auditService.list(
        db,
        {
          ...filter,
          orgId: staffOf(request).orgId,
          from: from ? chinaDayStart(from) : undefined,
          to: to ? chinaDayStart(dayjs(to).add(1, 'day').format('YYYY-MM-DD')) : undefined,
        },
        page,
        pageSize,
      );
      return { items: items.map((row) => ({ ...row, at: row.at.toISOString() })), total, page, pageSize };
    },
  );

  app.get(
    '/audit-log/verification',
    {
      config: { access: 'audit:read' },
      schema: {
        tags: ['审计'],
        summary: '校验本组织的审计哈希链',
        response: { 200: Verification },
      },
    },
    async (request) => auditService.verify(db, staffOf(request).orgId),
  );
};
