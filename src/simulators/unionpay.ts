// UnionPay online gateway (银联全渠道, ACP 5.1.0, signMethod 01), the gateway's side. Endpoints under
// /unionpay/gateway/api (the merchant's baseUrl):
//   frontTransReq.do  browser form post (txnType 01 consume) → 303 to the card page; paying there sends the back
//                     notification to backUrl and form-posts the browser to frontUrl.
//   backTransReq.do   refund (txnType 04, origQryId) → accepted at once, result notified to its backUrl.
//   queryTrans.do     query (txnType 00) by orderId + txnTime, of a consume or a refund.
//   fileTransReq.do   the statement file (our choice of interface, shaped like ACP's file transfer, txnType 76):
//                     settleDate MMDD, fileType 00 → fileName + fileContent = base64(zlib(zip)). The zip holds
//                     one text file INN{yyMMdd}88ZM_{merId}, one line per transaction, fields separated by one
//                     space, fixed widths (see STATEMENT_LINE below).
// Synchronous answers are `k=v&k=v` text, values not URL-encoded, as the real gateway answers (so the
// signPubKeyCert PEM and base64 signature arrive verbatim: split on `&`, then on the first `=`).
// Signing: drop `signature` and empty values, sort, `k=v&…`, SHA-256 → lowercase hex, SHA256withRSA over that hex
// string, base64. Merchant requests are verified with the merchant certificate named by certId; everything the
// simulator sends carries its signPubKeyCert (issued by the intermediate, under the root).

import { createHash, createSign, createVerify, X509Certificate } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { zipSync } from 'fflate';
import { problemPage } from './cashier-page.ts';
import type { SimulatorMerchant } from './keys.ts';
import {
  beijingCompact,
  beijingDate,
  feeFen,
  type NotificationAttempt,
  type PayInstruction,
  parseBeijing,
  randomDigits,
  type SimulatedChannel,
  type SimulatedOrderView,
  type SimulatorContext,
  SimulatorProblem,
} from './kit.ts';
import { UNIONPAY_RETRY_DELAYS_MS } from './outbox.ts';

type UnionMerchant = SimulatorMerchant['unionpay'];
type Fields = Record<string, string>;

interface UnionRefund {
  orderId: string;
  txnTime: string;
  queryId: string;
  amountFen: number;
  at: Date;
  notifications: NotificationAttempt[];
}

interface UnionOrder {
  merchant: UnionMerchant;
  orderId: string;
  txnTime: string;
  txnAmt: number;
  channelType: string;
  frontUrl: string;
  backUrl: string;
  reqReserved?: string;
  payTimeout?: Date;
  createdAt: Date;
  paid?: { queryId: string; at: Date; amountFen: number; traceNo: string };
  refunds: UnionRefund[];
  notifications: NotificationAttempt[];
}

const SUCCESS_MESSAGE = '成功[0000000]';

