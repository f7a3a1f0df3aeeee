// UnionPay ACP 5.1.0 (signMethod 01) against hand-made messages: the gateway's side is computed with node:crypto
// directly — SHA-256 hex of the sorted k=v text, SHA256withRSA over that hex — with the simulator's signing
// certificate issued by the configured intermediate; a certificate from elsewhere is refused.

import { createHash, createSign, createVerify, generateKeyPairSync, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ChannelKeys, fakeFetch, freshKeys } from './testing.ts';
import {
  parseUnionpayMessage,
  txnTimeOfOrderNo,
  UnionpayAdapter,
  unionpayModule,
  unionpaySigningText,
} from './unionpay.ts';

let keys: ChannelKeys;
beforeAll(() => {
  keys = freshKeys();
});

const sortedText = (fields: Record<string, string>) =>
  Object.keys(fields)
    .filter((key) => key !== 'signature' && fields[key] !== '')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');

/** Signs as the gateway does, with the simulator's key (or another), its certificate in signPubKeyCert. */
function gatewaySigned(
  fields: Record<string, string>,
  signer = {
    privateKeyPem: keys.simulator.keys.unionpay.signPrivateKeyPem,
    certPem: keys.simulator.keys.unionpay.signCertPem,
  },
) {
  const message = { version: '5.1.0', encoding: 'UTF-8', signMethod: '01', signPubKeyCert: signer.certPem, ...fields };
  const digest = createHash('sha256').update(sortedText(message), 'utf8').digest('hex');
  return {
    ...message,
    signature: createSign('RSA-SHA256').update(digest, 'utf8').sign(signer.privateKeyPem, 'base64'),
  };
}

const paymentFields = () => ({
  accessType: '0',
  bizType: '000201',
  currencyCode: '156',
  merId: keys.accounts.unionpay.settings.merId,
  orderId: 'AP202405011000001234567890',
  queryId: '782405011000051234567',
  respCode: '00',
  respMsg: 'success',
  settleAmt: '123456',
  settleCurrencyCode: '156',
  settleDate: '0501',
  traceNo: '123456',
  traceTime: '0501100005',
  txnAmt: '123456',
  txnSubType: '01',
  txnTime: '20240501100000',
  txnType: '01',
  accNo: '6216***********0018',
});

const form = (fields: Record<string, string>) => ({
  headers: {},
  rawBody: Buffer.from(new URLSearchParams(fields).toString()),
});

