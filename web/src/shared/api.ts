// The HTTP client shared by the admin console and the tenant H5: JSON in, JSON out,
// RFC 9457 problem+json turned into an ApiError a page can show as it is.

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  /** The sentence for the person, from the problem's `detail` (or `title`). */
  readonly detail: string;
  readonly code: string | undefined;
  readonly errors: FieldError[];

  constructor(status: number, detail: string, code?: string, errors: FieldError[] = []) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.code = code;
    this.errors = errors;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** Login forms expect 401 (wrong password) and show it rather than redirecting. */
  expectUnauthorized?: boolean;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** Extra headers for every call (language, bearer token). */
  headers?: () => Record<string, string>;
  /** Called on any 401 not expected by the caller: the session is gone. */
  onUnauthorized?: () => void;
  /** Shown when the server cannot be reached at all. */
  networkErrorMessage?: () => string;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

interface ProblemBody {
  title?: unknown;
  detail?: unknown;
  code?: unknown;
  errors?: unknown;
}

function problemToError(status: number, statusText: string, body: ProblemBody | null): ApiError {
  const detail =
    typeof body?.detail === 'string' && body.detail
      ? body.detail
      : typeof body?.title === 'string' && body.title
        ? body.title
        : `HTTP ${status} ${statusText}`.trim();
  const errors = Array.isArray(body?.errors)
    ? body.errors.filter(
        (item): item is FieldError =>
          typeof item === 'object' && item !== null && typeof (item as FieldError).message === 'string',
      )
    : [];
  return new ApiError(status, detail, typeof body?.code === 'string' ? body.code : undefined, errors);
}

export function createApiClient(options: ApiClientOptions = {}) {
  async function request<T>(method: string, path: string, requestOptions: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...options.headers?.(),
      ...requestOptions.headers,
    };
    const init: RequestInit = { method, headers, credentials: 'same-origin', signal: requestOptions.signal };
    if (requestOptions.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(requestOptions.body);
    }
    let response: Response;
    try {
      response = await fetch(withQuery(path, requestOptions.query), init);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, options.networkErrorMessage?.() ?? '无法连接服务器，请检查网络后重试');
    }
    const text = await response.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (!response.ok) {
      if (response.status === 401 && !requestOptions.expectUnauthorized) options.onUnauthorized?.();
      throw problemToError(response.status, response.statusText, body as ProblemBody | null);
    }
    return body as T;
  }

  return {
    request,
    get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
    post: <T>(path: string, body?: unknown, extra?: Omit<RequestOptions, 'body'>) =>
      request<T>('POST', path, { ...extra, body }),
    patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
    put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
    delete: <T>(path: string) => request<T>('DELETE', path),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A paged list as every list endpoint returns it. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function errorDetail(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}
