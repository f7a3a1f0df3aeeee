import type { StatementFile } from '../../payments/channels/types.ts';
import { alipayBillLines } from './alipay.ts';
import type { StatementLine } from './lines.ts';
import { unionpayFileLines } from './unionpay.ts';
import { wechatTradeBillLines } from './wechatpay.ts';

export { type StatementLine, StatementMalformed } from './lines.ts';

/** The lines of a channel's statement file, read one at a time as its chunks arrive (an empty file has none). */
export function statementLines(file: StatementFile): AsyncGenerator<StatementLine> {
  if (file.byteLength === 0) return noLines();
  switch (file.format) {
    case 'wechat_csv':
      return wechatTradeBillLines(file.chunks());
    case 'alipay_zip':
      return alipayBillLines(file.chunks());
    case 'unionpay_text':
      return unionpayFileLines(file.chunks(), file.date);
  }
}

async function* noLines(): AsyncGenerator<StatementLine> {}
