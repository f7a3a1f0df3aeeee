// 支付宝业务明细 (trade bill): a zip holding …_业务明细.csv in GBK; `#` comment lines, the header, rows (业务类型
// 交易 or 退款, refunds negative, id cells ending in a tab), then `#…结束…` and `#交易合计：N笔，…` which must tie out.
import {
  beijingInstant,
  type StatementLine,
  StatementMalformed,
  textLines,
  yuanToFen,
  zipEntryChunks,
} from './lines.ts';

const cellsOf = (line: string): string[] => {
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        current += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(current.trim());
      current = '';
    } else current += char;
  }
  cells.push(current.trim());
  return cells;
};

export async function* alipayBillLines(zip: AsyncIterable<Uint8Array>): AsyncGenerator<StatementLine> {
  const detail = zipEntryChunks(zip, (name) => name.endsWith('业务明细.csv'));
  let header: Map<string, number> | undefined;
  let trades = 0;
  let refunds = 0;
  let ended = false;
  for await (const line of textLines(detail, 'gbk')) {
    if (line.startsWith('#')) {
      const total = line.match(/^#交易合计：(\d+)笔/);
      if (total && Number(total[1]) !== trades) {
        throw new StatementMalformed(`支付宝账单交易合计 ${total[1]} 笔，明细为 ${trades} 笔`);
      }
      const refundTotal = line.match(/^#退款合计：(\d+)笔/);
      if (refundTotal && Number(refundTotal[1]) !== refunds) {
        throw new StatementMalformed(`支付宝账单退款合计 ${refundTotal[1]} 笔，明细为 ${refunds} 笔`);
      }
      if (line.includes('业务明细列表结束')) ended = true;
      continue;
    }
    if (line.trim() === '' || ended) continue;
    const cells = cellsOf(line);
    if (!header) {
      header = new Map(cells.map((name, index) => [name, index]));
      for (const name of ['支付宝交易号', '商户订单号', '业务类型', '完成时间', '订单金额（元）', '服务费（元）']) {
        if (!header.has(name)) throw new StatementMalformed(`支付宝账单缺少“${name}”列`);
      }
      continue;
    }
    const cell = (name: string) => cells[header!.get(name) ?? -1] ?? '';
    const kind = cell('业务类型');
    // 服务费 is written from the merchant's side: a fee charged is negative.
    const feeFen = -yuanToFen(cell('服务费（元）') || '0');
    const at = beijingInstant(cell('完成时间'));
    if (kind === '交易') {
      trades += 1;
      yield {
        transactionId: cell('支付宝交易号'),
        orderNo: cell('商户订单号'),
        kind: 'payment',
        amountFen: yuanToFen(cell('订单金额（元）')),
        feeFen,
        at,
      };
    } else if (kind === '退款') {
      refunds += 1;
      const refundNo = cell('退款批次号/请求号');
      yield {
        transactionId: cell('支付宝交易号'),
        orderNo: cell('商户订单号'),
        kind: 'refund',
        amountFen: Math.abs(yuanToFen(cell('订单金额（元）'))),
        feeFen,
        at,
        ...(refundNo ? { refundNo } : {}),
        originalTransactionId: cell('支付宝交易号'),
      };
    }
  }
  if (!header) throw new StatementMalformed('支付宝账单缺少明细表头');
  if (!ended) throw new StatementMalformed('支付宝账单缺少“业务明细列表结束”（文件不完整）');
}
