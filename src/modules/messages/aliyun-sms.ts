// 阿里云短信 dysmsapi SendSms (2017-05-25), an RPC-style API signed with signature version 1.0 (HMAC-SHA1): the
// parameters sorted by name and percent-encoded (RFC 3986), StringToSign = METHOD & %2F & encode(query), signed
// with the AccessKey secret followed by '&'.
// https://www.alibabacloud.com/help/en/sms/signature-method

import { createHmac, randomUUID } from 'node:crypto';
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

/** RFC 3986 percent-encoding as Alibaba Cloud signs it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function aliyunSignature(method: string, params: Record<string, string>, accessKeySecret: string): string {
  const canonical = Object.keys(params)
    .sort()
    .map((name) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(params[name]!)}`)
    .join('&');
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

export class AliyunSmsSender implements MessageSender {
  readonly provider = 'aliyun';
  private readonly templates: Record<MessageKind, string>;

  constructor(private readonly config: MessagingConfig['aliyun']) {
    this.templates = {
      bill_reminder: config.templateCode,
      login_code: config.templateCodeLoginCode,
      payment_received: config.templateCodePaymentReceived,
      refund_paid: config.templateCodeRefundPaid,
      refund_approved: config.templateCodeRefundApproved,
    };
  }

  async send(message: OutgoingMessage) {
    const { template, variables } = smsTemplateOf(message, this.templates, '阿里云短信');
    // The template's variables by name: ${billNumber} …, ${code} ${minutes}, ….
    const templateParam = JSON.stringify(Object.fromEntries(variables.map(({ name, value }) => [name, value])));
    const params: Record<string, string> = {
      AccessKeyId: this.config.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      RegionId: 'cn-hangzhou',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
      PhoneNumbers: message.recipient,
      SignName: this.config.signName,
      TemplateCode: template,
      TemplateParam: templateParam,
      OutId: message.id,
    };
    const body = new URLSearchParams({
      ...params,
      Signature: aliyunSignature('POST', params, this.config.accessKeySecret),
    });
    const response = await fetch(`${this.config.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    const answer = await jsonOf(response);
    if (answer.Code !== 'OK' || typeof answer.BizId !== 'string') {
      throw new SendError(`阿里云短信 ${String(answer.Code ?? response.status)}: ${String(answer.Message ?? '')}`);
    }
    return { providerMessageId: answer.BizId };
  }
}
