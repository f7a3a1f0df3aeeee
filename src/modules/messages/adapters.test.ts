// The three real providers against a local HTTP server that plays the provider: the server recomputes each
// signature from the published algorithm (written out again here, not imported from the adapters) and answers as
// the provider does.

import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AliyunSmsSender } from './aliyun-sms.ts';
import { type OutgoingMessage, SendError } from './senders.ts';
import { TencentSmsSender } from './tencent-sms.ts';
import { WechatTemplateSender } from './wechat-template.ts';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A provider on 127.0.0.1:<free port>; `answer` returns the status and JSON for each request. */
async function provider(answer: (request: Received) => [number, unknown]): Promise<{ base: string; seen: Received[] }> {
  const seen: Received[] = [];
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(received);
      const [status, json] = answer(received);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

const message: OutgoingMessage = {
  id: '7d1c2a4e-1111-4222-8333-944455556666',
  channel: 'sms',
  kind: 'bill_reminder',
  recipient: '13812345678',
  templateCode: 'bill_reminder_overdue',
  params: {
    billNumber: 'ZD-2026-000123',
    amount: '3150.00',
    dueDate: '2026-11-12',
    payLink: 'https://pay.example.cn/m/pay/abc.def',
    title: '逾期催缴',
  },
  body: '…',
  payLink: 'https://pay.example.cn/m/pay/abc.def',
};

/** The portal's login code as the messages module sends it: its own template, its own variables. */
const loginCode: OutgoingMessage = {
  id: '7d1c2a4e-2222-4222-8333-944455556666',
  channel: 'sms',
  kind: 'login_code',
  recipient: '13812345678',
  templateCode: 'portal_login_code',
  params: { code: '042917', minutes: '5' },
  body: '【AssetPay】您的登录验证码为 ******，5 分钟内有效。',
  payLink: null,
};

describe('Aliyun SMS (dysmsapi SendSms, signature version 1.0)', () => {
  // RFC 3986: everything but A-Z a-z 0-9 - _ . ~ percent-encoded with upper-case hex, space as %20.
  const encode = (text: string) =>
    [...Buffer.from(text, 'utf8')]
      .map((byte) =>
        /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
          ? String.fromCharCode(byte)
          : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('');

  const config = {
    endpoint: '',
    accessKeyId: 'LTAI5tTestKeyId',
    accessKeySecret: 'testSecret+/=',
    signName: '政鑫资产',
    templateCode: 'SMS_123456789',
    templateCodeLoginCode: 'SMS_200000001',
    templateCodePaymentReceived: 'SMS_200000002',
    templateCodeRefundPaid: 'SMS_200000003',
    templateCodeRefundApproved: 'SMS_200000004',
  };

  it('signs the sorted, encoded parameters with HMAC-SHA1 under secret& and reads BizId', async () => {
    const { base, seen } = await provider(({ body }) => {
      const form = new URLSearchParams(body);
      const params = [...form.entries()].filter(([name]) => name !== 'Signature');
      const canonical = params
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, value]) => `${encode(name)}=${encode(value)}`)
        .join('&');
      const expected = createHmac('sha1', `${config.accessKeySecret}&`)
        .update(`POST&%2F&${encode(canonical)}`)
        .digest('base64');
      if (form.get('Signature') !== expected) return [400, { Code: 'SignatureDoesNotMatch', Message: 'bad' }];
      return [200, { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'F655A8D5' }];
    });
    const sender = new AliyunSmsSender({ ...config, endpoint: base });
    await expect(sender.send(message)).resolves.toEqual({ providerMessageId: '900619746936498440^0' });

    const form = Object.fromEntries(new URLSearchParams(seen[0]!.body));
    expect(seen[0]!.method).toBe('POST');
    expect(form).toMatchObject({
      Action: 'SendSms',
      Version: '2017-05-25',
      Format: 'JSON',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      AccessKeyId: config.accessKeyId,
      PhoneNumbers: '13812345678',
      SignName: '政鑫资产',
      TemplateCode: 'SMS_123456789',
      OutId: message.id,
    });
    expect(form.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(JSON.parse(form.TemplateParam!)).toEqual({
      billNumber: 'ZD-2026-000123',
      amount: '3150.00',
      dueDate: '2026-11-12',
      payLink: 'https://pay.example.cn/m/pay/abc.def',
    });
  });

  it('a login code goes with its own template and carries the code', async () => {
    const { base, seen } = await provider(() => [200, { Code: 'OK', Message: 'OK', BizId: '1^0', RequestId: 'r' }]);
    await expect(new AliyunSmsSender({ ...config, endpoint: base }).send(loginCode)).resolves.toEqual({
      providerMessageId: '1^0',
    });
    const form = Object.fromEntries(new URLSearchParams(seen[0]!.body));
    expect(form.TemplateCode).toBe('SMS_200000001');
    expect(JSON.parse(form.TemplateParam!)).toEqual({ code: '042917', minutes: '5' });
  });

  it('a kind without a template configured is a SendError, and nothing is sent', async () => {
    const { base, seen } = await provider(() => [200, { Code: 'OK', BizId: '1^0' }]);
    const sender = new AliyunSmsSender({ ...config, templateCodeLoginCode: '', endpoint: base });
    await expect(sender.send(loginCode)).rejects.toThrow(new SendError('阿里云短信未配置“login_code”类消息的短信模板'));
    expect(seen).toHaveLength(0);
  });

  it('a refusal is a SendError naming Aliyun’s code', async () => {
    const { base } = await provider(() => [200, { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控' }]);
    await expect(new AliyunSmsSender({ ...config, endpoint: base }).send(message)).rejects.toThrow(
      new SendError('阿里云短信 isv.BUSINESS_LIMIT_CONTROL: 触发分钟级流控'),
    );
  });
});

describe('Tencent Cloud SMS (SendSms 2021-01-11, TC3-HMAC-SHA256)', () => {
  const config = {
    endpoint: '',
    secretId: 'AKIDtestSecretId',
    secretKey: 'testSecretKey',
    region: 'ap-guangzhou',
    sdkAppId: '1400006666',
    signName: '政鑫资产',
    templateId: '449739',
    templateIdLoginCode: '500001',
    templateIdPaymentReceived: '500002',
    templateIdRefundPaid: '500003',
    templateIdRefundApproved: '500004',
  };
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();

  function expectedAuthorization(received: Received): string {
    const timestamp = Number(received.headers['x-tc-timestamp']);
    const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
    const canonicalRequest = `POST\n/\n\ncontent-type:${received.headers['content-type']}\nhost:${received.headers.host}\n\ncontent-type;host\n${sha256(received.body)}`;
    const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/sms/tc3_request\n${sha256(canonicalRequest)}`;
    const key = hmac(hmac(hmac(`TC3${config.secretKey}`, date), 'sms'), 'tc3_request');
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
    return `TC3-HMAC-SHA256 Credential=${config.secretId}/${date}/sms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;
  }

  it('signs with TC3-HMAC-SHA256 and reads the SerialNo of the one phone', async () => {
    const { base, seen } = await provider((received) => {
      if (received.headers.authorization !== expectedAuthorization(received)) {
        return [200, { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad' }, RequestId: 'r' } }];
      }
      return [
        200,
        {
          Response: {
            SendStatusSet: [
              {
                SerialNo: '5000:1045710669157053657849499619',
                PhoneNumber: '+8613812345678',
                Fee: 1,
                SessionContext: message.id,
                Code: 'Ok',
                Message: 'send success',
                IsoCode: 'CN',
              },
            ],
            RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279',
          },
        },
      ];
    });
    const sender = new TencentSmsSender({ ...config, endpoint: base });
    await expect(sender.send(message)).resolves.toEqual({ providerMessageId: '5000:1045710669157053657849499619' });
    const [request] = seen;
    expect(request!.headers).toMatchObject({
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-region': 'ap-guangzhou',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(Math.abs(Number(request!.headers['x-tc-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(request!.body)).toEqual({
      PhoneNumberSet: ['+8613812345678'],
      SmsSdkAppId: '1400006666',
      SignName: '政鑫资产',
      TemplateId: '449739',
      TemplateParamSet: ['ZD-2026-000123', '3150.00', '2026-11-12', 'https://pay.example.cn/m/pay/abc.def'],
      SessionContext: message.id,
    });
  });

  it('a login code goes with its own template, the code as {1} and the minutes as {2}', async () => {
    const { base, seen } = await provider(() => [
      200,
      { Response: { SendStatusSet: [{ SerialNo: 's1', Code: 'Ok', Message: 'ok' }], RequestId: 'r' } },
    ]);
    await expect(new TencentSmsSender({ ...config, endpoint: base }).send(loginCode)).resolves.toEqual({
      providerMessageId: 's1',
    });
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ TemplateId: '500001', TemplateParamSet: ['042917', '5'] });
  });

  it('an API error or a failed send status is a SendError', async () => {
    const { base } = await provider(() => [
      200,
      {
        Response: {
          SendStatusSet: [
            {
              SerialNo: '',
              Code: 'LimitExceeded.PhoneNumberDailyLimit',
              Message: '单个手机号日下发短信条数超过设定的上限',
            },
          ],
          RequestId: 'r',
        },
      },
    ]);
    await expect(new TencentSmsSender({ ...config, endpoint: base }).send(message)).rejects.toThrow(
      /腾讯云短信 LimitExceeded.PhoneNumberDailyLimit/,
    );
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const { base: strict } = await provider((received) =>
      received.headers.authorization === expectedAuthorization(received)
        ? [200, { Response: { SendStatusSet: [{ SerialNo: 'x', Code: 'Ok', Message: 'ok' }], RequestId: 'r' } }]
        : [200, { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: '签名错误' }, RequestId: 'r' } }],
    );
    const wrongKey = new TencentSmsSender({ ...config, secretKey: 'another', endpoint: strict });
    await expect(wrongKey.send(message)).rejects.toThrow('腾讯云短信 AuthFailure.SignatureFailure: 签名错误');
  });
});

describe('WeChat Official Account template messages', () => {
  const config = { apiBase: '', appId: 'wx1234567890abcdef', appSecret: 'appsecret', templateId: 'TPL_bill_reminder' };

  it('gets an access_token once, caches it, posts the template message, and refetches a stale token once', async () => {
    let tokenNumber = 0;
    let staleOnce = true;
    const { base, seen } = await provider(({ method, url, body }) => {
      const parsed = new URL(url, 'http://x');
      if (method === 'GET' && parsed.pathname === '/cgi-bin/token') {
        const query = Object.fromEntries(parsed.searchParams);
        if (
          query.appid !== config.appId ||
          query.secret !== config.appSecret ||
          query.grant_type !== 'client_credential'
        ) {
          return [200, { errcode: 40013, errmsg: 'invalid appid' }];
        }
        tokenNumber += 1;
        return [200, { access_token: `TOKEN${tokenNumber}`, expires_in: 7200 }];
      }
      if (method === 'POST' && parsed.pathname === '/cgi-bin/message/template/send') {
        const token = parsed.searchParams.get('access_token');
        if (token === 'TOKEN2' && staleOnce) {
          staleOnce = false;
          return [200, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' }];
        }
        if (!token?.startsWith('TOKEN')) return [200, { errcode: 40001, errmsg: 'invalid credential' }];
        const sent = JSON.parse(body);
        return [200, { errcode: 0, errmsg: 'ok', msgid: 200228332 + (sent.touser === 'oOPENID-2' ? 1 : 0) }];
      }
      return [404, { errcode: -1 }];
    });
    const sender = new WechatTemplateSender({ ...config, apiBase: base });
    const wechat = { ...message, channel: 'wechat' as const, recipient: 'oOPENID-1' };
    await expect(sender.send(wechat)).resolves.toEqual({ providerMessageId: '200228332' });
    await expect(sender.send(wechat)).resolves.toEqual({ providerMessageId: '200228332' });
    expect(seen.filter((request) => request.url.startsWith('/cgi-bin/token'))).toHaveLength(1);
    expect(JSON.parse(seen[1]!.body)).toEqual({
      touser: 'oOPENID-1',
      template_id: 'TPL_bill_reminder',
      url: 'https://pay.example.cn/m/pay/abc.def',
      data: {
        first: { value: '逾期催缴' },
        keyword1: { value: 'ZD-2026-000123' },
        keyword2: { value: '3150.00元' },
        keyword3: { value: '2026-11-12' },
        remark: { value: '点击查看账单详情' },
      },
    });

    // The platform says the token is no longer valid: one new token, one retry.
    Object.assign(sender, { token: { value: 'TOKEN2', expiresAt: Date.now() + 60_000 } });
    await expect(sender.send({ ...wechat, recipient: 'oOPENID-2' })).resolves.toEqual({
      providerMessageId: '200228333',
    });
    expect(seen.filter((request) => request.url.startsWith('/cgi-bin/token'))).toHaveLength(2);
  });

  it('a refusal (e.g. the tenant unfollowed) is a SendError', async () => {
    const { base } = await provider(({ url }) =>
      url.startsWith('/cgi-bin/token')
        ? [200, { access_token: 'T', expires_in: 7200 }]
        : [200, { errcode: 43004, errmsg: 'require subscribe' }],
    );
    await expect(
      new WechatTemplateSender({ ...config, apiBase: base }).send({ ...message, channel: 'wechat', recipient: 'o1' }),
    ).rejects.toThrow('微信模板消息 43004: require subscribe');
  });
});
