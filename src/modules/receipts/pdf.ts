// The receipt (收据) of a payment as a PDF: the org as issuer, the receipt number and date, the payer, the bills and
// periods the money paid, the amount in figures and in 大写, how it was paid with the channel's transaction number,
// and a QR code of the public verification page. Font and QR code are the payment notice's (Noto Sans SC, subset).

import PDFDocument from 'pdfkit';
import type { CalendarDate } from '../../domain/calendar.ts';
import { chineseAmount } from '../../domain/chinese-amount.ts';
import { formatYuan } from '../../domain/money.ts';
import { drawQrCode, noticeFont } from '../notices/pdf.ts';

export interface ReceiptLine {
  billNumber: string;
  /** 租金 2026-01-01～2026-03-31, 押金, 水电费 (description)… */
  item: string;
  principalFen: number;
  lateFeeFen: number;
}

export interface ReceiptContent {
  orgName: string;
  number: string;
  issuedOn: CalendarDate;
  payerName: string;
  lines: ReceiptLine[];
  /** What was left over after the bills: kept as an advance (预收) for later bills. */
  advanceFen: number;
  amountFen: number;
  /** 微信支付, 银行转账, … */
  methodName: string;
  /** The channel's or bank's transaction number (交易流水号). */
  reference: string | null;
  paymentOrderNo: string | null;
  paymentNumber: string;
  verifyUrl: string;
  void: { reason: string } | null;
}

const MARGIN = 36;
// A5 landscape: half an A4 sheet, the usual size of a receipt.
const PAGE = { width: 595.28, height: 419.53 };
const WIDTH = PAGE.width - 2 * MARGIN;
const COLUMNS = [
  { title: '账单编号', width: 120, align: 'left' },
  { title: '项目/账期', width: 185, align: 'left' },
  { title: '本金', width: 75, align: 'right' },
  { title: '违约金', width: 65, align: 'right' },
  { title: '小计', width: WIDTH - 445, align: 'right' },
] as const;
const ROW_HEIGHT = 18;
const QR_SIZE = 78;

const yuan = (fen: number) => formatYuan(fen, { grouping: true });

