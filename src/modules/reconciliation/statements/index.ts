import type { StatementFile } from '../../payments/channels/types.ts';
import { alipayBillLines } from './alipay.ts';
import type { StatementLine } from './lines.ts';
import { unionpayFileLines } from './unionpay.ts';
import { wechatTradeBillLines } from './wechatpay.ts';

export { type StatementLine, StatementMalformed } from './lines.ts';

/** The lines of a channel's statement file, read one at a time. */
export function statementLines(file: StatementFile): Generator<StatementLine> {
  switch (file.format) {
    case 'wechat_csv':
      return wechatTradeBillLines(file.content);
    case 'alipay_zip':
      return alipayBillLines(file.content);
    case 'unionpay_text':
      return unionpayFileLines(file.content, file.date);
  }
}
