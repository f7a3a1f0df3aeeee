// 银联全渠道对账文件 as the gateway's file transfer (fileTransReq.do) gives it: a zip holding INN{yyMMdd}88ZM_{merId},
// one transaction a line, fields separated by one space at fixed widths (src/simulators/unionpay.ts STATEMENT_LINE):
// 交易代码 (S22 消费, S30 退货) · 查询流水号 · 交易传输时间 MMDDhhmmss · 交易金额 (分) · 商户订单号 · 原查询流水号 ·
// 手续费 (D charged / C returned + 12 digits) · 清算金额 (C / D + 12 digits).
import { isZip, peekStart } from '../../payments/channels/statement-file.ts';
import { type StatementLine, StatementMalformed, textLines, zipEntryChunks } from './lines.ts';

const FIELDS = [3, 21, 10, 12, 32, 21, 13, 13] as const;

/** `date` is the statement's day (yyyy-MM-dd): the lines' times carry no year. */
export async function* unionpayFileLines(file: AsyncIterable<Uint8Array>, date: string): AsyncGenerator<StatementLine> {
  // The gateway's zip, or the INN file itself (uploaded by hand after unzipping).
  const { head, stream } = await peekStart(file, 2);
  const text = isZip(head) ? zipEntryChunks(stream, (name) => /^INN\d{6}/.test(name.split('/').pop() ?? '')) : stream;
  for await (const line of textLines(text, 'utf8')) {
    if (line.trim() === '') continue;
    const fields: string[] = [];
    let start = 0;
    for (const width of FIELDS) {
      fields.push(line.slice(start, start + width));
      start += width + 1;
    }
    const [code, queryId, time, amount, orderId, originalQueryId, fee] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!/^\d{10}$/.test(time) || !/^\d{12}$/.test(amount) || !/^[CD]\d{12}$/.test(fee)) {
      throw new StatementMalformed(`银联对账文件格式不符：${line.slice(0, 60)}`);
    }
    // December's lines in January's file belong to the year before.
    const year = Number(date.slice(0, 4)) - (time.slice(0, 2) > date.slice(5, 7) ? 1 : 0);
    const at = new Date(
      `${year}-${time.slice(0, 2)}-${time.slice(2, 4)}T${time.slice(4, 6)}:${time.slice(6, 8)}:${time.slice(8, 10)}+08:00`,
    );
    const feeFen = (fee[0] === 'D' ? 1 : -1) * Number(fee.slice(1));
    if (code === 'S22') {
      yield {
        transactionId: queryId.trim(),
        orderNo: orderId.trim(),
        kind: 'payment',
        amountFen: Number(amount),
        feeFen,
        at,
      };
    } else if (code === 'S30') {
      yield {
        transactionId: queryId.trim(),
        orderNo: '',
        kind: 'refund',
        amountFen: Number(amount),
        feeFen,
        at,
        refundNo: orderId.trim(),
        originalTransactionId: originalQueryId.trim(),
      };
    } else {
      throw new StatementMalformed(`银联对账文件中有未知交易代码 ${code}`);
    }
  }
}
