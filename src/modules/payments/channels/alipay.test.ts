// Alipay adapter against hand-made messages: signatures computed with node:crypto directly (sorted k=v, RSA2),
// so a mistake in what the adapter signs or verifies shows as a failed check.

import { createSign, createVerify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlipayAdapter, alipayModule } from './alipay.ts';
import { type ChannelKeys, fakeFetch, freshKeys } from './testing.ts';

let keys: ChannelKeys;
beforeAll(() => {
  keys = freshKeys();
});

const sortedText = (fields: Record<string, string>, leaveOut: string[]) =>
  Object.keys(fields)
    .filter((key) => !leaveOut.includes(key) && fields[key] !== '')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
const alipaySign = (text: string) =>
  createSign('RSA-SHA256').update(text, 'utf8').sign(keys.simulator.keys.alipay.alipayPrivateKeyPem, 'base64');

function signedNotification(fields: Record<string, string>) {
  const all = { ...fields, sign_type: 'RSA2' };
  const sign = alipaySign(sortedText(all, ['sign', 'sign_type']));
  return { headers: {}, rawBody: Buffer.from(new URLSearchParams({ ...all, sign }).toString()) };
}

const paymentFields = () => ({
  notify_time: '2024-05-01 10:00:06',
  notify_type: 'trade_status_sync',
  notify_id: 'ac05099524730693a8b330c5ecf72da9786',
  app_id: keys.accounts.alipay.settings.appId,
  charset: 'utf-8',
  version: '1.0',
  trade_no: '2024050122001400000000000001',
  out_trade_no: 'AP202405011000001234567890',
  seller_id: keys.accounts.alipay.settings.sellerId!,
  trade_status: 'TRADE_SUCCESS',
  total_amount: '1234.56',
  receipt_amount: '1234.56',
  buyer_pay_amount: '1234.56',
  gmt_payment: '2024-05-01 10:00:05',
  subject: '2024年5月租金 & 物业费',
});

describe('Alipay requests', () => {
  it('signs the page-pay URL over the sorted parameters (sign_type included), Beijing timestamp', () => {
    const adapter = new AlipayAdapter(keys.accounts.alipay, { clock: () => new Date('2024-05-01T02:00:00Z') });
    const url = new URL(
      adapter.signedPayUrl(
        'alipay.trade.page.pay',
        { out_trade_no: 'AP1', total_amount: '0.01', subject: '租金', product_code: 'FAST_INSTANT_TRADE_PAY' },
        { notify_url: 'https://a.test/notify/alipay', return_url: 'https://a.test/m/orders/AP1' },
      ),
    );
    const fields = Object.fromEntries(url.searchParams);
    expect(fields).toMatchObject({
      app_id: keys.accounts.alipay.settings.appId,
      method: 'alipay.trade.page.pay',
      charset: 'utf-8',
      sign_type: 'RSA2',
      version: '1.0',
      timestamp: '2024-05-01 10:00:00',
      notify_url: 'https://a.test/notify/alipay',
    });
    expect(JSON.parse(fields.biz_content!)).toEqual({
      out_trade_no: 'AP1',
      total_amount: '0.01',
      subject: '租金',
      product_code: 'FAST_INSTANT_TRADE_PAY',
    });
    const verified = createVerify('RSA-SHA256')
      .update(sortedText(fields, ['sign']), 'utf8')
      .verify(keys.simulator.merchant.alipay.appPublicKeyPem, fields.sign!, 'base64');
    expect(verified).toBe(true);
  });

  it('posts common parameters in the URL and biz_content in the form, and reads a signed answer', async () => {
    const node = JSON.stringify({
      code: '10000',
      msg: 'Success',
      trade_no: '2024050122001400000000000001',
      out_trade_no: 'AP1',
      trade_status: 'TRADE_SUCCESS',
      total_amount: '88.80',
      send_pay_date: '2024-05-01 10:00:05',
    });
    const { fetchImpl, requests } = fakeFetch(() => ({
      body: `{"alipay_trade_query_response":${node},"sign":"${alipaySign(node)}"}`,
      headers: { 'content-type': 'application/json;charset=utf-8' },
    }));
    const adapter = new AlipayAdapter(keys.accounts.alipay, { fetchImpl });
    expect(await adapter.queryOrder('AP1')).toEqual({
      state: 'paid',
      transactionId: '2024050122001400000000000001',
      amountFen: 8880,
      paidAt: new Date('2024-05-01T02:00:05Z'),
      merchantId: keys.accounts.alipay.settings.appId,
      appId: keys.accounts.alipay.settings.appId,
    });
    const url = new URL(requests[0]!.url);
    expect(url.searchParams.get('method')).toBe('alipay.trade.query');
    expect(url.searchParams.get('sign')).toBeTruthy();
    expect(JSON.parse(new URLSearchParams(requests[0]!.body).get('biz_content')!)).toEqual({ out_trade_no: 'AP1' });

    const tampered = fakeFetch(() => ({
      body: `{"alipay_trade_query_response":${node.replace('88.80', '8.80')},"sign":"${alipaySign(node)}"}`,
    }));
    await expect(
      new AlipayAdapter(keys.accounts.alipay, { fetchImpl: tampered.fetchImpl }).queryOrder('AP1'),
    ).rejects.toMatchObject({
      code: 'RESPONSE_UNTRUSTED',
    });
    const unsigned = fakeFetch(() => ({ body: `{"alipay_trade_query_response":${node}}` }));
    await expect(
      new AlipayAdapter(keys.accounts.alipay, { fetchImpl: unsigned.fetchImpl }).queryOrder('AP1'),
    ).rejects.toMatchObject({
      code: 'RESPONSE_UNTRUSTED',
    });
  });

  it('reads a signed ACQ.TRADE_NOT_EXIST as not found and explains other refusals in Chinese', async () => {
    const notExist = JSON.stringify({
      code: '40004',
      msg: 'Business Failed',
      sub_code: 'ACQ.TRADE_NOT_EXIST',
      sub_msg: '交易不存在',
    });
    const signed = fakeFetch(() => ({
      body: `{"alipay_trade_query_response":${notExist},"sign":"${alipaySign(notExist)}"}`,
    }));
    expect(await new AlipayAdapter(keys.accounts.alipay, { fetchImpl: signed.fetchImpl }).queryOrder('AP1')).toEqual({
      state: 'not_found',
    });
    const badSign = JSON.stringify({
      code: '40002',
      msg: 'Invalid Arguments',
      sub_code: 'isv.invalid-signature',
      sub_msg: '验签出错',
    });
    const refused = fakeFetch(() => ({ body: `{"alipay_trade_query_response":${badSign}}` }));
    await expect(
      new AlipayAdapter(keys.accounts.alipay, { fetchImpl: refused.fetchImpl }).queryOrder('AP1'),
    ).rejects.toMatchObject({
      provider: 'alipay',
      code: 'isv.invalid-signature',
      message: expect.stringMatching(/应用私钥/),
    });
  });
});

