// 微信公众号模板消息: an access_token from the appid and secret (GET /cgi-bin/token, valid about 2 hours, cached
// here until shortly before it expires), then POST /cgi-bin/message/template/send. A token the server no longer
// accepts (40001, 42001, 40014) is fetched again once.

import type { MessagingConfig } from '../../config.ts';
import { jsonOf, type MessageSender, type OutgoingMessage, PROVIDER_TIMEOUT_MS, SendError } from './senders.ts';

const STALE_TOKEN_CODES = new Set([40001, 40014, 42001]);

export class WechatTemplateSender implements MessageSender {
  readonly provider = 'wechat_mp';
  private token: { value: string; expiresAt: number } | undefined;

  constructor(private readonly config: MessagingConfig['wechat']) {}

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const url = new URL('/cgi-bin/token', this.config.apiBase);
    url.search = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.config.appId,
      secret: this.config.appSecret,
    }).toString();
    const answer = await jsonOf(await fetch(url, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) }));
    if (typeof answer.access_token !== 'string') {
      throw new SendError(`微信 access_token ${String(answer.errcode)}: ${String(answer.errmsg ?? '')}`);
    }
    const seconds = typeof answer.expires_in === 'number' ? answer.expires_in : 7200;
    // Renewed five minutes early, so a token never expires between being read and being used.
    this.token = { value: answer.access_token, expiresAt: Date.now() + (seconds - 300) * 1000 };
    return this.token.value;
  }

  async send(message: OutgoingMessage) {
    const body = JSON.stringify({
      touser: message.recipient,
      template_id: this.config.templateId,
      ...(message.payLink ? { url: message.payLink } : {}),
      data: {
        first: { value: message.params.title ?? '缴费提醒' },
        keyword1: { value: message.params.billNumber ?? '' },
        keyword2: { value: `${message.params.amount ?? ''}元` },
        keyword3: { value: message.params.dueDate ?? '' },
        remark: { value: message.params.remark ?? '点击查看账单详情' },
      },
    });
    for (let attempt = 0; ; attempt++) {
      const url = new URL('/cgi-bin/message/template/send', this.config.apiBase);
      url.searchParams.set('access_token', await this.accessToken());
      const answer = await jsonOf(
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
        }),
      );
      if (answer.errcode === 0) return { providerMessageId: String(answer.msgid) };
      if (attempt === 0 && STALE_TOKEN_CODES.has(Number(answer.errcode))) {
        this.token = undefined;
        continue;
      }
      throw new SendError(`微信模板消息 ${String(answer.errcode)}: ${String(answer.errmsg ?? '')}`);
    }
  }
}
