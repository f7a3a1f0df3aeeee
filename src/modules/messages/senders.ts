// Sending one message to a tenant: one interface, one implementation per provider. The delivery job picks the sender
// of the message's channel; which provider that is comes from the environment (config.messaging).

import { randomUUID } from 'node:crypto';
import type { MessagingConfig } from '../../config.ts';
import { maskPhone } from '../../domain/masking.ts';
import { AliyunSmsSender } from './aliyun-sms.ts';
import type { Channel, MessageKind } from './rules.ts';
import { TencentSmsSender } from './tencent-sms.ts';
import { WechatTemplateSender } from './wechat-template.ts';

/** What a sender needs of an outbound_messages row, the recipient decrypted. */
export interface OutgoingMessage {
  id: string;
  channel: Channel;
  /** What it is about (bill_reminder, login_code, payment_received): a real provider's template is chosen by it. */
  kind: string;
  /** A mobile number for SMS, an openid for WeChat. */
  recipient: string;
  templateCode: string;
  /** The template's variables: billNumber, amount (元), dueDate, payLink; code, minutes; … */
  params: Record<string, string>;
  body: string;
  payLink: string | null;
}

export interface MessageSender {
  /** Stored in outbound_messages.provider. */
  readonly provider: string;
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
}

/**
 * The variables of each kind's SMS template at a provider, in order (Tencent's {1}, {2}, …; Aliyun's ${name}),
 * taken from the message's own params.
 */
export const SMS_TEMPLATE_VARIABLES: Record<MessageKind, readonly string[]> = {
  bill_reminder: ['billNumber', 'amount', 'dueDate', 'payLink'],
  login_code: ['code', 'minutes'],
  payment_received: ['tenantName', 'amount', 'method', 'paymentNumber', 'receiptNumber', 'receiptLink'],
  refund_paid: ['tenantName', 'amount', 'method', 'refundNo'],
  refund_approved: ['tenantName', 'amount', 'deducted', 'method', 'refundNo'],
};

/** The provider's template of a message's kind, with its variables; none configured for the kind is a SendError. */
export function smsTemplateOf(
  message: OutgoingMessage,
  templates: Record<MessageKind, string>,
  provider: string,
): { template: string; variables: { name: string; value: string }[] } {
  const kind = message.kind as MessageKind;
  const template = Object.hasOwn(templates, kind) ? templates[kind] : '';
  if (!template) throw new SendError(`${provider}未配置“${message.kind}”类消息的短信模板`);
  return {
    template,
    variables: SMS_TEMPLATE_VARIABLES[kind].map((name) => ({ name, value: message.params[name] ?? '' })),
  };
}

/** The provider refused the message or could not be reached; the message text is kept as last_error. */
export class SendError extends Error {}

/** How long one call to a provider may take before it counts as failed. */
export const PROVIDER_TIMEOUT_MS = 10_000;

/** Development: nothing leaves the machine; the message is logged (recipient masked) and counts as sent. */
export class DevSender implements MessageSender {
  readonly provider = 'dev';
  constructor(private readonly log: { info(details: object, message: string): void }) {}

  async send(message: OutgoingMessage) {
    const recipient = message.channel === 'sms' ? maskPhone(message.recipient) : `${message.recipient.slice(0, 4)}***`;
    this.log.info(
      {
        messageId: message.id,
        channel: message.channel,
        recipient,
        templateCode: message.templateCode,
        body: message.body,
      },
      'message recorded (dev sender, not sent)',
    );
    return { providerMessageId: `dev-${randomUUID()}` };
  }
}

export type Senders = Record<Channel, MessageSender>;

/** The senders the environment configures; a provider chosen without its credentials refuses to start. */
export function sendersFor(config: MessagingConfig, log: { info(details: object, message: string): void }): Senders {
  const dev = new DevSender(log);
  const sms =
    config.smsProvider === 'aliyun'
      ? new AliyunSmsSender(required('ALIYUN_SMS', config.aliyun))
      : config.smsProvider === 'tencent'
        ? new TencentSmsSender(required('TENCENT_SMS', config.tencent))
        : dev;
  const wechat = config.wechatProvider === 'mp' ? new WechatTemplateSender(required('WECHAT_MP', config.wechat)) : dev;
  return { sms, wechat };
}

function required<T extends Record<string, string>>(prefix: string, values: T): T {
  const missing = Object.entries(values)
    .filter(([, value]) => !value)
    .map(([name]) => `${prefix}_${name.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`);
  if (missing.length > 0) throw new Error(`消息发送配置不完整，缺少：${missing.join('、')}`);
  return values;
}

/** JSON from a provider's answer, or a SendError naming the HTTP status. */
export async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new SendError(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
}
