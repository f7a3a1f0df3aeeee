// WeChat Pay adapter against hand-made messages: every signature here is computed with node:crypto directly (not
// through the adapter's code), so a mistake in the adapter's signing text shows as a failed verification.

import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ChannelKeys, fakeFetch, freshKeys, silentFetch } from './testing.ts';
import { ChannelError, NotificationRejected } from './types.ts';
import { WechatpayAdapter, wechatpayModule } from './wechatpay.ts';

let keys: ChannelKeys;
beforeAll(() => {
  keys = freshKeys();
});

const platformSign = (message: string) =>
  createSign('RSA-SHA256').update(message).sign(keys.simulator.keys.wechatpay.platformPrivateKeyPem, 'base64');
const merchantVerifies = (message: string, signature: string) =>
  createVerify('RSA-SHA256')
    .update(message)
    .verify(keys.simulator.merchant.wechatpay.merchantPublicKeyPem, signature, 'base64');

/** Response headers as the gateway signs them: timestamp\nnonce\nbody\n. */
function signedHeaders(body: string, at = new Date(), signature?: string): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const nonce = randomBytes(16).toString('hex');
  return {
    'content-type': 'application/json',
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signature ?? platformSign(`${timestamp}\n${nonce}\n${body}\n`),
    'wechatpay-serial': keys.accounts.wechatpay.settings.platformPublicKeyId,
  };
}

function encryptResource(plain: object, apiV3Key = keys.accounts.wechatpay.secrets.apiV3Key) {
  const nonce = randomBytes(6).toString('hex');
  const associated = 'transaction';
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), nonce).setAAD(Buffer.from(associated));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(plain)), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: 'transaction',
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: ciphertext.toString('base64'),
    nonce,
    associated_data: associated,
  };
}

function paymentNotification(options: { at?: Date; apiV3Key?: string; signature?: string } = {}) {
  const s = keys.accounts.wechatpay.settings;
  const body = JSON.stringify({
    id: 'EV-2018022511223320873',
    create_time: '2024-05-01T10:00:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: encryptResource(
      {
        appid: s.appid,
        mchid: s.mchid,
        out_trade_no: 'AP202405011000001234567890',
        transaction_id: '4200000000202405010000000001',
        trade_type: 'NATIVE',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        attach: '',
        success_time: '2024-05-01T10:00:05+08:00',
        payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
        amount: { total: 123456, payer_total: 123456, currency: 'CNY', payer_currency: 'CNY' },
      },
      options.apiV3Key,
    ),
  });
  return { headers: signedHeaders(body, options.at, options.signature), rawBody: Buffer.from(body) };
}

