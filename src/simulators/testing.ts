// Helpers for the simulator tests: a notification receiver that records what arrives and answers as told,
// and a WeChat Pay request signer for tests that speak to the app by inject.

import { createSign, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ChannelKeys } from './keys.ts';
import type { Deliver, OutgoingRequest } from './kit.ts';

export interface ReceivedNotification {
  url: string;
  request: OutgoingRequest;
  at: number;
}

/** A `deliver` that records every notification and answers with `answer` (default 200 "success"). */
export function recordingReceiver(
  answer: (received: ReceivedNotification, index: number) => { status: number; body: string } = () => ({
    status: 200,
    body: 'success',
  }),
) {
  const received: ReceivedNotification[] = [];
  const deliver: Deliver = async (url, request) => {
    const item = { url, request, at: Date.now() };
    received.push(item);
    return answer(item, received.length - 1);
  };
  return { received, deliver };
}

/** Waits (a few ms at a time, at most `timeoutMs`) until `check` holds. */
export async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Sends a WeChat Pay v3 request signed as the merchant of `keys` would (or with `privateKeyPem`). */
export function wechatpayInject(
  app: FastifyInstance,
  keys: ChannelKeys,
  method: 'GET' | 'POST',
  url: string,
  body?: object,
  options: { privateKeyPem?: string; timestamp?: number } = {},
) {
  const account = keys.accounts.wechatpay;
  const payload = body === undefined ? '' : JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = createSign('RSA-SHA256')
    .update(`${method}\n${url}\n${timestamp}\n${nonce}\n${payload}\n`)
    .sign(options.privateKeyPem ?? account.secrets.merchantPrivateKeyPem, 'base64');
  return app.inject({
    method,
    url,
    headers: {
      authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${account.settings.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${account.settings.merchantSerialNo}"`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      accept: 'application/json',
    },
    ...(body === undefined ? {} : { payload }),
  });
}
