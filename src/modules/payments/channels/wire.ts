// What the three adapters share on the wire: one HTTP call with a deadline whose failures become ChannelErrors a
// person can act on, Beijing wall-clock times (every channel dates its fields in China Standard Time, UTC+8,
// whatever the server's zone), and amounts moved between fen and yuan strings without floating point.

import { formatYuan } from '../../../domain/money.ts';
import { ChannelError, type Provider } from './types.ts';

export const CHANNEL_NAMES: Record<Provider, string> = { wechatpay: '微信支付', alipay: '支付宝', unionpay: '银联' };

/** How long one call to a channel may take before AssetPay gives up on it. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface WireOptions {
  fetchImpl: typeof fetch;
  timeoutMs: number;
}

export function wireOptions(options?: { fetchImpl?: typeof fetch; timeoutMs?: number }): WireOptions {
  return { fetchImpl: options?.fetchImpl ?? fetch, timeoutMs: options?.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

export interface WireResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * One request to a channel. Network failures and timeouts become ChannelErrors naming the channel and what to do;
 * the message never carries the request (its headers and body hold signatures and merchant data).
 */
export async function callChannel(
  provider: Provider,
  wire: WireOptions,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<WireResponse> {
  let response: Response;
  try {
    response = await wire.fetchImpl(url, { ...init, signal: AbortSignal.timeout(wire.timeoutMs) });
  } catch (error) {
    throw unreachable(provider, wire, url, error);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await response.arrayBuffer());
  } catch {
    throw incomplete(provider);
  }
  return { status: response.status, headers: response.headers, body };
}

function unreachable(provider: Provider, wire: WireOptions, url: string, error: unknown): ChannelError {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  if (timedOut) {
    return new ChannelError(
      provider,
      'TIMEOUT',
      `${CHANNEL_NAMES[provider]}在 ${Math.round(wire.timeoutMs / 1000)} 秒内没有应答，请稍后重试；订单状态以查询结果为准`,
    );
  }
  return new ChannelError(
    provider,
    'NETWORK',
    `无法连接${CHANNEL_NAMES[provider]}（${new URL(url).host}），请检查网络或渠道设置中的网关地址后重试`,
  );
}

const incomplete = (provider: Provider) =>
  new ChannelError(provider, 'NETWORK', `${CHANNEL_NAMES[provider]}的应答没有完整收到，请稍后重试`);

export interface WireDownload {
  status: number;
  headers: Headers;
  /** The body as it arrives; read it once, or `cancel()` it. */
  body: AsyncIterable<Uint8Array>;
  cancel(): Promise<void>;
}

/**
 * A file download (statements): like `callChannel`, but the body streams. The deadline applies to the answer and
 * then to every pause between chunks, so a large file may take as long as it keeps arriving.
 */
export async function downloadFromChannel(
  provider: Provider,
  wire: WireOptions,
  url: string,
  init: { method: 'GET'; headers?: Record<string, string> },
): Promise<WireDownload> {
  const controller = new AbortController();
  const idle = setTimeout(() => controller.abort(), wire.timeoutMs);
  let response: Response;
  try {
    response = await wire.fetchImpl(url, { ...init, signal: controller.signal });
  } catch (error) {
    clearTimeout(idle);
    throw unreachable(provider, wire, url, error);
  }
  const stream = response.body;
  async function* body() {
    if (!stream) return;
    try {
      for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
        idle.refresh();
        yield chunk;
      }
    } catch {
      throw incomplete(provider);
    } finally {
      clearTimeout(idle);
    }
  }
  return {
    status: response.status,
    headers: response.headers,
    body: body(),
    async cancel() {
      clearTimeout(idle);
      await stream?.cancel().catch(() => {});
    },
  };
}

/** The response of a channel could not be trusted: a bad or missing signature, or a body that does not parse. */
export function untrustedResponse(provider: Provider, why: string): ChannelError {
  return new ChannelError(
    provider,
    'RESPONSE_UNTRUSTED',
    `${CHANNEL_NAMES[provider]}的应答${why}，已拒绝使用；请核对渠道设置中的平台公钥/证书是否为最新，或稍后重试`,
  );
}

// ---- Beijing time ----

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The wall-clock parts of `date` in Beijing. */
export function beijingParts(date: Date) {
  const shifted = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return {
    year: pad(shifted.getUTCFullYear(), 4),
    month: pad(shifted.getUTCMonth() + 1),
    day: pad(shifted.getUTCDate()),
    hour: pad(shifted.getUTCHours()),
    minute: pad(shifted.getUTCMinutes()),
    second: pad(shifted.getUTCSeconds()),
  };
}

/** `2024-05-01T12:00:00+08:00` (WeChat time_expire, RFC 3339). */
export function beijingRfc3339(date: Date): string {
  const p = beijingParts(date);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}+08:00`;
}

/** `2024-05-01 12:00:00` (Alipay timestamp and time_expire). */
export function beijingDateTime(date: Date): string {
  const p = beijingParts(date);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `20240501120000` (UnionPay txnTime, payTimeout). */
export function beijingCompact(date: Date): string {
  const p = beijingParts(date);
  return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}`;
}

/** Reads `yyyy-MM-dd HH:mm:ss[.SSS]` or `yyyyMMddHHmmss` as Beijing wall-clock time (milliseconds dropped). */
export function parseBeijing(text: string | undefined): Date | undefined {
  const match = text?.trim().match(/^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})(?:\.\d{1,3})?$/);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) - BEIJING_OFFSET_MS);
  // Date.UTC rolls a 13th month or a 32nd day over; such text is not a time.
  const back = beijingParts(date);
  const same = [back.year, back.month, back.day, back.hour, back.minute, back.second].map(Number);
  return same.every((value, index) => value === [year, month, day, hour, minute, second][index]) ? date : undefined;
}

// ---- Money ----

/** `1234` → `"12.34"` (Alipay total_amount, refund_amount): yuan without grouping. */
export function yuanOfFen(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`金额必须是非负整数分：${fen}`);
  return formatYuan(fen, { grouping: false });
}

/** Parses an integer amount in fen from a channel field (UnionPay txnAmt, WeChat amount.total). */
export function integerFen(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

// ---- Settings ----

/**
 * Reads a key or certificate from the merchant settings; a malformed one becomes a ChannelError that says which
 * setting to fix (node:crypto's own message is generic, and nothing of the key itself is repeated).
 */
export function readSetting<T>(provider: Provider, setting: string, read: () => T): T {
  try {
    return read();
  } catch {
    throw new ChannelError(
      provider,
      'SETTINGS_INVALID',
      `${CHANNEL_NAMES[provider]}渠道设置中的「${setting}」无法读取，请粘贴完整的 PEM 内容（含 BEGIN/END 行）后保存`,
    );
  }
}
