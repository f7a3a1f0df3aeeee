// The API of a running demo server, for browser tests that set up data the quick way: calls as the demo staff
// (each logs in once) or with any bearer token (a tenant's), a 2xx answer expected.
import { expect } from 'vitest';
import { DEMO_PASSWORD } from './browser.ts';

export const IPHONE_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export interface CallInit {
  method?: string;
  body?: unknown;
}

/** `baseUrl` is asked at each call: the server usually starts in a beforeAll after this is made. */
export function demoApi(baseUrl: () => string) {
  const tokens = new Map<string, string>();

  async function staffToken(username: string): Promise<string> {
    let token = tokens.get(username);
    if (!token) {
      const login = await fetch(`${baseUrl()}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      expect(login.status).toBe(200);
      token = ((await login.json()) as { token: string }).token;
      tokens.set(username, token);
    }
    return token;
  }

  async function call<T>(token: string, path: string, init: CallInit = {}): Promise<T> {
    const response = await fetch(`${baseUrl()}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body === undefined
          ? {}
          : { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    expect(response.status, `${init.method ?? 'GET'} ${path}: ${text}`).toBeLessThan(300);
    return (text ? JSON.parse(text) : null) as T;
  }

  return {
    staffToken,
    call,
    asStaff: async <T>(username: string, path: string, init?: CallInit) =>
      call<T>(await staffToken(username), path, init),
  };
}