describe('WeChat Pay request signing', () => {
  it('signs METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n with the merchant key, path including the base URL prefix', async () => {
    const { fetchImpl, requests } = fakeFetch(() => {
      const body = JSON.stringify({ code_url: 'weixin://wxpay/bizpayurl?pr=abc1234' });
      return { body, headers: signedHeaders(body) };
    });
    const adapter = new WechatpayAdapter(
      {
        ...keys.accounts.wechatpay,
        settings: { ...keys.accounts.wechatpay.settings, baseUrl: 'http://sim.test/wechatpay/' },
      },
      { fetchImpl },
    );
    const action = await adapter.createOrder({
      channel: 'wechat_native',
      orderNo: 'AP202405011000001234567890',
      amountFen: 123456,
      description: '2024年5月租金',
      expiresAt: new Date('2024-05-01T02:30:00Z'),
      notifyUrl: 'https://assetpay.example/notify/wechatpay',
      returnUrl: 'https://assetpay.example/m/orders/AP1',
      clientIp: '203.0.113.9',
    });
    expect(action).toEqual({ kind: 'code', codeUrl: 'weixin://wxpay/bizpayurl?pr=abc1234' });

    const [request] = requests;
    expect(request!.url).toBe('http://sim.test/wechatpay/v3/pay/transactions/native');
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({
      mchid: keys.accounts.wechatpay.settings.mchid,
      appid: keys.accounts.wechatpay.settings.appid,
      out_trade_no: 'AP202405011000001234567890',
      time_expire: '2024-05-01T10:30:00+08:00',
      amount: { total: 123456, currency: 'CNY' },
    });
    const authorization = request!.headers.authorization!;
    expect(authorization.startsWith('WECHATPAY2-SHA256-RSA2048 ')).toBe(true);
    const parts = Object.fromEntries([...authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(parts.mchid).toBe(keys.accounts.wechatpay.settings.mchid);
    expect(parts.serial_no).toBe(keys.accounts.wechatpay.settings.merchantSerialNo);
    const message = `POST\n/wechatpay/v3/pay/transactions/native\n${parts.timestamp}\n${parts.nonce_str}\n${request!.body}\n`;
    expect(merchantVerifies(message, parts.signature!)).toBe(true);
  });

  it('gives JSAPI parameters whose paySign covers appId\\ntimeStamp\\nnonceStr\\npackage\\n', async () => {
    const { fetchImpl, requests } = fakeFetch(() => {
      const body = JSON.stringify({ prepay_id: 'wx201410272009395522657a690389285100' });
      return { body, headers: signedHeaders(body) };
    });
    const adapter = new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl });
    const action = await adapter.createOrder({
      channel: 'wechat_jsapi',
      orderNo: 'AP202405011000001234567891',
      amountFen: 100,
      description: '租金',
      expiresAt: new Date(),
      notifyUrl: 'https://assetpay.example/notify/wechatpay',
      returnUrl: 'https://assetpay.example/m/orders/AP1',
      clientIp: '203.0.113.9',
      openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    });
    if (action.kind !== 'jsapi') throw new Error(`expected jsapi, got ${action.kind}`);
    const { appId, timeStamp, nonceStr, package: pkg, signType, paySign } = action.jsapi;
    expect(appId).toBe(keys.accounts.wechatpay.settings.appid);
    expect(pkg).toBe('prepay_id=wx201410272009395522657a690389285100');
    expect(signType).toBe('RSA');
    expect(merchantVerifies(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, paySign!)).toBe(true);
    expect(JSON.parse(requests[0]!.body).payer).toEqual({ openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' });
  });

  it('refuses JSAPI without an openid before calling WeChat', async () => {
    const { fetchImpl, requests } = fakeFetch(() => ({ status: 500 }));
    const adapter = new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl });
    await expect(
      adapter.createOrder({
        channel: 'wechat_jsapi',
        orderNo: 'AP1',
        amountFen: 1,
        description: 'x',
        expiresAt: new Date(),
        notifyUrl: 'https://a/notify/wechatpay',
        returnUrl: 'https://a/r',
        clientIp: '1.1.1.1',
      }),
    ).rejects.toMatchObject({ code: 'OPENID_REQUIRED' });
    expect(requests).toHaveLength(0);
  });
});

