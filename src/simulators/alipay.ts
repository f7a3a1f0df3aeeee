// Alipay OpenAPI v2 (支付宝), the gateway's side: gateway.do verifies the RSA2 request signature (params from the
// URL and the form body, `sign` dropped, empty values dropped, sorted, `k=v&…`), answers `{"xxx_response":{…},
// "sign":"…"}` signed over the raw JSON text of the response value, opens a cashier page for page/wap pay, sends
// `trade_status_sync` notifications until the answer is exactly `success`, and serves the daily bill zip.
// Like the real gateway, a precreate trade exists only once the payer scans the code (opens the cashier page),
// and a page/wap trade only once the browser opens the signed URL: before that, query and close say
// ACQ.TRADE_NOT_EXIST.

import { createSign, createVerify } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { problemPage } from './cashier-page.ts';
import type { SimulatorMerchant } from './keys.ts';
import {
  beijingCompact,
  beijingDate,
  beijingDateTime,
  feeFen,
  fenOfYuan,
  type NotificationAttempt,
  type PayInstruction,
  parseBeijing,
  randomAlphanumeric,
  randomDigits,
  type SimulatedChannel,
  type SimulatedOrderView,
  type SimulatorContext,
  SimulatorProblem,
  yuan,
} from './kit.ts';
import { ALIPAY_RETRY_DELAYS_MS } from './outbox.ts';

type AlipayMerchant = SimulatorMerchant['alipay'];
type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';
type PayMethod = 'alipay.trade.precreate' | 'alipay.trade.page.pay' | 'alipay.trade.wap.pay';

interface AlipayRefund {
  outRequestNo: string;
  amountFen: number;
  reason: string;
  at: Date;
}

interface AlipayOrder {
  merchant: AlipayMerchant;
  outTradeNo: string;
  tradeNo: string;
  subject: string;
  totalFen: number;
  method: PayMethod;
  notifyUrl?: string;
  returnUrl?: string;
  passbackParams?: string;
  createdAt: Date;
  expiresAt?: Date;
  /** The trade exists at Alipay: the payer scanned / opened it, or paid. */
  exists: boolean;
  status: TradeStatus;
  paidAt?: Date;
  paidFen?: number;
  buyerId: string;
  buyerLogonId: string;
  refunds: AlipayRefund[];
  notifications: NotificationAttempt[];
  qrCode?: string;
}

const MAX_TOTAL_FEN = 100_000_000 * 100;
const PRODUCT_CODE: Record<PayMethod, string> = {
  'alipay.trade.precreate': 'FACE_TO_FACE_PAYMENT',
  'alipay.trade.page.pay': 'FAST_INSTANT_TRADE_PAY',
  'alipay.trade.wap.pay': 'QUICK_WAP_WAY',
};
const SUPPORTED_METHODS = new Set([
  'alipay.trade.precreate',
  'alipay.trade.page.pay',
  'alipay.trade.wap.pay',
  'alipay.trade.query',
  'alipay.trade.refund',
  'alipay.trade.fastpay.refund.query',
  'alipay.trade.close',
  'alipay.data.dataservice.bill.downloadurl.query',
]);

/** A gateway refusal: `code` 40001/40002 (protocol) or 40004 (business) with the sub_code a merchant acts on. */
class AlipayError extends Error {
  constructor(
    readonly code: string,
    readonly subCode: string,
    message: string,
  ) {
    super(message);
  }
}
const MSG_OF_CODE: Record<string, string> = {
  '40001': 'Missing Required Arguments',
  '40002': 'Invalid Arguments',
  '40004': 'Business Failed',
};
const businessError = (subCode: string, message: string) => new AlipayError('40004', subCode, message);

/** `k=v&…` over the sorted, non-empty params except `drop` (raw values, no URL encoding). */
export function alipaySignContent(params: Record<string, string>, drop: readonly string[]): string {
  return Object.keys(params)
    .filter((key) => !drop.includes(key) && params[key] !== '' && params[key] !== undefined)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

function timeoutOf(biz: Record<string, unknown>, now: Date): Date | undefined {
  if (typeof biz.time_expire === 'string') {
    const at = parseBeijing(biz.time_expire);
    if (!at) throw businessError('ACQ.INVALID_PARAMETER', '参数无效：time_expire 须为 yyyy-MM-dd HH:mm:ss');
    return at;
  }
  if (typeof biz.timeout_express === 'string') {
    const match = /^(\d+)([mhdc])$/.exec(biz.timeout_express);
    if (!match) throw businessError('ACQ.INVALID_PARAMETER', '参数无效：timeout_express 取值如 90m、2h、1d、1c');
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, c: 86_400_000 }[match[2] as 'm' | 'h' | 'd' | 'c'];
    return new Date(now.getTime() + Number(match[1]) * unitMs);
  }
  return undefined;
}

