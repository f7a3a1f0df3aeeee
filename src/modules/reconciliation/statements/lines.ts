// What every channel's statement says, one line per transaction, and the shared reading of its bytes: decoded as a
// stream (GBK or UTF-8, multi-byte characters split across chunks kept whole), cut into lines, amounts exact.

import { Unzip, UnzipInflate } from 'fflate';
import iconv from 'iconv-lite';
import { fenOfYuan } from '../../../domain/money.ts';

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
  const fen = fenOfYuan(text.trim(), { signed: true, pastFen: 'round' });
  if (fen === null) throw new StatementMalformed(`金额 "${text}" 不是有效数字`);
  return fen;
}

/** The lines of a text arriving in chunks, decoded as `encoding`, without line ends and the byte order mark. */
export async function* textLines(chunks: AsyncIterable<Uint8Array>, encoding: 'utf8' | 'gbk'): AsyncGenerator<string> {
  for await (const lines of textChunkLines(chunks, encoding)) yield* lines;
}

/** The same lines, those complete in each chunk together: a million lines without a million awaits. */
export function textChunkLines(chunks: AsyncIterable<Uint8Array>, encoding: 'utf8' | 'gbk'): AsyncGenerator<string[]> {
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  return chunkLines(
    chunks,
    (bytes) => decoder.write(bytes),
    () => decoder.end() ?? '',
  );
}

const UTF8_BOM_AS_BYTES = '\u00ef\u00bb\u00bf';

/**
 * The lines of a UTF-8 text as its bytes, one character a byte (latin1), the byte order mark dropped: nothing is
 * decoded, and the ASCII in them (ids, amounts, times, commas) reads as itself. A multi-byte character holds no byte
 * below 0x80, so commas and line ends fall where they do in the decoded text; `utf8Of` decodes what holds more.
 * A day's bill of 200 MB is cut and read without first becoming 400 MB of two-byte text.
 */
export async function* byteChunkLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  let first = true;
  for await (const lines of chunkLines(
    chunks,
    (bytes) => bytes.toString('latin1'),
    () => '',
  )) {
    // The mark is whole in the first line however the chunks cut it.
    if (first && lines[0]!.startsWith(UTF8_BOM_AS_BYTES)) lines[0] = lines[0]!.slice(UTF8_BOM_AS_BYTES.length);
    first = false;
    yield lines;
  }
}

/** A piece of `byteChunkLines` text as the UTF-8 it stands for (ASCII as it is). */
export function utf8Of(bytes: string): string {
  return /[\u0080-\u00ff]/.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

/** How `text` reads in `byteChunkLines` text: its UTF-8 bytes, one character each. */
export const asBytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

async function* chunkLines(
  chunks: AsyncIterable<Uint8Array>,
  decode: (bytes: Buffer) => string,
  end: () => string,
): AsyncGenerator<string[]> {
  let pending = '';
  function cut(decoded: string): string[] {
    const text = pending + decoded;
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      lines.push(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
      start = end + 1;
    }
    pending = text.slice(start);
    return lines;
  }
  for await (const chunk of chunks) {
    const lines = cut(decode(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)));
    if (lines.length > 0) yield lines;
  }
  const last = cut(end());
  if (pending.replace(/\r$/, '') !== '') last.push(pending.replace(/\r$/, ''));
  if (last.length > 0) yield last;
}

/** A buffer in slices, as if it streamed in (tests, and files already in memory). */
export async function* slices(content: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < content.length; start += size) yield content.subarray(start, start + size);
}

/** The inflated bytes of the zip entries `pick` chooses, as they come out of the zip (fflate's streaming unzip). */
export async function* zipEntryChunks(
  zip: AsyncIterable<Uint8Array>,
  pick: (name: string) => boolean,
): AsyncGenerator<Uint8Array> {
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
  const push = (bytes: Uint8Array, final: boolean) => {
    try {
      unzip.push(bytes, final);
    } catch (error) {
      failure = error as Error;
    }
    if (failure) throw new StatementMalformed(`压缩包无法解压：${failure.message}`);
  };
  // Inflated output is handed on before the next compressed chunk is read: memory stays at a chunk or two.
  for await (const chunk of zip) {
    for (let start = 0; start < chunk.length; start += 64 * 1024) {
      push(chunk.subarray(start, start + 64 * 1024), false);
      while (out.length > 0) yield out.shift()!;
    }
  }
  push(new Uint8Array(0), true);
  while (out.length > 0) yield out.shift()!;
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
