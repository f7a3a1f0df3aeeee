// UnionPay online gateway (银联全渠道, ACP 5.1.0) for one merchant: the consumption form the tenant's browser posts
// to frontTransReq.do, refunds (backTransReq.do, txnType 04), queries (queryTrans.do, txnType 00), the settlement
// file (file transfer, txnType 76) and back/front notifications. No SDK for Node: signMethod 01 by hand with
// node:crypto, and every signPubKeyCert checked against the configured intermediate and root certificates.

import { createHash, createPrivateKey, createSign, createVerify, type KeyObject, X509Certificate } from 'node:crypto';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { spoolStatement } from './statement-file.ts';
import {
  type ChannelAdapter,
  type ChannelAnswer,
  ChannelError,
  type ChannelOrderState,
  type CreateOrderInput,
  type IncomingNotification,
  type MerchantAccount,
  NotificationRejected,
  type PayAction,
  type ProviderModule,
  type RefundInput,
  type RefundState,
  type StatementFile,
  type VerifiedNotification,
} from './types.ts';
import {
  beijingCompact,
  callChannel,
  integerFen,
  parseBeijing,
  readSetting,
  untrustedResponse,
  type WireOptions,
  wireOptions,
} from './wire.ts';

type UnionpayAccount = MerchantAccount<'unionpay'>;
export type UnionpayFields = Record<string, string>;

export const ACP_VERSION = '5.1.0';
/** The gateway's signing certificate names the company in its subject; a certificate that does not is refused. */
const UNIONPAY_SIGNER_NAME = '中国银联股份有限公司';
/** Online bank-card payment (B2C gateway). */
const BIZ_TYPE = '000201';

// ---- signMethod 01 ----

/** What is signed: every field but `signature` that has a value, sorted by name, `k=v` joined by `&`. */
export function unionpaySigningText(fields: UnionpayFields): string {
  return Object.keys(fields)
    .filter((key) => key !== 'signature' && fields[key] !== '' && fields[key] !== undefined)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
}

/** signMethod 01: SHA-256 of the signing text as lower-case hex, then SHA256withRSA over that hex text, base64. */
export function signUnionpay(fields: UnionpayFields, privateKey: KeyObject): string {
  const digest = createHash('sha256').update(unionpaySigningText(fields), 'utf8').digest('hex');
  return createSign('RSA-SHA256').update(digest, 'utf8').sign(privateKey, 'base64');
}

