// 微信支付交易账单 (trade bill, bill_type ALL): CSV, every cell prefixed with a backtick, columns read by header name;
// detail rows, then the summary header (总交易单数,…) and one summary row whose count and sums must tie out.
// A bill has a million lines on a busy day: each chunk's lines are cut and read in one synchronous pass as bytes (only
// the cells used are sliced out and decoded; times and amounts read digit by digit), and handed on as one batch.
import {
  asBytes,
  beijingInstant,
  byteChunkLines,
  type StatementLine,
  StatementMalformed,
  utf8Of,
  yuanToFen,
} from './lines.ts';

/** The cells of a header or summary line (Chinese names: decoded whole). */
const cellsOf = (line: string) =>
  utf8Of(line)
    .split(',')
    .map((cell) => cell.replace(/^`/, '').trim());

const COLUMNS = {
  at: '交易时间',
  transactionId: '微信订单号',
  orderNo: '商户订单号',
  state: '交易状态',
  amount: '订单金额',
  fee: '手续费',
  refundId: '微信退款单号',
  refundNo: '商户退款单号',
  refundAmount: '退款金额',
} as const;
const REQUIRED = ['交易时间', '微信订单号', '商户订单号', '交易状态', '订单金额', '手续费'];
const SUMMARY_FIRST_CELL = asBytes('总交易单数');

/** The lines of a trade bill one at a time (tests, small files); staging reads them in batches. */
export async function* wechatTradeBillLines(content: AsyncIterable<Uint8Array>): AsyncGenerator<StatementLine> {
  for await (const batch of wechatTradeBillBatches(content)) yield* batch;
}

/** The lines of a trade bill, one batch per chunk of the file. */
export async function* wechatTradeBillBatches(content: AsyncIterable<Uint8Array>): AsyncGenerator<StatementLine[]> {
  let header: Map<string, number> | undefined;
  let columns: Record<keyof typeof COLUMNS, number> | undefined;
  let starts = new Int32Array(0);
  let summaryHeader: Map<string, number> | undefined;
  let summaryChecked = false;
  let count = 0;
  let paidFen = 0;
  let refundedFen = 0;

  const readLine = (line: string, out: StatementLine[]) => {
    if (summaryChecked) return;
    if (isBlank(line)) return;
    if (!header) {
      const cells = cellsOf(line);
      header = new Map(cells.map((name, index) => [name, index]));
      for (const name of REQUIRED) {
        if (!header.has(name)) throw new StatementMalformed(`微信支付账单缺少“${name}”列`);
      }
      const at = (name: string) => header!.get(name) ?? -1;
      columns = {
        at: at(COLUMNS.at),
        transactionId: at(COLUMNS.transactionId),
        orderNo: at(COLUMNS.orderNo),
        state: at(COLUMNS.state),
        amount: at(COLUMNS.amount),
        fee: at(COLUMNS.fee),
        refundId: at(COLUMNS.refundId),
        refundNo: at(COLUMNS.refundNo),
        refundAmount: at(COLUMNS.refundAmount),
      };
      starts = new Int32Array(cells.length + 1);
      return;
    }
    if (summaryHeader) {
      const cells = cellsOf(line);
      const total = (name: string) => cells[summaryHeader!.get(name) ?? -1] ?? '';
      if (Number(total('总交易单数')) !== count) {
        throw new StatementMalformed(`微信支付账单汇总为 ${total('总交易单数')} 笔，明细为 ${count} 笔`);
      }
      if (summaryHeader.has('退款总金额') && yuanToFen(total('退款总金额')) !== refundedFen) {
        throw new StatementMalformed('微信支付账单的退款总金额与明细不符');
      }
      if (summaryHeader.has('订单总金额') && yuanToFen(total('订单总金额')) !== paidFen) {
        throw new StatementMalformed('微信支付账单的订单总金额与明细不符');
      }
      summaryChecked = true;
      return;
    }
    // Where each cell starts (after its comma), as far as the header goes; cells past the line's end read as empty.
    const cellCount = starts.length - 1;
    starts[0] = 0;
    let found = 1;
    for (let comma = line.indexOf(','); comma >= 0 && found < cellCount; comma = line.indexOf(',', comma + 1)) {
      starts[found++] = comma + 1;
    }
    const ends = found;
    const c = columns!;
    if (cellAt(line, starts, ends, 0) === SUMMARY_FIRST_CELL) {
      summaryHeader = new Map(cellsOf(line).map((name, index) => [name, index]));
      return;
    }
    count += 1;
    const state = cellAt(line, starts, ends, c.state);
    const at = instantOf(cellAt(line, starts, ends, c.at));
    if (state === 'SUCCESS') {
      const amountFen = fenOf(cellAt(line, starts, ends, c.amount));
      paidFen += amountFen;
      out.push({
        transactionId: textAt(line, starts, ends, c.transactionId),
        orderNo: textAt(line, starts, ends, c.orderNo),
        kind: 'payment',
        amountFen,
        feeFen: fenOf(cellAt(line, starts, ends, c.fee)),
        at,
      });
    } else if (state === 'REFUND') {
      const amountFen = fenOf(cellAt(line, starts, ends, c.refundAmount));
      refundedFen += amountFen;
      out.push({
        transactionId: textAt(line, starts, ends, c.refundId),
        orderNo: textAt(line, starts, ends, c.orderNo),
        kind: 'refund',
        amountFen,
        feeFen: fenOf(cellAt(line, starts, ends, c.fee)),
        at,
        refundNo: textAt(line, starts, ends, c.refundNo),
        originalTransactionId: textAt(line, starts, ends, c.transactionId),
      });
    }
  };

  for await (const lines of byteChunkLines(content)) {
    const batch: StatementLine[] = [];
    for (const line of lines) readLine(line, batch);
    if (batch.length > 0) yield batch;
    if (summaryChecked) return;
  }
  if (!header) throw new StatementMalformed('微信支付账单为空');
  if (!summaryHeader) throw new StatementMalformed('微信支付账单缺少汇总行（文件不完整）');
}

/** Cell `index` of a line whose cells start at `starts` (`ends` of them found): no backtick, no outer spaces. */
function cellAt(line: string, starts: Int32Array, ends: number, index: number): string {
  if (index < 0 || index >= ends) return '';
  let start = starts[index]!;
  let end = index + 1 < ends ? starts[index + 1]! - 1 : lineEnd(line, start);
  if (line.charCodeAt(start) === 96) start += 1; // the backtick
  while (start < end && line.charCodeAt(start) <= 32) start += 1;
  while (end > start && line.charCodeAt(end - 1) <= 32) end -= 1;
  return line.slice(start, end);
}

/** Cell `index` decoded as UTF-8 (an order number may hold Chinese). */
const textAt = (line: string, starts: Int32Array, ends: number, index: number) =>
  utf8Of(cellAt(line, starts, ends, index));

/** A line of nothing but spaces, ASCII or not (a no-break or full-width space arrives as its UTF-8 bytes). */
function isBlank(line: string): boolean {
  // trim() also takes 0xA0 bytes, which may end a character's bytes: only the whole line is decoded.
  const trimmed = line.trim();
  return trimmed === '' || (trimmed.charCodeAt(0) >= 0x80 && utf8Of(line).trim() === '');
}

/** A line's last cell runs to its end (a comma past the header's cells belongs to it, as split would not keep). */
function lineEnd(line: string, start: number): number {
  const comma = line.indexOf(',', start);
  return comma < 0 ? line.length : comma;
}

const DIGIT_0 = 48;
const isDigit = (code: number) => code >= DIGIT_0 && code <= DIGIT_0 + 9;

/** "12.34", "0.60000", "-0.06000" to fen, digit by digit; anything unusual goes through the exact general reading. */
function fenOf(text: string): number {
  let index = 0;
  let negative = false;
  if (text.charCodeAt(0) === 45) {
    negative = true;
    index = 1;
  }
  let whole = 0;
  const wholeStart = index;
  while (index < text.length && isDigit(text.charCodeAt(index)) && index - wholeStart < 12) {
    whole = whole * 10 + text.charCodeAt(index) - DIGIT_0;
    index += 1;
  }
  if (index === wholeStart || index >= text.length || text.charCodeAt(index) !== 46 || text.length - index < 3) {
    return yuanToFen(utf8Of(text));
  }
  const tens = text.charCodeAt(index + 1) - DIGIT_0;
  const ones = text.charCodeAt(index + 2) - DIGIT_0;
  if (tens < 0 || tens > 9 || ones < 0 || ones > 9) return yuanToFen(utf8Of(text));
  for (let rest = index + 3; rest < text.length; rest += 1) {
    // Past the fen only zeros are read here; anything else is rounded by the general reading.
    if (text.charCodeAt(rest) !== DIGIT_0) return yuanToFen(utf8Of(text));
  }
  const fen = whole * 100 + tens * 10 + ones;
  return negative ? -fen : fen;
}

/** The number written by `length` digits at `from`, or -1. */
function digitsAt(text: string, from: number, length: number): number {
  let value = 0;
  for (let index = from; index < from + length; index += 1) {
    const digit = text.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** "2026-05-01 10:00:00" (Beijing) to the instant, digit by digit; anything unusual through the general reading. */
function instantOf(text: string): Date {
  if (text.length !== 19) return beijingInstant(utf8Of(text));
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    // Days past the 28th, and anything else, are checked by the general reading (month lengths).
    return beijingInstant(utf8Of(text));
  }
  return new Date(Date.UTC(year, month - 1, day, hour - 8, minute, second));
}