export function alipaySimulator(context: SimulatorContext) {
  const keys = context.keys.alipay;
  const orders = new Map<string, AlipayOrder>();
  const bills = new Map<string, { fileName: string; content: Buffer }>();

  const signText = (content: string) =>
    createSign('RSA-SHA256').update(content, 'utf8').sign(keys.alipayPrivateKeyPem, 'base64');

  // ---- request reading and verification ----

  function paramsOf(request: FastifyRequest): Record<string, string> {
    const params: Record<string, string> = {};
    for (const [key, value] of new URL(request.raw.url ?? '/', 'http://gateway').searchParams) params[key] = value;
    const contentType = String(request.headers['content-type'] ?? '');
    if (typeof request.body === 'string' && request.body !== '' && !contentType.includes('json')) {
      for (const [key, value] of new URLSearchParams(request.body)) params[key] = value;
    }
    return params;
  }

  function verify(params: Record<string, string>): AlipayMerchant {
    if (!params.method) throw new AlipayError('40001', 'isv.missing-method', '缺少方法名参数');
    if (!params.app_id) throw new AlipayError('40001', 'isv.missing-app-id', '缺少AppID参数');
    const merchant = context.merchants.find((m) => m.alipay.appId === params.app_id)?.alipay;
    if (!merchant) throw new AlipayError('40002', 'isv.invalid-app-id', `无效的AppID参数：${params.app_id}`);
    if (!params.sign) throw new AlipayError('40001', 'isv.missing-signature', '缺少签名参数');
    if (params.sign_type !== 'RSA2')
      throw new AlipayError('40002', 'isv.invalid-signature-type', '无效的签名类型，请使用 RSA2');
    if (params.charset && params.charset.toLowerCase() !== 'utf-8') {
      throw new AlipayError('40002', 'isv.invalid-charset', '字符集错误，请使用 utf-8');
    }
    if (!params.timestamp || !parseBeijing(params.timestamp)) {
      throw new AlipayError('40002', 'isv.invalid-timestamp', '非法的时间戳参数，格式为 yyyy-MM-dd HH:mm:ss');
    }
    const content = alipaySignContent(params, ['sign']);
    const valid = createVerify('RSA-SHA256')
      .update(content, 'utf8')
      .verify(merchant.appPublicKeyPem, params.sign, 'base64');
    if (!valid) {
      throw new AlipayError(
        '40002',
        'isv.invalid-signature',
        `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`,
      );
    }
    if (!SUPPORTED_METHODS.has(params.method))
      throw new AlipayError('40002', 'isv.invalid-method', `不存在的方法名：${params.method}`);
    return merchant;
  }

  function bizOf(params: Record<string, string>): Record<string, unknown> {
    try {
      const biz: unknown = JSON.parse(params.biz_content ?? '{}');
      if (typeof biz === 'object' && biz !== null && !Array.isArray(biz)) return biz as Record<string, unknown>;
    } catch {
      // refused below
    }
    throw new AlipayError('40002', 'isv.invalid-biz-content', 'biz_content 不是合法的 JSON 对象');
  }

  const required = (biz: Record<string, unknown>, name: string): string => {
    const value = biz[name];
    if (value === undefined || value === null || value === '') {
      throw new AlipayError('40002', 'isv.missing-required-arg', `缺少必选参数：${name}`);
    }
    return String(value);
  };

  function findOrder(merchant: AlipayMerchant, biz: Record<string, unknown>): AlipayOrder {
    const outTradeNo = typeof biz.out_trade_no === 'string' ? biz.out_trade_no : undefined;
    const tradeNo = typeof biz.trade_no === 'string' ? biz.trade_no : undefined;
    if (!outTradeNo && !tradeNo)
      throw new AlipayError('40002', 'isv.missing-required-arg', 'out_trade_no 与 trade_no 不能同时为空');
    const order = outTradeNo ? orders.get(outTradeNo) : [...orders.values()].find((o) => o.tradeNo === tradeNo);
    if (!order || order.merchant.appId !== merchant.appId || !order.exists) {
      throw businessError('ACQ.TRADE_NOT_EXIST', '交易不存在');
    }
    return order;
  }

  // ---- methods ----

  function createTrade(method: PayMethod, merchant: AlipayMerchant, params: Record<string, string>): AlipayOrder {
    const biz = bizOf(params);
    const outTradeNo = required(biz, 'out_trade_no');
    if (!/^[0-9A-Za-z_]{1,64}$/.test(outTradeNo))
      throw businessError('ACQ.INVALID_PARAMETER', '参数无效：out_trade_no');
    const totalFen = fenOfYuan(required(biz, 'total_amount'));
    if (totalFen === undefined || totalFen < 1 || totalFen > MAX_TOTAL_FEN) {
      throw businessError(
        'ACQ.TOTAL_FEE_EXCEED',
        '订单金额超过限额或格式不正确：total_amount 须为 0.01 至 100000000 元，最多两位小数',
      );
    }
    const subject = required(biz, 'subject');
    if (method !== 'alipay.trade.precreate' && biz.product_code !== PRODUCT_CODE[method]) {
      throw new AlipayError('40002', 'isv.invalid-product-code', `产品码无效：${method} 须为 ${PRODUCT_CODE[method]}`);
    }
    const existing = orders.get(outTradeNo);
    if (existing) {
      if (existing.status === 'TRADE_SUCCESS' || existing.status === 'TRADE_FINISHED') {
        throw businessError('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
      }
      if (existing.status === 'TRADE_CLOSED') throw businessError('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
      if (existing.merchant.appId !== merchant.appId || existing.totalFen !== totalFen) {
        throw businessError('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改：同一订单号的金额或商户不一致');
      }
      return existing;
    }
    const now = context.now();
    const expiresAt = timeoutOf(biz, now);
    const order: AlipayOrder = {
      merchant,
      outTradeNo,
      tradeNo: `${beijingCompact(now).slice(0, 8)}22001${randomDigits(15)}`,
      subject,
      totalFen,
      method,
      ...(params.notify_url ? { notifyUrl: params.notify_url } : {}),
      ...(params.return_url ? { returnUrl: params.return_url } : {}),
      ...(typeof biz.passback_params === 'string' ? { passbackParams: biz.passback_params } : {}),
      createdAt: now,
      ...(expiresAt ? { expiresAt } : {}),
      exists: method !== 'alipay.trade.precreate',
      status: 'WAIT_BUYER_PAY',
      buyerId: `2088${randomDigits(12)}`,
      buyerLogonId: `139****${randomDigits(4)}`,
      refunds: [],
      notifications: [],
    };
    orders.set(outTradeNo, order);
    return order;
  }

  function refundedFen(order: AlipayOrder) {
    return order.refunds.reduce((sum, r) => sum + r.amountFen, 0);
  }

  function tradeQuery(merchant: AlipayMerchant, params: Record<string, string>) {
    const order = findOrder(merchant, bizOf(params));
    const paid = order.paidFen !== undefined;
    return {
      trade_no: order.tradeNo,
      out_trade_no: order.outTradeNo,
      buyer_logon_id: order.buyerLogonId,
      trade_status: order.status,
      total_amount: yuan(order.paidFen ?? order.totalFen),
      buyer_pay_amount: paid ? yuan(order.paidFen!) : '0.00',
      point_amount: '0.00',
      invoice_amount: paid ? yuan(order.paidFen!) : '0.00',
      receipt_amount: paid ? yuan(order.paidFen!) : '0.00',
      ...(order.paidAt ? { send_pay_date: beijingDateTime(order.paidAt) } : {}),
      buyer_user_id: order.buyerId,
      buyer_user_type: 'PRIVATE',
    };
  }

  function tradeRefund(merchant: AlipayMerchant, params: Record<string, string>) {
    const biz = bizOf(params);
    const order = findOrder(merchant, biz);
    const amountFen = fenOfYuan(required(biz, 'refund_amount'));
    if (amountFen === undefined || amountFen < 1)
      throw businessError('ACQ.INVALID_PARAMETER', '参数无效：refund_amount');
    if (order.status === 'WAIT_BUYER_PAY' || order.paidFen === undefined) {
      throw businessError('ACQ.TRADE_STATUS_ERROR', '交易状态不合法：交易未支付，不能退款');
    }
    const outRequestNo =
      typeof biz.out_request_no === 'string' && biz.out_request_no ? biz.out_request_no : order.outTradeNo;
    const earlier = order.refunds.find((r) => r.outRequestNo === outRequestNo);
    let fundChange = 'N';
    let at = earlier?.at;
    if (earlier) {
      if (earlier.amountFen !== amountFen)
        throw businessError('ACQ.REQUEST_AMOUNT_EXCEED', '同一退款请求号的退款金额不一致');
    } else {
      if (order.status === 'TRADE_CLOSED') throw businessError('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
      if (refundedFen(order) + amountFen > order.paidFen)
        throw businessError('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
      at = context.now();
      order.refunds.push({
        outRequestNo,
        amountFen,
        reason: typeof biz.refund_reason === 'string' ? biz.refund_reason : '',
        at,
      });
      if (refundedFen(order) === order.paidFen) order.status = 'TRADE_CLOSED';
      fundChange = 'Y';
      // Alipay tells the payment's notify_url of a refund too: TRADE_SUCCESS after a partial refund, TRADE_CLOSED
      // (with gmt_close) after the last; refund_fee is the trade's running total, out_biz_no the request number.
      if (order.notifyUrl) {
        const body = new URLSearchParams(refundNotificationFields(order, outRequestNo, at)).toString();
        context.outbox.send({
          url: order.notifyUrl,
          request: () => ({
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
            body,
          }),
          retryDelaysMs: ALIPAY_RETRY_DELAYS_MS,
          acknowledged: (answer) => answer.status === 200 && answer.body === 'success',
          attempts: order.notifications,
        });
      }
    }
    return {
      trade_no: order.tradeNo,
      out_trade_no: order.outTradeNo,
      buyer_logon_id: order.buyerLogonId,
      fund_change: fundChange,
      refund_fee: yuan(refundedFen(order)),
      gmt_refund_pay: beijingDateTime(at!),
      buyer_user_id: order.buyerId,
    };
  }

  function refundQuery(merchant: AlipayMerchant, params: Record<string, string>) {
    const biz = bizOf(params);
    const order = findOrder(merchant, biz);
    const refund = order.refunds.find((r) => r.outRequestNo === required(biz, 'out_request_no'));
    if (!refund) return { trade_no: order.tradeNo, out_trade_no: order.outTradeNo };
    return {
      trade_no: order.tradeNo,
      out_trade_no: order.outTradeNo,
      out_request_no: refund.outRequestNo,
      total_amount: yuan(order.paidFen!),
      refund_amount: yuan(refund.amountFen),
      refund_status: 'REFUND_SUCCESS',
      gmt_refund_pay: beijingDateTime(refund.at),
    };
  }

  function tradeClose(merchant: AlipayMerchant, params: Record<string, string>) {
    const order = findOrder(merchant, bizOf(params));
    if (order.status === 'TRADE_SUCCESS' || order.status === 'TRADE_FINISHED') {
      throw businessError('ACQ.TRADE_STATUS_ERROR', '交易状态不合法：交易已支付，不能关闭');
    }
    order.status = 'TRADE_CLOSED';
    return { trade_no: order.tradeNo, out_trade_no: order.outTradeNo };
  }

  function billDownloadUrl(merchant: AlipayMerchant, params: Record<string, string>) {
    const biz = bizOf(params);
    const billType = required(biz, 'bill_type');
    const billDate = required(biz, 'bill_date');
    if (billType !== 'trade')
      throw businessError('isp.bill_type_not_support', `账单类型 ${billType} 不支持，模拟器只提供 trade`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate))
      throw businessError('isv.invalid-bill-date', '账单日期格式错误，须为 yyyy-MM-dd');
    const zip = billZip(merchant, billDate);
    if (!zip) throw businessError('isp.bill_not_exist', '账单不存在');
    const token = randomAlphanumeric(24);
    bills.set(token, zip);
    return {
      bill_download_url: `${context.publicUrl()}/alipay/bill/download?token=${token}&downloadFileName=${encodeURIComponent(zip.fileName)}`,
    };
  }

  // ---- the bill ----

  function billZip(merchant: AlipayMerchant, billDate: string): { fileName: string; content: Buffer } | undefined {
    const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    const rows: string[][] = [];
    const totals = { trades: 0, tradeFen: 0, refunds: 0, refundFen: 0, feeFen: 0 };
    for (const order of orders.values()) {
      if (order.merchant.appId !== merchant.appId || !order.paidAt) continue;
      const start = [`${order.tradeNo}\t`, `${order.outTradeNo}\t`];
      if (beijingDate(order.paidAt) === billDate) {
        const fee = feeFen(order.paidFen!, context.feeRate);
        rows.push([
          ...start,
          '交易',
          order.subject,
          beijingDateTime(order.createdAt),
          beijingDateTime(order.paidAt),
          '',
          '',
          '',
          '',
          order.buyerLogonId,
          yuan(order.paidFen!),
          yuan(order.paidFen!),
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '',
          '0.00',
          '0.00',
          '',
          yuan(-fee),
          '0.00',
          '',
        ]);
        totals.trades += 1;
        totals.tradeFen += order.paidFen!;
        totals.feeFen -= fee;
      }
      for (const refund of order.refunds) {
        if (beijingDate(refund.at) !== billDate) continue;
        const fee = feeFen(refund.amountFen, context.feeRate);
        rows.push([
          ...start,
          '退款',
          order.subject,
          beijingDateTime(order.createdAt),
          beijingDateTime(refund.at),
          '',
          '',
          '',
          '',
          order.buyerLogonId,
          yuan(-refund.amountFen),
          yuan(-refund.amountFen),
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '',
          '0.00',
          '0.00',
          `${refund.outRequestNo}\t`,
          yuan(fee),
          '0.00',
          refund.reason,
        ]);
        totals.refunds += 1;
        totals.refundFen -= refund.amountFen;
        totals.feeFen += fee;
      }
    }
    if (rows.length === 0) return undefined;
    const day = billDate.replace(/-/g, '');
    const chineseDate = (date: string) => `${date.slice(0, 4)}年${date.slice(5, 7)}月${date.slice(8, 10)}日`;
    const nextDay = beijingDate(new Date(new Date(`${billDate}T00:00:00+08:00`).getTime() + 86_400_000));
    const now = beijingDateTime(context.now());
    const exportedAt = `#导出时间：[${chineseDate(now)} ${now.slice(11)}]`;
    const account = `#账号：[${merchant.sellerId}0156]`;
    const period = `#起始日期：[${chineseDate(billDate)} 00:00:00]   终止日期：[${chineseDate(nextDay)} 00:00:00]`;
    const detail = [
      '#支付宝业务明细查询',
      account,
      period,
      '#-----------------------------------------业务明细列表----------------------------------------',
      '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
      ...rows.map((row) => row.map(cell).join(',')),
      '#-----------------------------------------业务明细列表结束------------------------------------',
      `#交易合计：${totals.trades}笔，商家实收：${yuan(totals.tradeFen)}元，商家优惠：0.00元`,
      `#退款合计：${totals.refunds}笔，商家实收：${yuan(totals.refundFen)}元，商家优惠：0.00元`,
      exportedAt,
    ];
    const net = totals.tradeFen + totals.refundFen;
    const summaryRow = `${totals.trades},${totals.refunds},${yuan(net)},${yuan(net)},0.00,0.00,0.00,${yuan(totals.feeFen)},0.00,${yuan(net + totals.feeFen)}`;
    const summary = [
      '#支付宝业务汇总查询',
      account,
      period,
      '#-----------------------------------------业务汇总列表----------------------------------------',
      '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）',
      `,,${summaryRow}`,
      `合计,,${summaryRow}`,
      '#-----------------------------------------业务汇总列表结束------------------------------------',
      exportedAt,
    ];
    const gbk = (lines: string[]) => new Uint8Array(iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'));
    const base = `${merchant.sellerId}${'0156'}_${day}`;
    const zip = zipSync({ [`${base}_业务明细.csv`]: gbk(detail), [`${base}_业务明细(汇总).csv`]: gbk(summary) });
    return { fileName: `${base}.csv.zip`, content: Buffer.from(zip) };
  }

  // ---- notifications and the browser's return ----

  function signedFields(fields: Record<string, string>): Record<string, string> {
    return { ...fields, sign: signText(alipaySignContent(fields, ['sign', 'sign_type'])) };
  }

  function notificationFields(order: AlipayOrder): Record<string, string> {
    const paid = yuan(order.paidFen!);
    return signedFields({
      notify_time: beijingDateTime(context.now()),
      notify_type: 'trade_status_sync',
      notify_id: `${beijingCompact(context.now())}${randomAlphanumeric(20)}`,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      app_id: order.merchant.appId,
      auth_app_id: order.merchant.appId,
      trade_no: order.tradeNo,
      out_trade_no: order.outTradeNo,
      buyer_id: order.buyerId,
      buyer_logon_id: order.buyerLogonId,
      seller_id: order.merchant.sellerId,
      trade_status: 'TRADE_SUCCESS',
      total_amount: paid,
      receipt_amount: paid,
      invoice_amount: paid,
      buyer_pay_amount: paid,
      point_amount: '0.00',
      subject: order.subject,
      gmt_create: beijingDateTime(order.createdAt),
      gmt_payment: beijingDateTime(order.paidAt!),
      fund_bill_list: JSON.stringify([{ amount: paid, fundChannel: 'ALIPAYACCOUNT' }]),
      ...(order.passbackParams ? { passback_params: order.passbackParams } : {}),
    });
  }

  function refundNotificationFields(order: AlipayOrder, outRequestNo: string, at: Date): Record<string, string> {
    const { sign: _sign, ...payment } = notificationFields(order);
    const closed = order.status === 'TRADE_CLOSED';
    return signedFields({
      ...payment,
      notify_time: beijingDateTime(context.now()),
      notify_id: `${beijingCompact(context.now())}${randomAlphanumeric(20)}`,
      trade_status: order.status,
      out_biz_no: outRequestNo,
      refund_fee: yuan(refundedFen(order)),
      gmt_refund: `${beijingDateTime(at)}.000`,
      ...(closed ? { gmt_close: beijingDateTime(at) } : {}),
    });
  }

  function returnUrl(order: AlipayOrder): string | undefined {
    if (!order.returnUrl || order.paidAt === undefined) return undefined;
    const fields = signedFields({
      charset: 'utf-8',
      out_trade_no: order.outTradeNo,
      method: `${order.method}.return`,
      total_amount: yuan(order.paidFen!),
      trade_no: order.tradeNo,
      auth_app_id: order.merchant.appId,
      version: '1.0',
      app_id: order.merchant.appId,
      sign_type: 'RSA2',
      seller_id: order.merchant.sellerId,
      timestamp: beijingDateTime(context.now()),
    });
    const url = new URL(order.returnUrl);
    for (const [key, value] of Object.entries(fields)) url.searchParams.set(key, value);
    return url.toString();
  }

  // ---- HTTP ----

  function respond(reply: FastifyReply, method: string | undefined, inner: Record<string, unknown>) {
    const key = method && SUPPORTED_METHODS.has(method) ? `${method.replace(/\./g, '_')}_response` : 'error_response';
    const innerText = JSON.stringify(inner);
    // The signature covers the exact text of the response value; `sign` is its sibling.
    return reply
      .type('application/json; charset=utf-8')
      .send(`{"${key}":${innerText},"sign":"${signText(innerText)}"}`);
  }

  async function gateway(request: FastifyRequest, reply: FastifyReply) {
    const params = paramsOf(request);
    const method = params.method;
    const isPagePay = method === 'alipay.trade.page.pay' || method === 'alipay.trade.wap.pay';
    try {
      const merchant = verify(params);
      if (isPagePay) {
        const order = createTrade(method, merchant, params);
        return reply.redirect(`${context.publicUrl()}/_sim/alipay/orders/${order.outTradeNo}/cashier`, 303);
      }
      let result: Record<string, unknown>;
      switch (method) {
        case 'alipay.trade.precreate': {
          const order = createTrade('alipay.trade.precreate', merchant, params);
          order.qrCode ??= `${context.publicUrl()}/_sim/alipay/orders/${order.outTradeNo}/cashier`;
          result = { out_trade_no: order.outTradeNo, qr_code: order.qrCode };
          break;
        }
        case 'alipay.trade.query':
          result = tradeQuery(merchant, params);
          break;
        case 'alipay.trade.refund':
          result = tradeRefund(merchant, params);
          break;
        case 'alipay.trade.fastpay.refund.query':
          result = refundQuery(merchant, params);
          break;
        case 'alipay.trade.close':
          result = tradeClose(merchant, params);
          break;
        default:
          result = billDownloadUrl(merchant, params);
      }
      return respond(reply, method, { code: '10000', msg: 'Success', ...result });
    } catch (error) {
      if (!(error instanceof AlipayError)) throw error;
      if (isPagePay) {
        reply.code(200).type('text/html; charset=utf-8');
        return reply.send(problemPage('支付宝收银台：请求有误', `错误代码 ${error.subCode}：${error.message}`));
      }
      return respond(reply, method, {
        code: error.code,
        msg: MSG_OF_CODE[error.code],
        sub_code: error.subCode,
        sub_msg: error.message,
      });
    }
  }

  async function register(app: FastifyInstance) {
    await app.register(
      async (scope) => {
        scope.route({ method: ['GET', 'POST'], url: '/gateway.do', handler: gateway });
        scope.get<{ Querystring: { token?: string } }>('/bill/download', async (request, reply) => {
          const bill = bills.get(request.query.token ?? '');
          if (!bill) return reply.code(404).type('text/plain; charset=utf-8').send('账单下载地址无效或已过期');
          reply.header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(bill.fileName)}`);
          return reply.type('application/zip').send(bill.content);
        });
      },
      { prefix: '/alipay' },
    );
  }

  // ---- control ----

  function view(order: AlipayOrder): SimulatedOrderView {
    const status =
      order.status === 'WAIT_BUYER_PAY'
        ? 'unpaid'
        : order.status === 'TRADE_CLOSED'
          ? order.refunds.length > 0
            ? 'refunded'
            : 'closed'
          : order.refunds.length > 0
            ? 'refunded'
            : 'paid';
    const back = returnUrl(order);
    return {
      provider: 'alipay',
      outTradeNo: order.outTradeNo,
      merchantId: order.merchant.sellerId,
      appId: order.merchant.appId,
      amountFen: order.totalFen,
      ...(order.paidFen === undefined ? {} : { paidAmountFen: order.paidFen }),
      status,
      tradeType: order.method,
      description: order.subject,
      ...(order.paidAt ? { transactionId: order.tradeNo, paidAt: order.paidAt.toISOString() } : {}),
      createdAt: order.createdAt.toISOString(),
      ...(order.expiresAt ? { expiresAt: order.expiresAt.toISOString() } : {}),
      ...(order.notifyUrl ? { notifyUrl: order.notifyUrl } : {}),
      refundedFen: refundedFen(order),
      notifications: order.notifications,
      ...(back ? { returnTo: { url: back } } : {}),
    };
  }

  function pay(outTradeNo: string, instruction: PayInstruction): SimulatedOrderView {
    const order = orders.get(outTradeNo);
    if (!order) {
      throw new SimulatorProblem(
        404,
        'not_found',
        '模拟器中没有这个订单（电脑网站/手机网站支付须先在浏览器打开支付链接）',
      );
    }
    if (order.status !== 'WAIT_BUYER_PAY')
      throw new SimulatorProblem(409, 'not_payable', `交易状态为 ${order.status}，不能再支付`);
    if (order.expiresAt && context.now() > order.expiresAt)
      throw new SimulatorProblem(409, 'expired', '订单已超过支付时限，请重新下单');
    order.exists = true;
    order.status = 'TRADE_SUCCESS';
    order.paidAt = instruction.paidAt ? new Date(instruction.paidAt) : context.now();
    order.paidFen = instruction.amountFen ?? order.totalFen;
    if (instruction.notify !== false && order.notifyUrl) {
      const body = new URLSearchParams(notificationFields(order)).toString();
      for (let copy = 0; copy <= (instruction.duplicates ?? 0); copy += 1) {
        context.outbox.send({
          url: order.notifyUrl,
          request: () => ({
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
            body,
          }),
          retryDelaysMs: ALIPAY_RETRY_DELAYS_MS,
          // Anything but exactly `success` counts as a failure and is retried.
          acknowledged: (answer) => answer.status === 200 && answer.body === 'success',
          attempts: order.notifications,
        });
      }
    }
    return view(order);
  }

  const channel: SimulatedChannel = {
    provider: 'alipay',
    title: '支付宝',
    view: (outTradeNo) => {
      const order = orders.get(outTradeNo);
      return order ? view(order) : undefined;
    },
    pay,
    opened: (outTradeNo) => {
      const order = orders.get(outTradeNo);
      // Scanning the precreate code is what creates the trade at Alipay.
      if (order) order.exists = true;
    },
  };
  return { channel, register };
}
