import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { AppError } from '../../http/problem.ts';
import { errorResponses, Page } from '../../http/schemas.ts';
import { today } from '../contracts/service.ts';
import {
  MessageListQuery,
  MessageSchema,
  PayLinkParams,
  PayLinkViewSchema,
  ReminderSettingsSchema,
  RunRemindersBody,
  RunRemindersResult,
} from './schema.ts';
import { type MessagingDeps, messagesService } from './service.ts';

registerEntityNames({
  message: { zh: '消息', en: 'Message' },
  bill: { zh: '账单', en: 'Bill' },
});

const withProblems = { ...errorResponses, 422: Type.Ref('Problem') };

export const messagesRoutes: FastifyPluginAsyncTypebox<{ db: Orm; messaging: MessagingDeps }> = async (
  app,
  { db, messaging },
) => {
  const tags = ['催缴提醒'];

  app.get(
    '/settings/reminders',
    {
      config: { access: 'message:read' },
      schema: {
        tags,
        summary: '催缴提醒规则：到期前几天、到期当日、逾期每隔几天、免打扰时段、渠道',
        response: { 200: ReminderSettingsSchema },
      },
    },
    async (request) => messagesService.reminderSettings(db, staffOf(request).orgId),
  );

  app.put(
    '/settings/reminders',
    {
      // Finance (bill:write) runs collections; an administrator (settings:manage) may set it up too.
      config: { access: 'staff' },
      schema: {
        tags,
        summary: '修改催缴提醒规则（需要 settings:manage 或 bill:write 权限）',
        body: ReminderSettingsSchema,
        response: { 200: ReminderSettingsSchema, ...withProblems },
      },
    },
    async (request) => {
      const { permissions } = staffOf(request);
      if (!permissions.includes('settings:manage') && !permissions.includes('bill:write')) {
        throw new AppError(403, 'forbidden', { permission: 'settings:manage / bill:write' });
      }
      return messagesService.updateReminderSettings(db, staffActor(request), request.body);
    },
  );

  app.post(
    '/reminders/run',
    {
      config: { access: 'bill:write' },
      schema: {
        tags,
        summary: '立即按规则扫描账单并生成催缴消息（与每日 9:00 的任务相同；同一天重复执行不会重复生成）',
        body: RunRemindersBody,
        response: { 200: RunRemindersResult, ...withProblems },
      },
    },
    async (request) =>
      messagesService.queueReminders(db, messaging, request.body?.asOf ?? today(), staffActor(request)),
  );

  app.get(
    '/messages',
    {
      config: { access: 'message:read' },
      schema: {
        tags,
        summary: '发送给承租方的消息（短信、微信），按渠道、状态、承租方、账单筛选；收件人已脱敏',
        querystring: MessageListQuery,
        response: { 200: Page(MessageSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await messagesService.list(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/portal/pay-links/:token',
    {
      // The signed token is the credential: it names one bill and expires.
      config: { access: 'public' },
      schema: {
        tags: ['承租方门户'],
        summary: '缴费链接：查看链接所指的账单（今日应缴含违约金）',
        description: '链接被改动时返回 403；过期或账单已作废时返回 410。',
        security: [],
        params: PayLinkParams,
        response: {
          200: PayLinkViewSchema,
          403: Type.Ref('Problem'),
          404: Type.Ref('Problem'),
          410: Type.Ref('Problem'),
        },
      },
    },
    async (request) => messagesService.payLinkView(db, messaging.payLinkKey, request.params.token),
  );
};
