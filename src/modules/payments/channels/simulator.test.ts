// Every adapter method round-trips against the channel simulators (the gateway side of the same protocols, with
// their own keys): orders of each kind, query, close, refund and its query, the statement file, and the
// notifications the simulator sends, verified as production verifies them; tampered ones are refused.

import fs from 'node:fs';
import os from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../../simulators/index.ts';
import { generateChannelKeys } from '../../../simulators/keys.ts';
import { adapterFor, PROVIDERS_MODULES } from './index.ts';
import { statementBytes } from './statement-file.ts';
import { injectFetch, lowerCaseHeaders, tamperingFetch } from './testing.ts';
import {
  type ChannelAdapter,
  type CreateOrderInput,
  type IncomingNotification,
  type PayChannel,
  PROVIDER_OF,
  type Provider,
} from './types.ts';
import { beijingParts } from './wire.ts';

const SIMULATOR_URL = 'http://sim.test';
const keys = generateChannelKeys(SIMULATOR_URL);

interface Captured {
  url: string;
  notification: IncomingNotification;
}
const captured: Captured[] = [];
let simulator: Simulator;
let fetchImpl: typeof fetch;

beforeAll(async () => {
  simulator = createSimulator({
    keys: keys.simulator.keys,
    merchants: [keys.simulator.merchant],
    publicUrl: SIMULATOR_URL,
    timeScale: 0.0001,
    feeRate: '0.006',
    deliver: async (url, request) => {
      captured.push({
        url,
        notification: { headers: lowerCaseHeaders(request.headers), rawBody: Buffer.from(request.body, 'utf8') },
      });
      // The answer each channel takes as "received".
      if (url.includes('/notify/alipay')) return { status: 200, body: 'success' };
      if (url.includes('/notify/wechatpay')) return { status: 204, body: '' };
      return { status: 200, body: 'ok' };
    },
  });
  await simulator.app.ready();
  fetchImpl = injectFetch(simulator.app);
});
afterAll(async () => {
  await simulator.app.close();
});

const adapter = <P extends Provider>(provider: P, options: { fetchImpl?: typeof fetch } = {}): ChannelAdapter =>
  adapterFor(provider, keys.accounts[provider], { fetchImpl: options.fetchImpl ?? fetchImpl, timeoutMs: 5_000 });

let sequence = 0;
/** Order numbers as AssetPay makes them: AP + Beijing yyyyMMddHHmmss + digits. */
function orderNo(prefix = 'AP'): string {
  const p = beijingParts(new Date());
  sequence += 1;
  return `${prefix}${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}${String(sequence).padStart(10, '0')}`;
}

function order(channel: PayChannel, amountFen = 123_45): CreateOrderInput {
  return {
    channel,
    orderNo: orderNo(),
    amountFen,
    description: '2024年5月租金（A栋101）',
    expiresAt: new Date(Date.now() + 30 * 60_000),
    notifyUrl: `https://assetpay.test/notify/${PROVIDER_OF[channel]}`,
    // As the payment service passes it: UnionPay's browser comes back by form POST to the front endpoint.
    returnUrl:
      channel === 'unionpay' ? 'https://assetpay.test/notify/unionpay/front' : 'https://assetpay.test/m/orders/X',
    clientIp: '203.0.113.9',
    openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    mobile: true,
  };
}

async function pay(provider: Provider, no: string, instruction: object = {}) {
  const answer = await simulator.app.inject({
    method: 'POST',
    url: `/_sim/${provider}/orders/${no}/pay`,
    payload: JSON.stringify(instruction),
    headers: { 'content-type': 'application/json' },
  });
  expect(answer.statusCode, answer.body).toBe(200);
  await simulator.settled();
  return answer.json() as { transactionId: string; status: string };
}

/** The last notification the simulator sent about `no`, as it arrived. */
function notificationAbout(provider: Provider, no: string, verify: ChannelAdapter, now = new Date()) {
  for (const item of [...captured].reverse()) {
    if (!item.url.includes(`/notify/${provider}`)) continue;
    try {
      const verified = verify.verifyNotification(item.notification, now);
      if ('orderNo' in verified && verified.orderNo === no) return { item, verified };
    } catch {
      // someone else's, or not verifiable at this `now`
    }
  }
  throw new Error(`no notification about ${no}`);
}

const today = () => {
  const p = beijingParts(new Date());
  return `${p.year}-${p.month}-${p.day}`;
};

