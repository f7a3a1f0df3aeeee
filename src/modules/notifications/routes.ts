import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { staffOf } from '../../http/access.ts';
import { Page, PageQuery } from '../../http/schemas.ts';
import { notificationsService, notificationView } from './service.ts';

const NotificationSchema = Type.Object({
  id: Type.String(),
  recipientRole: Type.String({ description: '收件角色，如 asset_manager' }),
  channel: Type.String({ description: 'in_app：控制台消息' }),
  kind: Type.String({ description: '如 contract_expiring：合同即将到期' }),
  entityType: Type.Union([Type.String(), Type.Null()]),
  entityId: Type.Union([Type.String(), Type.Null()]),
  title: Type.String(),
  body: Type.String(),
  createdAt: Type.String(),
});

export const notificationsRoutes: FastifyPluginAsyncTypebox<{ db: Orm }> = async (app, { db }) => {
  app.get(
    '/notifications',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['消息'],
        summary: '我的消息（发给我所属角色的提醒，如合同到期提醒）',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(NotificationSchema) },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      const { page, pageSize } = request.query;
      const { items, total } = await notificationsService.list(db, staff.orgId, staff.roles, page, pageSize);
      return { items: items.map(notificationView), total, page, pageSize };
    },
  );
};