describe('UnionPay signing (signMethod 01)', () => {
  it('signs the front form: SHA256withRSA over the SHA-256 hex of the sorted fields, certId of the merchant certificate', async () => {
    const adapter = new UnionpayAdapter(keys.accounts.unionpay);
    const action = await adapter.createOrder({
      channel: 'unionpay',
      orderNo: 'AP202405011000001234567890',
      amountFen: 123456,
      description: '租金',
      expiresAt: new Date('2024-05-01T02:30:00Z'),
      notifyUrl: 'https://a.test/notify/unionpay',
      returnUrl: 'https://a.test/notify/unionpay/front',
      clientIp: '1.1.1.1',
      mobile: true,
    });
    if (action.kind !== 'form') throw new Error(`expected form, got ${action.kind}`);
    const { action: url, fields } = action.payForm;
    expect(url).toBe(`${keys.accounts.unionpay.settings.baseUrl}/frontTransReq.do`);
    expect(fields).toMatchObject({
      version: '5.1.0',
      encoding: 'UTF-8',
      signMethod: '01',
      txnType: '01',
      txnSubType: '01',
      bizType: '000201',
      channelType: '08',
      accessType: '0',
      currencyCode: '156',
      merId: keys.accounts.unionpay.settings.merId,
      certId: keys.accounts.unionpay.settings.certId,
      orderId: 'AP202405011000001234567890',
      txnTime: '20240501100000',
      txnAmt: '123456',
      payTimeout: '20240501103000',
      backUrl: 'https://a.test/notify/unionpay',
      frontUrl: 'https://a.test/notify/unionpay/front',
    });
    const merchantCert = new X509Certificate(keys.simulator.merchant.unionpay.merchantCertPem);
    expect(BigInt(`0x${merchantCert.serialNumber}`).toString()).toBe(fields.certId);
    const digest = createHash('sha256').update(sortedText(fields), 'utf8').digest('hex');
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(
      createVerify('RSA-SHA256').update(digest, 'utf8').verify(merchantCert.publicKey, fields.signature!, 'base64'),
    ).toBe(true);
  });

  it('leaves out signature and empty values and sorts by name', () => {
    expect(unionpaySigningText({ txnAmt: '1', signature: 'x', accNo: '', bizType: '000201', Zeta: 'z' })).toBe(
      'Zeta=z&bizType=000201&txnAmt=1',
    );
  });

  it('reads answers that are not URL-encoded, braces and all, and URL-encoded forms', () => {
    expect(parseUnionpayMessage('a=1&reserved={x=1&y=2}&cert=ab+c/d==&b=', false)).toEqual({
      a: '1',
      reserved: '{x=1&y=2}',
      cert: 'ab+c/d==',
      b: '',
    });
    expect(parseUnionpayMessage('cert=ab%2Bc%2Fd%3D%3D', true)).toEqual({ cert: 'ab+c/d==' });
    expect(parseUnionpayMessage('a=1&a=2', false)).toBeUndefined();
  });

  it('reads the order time back from the order number', () => {
    expect(txnTimeOfOrderNo('AP202405011000001234567890')).toBe('20240501100000');
    expect(txnTimeOfOrderNo('AP20241399100000123')).toBeUndefined();
    expect(txnTimeOfOrderNo('X1')).toBeUndefined();
  });
});

describe('UnionPay notifications', () => {
  const adapter = () => new UnionpayAdapter(keys.accounts.unionpay);

  it('verifies the chain and the signature, and reads the payment', () => {
    const notification = form(gatewaySigned(paymentFields()));
    expect(unionpayModule.notifyIdentityOf(notification)).toBe(keys.accounts.unionpay.settings.merId);
    expect(adapter().verifyNotification(notification, new Date())).toEqual({
      kind: 'payment',
      orderNo: 'AP202405011000001234567890',
      transactionId: '782405011000051234567',
      amountFen: 123456,
      merchantId: keys.accounts.unionpay.settings.merId,
      paidAt: new Date('2024-05-01T02:00:05Z'),
      detail: { txnType: '01', respCode: '00', settleDate: '0501', traceNo: '123456' },
    });
    expect(adapter().acknowledge()).toMatchObject({ status: 200, body: 'ok' });
  });

  it('rejects a changed amount, another merchant, and a failed payment is only acknowledged', () => {
    const signed = gatewaySigned(paymentFields());
    expect(() => adapter().verifyNotification(form({ ...signed, txnAmt: '1' }), new Date())).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );
    expect(() =>
      adapter().verifyNotification(form(gatewaySigned({ ...paymentFields(), merId: '777000000000001' })), new Date()),
    ).toThrow(expect.objectContaining({ reason: 'unknown_merchant' }));
    expect(
      adapter().verifyNotification(form(gatewaySigned({ ...paymentFields(), respCode: '61' })), new Date()).kind,
    ).toBe('ignored');
  });

  it('refuses a certificate not issued by the configured intermediate, even when the signature matches it', () => {
    // A self-made "中国银联" certificate: the signature is valid for its key, but no configured CA issued it.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    const name = [{ name: 'commonName', value: 'China UnionPay forged' }];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
    const forged = gatewaySigned(paymentFields(), {
      privateKeyPem: privateKey,
      certPem: forge.pki.certificateToPem(cert),
    });
    expect(() => adapter().verifyNotification(form(forged), new Date())).toThrow(
      expect.objectContaining({ reason: 'certificate_untrusted' }),
    );
    // The real certificate, but past its validity.
    const later = new Date(Date.now() + 10 * 365 * 86_400_000);
    expect(() => adapter().verifyNotification(form(gatewaySigned(paymentFields())), later)).toThrow(
      expect.objectContaining({ reason: 'certificate_untrusted' }),
    );
  });
});

