// The three statement parsers on files the channel simulators produce: payments and refunds with their fees, read by
// header name, totals tied out; a file cut short or altered is refused.
import { strToU8, unzipSync, zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../../domain/calendar.ts';
import { createSimulator, type Simulator } from '../../../simulators/index.ts';
import { generateChannelKeys } from '../../../simulators/keys.ts';
import { adapterFor } from '../../payments/channels/index.ts';
import { statementBytes } from '../../payments/channels/statement-file.ts';
import { injectFetch } from '../../payments/channels/testing.ts';
import type { ChannelAdapter, PayChannel, Provider, StatementFile } from '../../payments/channels/types.ts';
import { newOrderNo } from '../../payments/orders.ts';
import { type StatementLine, StatementMalformed, statementLines } from './index.ts';
import { slices, textLines, yuanToFen } from './lines.ts';

const keys = generateChannelKeys('http://sim.test');
let simulator: Simulator;
let fetchImpl: typeof fetch;
const adapter = (provider: Provider): ChannelAdapter => adapterFor(provider, keys.accounts[provider], { fetchImpl });

beforeAll(async () => {
  simulator = createSimulator({
    keys: keys.simulator.keys,
    merchants: [keys.simulator.merchant],
    publicUrl: 'http://sim.test',
    timeScale: 0.0001,
    feeRate: '0.006',
    deliver: async () => ({ status: 200, body: 'success' }),
  });
  await simulator.app.ready();
  fetchImpl = injectFetch(simulator.app);
});

async function paidOrder(channel: PayChannel, provider: Provider, amountFen: number) {
  const orderNo = newOrderNo();
  const action = await adapter(provider).createOrder({
    channel,
    orderNo,
    amountFen,
    description: '2026年5月租金',
    expiresAt: new Date(Date.now() + 30 * 60_000),
    notifyUrl: `https://assetpay.test/notify/${provider}`,
    returnUrl: 'https://assetpay.test/notify/unionpay/front',
    clientIp: '203.0.113.9',
    openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  });
  if (action.kind === 'form') {
    await simulator.app.inject({
      method: 'POST',
      url: new URL(action.payForm.action).pathname,
      payload: new URLSearchParams(action.payForm.fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  const paid = await simulator.app.inject({
    method: 'POST',
    url: `/_sim/${provider}/orders/${orderNo}/pay`,
    payload: '{}',
    headers: { 'content-type': 'application/json' },
  });
  expect(paid.statusCode, paid.body).toBe(200);
  await simulator.settled();
  const state = await adapter(provider).queryOrder(orderNo);
  if (state.state !== 'paid') throw new Error(`order ${orderNo} is ${state.state}`);
  return { orderNo, transactionId: state.transactionId };
}

const today = () => chinaDate(new Date());
const read = async (file: StatementFile) => {
  const lines: StatementLine[] = [];
  for await (const line of statementLines(file)) lines.push(line);
  return lines;
};
const fetched: StatementFile[] = [];
const fetchStatement = async (provider: Provider) => {
  const file = await adapter(provider).fetchStatement(today());
  fetched.push(file);
  return file;
};
afterEach(async () => {
  for (const file of fetched.splice(0)) await file.dispose();
});
/** The same statement with other bytes (a damaged copy). */
const withBytes = (file: StatementFile, bytes: Uint8Array): StatementFile => ({
  ...file,
  byteLength: bytes.length,
  chunks: () => slices(bytes, 7),
});
const fee = (fen: number) => Math.round(fen * 0.006);

describe.each([
  ['wechatpay', 'wechat_native'],
  ['alipay', 'alipay_qr'],
  ['unionpay', 'unionpay'],
] as const)('%s statement', (provider, channel) => {
  it('reads payments and a refund with their fees', async () => {
    const first = await paidOrder(channel, provider, 120_000);
    const second = await paidOrder(channel, provider, 33_333);
    const refund = await adapter(provider).refund({
      orderNo: second.orderNo,
      refundNo: newOrderNo().replace(/^AP/, 'RF'),
      transactionId: second.transactionId,
      amountFen: 10_000,
      totalFen: 33_333,
      reason: '多缴退还',
      notifyUrl: `https://assetpay.test/notify/${provider}`,
    });
    expect(refund.state).not.toBe('failed');
    await simulator.settled();

    const file = await fetchStatement(provider);
    const lines = await read(file);
    const byOrder = (orderNo: string) => lines.find((line) => line.kind === 'payment' && line.orderNo === orderNo);
    expect(byOrder(first.orderNo)).toMatchObject<Partial<StatementLine>>({
      transactionId: first.transactionId,
      kind: 'payment',
      amountFen: 120_000,
      feeFen: 720,
    });
    expect(byOrder(second.orderNo)).toMatchObject({ amountFen: 33_333, feeFen: fee(33_333) });
    expect(chinaDate(byOrder(first.orderNo)!.at)).toBe(today());
    const refunds = lines.filter(
      (line) => line.kind === 'refund' && line.originalTransactionId === second.transactionId,
    );
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amountFen: 10_000, feeFen: -60 });
  });
});

describe('a damaged statement', () => {
  it('WeChat: a detail row removed no longer ties out to the summary', async () => {
    await paidOrder('wechat_native', 'wechatpay', 5_000);
    const file = await fetchStatement('wechatpay');
    const rows = (await statementBytes(file)).toString('utf8').split('\r\n');
    const cut = Buffer.from([...rows.slice(0, 1), ...rows.slice(2)].join('\r\n'), 'utf8');
    await expect(read(withBytes(file, cut))).rejects.toThrow(StatementMalformed);
    const truncated = Buffer.from(rows.slice(0, 2).join('\r\n'), 'utf8');
    await expect(read(withBytes(file, truncated))).rejects.toThrow(/汇总/);
  });

  it('WeChat: read as bytes, a byte order mark is dropped, cells beyond ASCII are decoded whole, blank lines skipped', async () => {
    const paid = await paidOrder('wechat_native', 'wechatpay', 5_000);
    const file = await fetchStatement('wechatpay');
    const text = (await statementBytes(file)).toString('utf8');
    const renamedRows = text.replaceAll(paid.orderNo, '租金·甲１').split('\r\n');
    // Lines of spaces only, a no-break and a full-width one among them, are not detail rows.
    renamedRows.splice(1, 0, '\u00a0', ' \u3000 ', '\t');
    const renamed = Buffer.from(`\uFEFF${renamedRows.join('\r\n')}`, 'utf8');
    const asIssued = await read(withBytes(file, Buffer.from(text, 'utf8')));
    // Read 7 bytes at a time, and 1: the three-byte characters (and the mark) are cut across chunks.
    for (const size of [7, 1]) {
      const lines = await read({ ...withBytes(file, renamed), chunks: () => slices(renamed, size) });
      expect(lines).toHaveLength(asIssued.length);
      expect(lines.find((line) => line.transactionId === paid.transactionId)).toMatchObject({
        orderNo: '租金·甲１',
        amountFen: 5_000,
      });
    }
    const rows = text.split('\r\n');
    const at = rows.findIndex((row) => row.includes(paid.transactionId));
    rows[at] = rows[at]!.replaceAll('`50.00', '`５0.00');
    await expect(read(withBytes(file, Buffer.from(rows.join('\r\n'), 'utf8')))).rejects.toThrow('金额 "５0.00"');
  });

  it('Alipay: GBK text is decoded, and a file without its end marker is refused', async () => {
    await paidOrder('alipay_qr', 'alipay', 5_000);
    const file = await fetchStatement('alipay');
    const entries = unzipSync(await statementBytes(file));
    const [name, bytes] = Object.entries(entries).find(([entry]) => entry.endsWith('业务明细.csv'))!;
    const text = iconv.decode(Buffer.from(bytes), 'gbk');
    expect(text).toContain('支付宝交易号');
    const cut = text.replace(/#-+业务明细列表结束-+\r?\n/, '');
    const damaged = zipSync({ [name]: new Uint8Array(iconv.encode(cut, 'gbk')) });
    await expect(read(withBytes(file, damaged))).rejects.toThrow(/不完整/);
    await expect(read(withBytes(file, zipSync({ 'other.txt': strToU8('x') })))).rejects.toThrow(StatementMalformed);
    await expect(read(withBytes(file, Buffer.from('PK not a zip')))).rejects.toThrow(StatementMalformed);
  });
});

describe('textLines', () => {
  it('keeps characters whole when chunks cut them, in UTF-8 and GBK', async () => {
    const text = '\uFEFF交易时间,商户订单号\r\n`2026-05-01 10:00:00,`AP1\r\n最后一行';
    const collect = async (chunks: AsyncIterable<Uint8Array>, encoding: 'utf8' | 'gbk') => {
      const lines: string[] = [];
      for await (const line of textLines(chunks, encoding)) lines.push(line);
      return lines;
    };
    const expected = ['交易时间,商户订单号', '`2026-05-01 10:00:00,`AP1', '最后一行'];
    expect(await collect(slices(Buffer.from(text, 'utf8'), 1), 'utf8')).toEqual(expected);
    expect(await collect(slices(iconv.encode(text.slice(1), 'gbk'), 1), 'gbk')).toEqual(expected);
  });
});

describe('yuanToFen', () => {
  it('is exact and rounds digits past the fen half-up', () => {
    expect(yuanToFen('1200.00')).toBe(120_000);
    expect(yuanToFen('-0.07')).toBe(-7);
    expect(yuanToFen('3.60000')).toBe(360);
    expect(yuanToFen('0.00500')).toBe(1);
    expect(yuanToFen('0.1')).toBe(10);
    expect(() => yuanToFen('1e3')).toThrow(StatementMalformed);
  });
});