describe('Alipay notifications', () => {
  const adapter = () => new AlipayAdapter(keys.accounts.alipay);

  it('verifies the form on its raw bytes (sign and sign_type left out, sorted) and reads the payment', () => {
    const notification = signedNotification(paymentFields());
    expect(alipayModule.notifyIdentityOf(notification)).toBe(keys.accounts.alipay.settings.appId);
    expect(adapter().verifyNotification(notification, new Date())).toEqual({
      kind: 'payment',
      orderNo: 'AP202405011000001234567890',
      transactionId: '2024050122001400000000000001',
      amountFen: 123456,
      merchantId: keys.accounts.alipay.settings.appId,
      appId: keys.accounts.alipay.settings.appId,
      paidAt: new Date('2024-05-01T02:00:05Z'),
      notifyId: 'ac05099524730693a8b330c5ecf72da9786',
      detail: {
        notify_type: 'trade_status_sync',
        trade_status: 'TRADE_SUCCESS',
        receipt_amount: '1234.56',
        buyer_pay_amount: '1234.56',
      },
    });
    expect(adapter().acknowledge()).toMatchObject({ status: 200, body: 'success' });
  });

  it('rejects a changed amount, another app, another seller, and a form without sign', () => {
    const notification = signedNotification(paymentFields());
    const changed = notification.rawBody.toString().replace('total_amount=1234.56', 'total_amount=1.00');
    expect(() => adapter().verifyNotification({ headers: {}, rawBody: Buffer.from(changed) }, new Date())).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }),
    );
    expect(() =>
      adapter().verifyNotification(signedNotification({ ...paymentFields(), app_id: '2021000000000000' }), new Date()),
    ).toThrow(expect.objectContaining({ reason: 'unknown_merchant' }));
    expect(() =>
      adapter().verifyNotification(
        signedNotification({ ...paymentFields(), seller_id: '2088000000000000' }),
        new Date(),
      ),
    ).toThrow(expect.objectContaining({ reason: 'unknown_merchant' }));
    expect(() => adapter().verifyNotification({ headers: {}, rawBody: Buffer.from('a=1') }, new Date())).toThrow(
      expect.objectContaining({ reason: 'malformed' }),
    );
  });

  it('ignores a trade still waiting and reads a refund notification', () => {
    const waiting = signedNotification({ ...paymentFields(), trade_status: 'WAIT_BUYER_PAY' });
    expect(adapter().verifyNotification(waiting, new Date()).kind).toBe('ignored');
    const refund = signedNotification({
      ...paymentFields(),
      refund_fee: '34.56',
      out_biz_no: 'RF202405021000000000000001',
      gmt_refund: '2024-05-02 09:00:00.123',
    });
    expect(adapter().verifyNotification(refund, new Date())).toMatchObject({
      kind: 'refund',
      refundNo: 'RF202405021000000000000001',
      amountFen: 3456,
      succeeded: true,
      at: new Date('2024-05-02T01:00:00Z'),
    });
  });
});

describe('Alipay settings', () => {
  it('names the key to fix when it cannot be read', () => {
    const account = keys.accounts.alipay;
    const broken = { ...account, settings: { ...account.settings, alipayPublicKeyPem: 'MIIB…' } };
    expect(() => alipayModule.adapter(broken)).toThrow(
      expect.objectContaining({ code: 'SETTINGS_INVALID', message: expect.stringMatching(/支付宝公钥/) }),
    );
  });
});
