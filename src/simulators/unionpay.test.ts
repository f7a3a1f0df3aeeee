import { createHash, createSign, createVerify, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from './index.ts';
import { type ChannelKeys, generateChannelKeys } from './keys.ts';
import { beijingCompact } from './kit.ts';
import { recordingReceiver } from './testing.ts';
import { unionpaySignContent } from './unionpay.ts';

let keys: ChannelKeys;
beforeAll(() => {
  keys = generateChannelKeys('http://127.0.0.1:3001');
});

type Fields = Record<string, string>;
const digest = (fields: Fields) => createHash('sha256').update(unionpaySignContent(fields), 'utf8').digest('hex');

/** Signs as the merchant does (signMethod 01). */
function merchantSigned(fields: Fields, privateKeyPem = keys.accounts.unionpay.secrets.signPrivateKeyPem): Fields {
  const settings = keys.accounts.unionpay.settings;
  const all = {
    version: '5.1.0',
    encoding: 'UTF-8',
    signMethod: '01',
    accessType: '0',
    merId: settings.merId,
    certId: settings.certId,
    ...fields,
  };
  return { ...all, signature: createSign('RSA-SHA256').update(digest(all), 'utf8').sign(privateKeyPem, 'base64') };
}

/** Verifies a gateway message as the merchant must: signPubKeyCert chains to the root, then the signature. */
function gatewaySignatureValid(fields: Fields): boolean {
  const { rootCertPem, middleCertPem } = keys.accounts.unionpay.settings;
  const signer = new X509Certificate(fields.signPubKeyCert!);
  const middle = new X509Certificate(middleCertPem);
  const root = new X509Certificate(rootCertPem);
  if (!signer.verify(middle.publicKey) || !middle.verify(root.publicKey)) return false;
  return createVerify('RSA-SHA256')
    .update(digest(fields), 'utf8')
    .verify(signer.publicKey, fields.signature!, 'base64');
}

/** The real gateway's answer text: `k=v&…`, not URL-encoded. */
function parseAnswer(text: string): Fields {
  return Object.fromEntries(
    text.split('&').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

const form = (fields: Fields) => new URLSearchParams(fields).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

function setup(now?: () => Date) {
  const receiver = recordingReceiver(() => ({ status: 200, body: 'ok' }));
  const simulator = createSimulator({
    keys: keys.simulator.keys,
    merchants: [keys.simulator.merchant],
    publicUrl: 'http://sim.test',
    timeScale: 0.001,
    deliver: receiver.deliver,
    ...(now ? { now } : {}),
  });
  return { ...simulator, receiver };
}

function consume(orderId: string, txnAmt: string, txnTime = beijingCompact(new Date())) {
  return merchantSigned({
    txnType: '01',
    txnSubType: '01',
    bizType: '000201',
    channelType: '08',
    orderId,
    txnTime,
    txnAmt,
    currencyCode: '156',
    frontUrl: 'https://assetpay.test/notify/unionpay/front',
    backUrl: 'https://assetpay.test/notify/unionpay',
    reqReserved: 'order:1',
  });
}

describe('UnionPay ACP 5.1.0 simulator', () => {
  it('front consume opens the card page; paying notifies backUrl and form-posts the browser to frontUrl, signed and chained', async () => {
    const { app, receiver, settled } = setup();
    const posted = await app.inject({
      method: 'POST',
      url: '/unionpay/gateway/api/frontTransReq.do',
      headers: formHeaders,
      payload: form(consume('AP40000001', '32100')),
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('http://sim.test/_sim/unionpay/orders/AP40000001/cashier');
    const page = await app.inject({ method: 'GET', url: '/_sim/unionpay/orders/AP40000001/cashier' });
    expect(page.body).toContain('data-testid="sim-pay"');
    expect(page.body).toContain('¥321.00');

    const view = (await app.inject({ method: 'POST', url: '/_sim/unionpay/orders/AP40000001/pay' })).json();
    expect(view).toMatchObject({ status: 'paid', amountFen: 32100 });
    expect(view.returnTo.form.action).toBe('https://assetpay.test/notify/unionpay/front');
    expect(gatewaySignatureValid(view.returnTo.form.fields)).toBe(true);

    await settled();
    expect(receiver.received).toHaveLength(1);
    const notification = Object.fromEntries(new URLSearchParams(receiver.received[0]!.request.body));
    expect(notification).toMatchObject({
      respCode: '00',
      orderId: 'AP40000001',
      txnAmt: '32100',
      merId: keys.accounts.unionpay.settings.merId,
      reqReserved: 'order:1',
    });
    expect(gatewaySignatureValid(notification)).toBe(true);
    expect(gatewaySignatureValid({ ...notification, txnAmt: '1' })).toBe(false);
  });

  it('refuses a forged signature with respCode 11 验证签名失败', async () => {
    const { app } = setup();
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const forged = merchantSigned(
      { txnType: '00', txnSubType: '00', bizType: '000201', orderId: 'AP40000001', txnTime: '20240501100000' },
      forger,
    );
    const answer = parseAnswer(
      (
        await app.inject({
          method: 'POST',
          url: '/unionpay/gateway/api/queryTrans.do',
          headers: formHeaders,
          payload: form(forged),
        })
      ).body,
    );
    expect(answer).toMatchObject({ respCode: '11', respMsg: '验证签名失败' });
    expect(gatewaySignatureValid(answer)).toBe(true);
    const page = await app.inject({
      method: 'POST',
      url: '/unionpay/gateway/api/frontTransReq.do',
      headers: formHeaders,
      payload: form({ ...consume('AP40000009', '100'), txnAmt: '1' }),
    });
    expect(page.body).toContain('验证签名失败');
  });

  it('queries a consume (unpaid 05, paid 00), refunds it and queries the refund', async () => {
    const { app, receiver, settled } = setup();
    const txnTime = beijingCompact(new Date());
    await app.inject({
      method: 'POST',
      url: '/unionpay/gateway/api/frontTransReq.do',
      headers: formHeaders,
      payload: form(consume('AP40000002', '5000', txnTime)),
    });
    const query = async (orderId: string, time: string) =>
      parseAnswer(
        (
          await app.inject({
            method: 'POST',
            url: '/unionpay/gateway/api/queryTrans.do',
            headers: formHeaders,
            payload: form(
              merchantSigned({ txnType: '00', txnSubType: '00', bizType: '000201', orderId, txnTime: time }),
            ),
          })
        ).body,
      );
    expect(await query('AP40000002', txnTime)).toMatchObject({ respCode: '00', origRespCode: '05' });
    await app.inject({ method: 'POST', url: '/_sim/unionpay/orders/AP40000002/pay', payload: { notify: false } });
    const paid = await query('AP40000002', txnTime);
    expect(paid).toMatchObject({ respCode: '00', origRespCode: '00', txnAmt: '5000', orderId: 'AP40000002' });
    expect(paid.queryId).toMatch(/^\d{21}$/);
    expect(gatewaySignatureValid(paid)).toBe(true);
    expect(await query('AP49999999', txnTime)).toMatchObject({ respCode: '34' });

    const refundTime = beijingCompact(new Date());
    const refund = async (orderId: string, txnAmt: string) =>
      parseAnswer(
        (
          await app.inject({
            method: 'POST',
            url: '/unionpay/gateway/api/backTransReq.do',
            headers: formHeaders,
            payload: form(
              merchantSigned({
                txnType: '04',
                txnSubType: '00',
                bizType: '000201',
                channelType: '07',
                orderId,
                txnTime: refundTime,
                txnAmt,
                origQryId: paid.queryId!,
                backUrl: 'https://assetpay.test/notify/unionpay',
              }),
            ),
          })
        ).body,
      );
    expect(await refund('RF40000002', '2000')).toMatchObject({
      respCode: '00',
      txnType: '04',
      origQryId: paid.queryId,
    });
    expect(await refund('RF40000003', '3001')).toMatchObject({ respCode: '36' });
    expect(await refund('RF40000002', '100')).toMatchObject({ respCode: '12' });
    expect(await query('RF40000002', refundTime)).toMatchObject({
      respCode: '00',
      origRespCode: '00',
      origTxnType: '04',
      txnAmt: '2000',
    });
    await settled();
    expect(Object.fromEntries(new URLSearchParams(receiver.received[0]!.request.body))).toMatchObject({
      txnType: '04',
      respCode: '00',
      txnAmt: '2000',
    });
  });

  it('serves the settlement file: fees at the fee rate, zip inside zlib inside base64', async () => {
    const now = new Date('2024-05-02T02:00:00Z');
    const { app } = setup(() => now);
    for (const [orderId, amount] of [
      ['AP41000001', '10000'],
      ['AP41000002', '2550'],
    ] as const) {
      await app.inject({
        method: 'POST',
        url: '/unionpay/gateway/api/frontTransReq.do',
        headers: formHeaders,
        payload: form(consume(orderId, amount, '20240501110000')),
      });
      await app.inject({
        method: 'POST',
        url: `/_sim/unionpay/orders/${orderId}/pay`,
        payload: { notify: false, paidAt: '2024-05-01T03:00:00Z' },
      });
    }
    const file = async (settleDate: string) =>
      parseAnswer(
        (
          await app.inject({
            method: 'POST',
            url: '/unionpay/gateway/api/fileTransReq.do',
            headers: formHeaders,
            payload: form(
              merchantSigned({
                txnType: '76',
                txnSubType: '01',
                bizType: '000000',
                settleDate,
                txnTime: '20240502100000',
                fileType: '00',
              }),
            ),
          })
        ).body,
      );
    const answer = await file('0501');
    expect(answer).toMatchObject({ respCode: '00', fileName: `${keys.accounts.unionpay.settings.merId}_20240501.zip` });
    expect(gatewaySignatureValid(answer)).toBe(true);
    const files = unzipSync(new Uint8Array(inflateSync(Buffer.from(answer.fileContent!, 'base64'))));
    const name = `INN24050188ZM_${keys.accounts.unionpay.settings.merId}`;
    const lines = Buffer.from(files[name]!).toString('utf8').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    const [code, queryId, , amount, orderId, fee, settle] = lines[0]!.split(/ +/);
    expect({ code, amount, orderId, fee, settle }).toEqual({
      code: 'S22',
      amount: '000000010000',
      orderId: 'AP41000001',
      fee: 'D000000000060',
      settle: 'C000000009940',
    });
    expect(queryId).toMatch(/^\d{21}$/);
    expect(lines[1]!.split(/ +/)[5]).toBe('D000000000015');
    expect(await file('0430')).toMatchObject({ respCode: '98' });
  });
});