/** Renders the receipt; resolves to the PDF's bytes. */
export function renderReceipt(content: ReceiptContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: MARGIN,
    info: { Title: `收据 ${content.number}`, Author: content.orgName, Subject: '收据' },
    compress: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', noticeFont());
  doc.font('cjk');

  // Header: issuer, title, number and date.
  doc.fontSize(10).fillColor('#555').text(content.orgName, MARGIN, MARGIN, { width: WIDTH, align: 'center' });
  doc
    .fontSize(18)
    .fillColor('#000')
    .text('收    据', MARGIN, doc.y + 2, { width: WIDTH, align: 'center' });
  let y = doc.y + 6;
  doc.fontSize(9.5);
  doc.text(`交款人：${content.payerName}`, MARGIN, y, { width: WIDTH * 0.5 });
  doc.text(`收据编号：${content.number}`, MARGIN + WIDTH * 0.5, y, { width: WIDTH * 0.5, align: 'right' });
  y = doc.y + 2;
  doc.text(`收款编号：${content.paymentNumber}`, MARGIN, y, { width: WIDTH * 0.5 });
  doc.text(`收款日期：${content.issuedOn}`, MARGIN + WIDTH * 0.5, y, { width: WIDTH * 0.5, align: 'right' });
  y = doc.y + 6;

  // The bills the payment settled.
  const bottom = PAGE.height - MARGIN;
  const drawRow = (cells: string[], at: number, header = false) => {
    if (header) doc.rect(MARGIN, at, WIDTH, ROW_HEIGHT).fill('#eef2f7');
    doc.fillColor('#000').fontSize(header ? 9 : 8.5);
    let x = MARGIN;
    COLUMNS.forEach((column, index) => {
      doc.text(cells[index] ?? '', x + 3, at + 5, {
        width: column.width - 6,
        align: header ? 'center' : column.align,
        lineBreak: false,
        ellipsis: true,
      });
      x += column.width;
    });
    doc
      .moveTo(MARGIN, at + ROW_HEIGHT)
      .lineTo(MARGIN + WIDTH, at + ROW_HEIGHT)
      .lineWidth(0.5)
      .strokeColor('#bbb')
      .stroke();
  };
  const header = COLUMNS.map((column) => column.title);
  drawRow(header, y, true);
  y += ROW_HEIGHT;
  const rows = content.lines.map((line) => [
    line.billNumber,
    line.item,
    yuan(line.principalFen),
    yuan(line.lateFeeFen),
    yuan(line.principalFen + line.lateFeeFen),
  ]);
  if (content.advanceFen > 0) rows.push(['—', '预收款（抵后续账单）', '', '', yuan(content.advanceFen)]);
  for (const cells of rows) {
    if (y + ROW_HEIGHT > bottom) {
      doc.addPage({ size: [PAGE.width, PAGE.height], margin: MARGIN });
      doc.font('cjk');
      y = MARGIN;
      drawRow(header, y, true);
      y += ROW_HEIGHT;
    }
    drawRow(cells, y);
    y += ROW_HEIGHT;
  }

  // Total, how it was paid, and the QR code of the verification page beside them.
  if (y + QR_SIZE + 40 > bottom) {
    doc.addPage({ size: [PAGE.width, PAGE.height], margin: MARGIN });
    doc.font('cjk');
    y = MARGIN;
  }
  y += 8;
  const textWidth = WIDTH - QR_SIZE - 16;
  doc
    .fillColor('#000')
    .fontSize(11)
    .text(`金额合计：¥${yuan(content.amountFen)}`, MARGIN, y, { width: textWidth });
  doc.fontSize(10).text(`人民币（大写）：${chineseAmount(content.amountFen)}`, MARGIN, doc.y + 3, { width: textWidth });
  doc.fontSize(9.5).text(`收款方式：${content.methodName}`, MARGIN, doc.y + 6, { width: textWidth });
  if (content.reference) doc.text(`交易流水号：${content.reference}`, MARGIN, doc.y + 2, { width: textWidth });
  if (content.paymentOrderNo)
    doc.text(`支付订单号：${content.paymentOrderNo}`, MARGIN, doc.y + 2, { width: textWidth });
  doc.text(`收款单位：${content.orgName}（盖章）`, MARGIN, doc.y + 8, { width: textWidth });

  const qrX = MARGIN + WIDTH - QR_SIZE;
  drawQrCode(doc, content.verifyUrl, qrX, y, QR_SIZE);
  doc
    .fontSize(7.5)
    .fillColor('#333')
    .text('扫码验证收据真伪', qrX - 10, y + QR_SIZE + 2, { width: QR_SIZE + 20, align: 'center' });

  if (content.void) {
    doc
      .save()
      .rotate(-20, { origin: [PAGE.width / 2, PAGE.height / 2] })
      .fontSize(48)
      .fillColor('#c00')
      .fillOpacity(0.35)
      .text('已作废', 0, PAGE.height / 2 - 30, { width: PAGE.width, align: 'center', lineBreak: false })
      .restore();
    doc
      .fontSize(9)
      .fillColor('#c00')
      .text(`作废原因：${content.void.reason}`, MARGIN, bottom - 24, { width: WIDTH, lineBreak: false });
  }

  // The footer sits in the bottom margin: without the margin pdfkit would start a new page for it.
  doc.page.margins.bottom = 0;
  doc
    .fontSize(7.5)
    .fillColor('#888')
    .text(`本收据由 AssetPay 生成，扫码或访问 ${content.verifyUrl} 核验真伪`, MARGIN, PAGE.height - MARGIN + 8, {
      width: WIDTH,
      align: 'center',
      lineBreak: false,
    });
  doc.end();
  return finished;
}
