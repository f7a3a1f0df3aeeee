import { createDecipheriv, createHash, createVerify, generateKeyPairSync } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wechatpay } from 'wechatpay-axios-plugin';
import { createSimulator, startSimulator } from './index.ts';
import { type ChannelKeys, generateChannelKeys } from './keys.ts';
import { eventually, recordingReceiver, wechatpayInject } from './testing.ts';

let keys: ChannelKeys;
beforeAll(() => {
  keys = generateChannelKeys('http://127.0.0.1:3001');
});

function simulatorWith(receiver = recordingReceiver()) {
  const simulator = createSimulator({
    keys: keys.simulator.keys,
    merchants: [keys.simulator.merchant],
    publicUrl: 'http://sim.test',
    timeScale: 0.001,
    deliver: receiver.deliver,
  });
  return { ...simulator, receiver };
}

function nativeOrder(outTradeNo: string, total = 12345) {
  const { mchid, appid } = keys.accounts.wechatpay.settings;
  return {
    appid,
    mchid,
    description: '2024年5月租金',
    out_trade_no: outTradeNo,
    notify_url: 'https://assetpay.test/notify/wechatpay',
    attach: 'bill:1',
    amount: { total, currency: 'CNY' },
  };
}

// The client's typings index every path segment as possibly undefined; its chain() names a path outright.
type Answer = { status: number; data: Record<string, unknown> & { code_url?: string; transaction_id?: string } };
interface Endpoint {
  get(config?: object): Promise<Answer>;
  post(data?: object, config?: object): Promise<Answer>;
}
const endpoint = (wxpay: Wechatpay, path: string) => wxpay.chain(path) as unknown as Endpoint;

/** Decrypts a notification's resource as the merchant would. */
function decryptResource(body: string) {
  const event = JSON.parse(body);
  const { ciphertext, nonce, associated_data } = event.resource;
  const bytes = Buffer.from(ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keys.accounts.wechatpay.secrets.apiV3Key), nonce);
  decipher.setAAD(Buffer.from(associated_data));
  decipher.setAuthTag(bytes.subarray(-16));
  const plaintext = Buffer.concat([decipher.update(bytes.subarray(0, -16)), decipher.final()]).toString('utf8');
  return { event, resource: JSON.parse(plaintext) };
}

function platformSignatureValid(headers: Record<string, string>, body: string) {
  return createVerify('RSA-SHA256')
    .update(`${headers['Wechatpay-Timestamp']}\n${headers['Wechatpay-Nonce']}\n${body}\n`)
    .verify(keys.accounts.wechatpay.settings.platformPublicKeyPem, headers['Wechatpay-Signature']!, 'base64');
}

describe('WeChat Pay simulator with the real client (wechatpay-axios-plugin)', () => {
  let running: Awaited<ReturnType<typeof startSimulator>>;
  const receiver = recordingReceiver();
  beforeAll(async () => {
    running = await startSimulator({
      keys: keys.simulator.keys,
      merchants: [keys.simulator.merchant],
      timeScale: 0.001,
      deliver: receiver.deliver,
    });
  });
  afterAll(() => running.close());

  function client(privateKey = keys.accounts.wechatpay.secrets.merchantPrivateKeyPem, platformKey?: string) {
    const settings = keys.accounts.wechatpay.settings;
    return new Wechatpay({
      mchid: settings.mchid,
      serial: settings.merchantSerialNo,
      privateKey,
      certs: { [settings.platformPublicKeyId]: platformKey ?? settings.platformPublicKeyPem },
      baseURL: `${running.url}/wechatpay/`,
    });
  }

  it('creates a native order, queries it, and its response verification accepts the signed answers', async () => {
    const wxpay = client();
    const created = await endpoint(wxpay, 'v3/pay/transactions/native').post(nativeOrder('AP20240501000000A1'));
    expect(created.status).toBe(200);
    expect(created.data.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);

    const mchid = keys.accounts.wechatpay.settings.mchid;
    const query = () =>
      endpoint(wxpay, 'v3/pay/transactions/out-trade-no/{out_trade_no}').get({
        params: { mchid },
        out_trade_no: 'AP20240501000000A1',
      });
    expect((await query()).data).toMatchObject({ trade_state: 'NOTPAY', out_trade_no: 'AP20240501000000A1' });

    const paid = await fetch(`${running.url}/_sim/wechatpay/orders/AP20240501000000A1/pay`, { method: 'POST' });
    expect(paid.status).toBe(200);
    const { data } = await query();
    expect(data).toMatchObject({
      trade_state: 'SUCCESS',
      trade_type: 'NATIVE',
      attach: 'bill:1',
      amount: { total: 12345, payer_total: 12345, currency: 'CNY' },
    });
    expect(data.transaction_id).toMatch(/^4200\d{24}$/);
    await running.settled();
    expect(receiver.received).toHaveLength(1);
  });

  it('answers an unknown order with 404 ORDER_NOT_EXIST', async () => {
    const mchid = keys.accounts.wechatpay.settings.mchid;
    const error = await endpoint(client(), 'v3/pay/transactions/out-trade-no/{out_trade_no}')
      .get({ params: { mchid }, out_trade_no: 'NOSUCHORDER1' })
      .catch((e: { response: { status: number; data: unknown } }) => e.response);
    expect(error.status).toBe(404);
    expect(error.data).toEqual({ code: 'ORDER_NOT_EXIST', message: '订单不存在' });
  });

  it('refuses a forged request signature with 401 SIGN_ERROR', async () => {
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const error = await endpoint(client(forger.toString()), 'v3/pay/transactions/native')
      .post(nativeOrder('AP20240501000000F1'))
      .catch((e: { response: { status: number; data: { code: string } } }) => e.response);
    expect(error.status).toBe(401);
    expect(error.data.code).toBe('SIGN_ERROR');
  });

  it('the client refuses answers when it trusts another platform key (the answers really are signed)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    await expect(
      endpoint(client(undefined, other.toString()), 'v3/pay/transactions/native').post(
        nativeOrder('AP20240501000000V1'),
      ),
    ).rejects.toThrow(/Verify the response/);
  });
});

