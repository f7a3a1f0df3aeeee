// Test helpers for the channel adapters (not used by production code): keys made once per test file, and a fetch
// that answers from a function so a test can play the gateway (hand-signed answers, tampered ones, silence).

import { generateChannelKeys } from '../../../simulators/keys.ts';

export type ChannelKeys = ReturnType<typeof generateChannelKeys>;

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A fetch whose answers come from `answer`; every request is kept in `requests`. */
export function fakeFetch(answer: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>) {
  const requests: RecordedRequest[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const request: RecordedRequest = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers,
      body: typeof init?.body === 'string' ? init.body : '',
    };
    requests.push(request);
    const signal = init?.signal;
    const reply = await Promise.race([
      Promise.resolve(answer(request)),
      new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason));
      }),
    ]);
    const body =
      reply.body === undefined ? null : typeof reply.body === 'string' ? reply.body : new Uint8Array(reply.body);
    return new Response(body, { status: reply.status ?? 200, headers: reply.headers ?? {} });
  }) as typeof fetch;
  return { fetchImpl, requests };
}

/** A fetch that never answers (until the caller's deadline aborts it). */
export const silentFetch = fakeFetch(() => new Promise<FakeAnswer>(() => {})).fetchImpl;

export function freshKeys(baseUrl = 'http://gateway.test'): ChannelKeys {
  return generateChannelKeys(baseUrl);
}

/** A fetch that hands every request to a Fastify app by inject (no port); the URL's host is ignored. */
export function injectFetch(app: {
  inject: (options: {
    method: string;
    url: string;
    headers?: Record<string, string>;
    payload?: string;
  }) => Promise<{ statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }>;
}): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const answer = await app.inject({
      method: init?.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      headers,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(answer.headers)) {
      if (value !== undefined) responseHeaders.set(key, Array.isArray(value) ? value.join(', ') : String(value));
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304 || answer.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(answer.rawPayload), {
      status: answer.statusCode,
      headers: responseHeaders,
    });
  }) as typeof fetch;
}

/** Wraps a fetch so that a test can change what comes back (a tampered answer). */
export function tamperingFetch(inner: typeof fetch, change: (body: string, url: string) => string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await inner(input, init);
    if (response.status === 204) return response;
    const body = change(await response.text(), String(input));
    return new Response(body, { status: response.status, headers: response.headers });
  }) as typeof fetch;
}

/** Header names lower-cased, as an IncomingNotification holds them. */
export function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}
