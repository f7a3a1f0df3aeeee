import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Actor } from '../modules/audit/service.ts';
import type { Permission } from '../modules/auth/permissions.ts';
import type { AuthService, Principal, StaffPrincipal, TenantPrincipal } from '../modules/auth/service.ts';
import { AppError } from './problem.ts';

/**
 * What a route lets in, declared on every route (`config.access`):
 * - `public`: anyone (login, health, channel notifications — those verify signatures instead);
 * - `tenant`: a logged-in tenant of the H5 portal;
 * - `staff`: any logged-in staff member (their own profile);
 * - a permission: a staff member whose roles grant it.
 */
export type Access = 'public' | 'tenant' | 'staff' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const SESSION_COOKIE = 'assetpay_session';

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  return request.cookies?.[SESSION_COOKIE] || undefined;
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

/**
 * Refuses to register an API route that has not declared who may call it, and checks every request against it.
 * Returns the table of routes and their access, for the authorization tests.
 */
export function installAccessControl(app: FastifyInstance, auth: AuthService): RouteAccess[] {
  const table: RouteAccess[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access });
    // Outside the API and the channel notifications are only static pages and the OpenAPI viewer.
    const guarded = /^\/(api|notify)\//.test(route.url) || route.url === '/healthz' || route.url === '/metrics';
    if (guarded && !access) {
      throw new Error(`路由 ${String(route.method)} ${route.url} 未声明访问权限 (config.access)`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public') return;
    const token = tokenOf(request);
    if (!token) throw new AppError(401, 'unauthenticated');
    const principal = await auth.authenticate(token);
    request.principal = principal;
    if (access === 'tenant') {
      if (principal.kind !== 'tenant') throw new AppError(403, 'tenant_only');
      return;
    }
    if (principal.kind !== 'staff') throw new AppError(403, 'staff_only');
    if (access !== 'staff' && !principal.permissions.includes(access)) {
      throw new AppError(403, 'forbidden', { permission: access });
    }
  });
  return table;
}

export function staffOf(request: FastifyRequest): StaffPrincipal {
  if (request.principal?.kind !== 'staff') throw new AppError(401, 'unauthenticated');
  return request.principal;
}

export function tenantOf(request: FastifyRequest): TenantPrincipal {
  if (request.principal?.kind !== 'tenant') throw new AppError(401, 'unauthenticated');
  return request.principal;
}

export function clientOf(request: FastifyRequest) {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent']?.slice(0, 500) ?? null };
}

/** The audit actor for a staff request. */
export function staffActor(request: FastifyRequest): Actor & { orgId: string } {
  const staff = staffOf(request);
  return { kind: 'staff', orgId: staff.orgId, id: staff.userId, name: staff.username, ...clientOf(request) };
}