describe('WeChat Pay responses', () => {
  const paidBody = () =>
    JSON.stringify({
      appid: keys.accounts.wechatpay.settings.appid,
      mchid: keys.accounts.wechatpay.settings.mchid,
      out_trade_no: 'AP1',
      transaction_id: '4200000001',
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      success_time: '2024-05-01T10:00:05+08:00',
      amount: { total: 500, payer_total: 500, currency: 'CNY' },
    });

  it('reads a signed paid order', async () => {
    const { fetchImpl, requests } = fakeFetch(() => ({ body: paidBody(), headers: signedHeaders(paidBody()) }));
    const adapter = new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl });
    expect(await adapter.queryOrder('AP1')).toEqual({
      state: 'paid',
      transactionId: '4200000001',
      amountFen: 500,
      paidAt: new Date('2024-05-01T02:00:05Z'),
      merchantId: keys.accounts.wechatpay.settings.mchid,
      appId: keys.accounts.wechatpay.settings.appid,
    });
    expect(requests[0]!.url).toContain(
      `/v3/pay/transactions/out-trade-no/AP1?mchid=${keys.accounts.wechatpay.settings.mchid}`,
    );
  });

  it('rejects a tampered response, a stale one and one signed by another key', async () => {
    const tampered = fakeFetch(() => ({ body: paidBody().replace('500', '900'), headers: signedHeaders(paidBody()) }));
    await expect(
      new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl: tampered.fetchImpl }).queryOrder('AP1'),
    ).rejects.toMatchObject({
      code: 'RESPONSE_UNTRUSTED',
    });
    const stale = fakeFetch(() => ({
      body: paidBody(),
      headers: signedHeaders(paidBody(), new Date(Date.now() - 301_000)),
    }));
    await expect(
      new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl: stale.fetchImpl }).queryOrder('AP1'),
    ).rejects.toMatchObject({
      code: 'RESPONSE_UNTRUSTED',
    });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const foreign = fakeFetch(() => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = createSign('RSA-SHA256').update(`${timestamp}\nn\n${paidBody()}\n`).sign(other, 'base64');
      return {
        body: paidBody(),
        headers: {
          ...signedHeaders(paidBody()),
          'wechatpay-timestamp': timestamp,
          'wechatpay-nonce': 'n',
          'wechatpay-signature': signature,
        },
      };
    });
    await expect(
      new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl: foreign.fetchImpl }).queryOrder('AP1'),
    ).rejects.toMatchObject({
      code: 'RESPONSE_UNTRUSTED',
    });
  });

  it('reads a signed 404 ORDER_NOT_EXIST as not found, but an unsigned one only as an error', async () => {
    const body = JSON.stringify({ code: 'ORDER_NOT_EXIST', message: '订单不存在' });
    const signed = fakeFetch(() => ({ status: 404, body, headers: signedHeaders(body) }));
    expect(
      await new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl: signed.fetchImpl }).queryOrder('AP1'),
    ).toEqual({
      state: 'not_found',
    });
    const unsigned = fakeFetch(() => ({ status: 404, body, headers: { 'content-type': 'application/json' } }));
    const error = await new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl: unsigned.fetchImpl })
      .queryOrder('AP1')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ provider: 'wechatpay', code: 'ORDER_NOT_EXIST', httpStatus: 404 });
    expect((error as Error).message).toMatch(/微信支付查无此订单/);
  });

  it('gives up after the deadline with a message that names neither keys nor signatures', async () => {
    const adapter = new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl: silentFetch, timeoutMs: 50 });
    const error = (await adapter.queryOrder('AP1').catch((caught: unknown) => caught)) as ChannelError;
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(error.message).toMatch(/秒内没有应答/);
    for (const secret of [keys.accounts.wechatpay.secrets.apiV3Key, 'PRIVATE KEY', 'signature']) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('closes an order, and says ORDER_PAID when WeChat refuses because it was paid', async () => {
    const closed = fakeFetch(() => ({ status: 204, headers: signedHeaders('') }));
    await new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl: closed.fetchImpl }).closeOrder('AP1');
    expect(JSON.parse(closed.requests[0]!.body)).toEqual({ mchid: keys.accounts.wechatpay.settings.mchid });

    const paid = fakeFetch((request) => {
      if (request.method === 'POST') {
        const body = JSON.stringify({ code: 'ORDERPAID', message: '订单已支付' });
        return { status: 400, body, headers: signedHeaders(body) };
      }
      return { body: paidBody(), headers: signedHeaders(paidBody()) };
    });
    await expect(
      new WechatpayAdapter(keys.accounts.wechatpay, { fetchImpl: paid.fetchImpl }).closeOrder('AP1'),
    ).rejects.toMatchObject({
      code: 'ORDER_PAID',
    });
  });
});