/** A refusal with ACP's respCode (10 format, 11 signature, 12 duplicate, 13 missing, 34 none, 35 original, 98 file). */
class UnionpayError extends Error {
  constructor(
    readonly respCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** The string signMethod 01 signs: sorted non-empty fields except `signature`, joined `k=v&…`. */
export function unionpaySignContent(fields: Fields): string {
  return Object.keys(fields)
    .filter((key) => key !== 'signature' && fields[key] !== '' && fields[key] !== undefined)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
}

const digestHex = (fields: Fields) => createHash('sha256').update(unionpaySignContent(fields), 'utf8').digest('hex');

/** The raw `k=v&k=v` text of a synchronous answer (not URL-encoded, like the real gateway). */
export function unionpayAnswerText(fields: Fields): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

const amountText = (fen: number) => String(fen).padStart(12, '0');

export function unionpaySimulator(context: SimulatorContext) {
  const keys = context.keys.unionpay;
  const orders = new Map<string, UnionOrder>();

  function signed(fields: Fields): Fields {
    const withCert = { ...fields, signMethod: '01', signPubKeyCert: keys.signCertPem };
    const signature = createSign('RSA-SHA256')
      .update(digestHex(withCert), 'utf8')
      .sign(keys.signPrivateKeyPem, 'base64');
    return { ...withCert, signature };
  }

  // ---- request reading and verification ----

  function fieldsOf(request: FastifyRequest): Fields {
    const fields: Fields = {};
    if (typeof request.body === 'string')
      for (const [key, value] of new URLSearchParams(request.body)) fields[key] = value;
    return fields;
  }

  function requireFields(fields: Fields, names: string[]) {
    const missing = names.filter((name) => !fields[name]);
    if (missing.length > 0) throw new UnionpayError('13', `报文交易要素缺失[${missing.join(',')}]`);
  }

  function expect(fields: Fields, name: string, allowed: string[]) {
    if (!allowed.includes(fields[name]!))
      throw new UnionpayError('10', `报文格式错误[${name} 须为 ${allowed.join(' 或 ')}]`);
  }

  function verify(fields: Fields): UnionMerchant {
    requireFields(fields, ['version', 'encoding', 'signMethod', 'merId', 'certId', 'signature', 'txnType', 'txnTime']);
    expect(fields, 'version', ['5.1.0']);
    expect(fields, 'encoding', ['UTF-8', 'utf-8']);
    expect(fields, 'signMethod', ['01']);
    expect(fields, 'accessType', ['0']);
    if (!/^\d{14}$/.test(fields.txnTime!) || !parseBeijing(fields.txnTime!)) {
      throw new UnionpayError('10', '报文格式错误[txnTime 须为 YYYYMMDDhhmmss]');
    }
    const merchant = context.merchants.find((m) => m.unionpay.merId === fields.merId)?.unionpay;
    if (!merchant) throw new UnionpayError('31', `商户状态不正确[商户 ${fields.merId} 不存在]`);
    if (fields.certId !== merchant.certId) throw new UnionpayError('11', '验证签名失败[certId 与商户签名证书不符]');
    const publicKey = new X509Certificate(merchant.merchantCertPem).publicKey;
    const valid = createVerify('RSA-SHA256')
      .update(digestHex(fields), 'utf8')
      .verify(publicKey, fields.signature!, 'base64');
    if (!valid) throw new UnionpayError('11', '验证签名失败');
    return merchant;
  }

  const orderKey = (merId: string, orderId: string) => `${merId}:${orderId}`;

  // ---- consume (front) ----

  function frontConsume(fields: Fields): UnionOrder {
    const merchant = verify(fields);
    requireFields(fields, [
      'txnSubType',
      'bizType',
      'channelType',
      'orderId',
      'txnAmt',
      'currencyCode',
      'frontUrl',
      'backUrl',
    ]);
    expect(fields, 'txnType', ['01']);
    expect(fields, 'txnSubType', ['01']);
    expect(fields, 'bizType', ['000201']);
    expect(fields, 'channelType', ['07', '08']);
    expect(fields, 'currencyCode', ['156']);
    if (!/^[0-9A-Za-z]{8,32}$/.test(fields.orderId!))
      throw new UnionpayError('10', '报文格式错误[orderId 须为 8-32 位字母或数字，不能含“-”或“_”]');
    if (!/^[1-9]\d{0,11}$/.test(fields.txnAmt!))
      throw new UnionpayError('10', '报文格式错误[txnAmt 须为以分为单位的正整数]');
    let payTimeout: Date | undefined;
    if (fields.payTimeout) {
      payTimeout = parseBeijing(fields.payTimeout);
      if (!payTimeout) throw new UnionpayError('10', '报文格式错误[payTimeout 须为 YYYYMMDDhhmmss]');
    }
    const key = orderKey(merchant.merId, fields.orderId!);
    const existing = orders.get(key);
    if (existing) {
      if (existing.paid || existing.txnAmt !== Number(fields.txnAmt)) throw new UnionpayError('12', '重复交易');
      return existing;
    }
    const order: UnionOrder = {
      merchant,
      orderId: fields.orderId!,
      txnTime: fields.txnTime!,
      txnAmt: Number(fields.txnAmt),
      channelType: fields.channelType!,
      frontUrl: fields.frontUrl!,
      backUrl: fields.backUrl!,
      ...(fields.reqReserved ? { reqReserved: fields.reqReserved } : {}),
      ...(payTimeout ? { payTimeout } : {}),
      createdAt: context.now(),
      refunds: [],
      notifications: [],
    };
    orders.set(key, order);
    return order;
  }

  function consumeResult(order: UnionOrder): Fields {
    const paid = order.paid!;
    const mmdd = beijingCompact(paid.at).slice(4, 8);
    return signed({
      version: '5.1.0',
      encoding: 'UTF-8',
      accessType: '0',
      bizType: '000201',
      txnType: '01',
      txnSubType: '01',
      merId: order.merchant.merId,
      orderId: order.orderId,
      txnTime: order.txnTime,
      txnAmt: String(paid.amountFen),
      currencyCode: '156',
      queryId: paid.queryId,
      traceNo: paid.traceNo,
      traceTime: beijingCompact(paid.at).slice(4),
      settleAmt: String(paid.amountFen),
      settleCurrencyCode: '156',
      settleDate: mmdd,
      accNo: '6216********0000',
      payCardType: '01',
      payType: '0001',
      respCode: '00',
      respMsg: SUCCESS_MESSAGE,
      ...(order.reqReserved ? { reqReserved: order.reqReserved } : {}),
    });
  }

  function notifyBack(url: string, fields: Fields, attempts: NotificationAttempt[], copies: number) {
    const body = new URLSearchParams(fields).toString();
    for (let copy = 0; copy < copies; copy += 1) {
      context.outbox.send({
        url,
        request: () => ({
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
          body,
        }),
        retryDelaysMs: UNIONPAY_RETRY_DELAYS_MS,
        acknowledged: (answer) => answer.status === 200,
        attempts,
      });
    }
  }

  // ---- refund, query, file ----

  function findByQueryId(merchant: UnionMerchant, queryId: string) {
    return [...orders.values()].find((o) => o.merchant.merId === merchant.merId && o.paid?.queryId === queryId);
  }

  function refund(fields: Fields): Fields {
    const merchant = verify(fields);
    requireFields(fields, ['txnSubType', 'bizType', 'orderId', 'txnAmt', 'origQryId']);
    expect(fields, 'txnType', ['04']);
    expect(fields, 'txnSubType', ['00']);
    if (!/^[0-9A-Za-z]{8,32}$/.test(fields.orderId!))
      throw new UnionpayError('10', '报文格式错误[orderId 须为 8-32 位字母或数字]');
    if (!/^[1-9]\d{0,11}$/.test(fields.txnAmt!))
      throw new UnionpayError('10', '报文格式错误[txnAmt 须为以分为单位的正整数]');
    const original = findByQueryId(merchant, fields.origQryId!);
    if (!original?.paid) throw new UnionpayError('35', '原交易不存在或状态不正确');
    const duplicate =
      [...orders.values()].some((o) => o.refunds.some((r) => r.orderId === fields.orderId)) ||
      orders.has(orderKey(merchant.merId, fields.orderId!));
    if (duplicate) throw new UnionpayError('12', '重复交易[退货订单号已使用]');
    const amountFen = Number(fields.txnAmt);
    const refunded = original.refunds.reduce((sum, r) => sum + r.amountFen, 0);
    if (refunded + amountFen > original.paid.amountFen)
      throw new UnionpayError('36', '与原交易信息不符[退货金额超过原交易可退金额]');
    const entry: UnionRefund = {
      orderId: fields.orderId!,
      txnTime: fields.txnTime!,
      queryId: `${beijingCompact(context.now())}${randomDigits(7)}`,
      amountFen,
      at: context.now(),
      notifications: [],
    };
    original.refunds.push(entry);
    const answer = {
      version: '5.1.0',
      encoding: 'UTF-8',
      accessType: '0',
      bizType: fields.bizType!,
      txnType: '04',
      txnSubType: '00',
      merId: merchant.merId,
      orderId: entry.orderId,
      txnTime: entry.txnTime,
      txnAmt: String(amountFen),
      origQryId: fields.origQryId!,
      queryId: entry.queryId,
      ...(fields.reqReserved ? { reqReserved: fields.reqReserved } : {}),
    };
    if (fields.backUrl) {
      notifyBack(
        fields.backUrl,
        signed({
          ...answer,
          currencyCode: '156',
          settleAmt: String(amountFen),
          settleCurrencyCode: '156',
          settleDate: beijingCompact(entry.at).slice(4, 8),
          traceNo: randomDigits(6),
          traceTime: beijingCompact(entry.at).slice(4),
          respCode: '00',
          respMsg: SUCCESS_MESSAGE,
        }),
        entry.notifications,
        1,
      );
    }
    return signed({ ...answer, respCode: '00', respMsg: SUCCESS_MESSAGE });
  }

  function query(fields: Fields): Fields {
    const merchant = verify(fields);
    requireFields(fields, ['orderId']);
    expect(fields, 'txnType', ['00']);
    const echo = {
      version: '5.1.0',
      encoding: 'UTF-8',
      accessType: '0',
      bizType: fields.bizType ?? '000201',
      txnType: '00',
      txnSubType: '00',
      merId: merchant.merId,
      orderId: fields.orderId!,
      txnTime: fields.txnTime!,
    };
    const order = orders.get(orderKey(merchant.merId, fields.orderId!));
    if (order && order.txnTime === fields.txnTime) {
      if (!order.paid) {
        const expired = order.payTimeout !== undefined && context.now() > order.payTimeout;
        return signed({
          ...echo,
          respCode: '00',
          respMsg: SUCCESS_MESSAGE,
          origRespCode: expired ? '01' : '05',
          origRespMsg: expired ? '交易失败[支付超时]' : '交易已受理，请稍后查询交易结果',
          txnAmt: String(order.txnAmt),
        });
      }
      const {
        signature: _s,
        signPubKeyCert: _c,
        signMethod: _m,
        respCode: _r,
        respMsg: _rm,
        ...result
      } = consumeResult(order);
      return signed({
        ...result,
        ...echo,
        origTxnType: '01',
        respCode: '00',
        respMsg: SUCCESS_MESSAGE,
        origRespCode: '00',
        origRespMsg: SUCCESS_MESSAGE,
      });
    }
    for (const candidate of orders.values()) {
      const entry = candidate.refunds.find((r) => r.orderId === fields.orderId && r.txnTime === fields.txnTime);
      if (entry && candidate.merchant.merId === merchant.merId) {
        return signed({
          ...echo,
          respCode: '00',
          respMsg: SUCCESS_MESSAGE,
          origRespCode: '00',
          origRespMsg: SUCCESS_MESSAGE,
          origTxnType: '04',
          queryId: entry.queryId,
          origQryId: candidate.paid!.queryId,
          txnAmt: String(entry.amountFen),
          settleAmt: String(entry.amountFen),
          settleCurrencyCode: '156',
          settleDate: beijingCompact(entry.at).slice(4, 8),
          currencyCode: '156',
        });
      }
    }
    throw new UnionpayError('34', '查无此交易');
  }

  /** The most recent date (Beijing) whose month and day are `mmdd`, not after today. */
  function settleDay(mmdd: string): string {
    const today = beijingDate(context.now());
    const year = Number(today.slice(0, 4));
    const candidate = `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`;
    return candidate <= today ? candidate : `${year - 1}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`;
  }

  /**
   * STATEMENT_LINE: one transaction per line, fields separated by one space:
   *   交易代码 3 (S22 消费, S30 退货) · 查询流水号 21 · 交易传输时间 10 (MMDDhhmmss) · 交易金额 12 (分, 左补零)
   *   · 商户订单号 32 (左对齐, 右补空格) · 原交易查询流水号 21 (退货; 消费为空格) · 商户手续费 13 (D/C + 12 位分)
   *   · 清算金额 13 (C 入账 / D 出账 + 12 位分)
   */
  function statementFile(merchant: UnionMerchant, day: string): string | undefined {
    const lines: string[] = [];
    const signed12 = (fen: number, positive: 'C' | 'D', negative: 'C' | 'D') =>
      `${fen >= 0 ? positive : negative}${amountText(Math.abs(fen))}`;
    for (const order of orders.values()) {
      if (order.merchant.merId !== merchant.merId || !order.paid) continue;
      if (beijingDate(order.paid.at) === day) {
        const fee = feeFen(order.paid.amountFen, context.feeRate);
        lines.push(
          [
            'S22',
            order.paid.queryId.padEnd(21),
            beijingCompact(order.paid.at).slice(4),
            amountText(order.paid.amountFen),
            order.orderId.padEnd(32),
            ' '.repeat(21),
            signed12(fee, 'D', 'C'),
            signed12(order.paid.amountFen - fee, 'C', 'D'),
          ].join(' '),
        );
      }
      for (const entry of order.refunds) {
        if (beijingDate(entry.at) !== day) continue;
        const fee = feeFen(entry.amountFen, context.feeRate);
        lines.push(
          [
            'S30',
            entry.queryId.padEnd(21),
            beijingCompact(entry.at).slice(4),
            amountText(entry.amountFen),
            entry.orderId.padEnd(32),
            order.paid.queryId.padEnd(21),
            `C${amountText(fee)}`,
            `D${amountText(entry.amountFen - fee)}`,
          ].join(' '),
        );
      }
    }
    return lines.length === 0 ? undefined : `${lines.join('\r\n')}\r\n`;
  }

  function fileTransfer(fields: Fields): Fields {
    const merchant = verify(fields);
    requireFields(fields, ['settleDate', 'fileType']);
    expect(fields, 'txnType', ['76']);
    expect(fields, 'fileType', ['00']);
    if (!/^\d{4}$/.test(fields.settleDate!)) throw new UnionpayError('10', '报文格式错误[settleDate 须为 MMDD]');
    const day = settleDay(fields.settleDate!);
    const text = statementFile(merchant, day);
    if (text === undefined) throw new UnionpayError('98', '文件不存在');
    const yymmdd = day.replace(/-/g, '').slice(2);
    const zip = zipSync({ [`INN${yymmdd}88ZM_${merchant.merId}`]: new Uint8Array(Buffer.from(text, 'utf8')) });
    return signed({
      version: '5.1.0',
      encoding: 'UTF-8',
      accessType: '0',
      bizType: '000000',
      txnType: '76',
      txnSubType: fields.txnSubType ?? '01',
      merId: merchant.merId,
      txnTime: fields.txnTime!,
      settleDate: fields.settleDate!,
      fileType: '00',
      fileName: `${merchant.merId}_${day.replace(/-/g, '')}.zip`,
      fileContent: deflateSync(Buffer.from(zip)).toString('base64'),
      respCode: '00',
      respMsg: SUCCESS_MESSAGE,
    });
  }

  // ---- HTTP ----

  function answerText(reply: FastifyReply, fields: Fields) {
    return reply.type('text/plain; charset=UTF-8').send(unionpayAnswerText(fields));
  }

  function backend(handle: (fields: Fields) => Fields) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const fields = fieldsOf(request);
      try {
        return answerText(reply, handle(fields));
      } catch (error) {
        if (!(error instanceof UnionpayError)) throw error;
        const echo: Fields = {};
        for (const name of [
          'version',
          'encoding',
          'bizType',
          'txnType',
          'txnSubType',
          'accessType',
          'merId',
          'orderId',
          'txnTime',
        ]) {
          if (fields[name]) echo[name] = fields[name]!;
        }
        return answerText(reply, signed({ ...echo, respCode: error.respCode, respMsg: error.message }));
      }
    };
  }

