import { createVerify, generateKeyPairSync } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alipaySignContent } from './alipay.ts';
import { createSimulator, startSimulator } from './index.ts';
import { type ChannelKeys, generateChannelKeys } from './keys.ts';
import { eventually, recordingReceiver } from './testing.ts';

let keys: ChannelKeys;
let running: Awaited<ReturnType<typeof startSimulator>>;
const receiver = recordingReceiver((item) => ({ status: 200, body: item.url.includes('flaky') ? 'fail' : 'success' }));
let forgedKeyPem: string;

beforeAll(async () => {
  keys = generateChannelKeys('http://127.0.0.1:3001');
  forgedKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  running = await startSimulator({
    keys: keys.simulator.keys,
    merchants: [keys.simulator.merchant],
    timeScale: 0.001,
    deliver: receiver.deliver,
  });
});
afterAll(() => running.close());

function sdk(privateKey = keys.accounts.alipay.secrets.appPrivateKeyPem) {
  return new AlipaySdk({
    appId: keys.accounts.alipay.settings.appId,
    privateKey,
    keyType: 'PKCS8',
    alipayPublicKey: keys.accounts.alipay.settings.alipayPublicKeyPem,
    gateway: `${running.url}/alipay/gateway.do`,
    endpoint: `${running.url}/alipay`,
  });
}

const precreate = (outTradeNo: string, totalAmount = '88.50', notifyUrl = 'https://assetpay.test/notify/alipay') =>
  sdk().exec(
    'alipay.trade.precreate',
    { notifyUrl, bizContent: { out_trade_no: outTradeNo, total_amount: totalAmount, subject: '2024年5月租金' } },
    { validateSign: true },
  );
const query = (outTradeNo: string) =>
  sdk().exec('alipay.trade.query', { bizContent: { out_trade_no: outTradeNo } }, { validateSign: true });
