// The payment notice (缴费通知单) as a PDF: the org as issuer, the tenant, each bill with its penalty as of the day,
// the total in figures and in 大写, how to pay, and a QR code of each bill's pay link. Chinese text is set in Noto
// Sans SC (SIL OFL, from the @expo-google-fonts/noto-sans-sc package), which pdfkit subsets into the file: only the
// glyphs used are embedded, so a notice stays a few tens of KB.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { CalendarDate } from '../../domain/calendar.ts';
import { chineseAmount } from '../../domain/chinese-amount.ts';
import { formatYuan } from '../../domain/money.ts';

const require = createRequire(import.meta.url);
/** The TrueType font (glyf outlines: pdfkit embeds a subset as /FontFile2). */
export const NOTICE_FONT_FILE = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
export const NOTICE_FONT_NAME = 'NotoSansSC-Regular';
/** Read once (10 MB): pdfkit parses it per document and embeds only the glyphs used. Shared with the receipts. */
let fontBytes: Buffer | undefined;
export const noticeFont = () => {
  fontBytes ??= fs.readFileSync(NOTICE_FONT_FILE);
  return fontBytes;
};

/** Draws a QR code as vector squares (sharp at any zoom, no image to encode and decode). Shared with the receipts. */
export function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2;
  const unit = size / (modules.size + 2 * quiet);
  doc.save().rect(x, y, size, size).fill('#fff');
  for (let row = 0; row < modules.size; row += 1) {
    for (let column = 0; column < modules.size; column += 1) {
      if (modules.get(row, column)) {
        doc.rect(x + (column + quiet) * unit, y + (row + quiet) * unit, unit, unit);
      }
    }
  }
  doc.fill('#000').restore();
}

export interface NoticeLine {
  billId: string;
  number: string;
  /** 租金 2026-01-01 至 2026-03-31, 押金, 水电费 (description)… */
  period: string;
  dueDate: CalendarDate;
  principalFen: number;
  /** Penalty accrued as of the notice's day (less what was waived). */
  penaltyFen: number;
  paidFen: number;
  payableFen: number;
  overdueDays: number;
  payLink: string;
}

export interface NoticeContent {
  orgName: string;
  tenantName: string;
  contractNumbers: string[];
  asOf: CalendarDate;
  lines: NoticeLine[];
}

const MARGIN = 42;
const PAGE_WIDTH = 595.28; // A4
const WIDTH = PAGE_WIDTH - 2 * MARGIN;
const COLUMNS = [
  { title: '账单编号', width: 92, align: 'left' },
  { title: '账期/项目', width: 128, align: 'left' },
  { title: '到期日', width: 58, align: 'left' },
  { title: '本金', width: 62, align: 'right' },
  { title: '违约金', width: 54, align: 'right' },
  { title: '已付', width: 58, align: 'right' },
  { title: '应付', width: 59.28, align: 'right' },
] as const;

const yuan = (fen: number) => formatYuan(fen, { grouping: true });