  async function register(app: FastifyInstance) {
    await app.register(
      async (scope) => {
        scope.post('/frontTransReq.do', async (request, reply) => {
          try {
            const order = frontConsume(fieldsOf(request));
            return reply.redirect(`${context.publicUrl()}/_sim/unionpay/orders/${order.orderId}/cashier`, 303);
          } catch (error) {
            if (!(error instanceof UnionpayError)) throw error;
            reply.type('text/html; charset=utf-8');
            return reply.send(problemPage('银联在线支付：交易失败', `应答码 ${error.respCode}：${error.message}`));
          }
        });
        scope.post('/backTransReq.do', backend(refund));
        scope.post('/queryTrans.do', backend(query));
        scope.post('/fileTransReq.do', backend(fileTransfer));
      },
      { prefix: '/unionpay/gateway/api' },
    );
  }

  // ---- control ----

  const byOrderId = (orderId: string) => [...orders.values()].find((o) => o.orderId === orderId);

  function view(order: UnionOrder): SimulatedOrderView {
    const refundedFen = order.refunds.reduce((sum, r) => sum + r.amountFen, 0);
    return {
      provider: 'unionpay',
      outTradeNo: order.orderId,
      merchantId: order.merchant.merId,
      amountFen: order.txnAmt,
      ...(order.paid
        ? {
            paidAmountFen: order.paid.amountFen,
            transactionId: order.paid.queryId,
            paidAt: order.paid.at.toISOString(),
          }
        : {}),
      status: order.paid ? (refundedFen > 0 ? 'refunded' : 'paid') : 'unpaid',
      tradeType: order.channelType === '08' ? 'mobile' : 'desktop',
      description: '银联在线支付',
      createdAt: order.createdAt.toISOString(),
      ...(order.payTimeout ? { expiresAt: order.payTimeout.toISOString() } : {}),
      notifyUrl: order.backUrl,
      refundedFen,
      notifications: order.notifications,
      ...(order.paid ? { returnTo: { form: { action: order.frontUrl, fields: consumeResult(order) } } } : {}),
    };
  }

  function pay(orderId: string, instruction: PayInstruction): SimulatedOrderView {
    const order = byOrderId(orderId);
    if (!order)
      throw new SimulatorProblem(404, 'not_found', '模拟器中没有这个订单（须先由浏览器提交 frontTransReq 表单）');
    if (order.paid) throw new SimulatorProblem(409, 'not_payable', '订单已支付，不能再支付');
    if (order.payTimeout && context.now() > order.payTimeout)
      throw new SimulatorProblem(409, 'expired', '订单已超过支付时限，请重新下单');
    const at = instruction.paidAt ? new Date(instruction.paidAt) : context.now();
    order.paid = {
      queryId: `${beijingCompact(at)}${randomDigits(7)}`,
      at,
      amountFen: instruction.amountFen ?? order.txnAmt,
      traceNo: randomDigits(6),
    };
    if (instruction.notify !== false)
      notifyBack(order.backUrl, consumeResult(order), order.notifications, 1 + (instruction.duplicates ?? 0));
    return view(order);
  }

  const channel: SimulatedChannel = {
    provider: 'unionpay',
    title: '银联在线支付',
    view: (orderId) => {
      const order = byOrderId(orderId);
      return order ? view(order) : undefined;
    },
    pay,
  };
  return { channel, register };
}
