// 微信支付交易账单 (trade bill, bill_type ALL): CSV, every cell prefixed with a backtick, columns read by header name;
// detail rows, then the summary header (总交易单数,…) and one summary row whose count and sums must tie out.
import { beijingInstant, type StatementLine, StatementMalformed, textLines, yuanToFen } from './lines.ts';

const cellsOf = (line: string) => line.split(',').map((cell) => cell.replace(/^`/, '').trim());

export async function* wechatTradeBillLines(content: AsyncIterable<Uint8Array>): AsyncGenerator<StatementLine> {
  let header: Map<string, number> | undefined;
  let summaryHeader: Map<string, number> | undefined;
  let count = 0;
  let paidFen = 0;
  let refundedFen = 0;
  for await (const line of textLines(content, 'utf8')) {
    if (line.trim() === '') continue;
    const cells = cellsOf(line);
    if (!header) {
      header = new Map(cells.map((name, index) => [name, index]));
      for (const name of ['交易时间', '微信订单号', '商户订单号', '交易状态', '订单金额', '手续费']) {
        if (!header.has(name)) throw new StatementMalformed(`微信支付账单缺少“${name}”列`);
      }
      continue;
    }
    if (cells[0] === '总交易单数') {
      summaryHeader = new Map(cells.map((name, index) => [name, index]));
      continue;
    }
    if (summaryHeader) {
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
      return;
    }
    const cell = (name: string) => cells[header!.get(name) ?? -1] ?? '';
    count += 1;
    const state = cell('交易状态');
    const at = beijingInstant(cell('交易时间'));
    if (state === 'SUCCESS') {
      const amountFen = yuanToFen(cell('订单金额'));
      paidFen += amountFen;
      yield {
        transactionId: cell('微信订单号'),
        orderNo: cell('商户订单号'),
        kind: 'payment',
        amountFen,
        feeFen: yuanToFen(cell('手续费')),
        at,
      };
    } else if (state === 'REFUND') {
      const amountFen = yuanToFen(cell('退款金额'));
      refundedFen += amountFen;
      yield {
        transactionId: cell('微信退款单号'),
        orderNo: cell('商户订单号'),
        kind: 'refund',
        amountFen,
        feeFen: yuanToFen(cell('手续费')),
        at,
        refundNo: cell('商户退款单号'),
        originalTransactionId: cell('微信订单号'),
      };
    }
  }
  if (!header) throw new StatementMalformed('微信支付账单为空');
  if (!summaryHeader) throw new StatementMalformed('微信支付账单缺少汇总行（文件不完整）');
}