/** Renders the notice; resolves to the PDF's bytes. */
export function renderPaymentNotice(content: NoticeContent): Promise<Buffer> {
  const totalFen = content.lines.reduce((sum, line) => sum + line.payableFen, 0);
  const payable = content.lines.filter((line) => line.payableFen > 0);

  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `缴费通知单 ${content.tenantName}`, Author: content.orgName, Subject: '缴费通知单' },
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

  // Header: the issuer and the title.
  doc.fontSize(11).fillColor('#555').text(content.orgName, { align: 'center' });
  doc.moveDown(0.2);
  doc.fontSize(20).fillColor('#000').text('缴 费 通 知 单', { align: 'center', characterSpacing: 2 });
  doc.moveDown(0.6);

  doc.fontSize(10.5);
  const infoTop = doc.y;
  doc.text(`承租方：${content.tenantName}`, MARGIN, infoTop, { width: WIDTH * 0.62 });
  doc.text(`通知日期：${content.asOf}`, MARGIN + WIDTH * 0.62, infoTop, { width: WIDTH * 0.38, align: 'right' });
  doc.text(`合同编号：${content.contractNumbers.join('、') || '—'}`, MARGIN, doc.y + 2, { width: WIDTH });
  doc.moveDown(0.4);
  doc
    .fontSize(9.5)
    .fillColor('#333')
    .text(
      `贵方下列账单尚待缴纳，请于到期日前足额缴纳。违约金按合同约定计算至 ${content.asOf}，实际金额以缴费当日为准。`,
      MARGIN,
      doc.y,
      { width: WIDTH },
    );
  doc.moveDown(0.6);

  // The table of bills.
  const rowHeight = 20;
  const drawRow = (cells: string[], y: number, options: { header?: boolean } = {}) => {
    if (options.header) doc.rect(MARGIN, y, WIDTH, rowHeight).fill('#eef2f7');
    doc.fillColor('#000').fontSize(options.header ? 9 : 8.5);
    let x = MARGIN;
    COLUMNS.forEach((column, index) => {
      doc.text(cells[index] ?? '', x + 3, y + 6, {
        width: column.width - 6,
        align: options.header ? 'center' : column.align,
        lineBreak: false,
        ellipsis: true,
      });
      x += column.width;
    });
    doc
      .moveTo(MARGIN, y + rowHeight)
      .lineTo(MARGIN + WIDTH, y + rowHeight)
      .lineWidth(0.5)
      .strokeColor('#bbb')
      .stroke();
  };
  let y = doc.y;
  drawRow(
    COLUMNS.map((column) => column.title),
    y,
    { header: true },
  );
  y += rowHeight;
  const bottom = doc.page.height - MARGIN;
  if (content.lines.length === 0) {
    doc
      .fontSize(9)
      .fillColor('#666')
      .text('暂无待缴账单', MARGIN, y + 6, { width: WIDTH, align: 'center' });
    y += rowHeight;
  }
  for (const line of content.lines) {
    if (y + rowHeight > bottom) {
      doc.addPage();
      doc.font('cjk');
      y = MARGIN;
      drawRow(
        COLUMNS.map((column) => column.title),
        y,
        { header: true },
      );
      y += rowHeight;
    }
    drawRow(
      [
        line.number,
        line.period,
        line.dueDate,
        yuan(line.principalFen),
        yuan(line.penaltyFen),
        yuan(line.paidFen),
        yuan(line.payableFen),
      ],
      y,
    );
    y += rowHeight;
  }

  // The total, in figures and in 大写.
  if (y + 60 > bottom) {
    doc.addPage();
    y = MARGIN;
  }
  doc.rect(MARGIN, y, WIDTH, 40).fill('#fafafa');
  doc
    .fillColor('#000')
    .fontSize(11)
    .text(`应缴合计：¥${yuan(totalFen)}`, MARGIN + 6, y + 6, { width: WIDTH - 12 });
  doc.fontSize(10.5).text(`人民币（大写）：${chineseAmount(totalFen)}`, MARGIN + 6, y + 23, { width: WIDTH - 12 });
  y += 52;

  // How to pay.
  const instructions = [
    '缴费方式：',
    '1. 扫描下方二维码，在手机上查看账单并在线缴费（微信支付、支付宝、云闪付）；',
    `2. 银行转账至${content.orgName}账户，附言请注明账单编号；`,
    '3. 到公司财务窗口以现金或刷卡缴纳。',
    '逾期未缴的，按合同约定自到期日次日起计收违约金。如对账单有疑问，请与本公司财务部门联系。',
  ];
  doc.fontSize(9.5).fillColor('#000');
  doc.text(instructions.join('\n'), MARGIN, y, { width: WIDTH, lineGap: 3 });
  y = doc.y + 12;

  // A QR code of each bill's pay link, in a grid.
  const size = payable.length === 1 ? 110 : 84;
  const cell = size + 18;
  const perRow = Math.floor(WIDTH / cell);
  payable.forEach((line, index) => {
    const column = index % perRow;
    if (column === 0 && index > 0) y += size + 30;
    if (y + size + 26 > bottom) {
      doc.addPage();
      doc.font('cjk');
      y = MARGIN;
    }
    const x = MARGIN + column * cell;
    drawQrCode(doc, line.payLink, x, y, size);
    doc
      .fontSize(7.5)
      .fillColor('#333')
      .text(`${line.number}\n扫码缴费 ¥${yuan(line.payableFen)}`, x - 6, y + size + 2, {
        width: size + 12,
        align: 'center',
      });
  });

  // The footer sits in the bottom margin: without the margin pdfkit would start a new page for it.
  doc.page.margins.bottom = 0;
  doc
    .fontSize(8)
    .fillColor('#888')
    .text(`${content.orgName}    本通知由 AssetPay 生成`, MARGIN, doc.page.height - MARGIN - 10, {
      width: WIDTH,
      align: 'center',
      lineBreak: false,
    });
  doc.end();
  return finished;
}