const payControl = (outTradeNo: string, body: object = {}) =>
  fetch(`${running.url}/_sim/alipay/orders/${outTradeNo}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('Alipay simulator with the real client (alipay-sdk)', () => {
  it('precreates, queries, and the SDK verifies the signed answers and the notification', async () => {
    const created = await precreate('AP30000001');
    expect(created).toMatchObject({ code: '10000', msg: 'Success', outTradeNo: 'AP30000001' });
    expect(created.qrCode).toMatch(/\/_sim\/alipay\/orders\/AP30000001\/cashier$/);

    // Not scanned yet: at Alipay the trade does not exist.
    expect(await query('AP30000001')).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST' });

    expect((await payControl('AP30000001')).status).toBe(200);
    const paid = await query('AP30000001');
    expect(paid).toMatchObject({
      code: '10000',
      tradeStatus: 'TRADE_SUCCESS',
      totalAmount: '88.50',
      outTradeNo: 'AP30000001',
    });

    await running.settled();
    const notification = receiver.received.find((r) => r.request.body.includes('AP30000001'))!;
    const postData = Object.fromEntries(new URLSearchParams(notification.request.body));
    expect(postData).toMatchObject({
      notify_type: 'trade_status_sync',
      trade_status: 'TRADE_SUCCESS',
      out_trade_no: 'AP30000001',
      total_amount: '88.50',
      app_id: keys.accounts.alipay.settings.appId,
      seller_id: keys.accounts.alipay.settings.sellerId,
    });
    expect(sdk().checkNotifySign(postData)).toBe(true);
    expect(sdk().checkNotifySign({ ...postData, total_amount: '0.01' })).toBe(false);
  });

  it('refuses a forged request signature with 40002 isv.invalid-signature', async () => {
    const result = await sdk(forgedKeyPem).exec(
      'alipay.trade.query',
      { bizContent: { out_trade_no: 'AP30000001' } },
      { validateSign: true },
    );
    expect(result).toMatchObject({ code: '40002', msg: 'Invalid Arguments', subCode: 'isv.invalid-signature' });
  });

  it('retries the notification until the answer is exactly "success"', async () => {
    await precreate('AP30000002', '10.00', 'https://assetpay.test/notify/alipay/flaky');
    await payControl('AP30000002');
    await eventually(() => receiver.received.filter((r) => r.url.endsWith('flaky')).length >= 3);
    const view = await (await fetch(`${running.url}/_sim/alipay/orders/AP30000002`)).json();
    expect(view.notifications.every((n: { acknowledged: boolean }) => !n.acknowledged)).toBe(true);
  });

  it('refunds, queries the refund, and refuses to close a paid trade', async () => {
    await precreate('AP30000003', '100.00');
    await payControl('AP30000003', { notify: false });
    const refund = await sdk().exec(
      'alipay.trade.refund',
      { bizContent: { out_trade_no: 'AP30000003', refund_amount: '30.00', out_request_no: 'RF30000003' } },
      { validateSign: true },
    );
    expect(refund).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '30.00' });
    const tooMuch = await sdk().exec('alipay.trade.refund', {
      bizContent: { out_trade_no: 'AP30000003', refund_amount: '80.00', out_request_no: 'RF30000004' },
    });
    expect(tooMuch).toMatchObject({ code: '40004', subCode: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });
    const refundQuery = await sdk().exec('alipay.trade.fastpay.refund.query', {
      bizContent: { out_trade_no: 'AP30000003', out_request_no: 'RF30000003' },
    });
    expect(refundQuery).toMatchObject({ code: '10000', refundStatus: 'REFUND_SUCCESS', refundAmount: '30.00' });
    const close = await sdk().exec('alipay.trade.close', { bizContent: { out_trade_no: 'AP30000003' } });
    expect(close).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_STATUS_ERROR' });
  });
});

describe('Alipay simulator protocol', () => {
  it('wap pay: the signed URL opens the cashier, paying returns the browser with a signed return URL', async () => {
    const url = sdk().pageExecute('alipay.trade.wap.pay', 'GET', {
      bizContent: { out_trade_no: 'AP30000010', total_amount: '12.34', subject: '租金', product_code: 'QUICK_WAP_WAY' },
      returnUrl: 'https://assetpay.test/m/orders/AP30000010',
      notifyUrl: 'https://assetpay.test/notify/alipay',
    });
    const opened = await fetch(url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const cashier = await fetch(opened.headers.get('location')!);
    expect(await cashier.text()).toContain('data-testid="sim-pay"');

    const view = await (await payControl('AP30000010')).json();
    const back = new URL(view.returnTo.url);
    expect(back.pathname).toBe('/m/orders/AP30000010');
    const fields = Object.fromEntries(back.searchParams);
    expect(fields).toMatchObject({
      out_trade_no: 'AP30000010',
      total_amount: '12.34',
      method: 'alipay.trade.wap.pay.return',
    });
    const valid = createVerify('RSA-SHA256')
      .update(alipaySignContent(fields, ['sign', 'sign_type']))
      .verify(keys.accounts.alipay.settings.alipayPublicKeyPem, fields.sign!, 'base64');
    expect(valid).toBe(true);

    const tampered = url.replace('12.34', '0.01');
    const refused = await fetch(tampered, { redirect: 'manual' });
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain('isv.invalid-signature');
  });

  it('closes an opened unpaid trade; an unknown one is ACQ.TRADE_NOT_EXIST', async () => {
    await precreate('AP30000011');
    await fetch(`${running.url}/_sim/alipay/orders/AP30000011/cashier`);
    expect(await sdk().exec('alipay.trade.close', { bizContent: { out_trade_no: 'AP30000011' } })).toMatchObject({
      code: '10000',
    });
    expect((await query('AP30000011')).tradeStatus).toBe('TRADE_CLOSED');
    expect((await payControl('AP30000011')).status).toBe(409);
    expect(await sdk().exec('alipay.trade.close', { bizContent: { out_trade_no: 'NOSUCH1' } })).toMatchObject({
      subCode: 'ACQ.TRADE_NOT_EXIST',
    });
  });

  it('serves the day bill as a zip of GBK CSV with fees and totals', async () => {
    const now = new Date('2024-05-02T02:00:00Z');
    const local = recordingReceiver();
    const simulator = createSimulator({
      keys: keys.simulator.keys,
      merchants: [keys.simulator.merchant],
      publicUrl: 'http://sim.test',
      deliver: local.deliver,
      now: () => now,
    });
    const app = simulator.app;
    const client = sdk();
    const signedForm = (method: string, bizContent: object) => {
      const query = client.sdkExecute(method, { bizContent });
      return app.inject({
        method: 'POST',
        url: '/alipay/gateway.do',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: query,
      });
    };
    for (const [no, amount] of [
      ['AP31000001', '100.00'],
      ['AP31000002', '25.50'],
    ] as const) {
      await signedForm('alipay.trade.precreate', { out_trade_no: no, total_amount: amount, subject: '租金' });
      await app.inject({
        method: 'POST',
        url: `/_sim/alipay/orders/${no}/pay`,
        payload: { paidAt: '2024-05-01T03:00:00Z', notify: false },
      });
    }
    await signedForm('alipay.trade.refund', {
      out_trade_no: 'AP31000001',
      refund_amount: '10.00',
      out_request_no: 'R1',
    });
    const answer = (
      await signedForm('alipay.data.dataservice.bill.downloadurl.query', {
        bill_type: 'trade',
        bill_date: '2024-05-01',
      })
    ).json();
    const url = new URL(answer.alipay_data_dataservice_bill_downloadurl_query_response.bill_download_url);
    expect(url.origin).toBe('http://sim.test');
    const zip = await app.inject({ method: 'GET', url: url.pathname + url.search });
    const files = unzipSync(new Uint8Array(zip.rawPayload));
    const detailName = Object.keys(files).find((name) => name.endsWith('_业务明细.csv'))!;
    expect(detailName).toMatch(new RegExp(`^${keys.accounts.alipay.settings.sellerId}0156_20240501_业务明细\\.csv$`));
    const lines = iconv.decode(Buffer.from(files[detailName]!), 'gbk').trim().split('\r\n');
    const headerIndex = lines.findIndex((line) => line.startsWith('支付宝交易号,'));
    const header = lines[headerIndex]!.split(',');
    const rows = lines
      .slice(headerIndex + 1)
      .filter((line) => !line.startsWith('#'))
      .map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i], cell])));
    // The refund happened on 2024-05-02 (the simulator's clock): not in this day's bill.
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ 业务类型: '交易', '订单金额（元）': '100.00', '服务费（元）': '-0.60' });
    expect(rows[0]!.商户订单号).toBe('AP31000001\t');
    expect(rows[1]!['服务费（元）']).toBe('-0.15');
    expect(lines).toContain('#交易合计：2笔，商家实收：125.50元，商家优惠：0.00元');
    const nextDay = (
      await signedForm('alipay.data.dataservice.bill.downloadurl.query', {
        bill_type: 'trade',
        bill_date: '2024-05-02',
      })
    ).json();
    expect(nextDay.alipay_data_dataservice_bill_downloadurl_query_response.code).toBe('10000');
    const empty = (
      await signedForm('alipay.data.dataservice.bill.downloadurl.query', {
        bill_type: 'trade',
        bill_date: '2024-04-30',
      })
    ).json();
    expect(empty.alipay_data_dataservice_bill_downloadurl_query_response.sub_code).toBe('isp.bill_not_exist');
  });
});
