import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { clientOf, SESSION_COOKIE, staffActor, staffOf } from '../../http/access.ts';
import { errorResponses } from '../../http/schemas.ts';
import { ROLE_NAMES, ROLE_PERMISSIONS, ROLES } from './permissions.ts';
import { ChangePasswordBody, LoginBody, LoginReply, RoleInfo, StaffUser } from './schema.ts';
import type { AuthService } from './service.ts';

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; loginRateLimitPerMinute: number }> = async (
  app,
  { auth, loginRateLimitPerMinute },
) => {
  app.post(
    '/auth/login',
    {
      config: { access: 'public', rateLimit: { max: loginRateLimitPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['认证'],
        summary: '员工登录',
        body: LoginBody,
        response: { 200: LoginReply, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { token, user } = await auth.login(request.body.username, request.body.password, clientOf(request));
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
      });
      return { token, user };
    },
  );

  app.post(
    '/auth/logout',
    { config: { access: 'staff' }, schema: { tags: ['认证'], summary: '退出登录', response: { 204: Type.Null() } } },
    async (request, reply) => {
      await auth.logout(request.principal!, staffActor(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: 'staff' },
      schema: { tags: ['认证'], summary: '当前用户', response: { 200: Type.Object({ user: StaffUser }) } },
    },
    async (request) => ({ user: await auth.me(staffOf(request)) }),
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'staff' },
      schema: { tags: ['认证'], summary: '修改自己的密码', body: ChangePasswordBody, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await auth.changePassword(
        staffOf(request),
        staffActor(request),
        request.body.currentPassword,
        request.body.newPassword,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/roles',
    {
      config: { access: 'user:read' },
      schema: {
        tags: ['系统'],
        summary: '角色与权限',
        response: { 200: Type.Object({ items: Type.Array(RoleInfo) }) },
      },
    },
    async () => ({
      items: ROLES.map((code) => ({
        code,
        name: ROLE_NAMES[code].zh,
        nameEn: ROLE_NAMES[code].en,
        description: ROLE_NAMES[code].description,
        permissions: [...ROLE_PERMISSIONS[code]],
      })),
    }),
  );
};
