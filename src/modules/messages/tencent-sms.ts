// 腾讯云短信 SendSms (API 2021-01-11), signed with TC3-HMAC-SHA256 (signature v3): a canonical request of the
// method, path, query, the signed headers (content-type;host) and the body's SHA-256; the string to sign names the
// timestamp and the credential scope <date>/sms/tc3_request; the key is derived as
// HMAC(HMAC(HMAC("TC3" + SecretKey, date), "sms"), "tc3_request").
// https://www.tencentcloud.com/document/product/382/40674 (SendSms), …/api/382/40664 (Signature v3)

import { createHash, createHmac } from 'node:crypto';
import type { MessagingConfig } from '../../config.ts';
import type { MessageKind } from './rules.ts';
import {
  jsonOf,
  type MessageSender,
  type OutgoingMessage,
  PROVIDER_TIMEOUT_MS,
  SendError,
  smsTemplateOf,
} from './senders.ts';

const SERVICE = 'sms';
const VERSION = '2021-01-11';
const CONTENT_TYPE = 'application/json; charset=utf-8';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();

export function tc3Authorization(input: {
  secretId: string;
  secretKey: string;
  host: string;
  payload: string;
  timestamp: number;
}): string {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${CONTENT_TYPE}\nhost:${input.host}\n`,
    'content-type;host',
    sha256Hex(input.payload),
  ].join('\n');
  const scope = `${date}/${SERVICE}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${input.secretKey}`, date), SERVICE), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}

/** A mainland mobile in E.164, as Tencent wants it. */
const e164 = (phone: string) => (phone.startsWith('+') ? phone : `+86${phone}`);

export class TencentSmsSender implements MessageSender {
  readonly provider = 'tencent';
  private readonly templates: Record<MessageKind, string>;

  constructor(private readonly config: MessagingConfig['tencent']) {
    this.templates = {
      bill_reminder: config.templateId,
      login_code: config.templateIdLoginCode,
      payment_received: config.templateIdPaymentReceived,
      refund_paid: config.templateIdRefundPaid,
      refund_approved: config.templateIdRefundApproved,
    };
  }

  async send(message: OutgoingMessage) {
    const { template, variables } = smsTemplateOf(message, this.templates, '腾讯云短信');
    const url = new URL(this.config.endpoint);
    const payload = JSON.stringify({
      PhoneNumberSet: [e164(message.recipient)],
      SmsSdkAppId: this.config.sdkAppId,
      SignName: this.config.signName,
      TemplateId: template,
      // The template's {1}, {2}, … in order: a reminder's bill number, amount (元), due date, pay link; a login
      // code's code and minutes; ….
      TemplateParamSet: variables.map(({ value }) => value),
      SessionContext: message.id,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: tc3Authorization({
          secretId: this.config.secretId,
          secretKey: this.config.secretKey,
          host: url.host,
          payload,
          timestamp,
        }),
        'content-type': CONTENT_TYPE,
        host: url.host,
        'x-tc-action': 'SendSms',
        'x-tc-timestamp': String(timestamp),
        'x-tc-version': VERSION,
        'x-tc-region': this.config.region,
      },
      body: payload,
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    const answer = (await jsonOf(response)).Response as
      | {
          Error?: { Code: string; Message: string };
          SendStatusSet?: { Code: string; Message: string; SerialNo: string }[];
        }
      | undefined;
    if (!answer) throw new SendError(`腾讯云短信 HTTP ${response.status}: 应答中没有 Response`);
    if (answer.Error) throw new SendError(`腾讯云短信 ${answer.Error.Code}: ${answer.Error.Message}`);
    const [status] = answer.SendStatusSet ?? [];
    if (status?.Code !== 'Ok') {
      throw new SendError(`腾讯云短信 ${status?.Code ?? '无发送状态'}: ${status?.Message ?? ''}`);
    }
    return { providerMessageId: status.SerialNo };
  }
}
