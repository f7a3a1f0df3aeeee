// What the three gateway simulators share: the options they run with, the order view the control API shows,
// Beijing-time formats (every Chinese gateway speaks Beijing time), amounts in yuan and the gateway's fee.

import { randomBytes } from 'node:crypto';
import { multiplyFen, parseRate } from '../domain/money.ts';
import type { SimulatorKeys, SimulatorMerchant } from './keys.ts';
import type { NotificationJob } from './outbox.ts';

export type SimulatedProvider = 'wechatpay' | 'alipay' | 'unionpay';

/** One HTTP request a simulator sends (a notification); the answer decides whether it is retried. */
export interface OutgoingRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}
export type Deliver = (url: string, request: OutgoingRequest) => Promise<{ status: number; body: string }>;

export interface SimulatorOptions {
  keys: SimulatorKeys;
  /** The merchants this gateway knows (their public keys verify their requests). */
  merchants: SimulatorMerchant[];
  /** Where browsers and the org reach the simulator (code URLs, cashier pages, bill download URLs). */
  publicUrl?: string;
  /** Notification retry delays are multiplied by this (1 = the channel's real schedule; tests use 0.001). */
  timeScale?: number;
  /** The gateway's fee on a payment, a decimal string (default '0.006', i.e. 0.6 %). */
  feeRate?: string;
  /** How notifications are sent (default: fetch). Tests pass one that calls the app under test. */
  deliver?: Deliver;
  /** The gateway's clock (default: the system clock). */
  now?: () => Date;
}

/** What the simulator was told to do when a payment is completed through the control API. */
export interface PayInstruction {
  /** false: complete the payment but drop the notification (the backstop query must find it). */
  notify?: boolean;
  /** Send the notification this many extra times, all at once. */
  duplicates?: number;
  /** Report this amount instead of the order's (an amount-mismatch test). */
  amountFen?: number;
  /** Back-dates the payment (demo history). */
  paidAt?: string;
}

export interface NotificationAttempt {
  at: string;
  status: number;
  acknowledged: boolean;
}

/** The simulator's own view of an order (`GET /_sim/{channel}/orders/{out_trade_no}`). */
export interface SimulatedOrderView {
  provider: SimulatedProvider;
  outTradeNo: string;
  merchantId: string;
  appId?: string;
  /** What the order asked for. */
  amountFen: number;
  /** What the payment reported (differs only when the control API said so). */
  paidAmountFen?: number;
  status: 'unpaid' | 'paid' | 'closed' | 'refunded';
  tradeType: string;
  description: string;
  transactionId?: string;
  createdAt: string;
  paidAt?: string;
  expiresAt?: string;
  notifyUrl?: string;
  refundedFen: number;
  notifications: NotificationAttempt[];
  /** Where the tenant's browser goes after paying: a URL, or a form the page posts (UnionPay frontUrl). */
  returnTo?: { url: string } | { form: { action: string; fields: Record<string, string> } };
}

/** A request the control API or a cashier page cannot serve; `status` is the HTTP answer. */
export class SimulatorProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What each channel simulator offers the control API and the cashier page. */
export interface SimulatedChannel {
  provider: SimulatedProvider;
  /** Chinese name shown on the cashier page. */
  title: string;
  view(outTradeNo: string): SimulatedOrderView | undefined;
  /** Completes the payment (as if the payer confirmed in the channel's app) and sends the notification. */
  pay(outTradeNo: string, instruction: PayInstruction): SimulatedOrderView;
  /** The cashier page was opened (Alipay: the trade exists from the moment the payer scans or opens it). */
  opened?(outTradeNo: string): void;
}

// ---- Beijing time ----

const BEIJING_OFFSET_MS = 8 * 3_600_000;

function beijingParts(date: Date) {
  const shifted = new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString();
  return {
    year: shifted.slice(0, 4),
    month: shifted.slice(5, 7),
    day: shifted.slice(8, 10),
    time: shifted.slice(11, 19),
  };
}

/** 2024-05-01T10:00:00+08:00 (WeChat Pay). */
export function rfc3339Beijing(date: Date): string {
  const p = beijingParts(date);
  return `${p.year}-${p.month}-${p.day}T${p.time}+08:00`;
}

/** 2024-05-01 10:00:00 (Alipay, WeChat bills). */
export function beijingDateTime(date: Date): string {
  const p = beijingParts(date);
  return `${p.year}-${p.month}-${p.day} ${p.time}`;
}

/** 2024-05-01 */
export function beijingDate(date: Date): string {
  const p = beijingParts(date);
  return `${p.year}-${p.month}-${p.day}`;
}

/** 20240501100000 (UnionPay txnTime). */
export function beijingCompact(date: Date): string {
  return beijingDateTime(date).replace(/[-: ]/g, '');
}

/** Reads "yyyy-MM-dd HH:mm:ss" or "yyyyMMddHHmmss" as Beijing time; undefined when it is neither. */
export function parseBeijing(text: string): Date | undefined {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

// ---- Money ----

/** 12345 → "123.45" */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "123.45" → 12345; undefined when the text is not a yuan amount with at most 2 decimals. */
export function fenOfYuan(text: string): number | undefined {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** The gateway's fee on an amount: amount × rate, rounded half-up to the fen (negative amounts: negative fee). */
export function feeFen(amountFen: number, feeRate: string): number {
  const fee = Number(multiplyFen(Math.abs(amountFen), parseRate(feeRate)));
  return amountFen < 0 ? -fee : fee;
}

// ---- Identifiers ----

export function randomDigits(length: number): string {
  return Array.from(randomBytes(length), (byte) => String(byte % 10)).join('');
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export function randomAlphanumeric(length: number): string {
  return Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % 62]).join('');
}

/** The channels' rule for our order numbers: letters and digits only, at most 32. */
export function isOrderNo(text: unknown): text is string {
  return typeof text === 'string' && /^[0-9A-Za-z]{1,32}$/.test(text);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a channel simulator is built with (index.ts resolves the options into this). */
export interface SimulatorContext {
  keys: SimulatorKeys;
  merchants: SimulatorMerchant[];
  /** Where browsers reach the simulator, without a trailing slash. */
  publicUrl(): string;
  feeRate: string;
  now(): Date;
  outbox: { send(job: NotificationJob): void };
  deliver: Deliver;
}
