// Notifications leave the gateway through here: sent at once, then retried on the channel's schedule until the
// receiver acknowledges. Delays are multiplied by the time scale so tests run a day's schedule in milliseconds.

import type { Deliver, NotificationAttempt, OutgoingRequest } from './kit.ts';

export interface NotificationJob {
  url: string;
  /** Built afresh for every attempt (WeChat Pay signs each with the current timestamp). */
  request: () => OutgoingRequest;
  /** Delays before the 2nd, 3rd, … attempt, in milliseconds of real channel time. */
  retryDelaysMs: readonly number[];
  acknowledged: (answer: { status: number; body: string }) => boolean;
  /** Every attempt is recorded here (the order's view shows it). */
  attempts: NotificationAttempt[];
}

const DELIVERY_TIMEOUT_MS = 10_000;

export const fetchDeliver: Deliver = async (url, request) => {
  const response = await fetch(url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text() };
};

export class NotificationOutbox {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;

  constructor(
    private readonly deliver: Deliver,
    private readonly timeScale: number,
    private readonly now: () => Date,
  ) {}

  send(job: NotificationJob): void {
    this.#attempt(job, 0);
  }

  /** Resolves when no notification is being delivered right now (retries still waiting do not count). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Cancels every pending retry; nothing is sent after this. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #attempt(job: NotificationJob, attemptIndex: number): void {
    if (this.#stopped) return;
    const delivery = this.#deliverOnce(job).then((acknowledged) => {
      const delay = job.retryDelaysMs[attemptIndex];
      if (acknowledged || delay === undefined || this.#stopped) return;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#attempt(job, attemptIndex + 1);
      }, delay * this.timeScale);
      timer.unref();
      this.#timers.add(timer);
    });
    this.#inFlight.add(delivery);
    void delivery.finally(() => this.#inFlight.delete(delivery));
  }

  async #deliverOnce(job: NotificationJob): Promise<boolean> {
    const at = this.now().toISOString();
    let answer: { status: number; body: string };
    try {
      answer = await this.deliver(job.url, job.request());
    } catch {
      // Unreachable receiver: recorded as status 0 and retried like any refusal.
      answer = { status: 0, body: '' };
    }
    const acknowledged = job.acknowledged(answer);
    job.attempts.push({ at, status: answer.status, acknowledged });
    return acknowledged;
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** WeChat Pay: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h (≈ 24 h). */
export const WECHATPAY_RETRY_DELAYS_MS = [
  15 * SECOND,
  15 * SECOND,
  30 * SECOND,
  3 * MINUTE,
  10 * MINUTE,
  20 * MINUTE,
  30 * MINUTE,
  30 * MINUTE,
  30 * MINUTE,
  60 * MINUTE,
  3 * HOUR,
  3 * HOUR,
  3 * HOUR,
  6 * HOUR,
  6 * HOUR,
] as const;

/** Alipay: 4m, 10m, 10m, 1h, 2h, 6h, 15h (8 sendings within 25 h). */
export const ALIPAY_RETRY_DELAYS_MS = [
  4 * MINUTE,
  10 * MINUTE,
  10 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  15 * HOUR,
] as const;

/** UnionPay: resent up to 5 times (1m, 2m, 4m, 8m, 16m — the interval doubles). */
export const UNIONPAY_RETRY_DELAYS_MS = [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE] as const;