describe('WeChat Pay adapter against the simulator', () => {
  const wechat = () => adapter('wechatpay');

  it('creates a Native order, sees it unpaid, paid after the payer pays, and verifies the notification', async () => {
    const input = order('wechat_native');
    const action = await wechat().createOrder(input);
    expect(action.kind).toBe('code');
    if (action.kind === 'code') expect(action.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(await wechat().queryOrder(input.orderNo)).toEqual({ state: 'unpaid' });

    const paid = await pay('wechatpay', input.orderNo);
    const { item, verified } = notificationAbout('wechatpay', input.orderNo, wechat());
    expect(PROVIDERS_MODULES.wechatpay.notifyIdentityOf(item.notification)).toBe(
      PROVIDERS_MODULES.wechatpay.notifyIdentity(keys.accounts.wechatpay.settings),
    );
    expect(verified).toMatchObject({
      kind: 'payment',
      orderNo: input.orderNo,
      transactionId: paid.transactionId,
      amountFen: 123_45,
      merchantId: keys.accounts.wechatpay.settings.mchid,
      appId: keys.accounts.wechatpay.settings.appid,
    });
    expect(await wechat().queryOrder(input.orderNo)).toMatchObject({
      state: 'paid',
      transactionId: paid.transactionId,
      amountFen: 123_45,
      merchantId: keys.accounts.wechatpay.settings.mchid,
    });

    // The same notification replayed 301 s later, a byte changed, or a probe: refused.
    const later = new Date(Date.now() + 301_000);
    expect(() => wechat().verifyNotification(item.notification, later)).toThrow(
      expect.objectContaining({ reason: 'stale_timestamp' }),
    );
    const body = item.notification.rawBody.toString('utf8').replace('"id":"', '"id":"X');
    expect(() => wechat().verifyNotification({ ...item.notification, rawBody: Buffer.from(body) }, new Date())).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );

    // Paid orders cannot be closed; refunds go through and can be queried.
    await expect(wechat().closeOrder(input.orderNo)).rejects.toMatchObject({ code: 'ORDER_PAID' });
    const refundNo = orderNo('RF');
    const refund = await wechat().refund({
      orderNo: input.orderNo,
      refundNo,
      transactionId: paid.transactionId,
      amountFen: 45,
      totalFen: 123_45,
      reason: '多缴退回',
      notifyUrl: 'https://assetpay.test/notify/wechatpay',
    });
    expect(['succeeded', 'processing']).toContain(refund.state);
    expect(await wechat().queryRefund(refundNo, input.orderNo)).toMatchObject({ state: 'succeeded', amountFen: 45 });
    await simulator.settled();
    const refundNotice = notificationAbout('wechatpay', input.orderNo, wechat());
    expect(['payment', 'refund']).toContain(refundNotice.verified.kind);
  });

  it('creates H5 and JSAPI orders, closes an unpaid order and finds unknown ones not found', async () => {
    const h5 = order('wechat_h5');
    const action = await wechat().createOrder(h5);
    expect(action.kind).toBe('redirect');
    if (action.kind === 'redirect') expect(action.payUrl).toContain('redirect_url=');
    await wechat().closeOrder(h5.orderNo);
    expect(await wechat().queryOrder(h5.orderNo)).toEqual({ state: 'closed' });

    const jsapi = await wechat().createOrder(order('wechat_jsapi'));
    expect(jsapi.kind).toBe('jsapi');
    if (jsapi.kind === 'jsapi') expect(jsapi.jsapi.package).toMatch(/^prepay_id=/);

    expect(await wechat().queryOrder(orderNo())).toEqual({ state: 'not_found' });
  });

  it('refuses a tampered response', async () => {
    const input = order('wechat_native');
    await wechat().createOrder(input);
    const tampered = adapter('wechatpay', {
      fetchImpl: tamperingFetch(fetchImpl, (body) => body.replace('NOTPAY', 'SUCCESS')),
    });
    await expect(tampered.queryOrder(input.orderNo)).rejects.toMatchObject({ code: 'RESPONSE_UNTRUSTED' });
  });

  it('refuses the SIGNTEST probe the simulator sends', async () => {
    const before = captured.length;
    const answer = await simulator.app.inject({
      method: 'POST',
      url: '/_sim/wechatpay/probe',
      payload: JSON.stringify({ url: 'https://assetpay.test/notify/wechatpay' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.statusCode).toBeLessThan(500);
    const probe = captured.slice(before).find((item) => item.url.includes('/notify/wechatpay'));
    expect(probe?.notification.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
    expect(() => wechat().verifyNotification(probe!.notification, new Date())).toThrow(
      expect.objectContaining({ reason: 'signature_probe' }),
    );
  });

  it("downloads today's trade bill, SHA1 checked", async () => {
    const statement = await wechat().fetchStatement(today());
    expect(statement.format).toBe('wechat_csv');
    const text = (await statementBytes(statement)).toString('utf8');
    expect(text).toContain('交易时间,公众账号ID,商户号');
    expect(text).toContain('总交易单数');
    expect(statement.byteLength).toBe(Buffer.byteLength(text));
    await statement.dispose();
    await statement.dispose();
    expect(() => statement.chunks()).toThrow();
  });

  it('refuses a trade bill whose SHA1 does not match, and leaves no spooled file behind', async () => {
    const spooled = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('assetpay-statement-'));
    const before = spooled().length;
    const altering = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetchImpl(input, init);
      if (!String(input).includes('/billdownload/')) return response;
      const csv = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
      return new Response(new Uint8Array(gzipSync(csv.replace('SUCCESS', 'REFUND'))), { status: 200 });
    }) as typeof fetch;
    await expect(adapter('wechatpay', { fetchImpl: altering }).fetchStatement(today())).rejects.toMatchObject({
      code: 'BILL_HASH_MISMATCH',
    });
    expect(spooled().length).toBeLessThanOrEqual(before);
  });
});

describe('Alipay adapter against the simulator', () => {
  const alipay = () => adapter('alipay');

  it('precreates a QR order, follows it to paid, and verifies the notification', async () => {
    const input = order('alipay_qr');
    const action = await alipay().createOrder(input);
    expect(action.kind).toBe('code');
    // Not scanned yet: Alipay has no trade under the number.
    expect(['not_found', 'unpaid']).toContain((await alipay().queryOrder(input.orderNo)).state);

    const paid = await pay('alipay', input.orderNo);
    const { item, verified } = notificationAbout('alipay', input.orderNo, alipay());
    expect(PROVIDERS_MODULES.alipay.notifyIdentityOf(item.notification)).toBe(keys.accounts.alipay.settings.appId);
    expect(verified).toMatchObject({
      kind: 'payment',
      orderNo: input.orderNo,
      transactionId: paid.transactionId,
      amountFen: 123_45,
      merchantId: keys.accounts.alipay.settings.appId,
    });
    expect(await alipay().queryOrder(input.orderNo)).toMatchObject({
      state: 'paid',
      transactionId: paid.transactionId,
      amountFen: 123_45,
    });

    const changed = item.notification.rawBody.toString('utf8').replace(/total_amount=[^&]+/, 'total_amount=1.00');
    expect(() =>
      alipay().verifyNotification({ ...item.notification, rawBody: Buffer.from(changed) }, new Date()),
    ).toThrow(expect.objectContaining({ reason: 'bad_signature' }));

    await expect(alipay().closeOrder(input.orderNo)).rejects.toMatchObject({ code: 'ORDER_PAID' });
    const refundNo = orderNo('RF');
    expect(
      await alipay().refund({
        orderNo: input.orderNo,
        refundNo,
        transactionId: paid.transactionId,
        amountFen: 45,
        totalFen: 123_45,
        reason: '多缴退回',
        notifyUrl: 'https://assetpay.test/notify/alipay',
      }),
    ).toMatchObject({ state: 'succeeded', amountFen: 45 });
    expect(await alipay().queryRefund(refundNo, input.orderNo)).toMatchObject({ state: 'succeeded', amountFen: 45 });
    expect(await alipay().queryRefund(orderNo('RF'), input.orderNo)).toEqual({ state: 'not_found' });
  });

  it('gives signed page and wap URLs the gateway opens, and closes an opened unpaid trade', async () => {
    for (const channel of ['alipay_page', 'alipay_wap'] as const) {
      const input = order(channel);
      const action = await alipay().createOrder(input);
      if (action.kind !== 'redirect') throw new Error(`expected redirect, got ${action.kind}`);
      const url = new URL(action.payUrl);
      expect(url.origin + url.pathname).toBe(keys.accounts.alipay.settings.gateway);
      expect(url.searchParams.get('method')).toBe(`alipay.trade.${channel === 'alipay_page' ? 'page' : 'wap'}.pay`);
      const page = await simulator.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
      expect(page.statusCode, page.body).toBeLessThan(400);

      const forged = new URL(action.payUrl);
      forged.searchParams.set('biz_content', forged.searchParams.get('biz_content')!.replace('123.45', '0.01'));
      const refused = await simulator.app.inject({ method: 'GET', url: `${forged.pathname}${forged.search}` });
      expect(refused.body).toContain('isv.invalid-signature');

      await alipay().closeOrder(input.orderNo);
      expect(['closed', 'not_found']).toContain((await alipay().queryOrder(input.orderNo)).state);
    }
  });

  it('refuses a tampered response', async () => {
    const input = order('alipay_qr');
    await alipay().createOrder(input);
    await pay('alipay', input.orderNo);
    const tampered = adapter('alipay', {
      fetchImpl: tamperingFetch(fetchImpl, (body) => body.replace('"123.45"', '"1.00"')),
    });
    await expect(tampered.queryOrder(input.orderNo)).rejects.toMatchObject({ code: 'RESPONSE_UNTRUSTED' });
  });

  it("downloads today's bill zip", async () => {
    const statement = await alipay().fetchStatement(today());
    expect(statement.format).toBe('alipay_zip');
    expect((await statementBytes(statement)).subarray(0, 2).toString('latin1')).toBe('PK');
    await statement.dispose();
  });
});

describe('UnionPay adapter against the simulator', () => {
  const unionpay = () => adapter('unionpay');

  /** What the tenant's browser does with the form: posts it to frontTransReq.do. */
  async function submitForm(action: Awaited<ReturnType<ChannelAdapter['createOrder']>>) {
    if (action.kind !== 'form') throw new Error(`expected form, got ${action.kind}`);
    const url = new URL(action.payForm.action);
    const answer = await simulator.app.inject({
      method: 'POST',
      url: url.pathname,
      payload: new URLSearchParams(action.payForm.fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.statusCode, answer.body).toBeLessThan(400);
  }

  it('sends a signed form the gateway accepts, follows it to paid, and verifies back and front notifications', async () => {
    const input = order('unionpay');
    const action = await unionpay().createOrder(input);
    await submitForm(action);
    expect(await unionpay().queryOrder(input.orderNo)).toMatchObject({
      state: expect.stringMatching(/not_found|unpaid/),
    });

    const paid = await pay('unionpay', input.orderNo);
    const { item, verified } = notificationAbout('unionpay', input.orderNo, unionpay());
    expect(item.url).toBe(input.notifyUrl);
    expect(PROVIDERS_MODULES.unionpay.notifyIdentityOf(item.notification)).toBe(keys.accounts.unionpay.settings.merId);
    expect(verified).toMatchObject({
      kind: 'payment',
      orderNo: input.orderNo,
      transactionId: paid.transactionId,
      amountFen: 123_45,
      merchantId: keys.accounts.unionpay.settings.merId,
    });
    expect(await unionpay().queryOrder(input.orderNo)).toMatchObject({
      state: 'paid',
      transactionId: paid.transactionId,
      amountFen: 123_45,
    });

    // The browser's form post back (frontUrl) verifies the same way.
    const view = (await simulator.app.inject({ method: 'GET', url: `/_sim/unionpay/orders/${input.orderNo}` })).json();
    expect(view.returnTo.form.action).toBe(`${input.notifyUrl}/front`);
    const front = { headers: {}, rawBody: Buffer.from(new URLSearchParams(view.returnTo.form.fields).toString()) };
    expect(unionpay().verifyNotification(front, new Date())).toMatchObject({ kind: 'payment', orderNo: input.orderNo });

    const changed = item.notification.rawBody.toString('utf8').replace(/txnAmt=\d+/, 'txnAmt=1');
    expect(() => unionpay().verifyNotification({ headers: {}, rawBody: Buffer.from(changed) }, new Date())).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );

    await expect(unionpay().closeOrder(input.orderNo)).rejects.toMatchObject({ code: 'ORDER_PAID' });
    const refundNo = orderNo('RF');
    const refund = await unionpay().refund({
      orderNo: input.orderNo,
      refundNo,
      transactionId: paid.transactionId,
      amountFen: 45,
      totalFen: 123_45,
      reason: '多缴退回',
      notifyUrl: 'https://assetpay.test/notify/unionpay',
    });
    expect(['processing', 'succeeded']).toContain(refund.state);
    expect(await unionpay().queryRefund(refundNo, input.orderNo)).toMatchObject({ state: 'succeeded', amountFen: 45 });
    await simulator.settled();
    const refundNotice = captured
      .filter((entry) => entry.url.includes('/notify/unionpay'))
      .map((entry) => {
        try {
          return unionpay().verifyNotification(entry.notification, new Date());
        } catch {
          return undefined;
        }
      })
      .find((notice) => notice?.kind === 'refund' && notice.refundNo === refundNo);
    expect(refundNotice).toMatchObject({ kind: 'refund', amountFen: 45, succeeded: true });
  });

  it('closes an unpaid order (nothing to close at UnionPay) and refuses a tampered answer', async () => {
    const input = order('unionpay');
    await submitForm(await unionpay().createOrder(input));
    await unionpay().closeOrder(input.orderNo);
    await pay('unionpay', input.orderNo);
    const tampered = adapter('unionpay', {
      fetchImpl: tamperingFetch(fetchImpl, (body) => body.replace(/txnAmt=\d+/, 'txnAmt=1')),
    });
    await expect(tampered.queryOrder(input.orderNo)).rejects.toMatchObject({ code: 'RESPONSE_UNTRUSTED' });
  });

  it("downloads today's settlement file", async () => {
    const statement = await unionpay().fetchStatement(today());
    expect(statement.format).toBe('unionpay_text');
    expect((await statementBytes(statement)).subarray(0, 2).toString('latin1')).toBe('PK');
    await statement.dispose();
  });
});