describe('WeChat Pay simulator protocol', () => {
  it('refuses a stale timestamp and a wrong merchant serial', async () => {
    const { app } = simulatorWith();
    const stale = await wechatpayInject(
      app,
      keys,
      'POST',
      '/wechatpay/v3/pay/transactions/native',
      nativeOrder('AP1000001'),
      {
        timestamp: Math.floor(Date.now() / 1000) - 301,
      },
    );
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('SIGN_ERROR');
    const unsigned = await app.inject({ method: 'GET', url: '/wechatpay/v3/pay/transactions/out-trade-no/X?mchid=1' });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.headers['wechatpay-signature']).toBeTruthy();
  });

  it('sends an encrypted, signed TRANSACTION.SUCCESS and retries until it is acknowledged', async () => {
    const answers = [500, 500, 204];
    const receiver = recordingReceiver((_item, index) => ({ status: answers[index] ?? 204, body: '' }));
    const { app } = simulatorWith(receiver);
    await wechatpayInject(app, keys, 'POST', '/wechatpay/v3/pay/transactions/native', nativeOrder('AP1000002', 500));
    const paid = await app.inject({ method: 'POST', url: '/_sim/wechatpay/orders/AP1000002/pay' });
    expect(paid.json()).toMatchObject({ status: 'paid', amountFen: 500, paidAmountFen: 500 });

    await eventually(() => receiver.received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(receiver.received).toHaveLength(3);
    const first = receiver.received[0]!;
    expect(first.url).toBe('https://assetpay.test/notify/wechatpay');
    expect(platformSignatureValid(first.request.headers, first.request.body)).toBe(true);
    expect(first.request.headers['Wechatpay-Serial']).toBe(keys.accounts.wechatpay.settings.platformPublicKeyId);
    const { event, resource } = decryptResource(first.request.body);
    expect(event).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource' });
    expect(resource).toMatchObject({
      out_trade_no: 'AP1000002',
      mchid: keys.accounts.wechatpay.settings.mchid,
      appid: keys.accounts.wechatpay.settings.appid,
      trade_state: 'SUCCESS',
      amount: { total: 500, payer_total: 500 },
    });
    // Retries carry the same event, signed afresh.
    expect(decryptResource(receiver.received[2]!.request.body).event.id).toBe(event.id);
    const view = (await app.inject({ method: 'GET', url: '/_sim/wechatpay/orders/AP1000002' })).json();
    expect(view.notifications.map((n: { status: number }) => n.status)).toEqual([500, 500, 204]);
  });

  it('honours duplicates, notify: false and amountFen', async () => {
    const receiver = recordingReceiver(() => ({ status: 204, body: '' }));
    const { app, settled } = simulatorWith(receiver);
    for (const no of ['AP1000003', 'AP1000004']) {
      await wechatpayInject(app, keys, 'POST', '/wechatpay/v3/pay/transactions/native', nativeOrder(no, 1000));
    }
    await app.inject({
      method: 'POST',
      url: '/_sim/wechatpay/orders/AP1000003/pay',
      payload: { duplicates: 2, amountFen: 900 },
    });
    await app.inject({ method: 'POST', url: '/_sim/wechatpay/orders/AP1000004/pay', payload: { notify: false } });
    await settled();
    expect(receiver.received).toHaveLength(3);
    const ids = receiver.received.map((r) => decryptResource(r.request.body).event.id);
    expect(new Set(ids).size).toBe(1);
    expect(decryptResource(receiver.received[0]!.request.body).resource.amount.total).toBe(900);
    const again = await app.inject({ method: 'POST', url: '/_sim/wechatpay/orders/AP1000004/pay' });
    expect(again.statusCode).toBe(409);
  });

  it('closes an unpaid order (204) and refuses to pay it afterwards', async () => {
    const { app } = simulatorWith();
    const mchid = keys.accounts.wechatpay.settings.mchid;
    await wechatpayInject(app, keys, 'POST', '/wechatpay/v3/pay/transactions/native', nativeOrder('AP1000005'));
    const closed = await wechatpayInject(
      app,
      keys,
      'POST',
      '/wechatpay/v3/pay/transactions/out-trade-no/AP1000005/close',
      { mchid },
    );
    expect(closed.statusCode).toBe(204);
    expect(closed.headers['wechatpay-signature']).toBeTruthy();
    const query = await wechatpayInject(
      app,
      keys,
      'GET',
      `/wechatpay/v3/pay/transactions/out-trade-no/AP1000005?mchid=${mchid}`,
    );
    expect(query.json().trade_state).toBe('CLOSED');
    expect((await app.inject({ method: 'POST', url: '/_sim/wechatpay/orders/AP1000005/pay' })).statusCode).toBe(409);
  });

  it('h5 and jsapi orders check their required fields; h5_url opens the cashier page', async () => {
    const { app } = simulatorWith();
    const missing = await wechatpayInject(
      app,
      keys,
      'POST',
      '/wechatpay/v3/pay/transactions/jsapi',
      nativeOrder('AP1000006'),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('PARAM_ERROR');
    const h5 = await wechatpayInject(app, keys, 'POST', '/wechatpay/v3/pay/transactions/h5', {
      ...nativeOrder('AP1000007'),
      scene_info: { payer_client_ip: '203.0.113.5', h5_info: { type: 'Wap' } },
    });
    const h5Url = new URL(h5.json().h5_url);
    expect(h5Url.origin).toBe('http://sim.test');
    const page = await app.inject({ method: 'GET', url: `${h5Url.pathname}${h5Url.search}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-testid="sim-pay"');
    expect(page.body).toContain('确认支付');
    expect(page.body).toContain('¥123.45');
  });

  it('refunds a paid order and notifies REFUND.SUCCESS', async () => {
    const receiver = recordingReceiver(() => ({ status: 200, body: '' }));
    const { app, settled } = simulatorWith(receiver);
    await wechatpayInject(app, keys, 'POST', '/wechatpay/v3/pay/transactions/native', nativeOrder('AP1000008', 1000));
    await app.inject({ method: 'POST', url: '/_sim/wechatpay/orders/AP1000008/pay', payload: { notify: false } });
    const refund = await wechatpayInject(app, keys, 'POST', '/wechatpay/v3/refund/domestic/refunds', {
      out_trade_no: 'AP1000008',
      out_refund_no: 'RF1000008',
      reason: '多缴',
      notify_url: 'https://assetpay.test/notify/wechatpay',
      amount: { refund: 400, total: 1000, currency: 'CNY' },
    });
    expect(refund.json()).toMatchObject({ status: 'PROCESSING', amount: { refund: 400, total: 1000 } });
    const tooMuch = await wechatpayInject(app, keys, 'POST', '/wechatpay/v3/refund/domestic/refunds', {
      out_trade_no: 'AP1000008',
      out_refund_no: 'RF1000009',
      amount: { refund: 700, total: 1000, currency: 'CNY' },
    });
    expect(tooMuch.statusCode).toBe(400);
    const query = await wechatpayInject(app, keys, 'GET', '/wechatpay/v3/refund/domestic/refunds/RF1000008');
    expect(query.json()).toMatchObject({ status: 'SUCCESS', out_refund_no: 'RF1000008' });
    await settled();
    const { event, resource } = decryptResource(receiver.received[0]!.request.body);
    expect(event.event_type).toBe('REFUND.SUCCESS');
    expect(resource).toMatchObject({ refund_status: 'SUCCESS', out_refund_no: 'RF1000008', amount: { refund: 400 } });
  });

  it('serves the day trade bill: fees at the fee rate, totals, SHA1 of the uncompressed file, gzip download', async () => {
    const now = new Date('2024-05-02T02:00:00Z');
    const receiver = recordingReceiver();
    const simulator = createSimulator({
      keys: keys.simulator.keys,
      merchants: [keys.simulator.merchant],
      publicUrl: 'http://sim.test',
      timeScale: 0.001,
      deliver: receiver.deliver,
      now: () => now,
    });
    const app = simulator.app;
    const timestamp = Math.floor(now.getTime() / 1000);
    const amounts = { AP2000001: 10000, AP2000002: 2550, AP2000003: 99 };
    for (const [no, total] of Object.entries(amounts)) {
      await wechatpayInject(app, keys, 'POST', '/wechatpay/v3/pay/transactions/native', nativeOrder(no, total), {
        timestamp,
      });
      await app.inject({
        method: 'POST',
        url: `/_sim/wechatpay/orders/${no}/pay`,
        payload: { paidAt: '2024-05-01T03:00:00Z' },
      });
    }
    const bill = await wechatpayInject(
      app,
      keys,
      'GET',
      '/wechatpay/v3/bill/tradebill?bill_date=2024-05-01&bill_type=ALL&tar_type=GZIP',
      undefined,
      { timestamp },
    );
    expect(bill.statusCode).toBe(200);
    const { hash_type, hash_value, download_url } = bill.json();
    expect(hash_type).toBe('SHA1');
    const download = await wechatpayInject(
      app,
      keys,
      'GET',
      new URL(download_url).pathname + new URL(download_url).search,
      undefined,
      { timestamp },
    );
    const csv = gunzipSync(download.rawPayload);
    expect(createHash('sha1').update(csv).digest('hex')).toBe(hash_value);
    const lines = csv
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]!.split(',')).toHaveLength(27);
    expect(lines).toHaveLength(6);
    const header = lines[0]!.split(',');
    const row = (line: string) =>
      Object.fromEntries(
        line
          .slice(1)
          .split(',`')
          .map((cell, i) => [header[i], cell]),
      );
    const first = row(lines[1]!);
    expect(first).toMatchObject({ 交易状态: 'SUCCESS', 应结订单金额: '100.00', 手续费: '0.60000', 费率: '0.60%' });
    // 25.50 × 0.6 % = 0.153 → 0.15; 0.99 × 0.6 % = 0.00594 → 0.01 (half-up to the fen)
    expect(row(lines[2]!).手续费).toBe('0.15000');
    expect(row(lines[3]!).手续费).toBe('0.01000');
    const summaryHeader = lines[4]!.split(',');
    const summary = Object.fromEntries(
      lines[5]!
        .slice(1)
        .split(',`')
        .map((cell, i) => [summaryHeader[i], cell]),
    );
    expect(summary).toMatchObject({
      总交易单数: '3',
      应结订单总金额: '126.49',
      手续费总金额: '0.76000',
      退款总金额: '0.00',
    });

    const empty = await wechatpayInject(
      app,
      keys,
      'GET',
      '/wechatpay/v3/bill/tradebill?bill_date=2024-04-30',
      undefined,
      { timestamp },
    );
    expect(empty.statusCode).toBe(400);
    expect(empty.json().code).toBe('NO_STATEMENT_EXIST');
  });

  it('sends a SIGNTEST probe whose signature the receiver must refuse', async () => {
    const receiver = recordingReceiver(() => ({ status: 401, body: '{"code":"FAIL","message":"签名探测"}' }));
    const { app } = simulatorWith(receiver);
    const probe = await app.inject({
      method: 'POST',
      url: '/_sim/wechatpay/probe',
      payload: { url: 'https://assetpay.test/notify/wechatpay' },
    });
    expect(probe.json()).toMatchObject({ status: 401 });
    expect(receiver.received[0]!.request.headers['Wechatpay-Signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
  });

  it('stops retrying when closed', async () => {
    const receiver = recordingReceiver(() => ({ status: 500, body: '' }));
    const simulator = createSimulator({
      keys: keys.simulator.keys,
      merchants: [keys.simulator.merchant],
      timeScale: 0.01,
      deliver: receiver.deliver,
    });
    await wechatpayInject(
      simulator.app,
      keys,
      'POST',
      '/wechatpay/v3/pay/transactions/native',
      nativeOrder('AP1000010'),
    );
    await simulator.app.inject({ method: 'POST', url: '/_sim/wechatpay/orders/AP1000010/pay' });
    await simulator.settled();
    await simulator.app.close();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.received).toHaveLength(1);
  });
});
