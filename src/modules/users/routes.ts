import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import { CreateUserBody, ResetPasswordBody, UpdateUserBody, UserListQuery, UserSchema } from './schema.ts';
import { usersService, userView } from './service.ts';

export const usersRoutes: FastifyPluginAsyncTypebox<{ db: Orm }> = async (app, { db }) => {
  const tags = ['系统'];

  app.get(
    '/users',
    {
      config: { access: 'user:read' },
      schema: { tags, summary: '员工账号列表', querystring: UserListQuery, response: { 200: Page(UserSchema) } },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await usersService.list(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items: items.map(userView), total, page, pageSize };
    },
  );

  app.post(
    '/users',
    {
      config: { access: 'user:manage' },
      schema: { tags, summary: '新建员工账号', body: CreateUserBody, response: { 201: UserSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      const row = await usersService.create(db, actor, actor.orgId, request.body);
      return reply.status(201).send(userView(row));
    },
  );

  app.get(
    '/users/:id',
    {
      config: { access: 'user:read' },
      schema: { tags, summary: '员工账号详情', params: IdParams, response: { 200: UserSchema, ...errorResponses } },
    },
    async (request) => userView(await usersService.get(db, staffOf(request).orgId, request.params.id)),
  );

  app.patch(
    '/users/:id',
    {
      config: { access: 'user:manage' },
      schema: {
        tags,
        summary: '修改员工账号（姓名、角色、状态）',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserSchema, ...errorResponses },
      },
    },
    async (request) => userView(await usersService.update(db, staffActor(request), request.params.id, request.body)),
  );

  app.post(
    '/users/:id/unlock',
    {
      config: { access: 'user:manage' },
      schema: { tags, summary: '解锁账号', params: IdParams, response: { 200: UserSchema, ...errorResponses } },
    },
    async (request) => userView(await usersService.unlock(db, staffActor(request), request.params.id)),
  );

  app.post(
    '/users/:id/reset-password',
    {
      config: { access: 'user:manage' },
      schema: {
        tags,
        summary: '重置密码',
        params: IdParams,
        body: ResetPasswordBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await usersService.setPassword(
        db,
        staffActor(request),
        request.params.id,
        request.body.password,
        'user.password_reset',
      );
      return reply.status(204).send(null);
    },
  );
};
