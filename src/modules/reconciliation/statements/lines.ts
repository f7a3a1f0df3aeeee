// What every channel's statement says, one line per transaction, and the shared reading of its bytes: decoded as a
// stream (GBK or UTF-8, multi-byte characters split across chunks kept whole), cut into lines, amounts exact.

import { Unzip, UnzipInflate } from 'fflate';
import iconv from 'iconv-lite';

export interface StatementLine {
  /** The channel's id of this transaction (a refund's own id where the channel gives one). */
  transactionId: string;
  /** Our out_trade_no (payment order number); empty when the line does not say (UnionPay refunds). */
  orderNo: string;
  kind: 'payment' | 'refund';
  /** Always positive: the money paid, or refunded. */
  amountFen: number;
  /** The channel's fee on this line: positive when charged, negative when returned with a refund. */
  feeFen: number;
  at: Date;
  /** Refunds: our refund number, when the line says. */
  refundNo?: string;
  /** Refunds: the original payment's transaction id, when the line says. */
  originalTransactionId?: string;
}

/** A statement that cannot be read as its channel's format: a person sees why. */
export class StatementMalformed extends Error {}

/** Yuan text ("12.34", "-0.07", "3.60000") to fen, exactly; digits past the fen rounded half-up. */
export function yuanToFen(text: string): number {
  const match = text.trim().match(/^([+-]?)(\d+)(?:\.(\d*))?$/);
  if (!match) throw new StatementMalformed(`金额 "${text}" 不是有效数字`);
  const [, sign, whole, fraction = ''] = match;
  let fen = BigInt(whole!) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if ((fraction[2] ?? '0') >= '5') fen += 1n;
  return Number(sign === '-' ? -fen : fen);
}

/** The lines of a text arriving in chunks, decoded as `encoding`, without line ends and the byte order mark. */
export function* textLines(chunks: Iterable<Uint8Array>, encoding: 'utf8' | 'gbk'): Generator<string> {
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  let pending = '';
  const cut = function* (text: string) {
    pending += text;
    let end = pending.indexOf('\n');
    while (end >= 0) {
      yield pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }
  };
  for (const chunk of chunks) yield* cut(decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)));
  yield* cut(decoder.end() ?? '');
  if (pending.replace(/\r$/, '') !== '') yield pending.replace(/\r$/, '');
}

/** A buffer in slices (a downloaded file read as if it streamed in). */
export function* slices(content: Uint8Array, size = 64 * 1024): Generator<Uint8Array> {
  for (let start = 0; start < content.length; start += size) yield content.subarray(start, start + size);
}

/** The inflated bytes of the zip entries `pick` chooses, as they come out of the zip (fflate's streaming unzip). */
export function* zipEntryChunks(zip: Uint8Array, pick: (name: string) => boolean): Generator<Uint8Array> {
  const out: Uint8Array[] = [];
  let failure: Error | undefined;
  let found = false;
  const unzip = new Unzip((file) => {
    if (!pick(file.name)) return;
    found = true;
    file.ondata = (error, data) => {
      if (error) failure = error;
      else if (data.length > 0) out.push(data);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const size = 64 * 1024;
  for (let start = 0; start < zip.length || start === 0; start += size) {
    unzip.push(zip.subarray(start, start + size), start + size >= zip.length);
    if (failure) throw new StatementMalformed(`压缩包无法解压：${failure.message}`);
    while (out.length > 0) yield out.shift()!;
    if (zip.length === 0) break;
  }
  if (!found) throw new StatementMalformed('压缩包中没有对账明细文件');
}

/** Beijing wall-clock time "2026-05-01 10:00:00" to the instant. */
export function beijingInstant(text: string): Date {
  const match = text.trim().match(/^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/);
  if (!match) throw new StatementMalformed(`时间 "${text}" 应为 yyyy-MM-dd HH:mm:ss`);
  const at = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}+08:00`);
  if (Number.isNaN(at.getTime())) throw new StatementMalformed(`时间 "${text}" 无效`);
  return at;
}
