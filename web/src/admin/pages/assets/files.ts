// Files to and from the API (Excel exports and templates, attachments, imports), with the same
// language header and problem+json errors as the JSON client.

import { ApiError, type FieldError, type Query, withQuery } from '../../../shared/api.ts';
import { api } from '../../api.ts';
import { activeLanguage, translate } from '../../i18n.ts';

const languageHeader = () => ({ 'Accept-Language': activeLanguage() === 'en' ? 'en' : 'zh-CN' });

async function send(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, translate(activeLanguage(), 'common.networkError'));
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as {
    detail?: string;
    title?: string;
    code?: string;
    errors?: FieldError[];
  } | null;
  if (response.status === 401) {
    // Let the shared client's session handling send the person to /login.
    await api.get('/api/v1/auth/me').catch(() => undefined);
  }
  throw new ApiError(
    response.status,
    body?.detail ?? body?.title ?? `HTTP ${response.status}`,
    body?.code,
    Array.isArray(body?.errors) ? body.errors : [],
  );
}

/** The file name from `Content-Disposition` (the UTF-8 `filename*` first), or the fallback. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (utf8?.[1]) {
    try {
      return decodeURIComponent(utf8[1]);
    } catch {
      // A malformed escape: fall through to the plain name.
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/** Fetches a file and hands it to the browser as a download under the server's file name. */
export async function downloadFile(path: string, query: Query = {}, fallbackName = 'download'): Promise<string> {
  const response = await send(withQuery(path, query), { headers: languageHeader() });
  const fileName = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.style.display = 'none';
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has started the download; give the browser a moment before the blob goes.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return fileName;
}

/** Posts one file as multipart/form-data (field `file`) and reads the JSON answer. */
export async function uploadFile<T>(path: string, file: Blob, fileName: string, query: Query = {}): Promise<T> {
  const form = new FormData();
  form.append('file', file, fileName);
  const response = await send(withQuery(path, query), {
    method: 'POST',
    body: form,
    headers: { ...languageHeader(), Accept: 'application/json' },
  });
  return (await response.json()) as T;
}

/** 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