describe('UnionPay back-channel answers', () => {
  /** An answer as the gateway writes it: k=v&… not URL-encoded. */
  const plainAnswer = (fields: Record<string, string>) =>
    Object.entries(gatewaySigned(fields))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');

  it('queries by orderId and the txnTime from the order number, and reads a paid order', async () => {
    const { fetchImpl, requests } = fakeFetch(() => ({
      body: plainAnswer({ ...paymentFields(), txnType: '00', respCode: '00', origRespCode: '00', origRespMsg: '成功' }),
    }));
    const adapter = new UnionpayAdapter(keys.accounts.unionpay, { fetchImpl });
    expect(await adapter.queryOrder('AP202405011000001234567890')).toEqual({
      state: 'paid',
      transactionId: '782405011000051234567',
      amountFen: 123456,
      paidAt: new Date('2024-05-01T02:00:05Z'),
      merchantId: keys.accounts.unionpay.settings.merId,
    });
    const sent = Object.fromEntries(new URLSearchParams(requests[0]!.body));
    expect(requests[0]!.url).toBe(`${keys.accounts.unionpay.settings.baseUrl}/queryTrans.do`);
    expect(sent).toMatchObject({ txnType: '00', orderId: 'AP202405011000001234567890', txnTime: '20240501100000' });
  });

  it('reads a signed respCode 34 as not found; refuses a tampered answer and an unsigned success', async () => {
    const notFound = fakeFetch(() => ({
      body: plainAnswer({ merId: keys.accounts.unionpay.settings.merId, respCode: '34', respMsg: '查无此交易' }),
    }));
    expect(
      await new UnionpayAdapter(keys.accounts.unionpay, { fetchImpl: notFound.fetchImpl }).queryOrder(
        'AP20240501100000123',
      ),
    ).toEqual({
      state: 'not_found',
    });
    const tampered = fakeFetch(() => ({
      body: plainAnswer({ ...paymentFields(), origRespCode: '00' }).replace('txnAmt=123456', 'txnAmt=100'),
    }));
    await expect(
      new UnionpayAdapter(keys.accounts.unionpay, { fetchImpl: tampered.fetchImpl }).queryOrder('AP20240501100000123'),
    ).rejects.toMatchObject({ code: 'RESPONSE_UNTRUSTED' });
    const unsigned = fakeFetch(() => ({ body: 'respCode=00&origRespCode=00&txnAmt=1&queryId=1' }));
    await expect(
      new UnionpayAdapter(keys.accounts.unionpay, { fetchImpl: unsigned.fetchImpl }).queryOrder('AP20240501100000123'),
    ).rejects.toMatchObject({ code: 'RESPONSE_UNTRUSTED' });
    const refused = fakeFetch(() => ({ body: 'respCode=11&respMsg=验证签名失败' }));
    await expect(
      new UnionpayAdapter(keys.accounts.unionpay, { fetchImpl: refused.fetchImpl }).queryOrder('AP20240501100000123'),
    ).rejects.toMatchObject({ code: '11', message: expect.stringMatching(/certId/) });
  });

  it('cannot query an order number that carries no time', async () => {
    const { fetchImpl, requests } = fakeFetch(() => ({ body: '' }));
    await expect(new UnionpayAdapter(keys.accounts.unionpay, { fetchImpl }).queryOrder('ORDER1')).rejects.toMatchObject(
      {
        code: 'TXN_TIME_UNKNOWN',
      },
    );
    expect(requests).toHaveLength(0);
  });
});

describe('UnionPay settings', () => {
  it('names the certificate to fix when it cannot be read', () => {
    const account = keys.accounts.unionpay;
    const broken = { ...account, settings: { ...account.settings, middleCertPem: '-----BEGIN CERTIFICATE-----\nxx' } };
    expect(() => unionpayModule.adapter(broken)).toThrow(
      expect.objectContaining({ code: 'SETTINGS_INVALID', message: expect.stringMatching(/中级证书/) }),
    );
  });
});