export function verifyUnionpaySignature(fields: UnionpayFields, certificate: X509Certificate): boolean {
  const signature = fields.signature;
  if (!signature) return false;
  const digest = createHash('sha256').update(unionpaySigningText(fields), 'utf8').digest('hex');
  try {
    return createVerify('RSA-SHA256').update(digest, 'utf8').verify(certificate.publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * How messages are signed and verified. signMethod 01 (RSA with certificates) today; signMethod 02 (SM2/SM3) would
 * be another implementation of this.
 */
export interface UnionpaySigner {
  readonly signMethod: string;
  /** The merchant certificate's id sent as certId. */
  readonly certId: string;
  sign(fields: UnionpayFields): string;
  /** Why the message's signature cannot be trusted, or undefined when it holds. */
  problem(
    fields: UnionpayFields,
    now: Date,
  ): { reason: 'certificate_untrusted' | 'bad_signature'; message: string } | undefined;
}

/** Checks that `signPubKeyCert` was issued by the configured intermediate, itself issued by the root, and is current. */
export class UnionpayCertificateTrust {
  private readonly root: X509Certificate;
  private readonly middle: X509Certificate;
  private readonly trusted = new Map<string, X509Certificate>();

  constructor(rootCertPem: string, middleCertPem: string) {
    this.root = readSetting('unionpay', '根证书', () => new X509Certificate(rootCertPem));
    this.middle = readSetting('unionpay', '中级证书', () => new X509Certificate(middleCertPem));
  }

  /** The certificate when it is trusted now; otherwise why not. */
  check(pem: string, now: Date): X509Certificate | string {
    let certificate = this.trusted.get(pem);
    if (!certificate) {
      try {
        certificate = new X509Certificate(pem);
      } catch {
        return '签名证书无法解析';
      }
      if (!certificate.checkIssued(this.middle) || !certificate.verify(this.middle.publicKey)) {
        return '签名证书不是由渠道设置中的中级证书签发的';
      }
      if (!this.middle.checkIssued(this.root) || !this.middle.verify(this.root.publicKey)) {
        return '渠道设置中的中级证书不是由根证书签发的';
      }
      if (!certificate.subject.includes(UNIONPAY_SIGNER_NAME)) return '签名证书不属于中国银联';
      this.trusted.set(pem, certificate);
    }
    for (const issued of [certificate, this.middle, this.root]) {
      if (now < new Date(issued.validFrom) || now > new Date(issued.validTo)) return '证书不在有效期内';
    }
    return certificate;
  }
}

export function rsaUnionpaySigner(account: UnionpayAccount): UnionpaySigner {
  const privateKey = readSetting('unionpay', '签名私钥', () => createPrivateKey(account.secrets.signPrivateKeyPem));
  const trust = new UnionpayCertificateTrust(account.settings.rootCertPem, account.settings.middleCertPem);
  return {
    signMethod: '01',
    certId: account.settings.certId,
    sign: (fields) => signUnionpay(fields, privateKey),
    problem(fields, now) {
      if (fields.signMethod !== '01') {
        return { reason: 'bad_signature', message: `不接受签名方法 ${fields.signMethod ?? '（无）'}（只接受 01）` };
      }
      const pem = fields.signPubKeyCert;
      if (!pem) return { reason: 'certificate_untrusted', message: '报文缺少签名证书 signPubKeyCert' };
      const certificate = trust.check(pem, now);
      if (typeof certificate === 'string') return { reason: 'certificate_untrusted', message: certificate };
      if (!verifyUnionpaySignature(fields, certificate)) return { reason: 'bad_signature', message: '签名验证失败' };
      return undefined;
    },
  };
}

// ---- Messages ----

/**
 * Reads `k=v&k=v`. Answers from backTransReq/queryTrans are not URL-encoded and may hold `{…}` values with `&`
 * inside; form posts (notifications) are URL-encoded. The caller tells which.
 */
export function parseUnionpayMessage(text: string, urlEncoded: boolean): UnionpayFields | undefined {
  const fields: UnionpayFields = {};
  if (urlEncoded) {
    for (const [key, value] of new URLSearchParams(text)) {
      if (key in fields) return undefined;
      fields[key] = value;
    }
    return Object.keys(fields).length > 0 ? fields : undefined;
  }
  let depth = 0;
  let start = 0;
  const pairs: string[] = [];
  for (let index = 0; index <= text.length; index++) {
    const character = text[index];
    if (character === '{' || character === '[') depth++;
    else if ((character === '}' || character === ']') && depth > 0) depth--;
    else if ((character === '&' && depth === 0) || index === text.length) {
      pairs.push(text.slice(start, index));
      start = index + 1;
    }
  }
  for (const pair of pairs) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) return undefined;
    const key = pair.slice(0, equals);
    if (key in fields) return undefined;
    fields[key] = pair.slice(equals + 1);
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

const RESPONSE_MESSAGES: Record<string, string> = {
  '01': '银联交易失败，请稍后重试',
  '02': '银联系统未开放或暂时关闭，请稍后重试',
  '03': '银联交易通讯超时，请稍后查询交易结果',
  '04': '银联交易状态未明，请稍后查询交易结果',
  '05': '银联已受理，请稍后查询交易结果',
  '06': '银联系统繁忙，请稍后重试',
  '10': '银联认为报文格式错误，请核对渠道设置',
  '11': '银联验签失败：请核对商户号、签名证书 certId 与签名私钥是否匹配',
  '12': '重复交易：该订单号已提交过银联',
  '13': '报文缺少银联要求的字段',
  '30': '交易未通过，请核对订单后重试',
  '31': '银联商户状态不正确，请联系银联客户经理',
  '32': '该商户没有此交易权限，请联系银联开通',
  '33': '交易金额超出银联的限额',
  '34': '银联查无此交易：付款人尚未提交支付，或订单号/订单时间有误',
  '35': '原交易不存在或状态不正确，无法退款',
  '36': '与原交易信息不符（金额或商户不一致）',
  '37': '查询过于频繁，请稍后再查',
  '38': '银联风险受限，请联系银联',
  '39': '交易不在银联受理时间范围内',
  '61': '卡号无效，请更换银行卡',
  '65': '银行卡余额不足',
  '98': '银联文件不存在（该日无交易，或对账文件尚未生成）',
  '99': '银联通用错误，请稍后重试',
};

function unionpayError(respCode: string, respMsg: string | undefined): ChannelError {
  const known = RESPONSE_MESSAGES[respCode];
  const said = respMsg ? `（银联：${respMsg.slice(0, 200)}）` : '';
  return new ChannelError('unionpay', respCode, known ? `${known}${said}` : `银联返回错误 ${respCode}${said}`);
}

/** Refusals whose signature held: only these may be read as facts ("no such transaction"), not just as failures. */
const verifiedRefusals = new WeakSet<ChannelError>();
const isVerified = (error: unknown): error is ChannelError =>
  error instanceof ChannelError && verifiedRefusals.has(error);

/**
 * A query names the original by orderId and txnTime; our order numbers carry their creation time
 * (letters, then yyyyMMddHHmmss, then digits), so the txnTime is read back from the number.
 */
export function txnTimeOfOrderNo(orderNo: string): string | undefined {
  const match = orderNo.match(/^[A-Za-z]*(\d{14})/);
  return match && parseBeijing(match[1]) ? match[1] : undefined;
}

/** traceTime is MMDDhhmmss; its year is the order's (or the one before, across New Year). */
function paidAtOf(fields: UnionpayFields, fallback: Date): Date {
  const txnTime = fields.txnTime;
  const traceTime = fields.traceTime;
  if (txnTime && traceTime && /^\d{10}$/.test(traceTime)) {
    let year = Number(txnTime.slice(0, 4));
    if (traceTime.slice(0, 4) < txnTime.slice(4, 8)) year += 1;
    const paidAt = parseBeijing(`${year}${traceTime}`);
    if (paidAt) return paidAt;
  }
  return parseBeijing(txnTime) ?? fallback;
}

export interface UnionpayAdapterOptions {
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  signer?: UnionpaySigner;
  clock?: () => Date;
  /**
   * Where the settlement file is asked for: the real gateway serves file transfer from
   * https://filedownload.95516.com/; elsewhere (the simulator) it is `${baseUrl}/fileTransReq.do`.
   */
  fileTransferUrl?: string;
}

export class UnionpayAdapter implements ChannelAdapter {
  readonly provider = 'unionpay' as const;
  readonly merchantId: string;
  private readonly signer: UnionpaySigner;
  private readonly wire: WireOptions;
  private readonly clock: () => Date;
  private readonly baseUrl: string;
  private readonly fileTransferUrl: string;

  constructor(account: UnionpayAccount, options: UnionpayAdapterOptions = {}) {
    this.merchantId = account.settings.merId;
    this.signer = options.signer ?? rsaUnionpaySigner(account);
    this.wire = wireOptions(options);
    this.clock = options.clock ?? (() => new Date());
    this.baseUrl = account.settings.baseUrl.replace(/\/+$/, '');
    this.fileTransferUrl =
      options.fileTransferUrl ??
      (new URL(this.baseUrl).host === 'gateway.95516.com'
        ? 'https://filedownload.95516.com/'
        : `${this.baseUrl}/fileTransReq.do`);
  }

  /** The common fields, certId, and the signature. */
  signed(fields: UnionpayFields): UnionpayFields {
    const message: UnionpayFields = {
      version: ACP_VERSION,
      encoding: 'UTF-8',
      signMethod: this.signer.signMethod,
      certId: this.signer.certId,
      accessType: '0',
      merId: this.merchantId,
      ...fields,
    };
    return { ...message, signature: this.signer.sign(message) };
  }

  /** One back-channel call: the verified answer with respCode 00, or the channel's error thrown. */
  private async post(url: string, fields: UnionpayFields): Promise<UnionpayFields> {
    const response = await callChannel('unionpay', this.wire, url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams(this.signed(fields)).toString(),
    });
    if (response.status !== 200) {
      throw new ChannelError(
        'unionpay',
        `HTTP_${response.status}`,
        `银联网关应答 HTTP ${response.status}，请稍后重试`,
        response.status,
      );
    }
    const text = response.body.toString('utf8').trim();
    // Answers are plain k=v&…; a gateway (or a proxy) that URL-encodes them is read the other way. The signature
    // decides which reading is the one that was signed.
    const readings = [parseUnionpayMessage(text, false), parseUnionpayMessage(text, true)].filter(
      (fields): fields is UnionpayFields => fields !== undefined,
    );
    if (readings.length === 0 || !readings[0]!.respCode) throw untrustedResponse('unionpay', '无法解析');
    const now = this.clock();
    const verified = readings.find((fields) => fields.signature && this.signer.problem(fields, now) === undefined);
    const answer = verified ?? readings[0]!;
    if (answer.signature && !verified) {
      throw untrustedResponse('unionpay', this.signer.problem(answer, now)?.message ?? '签名验证失败');
    }
    if (answer.respCode === '00') {
      if (!verified) throw untrustedResponse('unionpay', '没有签名');
      if (answer.merId && answer.merId !== this.merchantId)
        throw untrustedResponse('unionpay', '的商户号与渠道设置不一致');
      return answer;
    }
    const error = unionpayError(answer.respCode ?? 'UNKNOWN', answer.respMsg);
    if (verified) verifiedRefusals.add(error);
    throw error;
  }

  private txnTimeFor(orderNo: string): string {
    const txnTime = txnTimeOfOrderNo(orderNo);
    if (!txnTime) {
      throw new ChannelError(
        'unionpay',
        'TXN_TIME_UNKNOWN',
        `订单号 ${orderNo} 不含下单时间（字母后接 yyyyMMddHHmmss），无法向银联查询该订单`,
      );
    }
    return txnTime;
  }

  // ---- Orders ----

  async createOrder(input: CreateOrderInput): Promise<PayAction> {
    if (input.channel !== 'unionpay') {
      throw new ChannelError('unionpay', 'CHANNEL_UNSUPPORTED', `银联不支持「${input.channel}」这种付款方式`);
    }
    const fields = this.signed({
      txnType: '01',
      txnSubType: '01',
      bizType: BIZ_TYPE,
      channelType: input.mobile ? '08' : '07',
      orderId: input.orderNo,
      txnTime: txnTimeOfOrderNo(input.orderNo) ?? beijingCompact(this.clock()),
      txnAmt: String(input.amountFen),
      currencyCode: '156',
      // The browser comes back by a form POST of the signed result, so returnUrl is AssetPay's front endpoint
      // (/notify/unionpay/front), which checks it and sends the tenant on to the result page.
      frontUrl: input.returnUrl,
      backUrl: input.notifyUrl,
      payTimeout: beijingCompact(input.expiresAt),
      ...(input.attach ? { reqReserved: input.attach } : {}),
    });
    return { kind: 'form', payForm: { action: `${this.baseUrl}/frontTransReq.do`, method: 'POST', fields } };
  }

  private async queryTransaction(orderNo: string): Promise<UnionpayFields | undefined> {
    try {
      return await this.post(`${this.baseUrl}/queryTrans.do`, {
        txnType: '00',
        txnSubType: '00',
        bizType: '000000',
        orderId: orderNo,
        txnTime: this.txnTimeFor(orderNo),
      });
    } catch (error) {
      if (isVerified(error) && error.code === '34') return undefined;
      throw error;
    }
  }

  async queryOrder(orderNo: string): Promise<ChannelOrderState> {
    const answer = await this.queryTransaction(orderNo);
    // Until the payer submits the card page, UnionPay has no transaction under the order number.
    if (!answer) return { state: 'not_found' };
    switch (answer.origRespCode) {
      case '00': {
        const amountFen = integerFen(answer.txnAmt);
        if (!answer.queryId || amountFen === undefined) throw untrustedResponse('unionpay', '缺少交易流水号或金额');
        return {
          state: 'paid',
          transactionId: answer.queryId,
          amountFen,
          paidAt: paidAtOf(answer, this.clock()),
          merchantId: answer.merId ?? this.merchantId,
        };
      }
      case '03':
      case '04':
      case '05':
        return { state: 'unpaid' };
      default:
        return { state: 'failed', reason: answer.origRespMsg ?? `银联原交易应答码 ${answer.origRespCode ?? '（无）'}` };
    }
  }

  /**
   * UnionPay has no "close" for an unpaid consumption: payTimeout ends it. Closing checks that it was not paid.
   */
  async closeOrder(orderNo: string): Promise<void> {
    const state = await this.queryOrder(orderNo);
    if (state.state === 'paid' || state.state === 'refunded') {
      throw new ChannelError('unionpay', 'ORDER_PAID', '该订单已在银联付款，不能关闭；请以付款入账为准');
    }
  }

  // ---- Refunds ----

  async refund(input: RefundInput): Promise<RefundState> {
    const answer = await this.post(`${this.baseUrl}/backTransReq.do`, {
      txnType: '04',
      txnSubType: '00',
      bizType: BIZ_TYPE,
      channelType: '07',
      orderId: input.refundNo,
      origQryId: input.transactionId,
      txnTime: txnTimeOfOrderNo(input.refundNo) ?? beijingCompact(this.clock()),
      txnAmt: String(input.amountFen),
      currencyCode: '156',
      backUrl: input.notifyUrl,
    });
    // respCode 00 means accepted; the result comes by notification or query.
    return { state: 'processing', refundId: answer.queryId ?? input.refundNo };
  }

  async queryRefund(refundNo: string, _orderNo: string): Promise<RefundState> {
    const answer = await this.queryTransaction(refundNo);
    if (!answer) return { state: 'not_found' };
    switch (answer.origRespCode) {
      case '00': {
        const amountFen = integerFen(answer.txnAmt);
        if (!answer.queryId || amountFen === undefined) throw untrustedResponse('unionpay', '缺少退款流水号或金额');
        return { state: 'succeeded', refundId: answer.queryId, amountFen, succeededAt: paidAtOf(answer, this.clock()) };
      }
      case '03':
      case '04':
      case '05':
        return { state: 'processing', refundId: answer.queryId ?? refundNo };
      default:
        return { state: 'failed', reason: answer.origRespMsg ?? `银联原交易应答码 ${answer.origRespCode ?? '（无）'}` };
    }
  }

  // ---- Notifications ----

  verifyNotification(notification: IncomingNotification, now: Date): VerifiedNotification {
    const fields = parseUnionpayMessage(notification.rawBody.toString('utf8'), true);
    if (!fields?.signature) throw new NotificationRejected('malformed', '通知不是银联的表单通知（缺少 signature）');
    const problem = this.signer.problem(fields, now);
    if (problem) throw new NotificationRejected(problem.reason, `银联通知${problem.message}`);
    if (fields.merId !== this.merchantId) {
      throw new NotificationRejected('unknown_merchant', `通知的商户号 ${fields.merId ?? '（无）'} 与渠道设置不一致`);
    }
    const detail: Record<string, string> = {
      txnType: fields.txnType ?? '',
      respCode: fields.respCode ?? '',
      ...(fields.settleDate ? { settleDate: fields.settleDate } : {}),
      ...(fields.traceNo ? { traceNo: fields.traceNo } : {}),
    };
    if (fields.respCode !== '00') return { kind: 'ignored', detail };
    const amountFen = integerFen(fields.txnAmt);
    if (!fields.orderId || !fields.queryId || amountFen === undefined) {
      throw new NotificationRejected('malformed', '通知缺少订单号、交易流水号或金额');
    }
    if (fields.txnType === '01') {
      return {
        kind: 'payment',
        orderNo: fields.orderId,
        transactionId: fields.queryId,
        amountFen,
        merchantId: fields.merId,
        paidAt: paidAtOf(fields, now),
        detail,
      };
    }
    if (fields.txnType === '04') {
      return {
        kind: 'refund',
        orderNo: fields.origOrderId ?? '',
        refundNo: fields.orderId,
        refundId: fields.queryId,
        transactionId: fields.origQryId ?? '',
        amountFen,
        succeeded: true,
        merchantId: fields.merId,
        at: paidAtOf(fields, now),
        detail,
      };
    }
    return { kind: 'ignored', detail };
  }

  acknowledge(): ChannelAnswer {
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ok' };
  }

  refuse(status: number, message: string): ChannelAnswer {
    return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: message };
  }

  // ---- Statement ----

  /** The day's settlement file (fileType 00, settleDate MMDD): the zip the gateway sends deflated in fileContent. */
  async fetchStatement(date: string): Promise<StatementFile> {
    const match = date.match(/^\d{4}-(\d{2})-(\d{2})$/);
    if (!match) throw new ChannelError('unionpay', 'BAD_DATE', `对账日期 ${date} 须为 yyyy-MM-dd`);
    const answer = await this.post(this.fileTransferUrl, {
      txnType: '76',
      txnSubType: '01',
      bizType: '000000',
      settleDate: `${match[1]}${match[2]}`,
      txnTime: beijingCompact(this.clock()),
      fileType: '00',
    });
    if (!answer.fileContent) throw untrustedResponse('unionpay', '缺少文件内容');
    // The gateway answers with the whole file in one form field: it is in memory already, and spooled like the others.
    const packed = Buffer.from(answer.fileContent, 'base64');
    return spoolStatement({ provider: 'unionpay', date, format: 'unionpay_text' }, inflated(packed));
  }
}

/** fileContent is the file deflated (zlib-wrapped by the gateway's Java SDK); raw deflate and plain are accepted. */
function inflated(packed: Buffer): Buffer {
  for (const inflate of [inflateSync, inflateRawSync]) {
    try {
      return inflate(packed);
    } catch {
      // try the next reading
    }
  }
  return packed;
}

export const unionpayModule: ProviderModule<'unionpay'> = {
  provider: 'unionpay',
  notifyIdentityOf: (notification) => {
    const merId = new URLSearchParams(notification.rawBody.toString('utf8')).get('merId');
    return merId || undefined;
  },
  notifyIdentity: (settings) => settings.merId,
  adapter: (account, options) => new UnionpayAdapter(account, options),
};
