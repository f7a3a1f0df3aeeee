import type { StatementFile } from '../../payments/channels/types.ts';
import { alipayBillLines } from './alipay.ts';
import type { StatementLine } from './lines.ts';
import { unionpayFileLines } from './unionpay.ts';
import { wechatTradeBillBatches } from './wechatpay.ts';

export { type StatementLine, StatementMalformed } from './lines.ts';

/** The lines of a channel's statement file, read one at a time as its chunks arrive (an empty file has none). */
export async function* statementLines(file: StatementFile): AsyncGenerator<StatementLine> {
  for await (const batch of statementLineBatches(file)) yield* batch;
}

/** The same lines in batches as the file's chunks are read (staging: a million lines without a million awaits). */
export function statementLineBatches(file: StatementFile): AsyncGenerator<StatementLine[]> {
  if (file.byteLength === 0) return noLines();
  switch (file.format) {
    case 'wechat_csv':
      return wechatTradeBillBatches(file.chunks());
    case 'alipay_zip':
      return oneByOne(alipayBillLines(file.chunks()));
    case 'unionpay_text':
      return oneByOne(unionpayFileLines(file.chunks(), file.date));
  }
}

async function* noLines(): AsyncGenerator<StatementLine[]> {}

async function* oneByOne(lines: AsyncIterable<StatementLine>): AsyncGenerator<StatementLine[]> {
  let batch: StatementLine[] = [];
  for await (const line of lines) {
    batch.push(line);
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