describe('WeChat Pay notifications', () => {
  const adapter = () => new WechatpayAdapter(keys.accounts.wechatpay);

  it('verifies on the raw body, decrypts the resource and reads the payment', () => {
    const notification = paymentNotification();
    expect(wechatpayModule.notifyIdentityOf(notification)).toBe(keys.accounts.wechatpay.settings.platformPublicKeyId);
    expect(adapter().verifyNotification(notification, new Date())).toEqual({
      kind: 'payment',
      orderNo: 'AP202405011000001234567890',
      transactionId: '4200000000202405010000000001',
      amountFen: 123456,
      merchantId: keys.accounts.wechatpay.settings.mchid,
      appId: keys.accounts.wechatpay.settings.appid,
      paidAt: new Date('2024-05-01T02:00:05Z'),
      notifyId: 'EV-2018022511223320873',
      detail: { trade_type: 'NATIVE', bank_type: 'OTHERS', payer_total: 123456 },
    });
  });

  it('rejects a body changed after signing (even by one byte of whitespace)', () => {
    const notification = paymentNotification();
    const changed = { ...notification, rawBody: Buffer.concat([notification.rawBody, Buffer.from(' ')]) };
    expect(() => adapter().verifyNotification(changed, new Date())).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );
  });

  it('rejects a timestamp more than 300 s away, either way, and accepts 300 s', () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    for (const seconds of [301, -301]) {
      const notification = paymentNotification({ at: new Date(now.getTime() - seconds * 1000) });
      expect(() => adapter().verifyNotification(notification, now)).toThrow(
        expect.objectContaining({ reason: 'stale_timestamp' }),
      );
    }
    const edge = paymentNotification({ at: new Date(now.getTime() - 300_000) });
    expect(adapter().verifyNotification(edge, now).kind).toBe('payment');
  });

  it('rejects a WECHATPAY/SIGNTEST/ probe', () => {
    const notification = paymentNotification({ signature: `WECHATPAY/SIGNTEST/${randomBytes(64).toString('base64')}` });
    const error = (() => {
      try {
        adapter().verifyNotification(notification, new Date());
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(NotificationRejected);
    expect(error).toMatchObject({ reason: 'signature_probe' });
    expect(adapter().refuse(400, '签名探测')).toEqual({
      status: 400,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ code: 'FAIL', message: '签名探测' }),
    });
  });

  it('rejects a resource sealed with another API v3 key, and an unknown public key id', () => {
    const wrongKey = paymentNotification({ apiV3Key: randomBytes(16).toString('hex') });
    expect(() => adapter().verifyNotification(wrongKey, new Date())).toThrow(
      expect.objectContaining({ reason: 'decrypt_failed' }),
    );
    const notification = paymentNotification();
    notification.headers['wechatpay-serial'] = 'PUB_KEY_ID_0000';
    expect(() => adapter().verifyNotification(notification, new Date())).toThrow(
      expect.objectContaining({ reason: 'certificate_untrusted' }),
    );
  });

  it('reads REFUND.SUCCESS as a refund and ignores events it does not post', () => {
    const s = keys.accounts.wechatpay.settings;
    const body = JSON.stringify({
      id: 'EV-2',
      event_type: 'REFUND.SUCCESS',
      resource_type: 'encrypt-resource',
      resource: encryptResource({
        mchid: s.mchid,
        out_trade_no: 'AP1',
        transaction_id: '4200000001',
        out_refund_no: 'RF1',
        refund_id: '50000000382019052709732678859',
        refund_status: 'SUCCESS',
        success_time: '2024-05-02T10:00:00+08:00',
        amount: { total: 500, refund: 200, payer_total: 500, payer_refund: 200 },
      }),
    });
    expect(
      adapter().verifyNotification({ headers: signedHeaders(body), rawBody: Buffer.from(body) }, new Date()),
    ).toMatchObject({
      kind: 'refund',
      orderNo: 'AP1',
      refundNo: 'RF1',
      amountFen: 200,
      succeeded: true,
      merchantId: s.mchid,
    });
    const other = JSON.stringify({ id: 'EV-3', event_type: 'TRANSACTION.CLOSED', resource: encryptResource({}) });
    expect(
      adapter().verifyNotification({ headers: signedHeaders(other), rawBody: Buffer.from(other) }, new Date()).kind,
    ).toBe('ignored');
    expect(adapter().acknowledge().status).toBe(204);
  });
});

describe('WeChat Pay settings', () => {
  it('names the setting to fix when a key cannot be read, without repeating it', () => {
    const account = keys.accounts.wechatpay;
    const broken = { ...account, secrets: { ...account.secrets, merchantPrivateKeyPem: 'not a key' } };
    expect(() => wechatpayModule.adapter(broken)).toThrow(
      expect.objectContaining({ code: 'SETTINGS_INVALID', message: expect.stringMatching(/商户API私钥/) }),
    );
    const shortKey = { ...account, secrets: { ...account.secrets, apiV3Key: 'short' } };
    expect(() => wechatpayModule.adapter(shortKey)).toThrow(expect.objectContaining({ code: 'SETTINGS_INVALID' }));
  });
});
