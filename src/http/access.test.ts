import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AuthService } from '../modules/auth/service.ts';
import { installAccessControl } from './access.ts';

describe('route access declarations', () => {
  it('refuses to register an API route that does not say who may call it', async () => {
    const app = Fastify();
    installAccessControl(app, {} as AuthService);
    expect(() => app.get('/api/v1/forgotten', async () => 'open to all?')).toThrow(/未声明访问权限/);
  });

  it('accepts a route that declares its permission', async () => {
    const app = Fastify();
    const table = installAccessControl(app, {} as AuthService);
    app.get('/api/v1/declared', { config: { access: 'asset:read' } }, async () => 'ok');
    await app.ready();
    expect(table).toContainEqual({ method: 'GET', url: '/api/v1/declared', access: 'asset:read' });
  });
});
