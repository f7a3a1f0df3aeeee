// Staging a statement on PGlite and PostgreSQL: the lines loaded by COPY are exactly the parsed lines, the same file
// again answers the earlier run without loading anything, a damaged file leaves nothing behind, and an uploaded file
// (gzipped or not) is recognised as the same file.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/app.ts';
import { queryRows, sql } from '../../db/client.ts';
import { copyRows } from '../../db/copy.ts';
import { AppError } from '../../http/problem.ts';
import type { Actor } from '../audit/service.ts';
import { statementBytes } from '../payments/channels/statement-file.ts';
import { stageStatement, statementFileFrom } from './staging.ts';

let t: TestDatabase;
let actor: Actor & { orgId: string };
const deps = () => ({ db: t.database.orm });

beforeAll(async () => {
  t = await openTestDatabase();
  const [org] = await queryRows<{ id: string }>(
    t.database.orm,
    sql`INSERT INTO orgs (code, name) VALUES ('STAGE', '导入测试公司') RETURNING id`,
  );
  actor = { kind: 'system', orgId: org!.id, id: null, name: '对账测试', ip: null, userAgent: null };
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';

/** A WeChat trade bill of `payments` lines (order i pays i yuan) and one refund, tied out in its summary row. */
function tradeBill(payments: number): string {
  const cells = (values: string[]) => values.map((value) => `\`${value}`).join(',');
  const rows = [HEADER];
  let paidFen = 0;
  for (let i = 1; i <= payments; i += 1) {
    paidFen += i * 100;
    rows.push(
      cells([
        '2026-05-01 10:00:00',
        'wxapp',
        '1900000109',
        '0',
        '',
        `4200${String(i).padStart(10, '0')}`,
        `APSTAGE${i}`,
        'openid',
        'NATIVE',
        'SUCCESS',
        'OTHERS',
        'CNY',
        `${i}.00`,
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        '租金',
        '',
        `${(i * 0.006).toFixed(5)}`,
        '0.60%',
        `${i}.00`,
        '0.00',
        '',
      ]),
    );
  }
  rows.push(
    cells([
      '2026-05-01 23:59:59',
      'wxapp',
      '1900000109',
      '0',
      '',
      '42000000000001',
      'APSTAGE1',
      'openid',
      'NATIVE',
      'REFUND',
      'OTHERS',
      'CNY',
      '0.00',
      '0.00',
      '50300000001',
      'RFSTAGE1',
      '0.50',
      '0.00',
      'ORIGINAL',
      'SUCCESS',
      '租金',
      '',
      '-0.00300',
      '0.60%',
      '0.00',
      '0.50',
      '',
    ]),
  );
  rows.push('总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额');
  rows.push(cells([String(payments + 1), '0', '0.50', '0.00', '0', (paidFen / 100).toFixed(2), '0.50']));
  return `${rows.join('\r\n')}\r\n`;
}

const meta = (date: string) => ({ provider: 'wechatpay' as const, date, format: 'wechat_csv' as const });

async function lines(runId: string) {
  return queryRows<Record<string, string | number | null>>(
    t.database.orm,
    sql`SELECT line_no::int AS "lineNo", kind, transaction_id AS "transactionId", order_no AS "orderNo",
               refund_no AS "refundNo", original_transaction_id AS "originalTransactionId",
               amount_fen::int AS "amountFen", fee_fen::int AS "feeFen",
               to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS "occurredAt", outcome
          FROM reconciliation_lines WHERE run_id = ${runId} ORDER BY line_no`,
  );
}

describe('stageStatement', () => {
  it('loads every parsed line by COPY, exactly, in file order', async () => {
    const file = await statementFileFrom(meta('2026-05-01'), Buffer.from(tradeBill(120_000 / 1000), 'utf8'));
    try {
      const staged = await stageStatement(deps(), actor, file);
      expect(staged.fresh).toBe(true);
      const rows = await lines(staged.run.id);
      expect(rows).toHaveLength(121);
      expect(rows[0]).toEqual({
        lineNo: 1,
        kind: 'payment',
        transactionId: '42000000000001',
        orderNo: 'APSTAGE1',
        refundNo: null,
        originalTransactionId: null,
        amountFen: 100,
        feeFen: 1,
        occurredAt: '2026-05-01 02:00:00',
        outcome: null,
      });
      expect(rows[119]).toMatchObject({ lineNo: 120, orderNo: 'APSTAGE120', amountFen: 12_000, feeFen: 72 });
      expect(rows[120]).toEqual({
        lineNo: 121,
        kind: 'refund',
        transactionId: '50300000001',
        orderNo: 'APSTAGE1',
        refundNo: 'RFSTAGE1',
        originalTransactionId: '42000000000001',
        amountFen: 50,
        feeFen: 0,
        occurredAt: '2026-05-01 15:59:59',
        outcome: null,
      });
    } finally {
      await file.dispose();
    }
  });

  it('loads the same lines a slice at a time as in one piece', async () => {
    const bill = Buffer.from(tradeBill(120), 'utf8');
    const whole = await statementFileFrom(meta('2026-05-07'), bill);
    const sliced = await statementFileFrom(meta('2026-05-07'), Buffer.concat([bill, Buffer.from('\r\n')]));
    try {
      const once = await stageStatement(deps(), actor, whole);
      const inSevens = await stageStatement(deps(), actor, sliced, undefined, { sliceLines: 7 });
      expect(inSevens.run.id).not.toBe(once.run.id);
      const loaded = await lines(inSevens.run.id);
      expect(loaded).toHaveLength(121);
      expect(loaded).toEqual(await lines(once.run.id));
    } finally {
      await whole.dispose();
      await sliced.dispose();
    }
  });

  it('answers the earlier run for the same file, gzipped or not, and loads nothing again', async () => {
    const csv = Buffer.from(tradeBill(3), 'utf8');
    const plain = await statementFileFrom(meta('2026-05-02'), csv);
    const gzipped = await statementFileFrom(meta('2026-05-02'), gzipSync(csv));
    try {
      expect(gzipped.fileHash).toBe(plain.fileHash);
      expect(await statementBytes(gzipped)).toEqual(csv);
      let matched = 0;
      const first = await stageStatement(deps(), actor, plain, async () => {
        matched += 1;
      });
      const again = await stageStatement(deps(), actor, gzipped, async () => {
        matched += 1;
      });
      expect(first.fresh).toBe(true);
      expect(again).toMatchObject({ fresh: false, run: { id: first.run.id } });
      expect(matched).toBe(1);
      expect(await lines(first.run.id)).toHaveLength(4);
    } finally {
      await plain.dispose();
      await gzipped.dispose();
    }
  });

  it('refuses a file that does not tie out and keeps neither the run nor any line', async () => {
    const text = tradeBill(5_000).replace(/\r\n`2026-05-01 10:00:00,[^\r]*APSTAGE4999,[^\r]*/, '');
    const file = await statementFileFrom(meta('2026-05-03'), Buffer.from(text, 'utf8'));
    try {
      const error = await stageStatement(deps(), actor, file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 422, key: 'reconciliation_statement_malformed' });
      const [left] = await queryRows<{ runs: string; lines: string }>(
        t.database.orm,
        sql`SELECT (SELECT count(*) FROM reconciliation_runs WHERE org_id = ${actor.orgId}
                       AND statement_date = '2026-05-03') AS runs,
                   (SELECT count(*) FROM reconciliation_lines l JOIN reconciliation_runs r ON r.id = l.run_id
                     WHERE r.org_id = ${actor.orgId} AND r.statement_date = '2026-05-03') AS lines`,
      );
      expect([Number(left!.runs), Number(left!.lines)]).toEqual([0, 0]);
    } finally {
      await file.dispose();
    }
  });

  it('marks a payment an earlier run of another file settled as settled_before, and only then', async () => {
    const [tenant] = await queryRows<{ id: string }>(
      t.database.orm,
      sql`INSERT INTO tenants (org_id, code, kind, name, credit_code, phone_enc, phone_index)
          VALUES (${actor.orgId}, 'ST000001', 'enterprise', '导入测试企业', '910000000000000009', 'v1:t', 't')
          RETURNING id`,
    );
    for (let i = 1; i <= 3; i += 1) {
      const [payment] = await queryRows<{ id: string }>(
        t.database.orm,
        sql`INSERT INTO payments (org_id, number, tenant_id, method, amount_fen, received_on, reference,
                                  payment_order_no)
            VALUES (${actor.orgId}, ${`PST${i}`}, ${tenant!.id}, 'wechatpay', ${i * 100}, '2026-05-06',
                    ${`4200${String(i).padStart(10, '0')}`}, ${`APSTAGE${i}`})
            RETURNING id`,
      );
      await t.database.orm.execute(sql`
        INSERT INTO payment_orders (org_id, order_no, provider, channel, tenant_id, amount_fen, priced_on, status,
                                    description, merchant_id, created_via, expires_at, transaction_id, paid_at,
                                    payment_id)
        VALUES (${actor.orgId}, ${`APSTAGE${i}`}, 'wechatpay', 'wechat_native', ${tenant!.id}, ${i * 100},
                '2026-05-06', 'succeeded', '租金', '1900000109', 'portal', '2026-05-07T00:00:00+08:00',
                ${`4200${String(i).padStart(10, '0')}`}, '2026-05-06T10:00:00+08:00', ${payment!.id})`);
    }
    const outcomes = async (runId: string) => (await lines(runId)).map((line) => line.outcome);
    // Another day's file first: its ids lie elsewhere, so nothing of it can count as settled before.
    const otherDay = await statementFileFrom(
      meta('2026-05-05'),
      Buffer.from(tradeBill(3).replaceAll('`4200000000000', '`4100000000000'), 'utf8'),
    );
    const first = await statementFileFrom(meta('2026-05-06'), Buffer.from(tradeBill(3), 'utf8'));
    const second = await statementFileFrom(
      meta('2026-05-06'),
      Buffer.from(tradeBill(3).replaceAll('`wxapp,', '`wxapp2,'), 'utf8'),
    );
    try {
      await stageStatement(deps(), actor, otherDay);
      const firstRun = (await stageStatement(deps(), actor, first)).run;
      expect(await outcomes(firstRun.id)).toEqual(['matched', 'matched', 'matched', null]);
      // The same payments in another file of that day: the first run settles them, this one must not again.
      // A line at a time: each slice is matched as it goes in, and the earlier settlement is seen in any slice.
      const secondRun = (await stageStatement(deps(), actor, second, undefined, { sliceLines: 1 })).run;
      expect(secondRun.id).not.toBe(firstRun.id);
      expect(await outcomes(secondRun.id)).toEqual(['settled_before', 'settled_before', 'settled_before', null]);
    } finally {
      await otherDay.dispose();
      await first.dispose();
      await second.dispose();
    }
  });

  it('refuses an empty upload, an Alipay file that is not a zip, and a gzip that does not unzip', async () => {
    await expect(statementFileFrom(meta('2026-05-04'), new Uint8Array(0))).rejects.toMatchObject({ status: 422 });
    await expect(
      statementFileFrom({ provider: 'alipay', date: '2026-05-04', format: 'alipay_zip' }, Buffer.from('a,b\n')),
    ).rejects.toMatchObject({ status: 422 });
    const broken = gzipSync(Buffer.from(tradeBill(2))).subarray(0, 30);
    await expect(statementFileFrom(meta('2026-05-04'), broken)).rejects.toMatchObject({ status: 422 });
  });
});

describe('copyRows', () => {
  it('loads text with tabs, new lines, backslashes and nulls unchanged, inside the caller transaction', async () => {
    const values = ['plain', 'tab\there', 'line\nbreak\r\n', 'back\\slash \\N', '', null, '中文，全角'];
    const loaded = await t.database.orm.transaction(async (tx) => {
      await tx.execute(sql`CREATE TEMP TABLE copy_probe (n integer, value text, at timestamptz) ON COMMIT DROP`);
      const at = new Date('2026-05-01T02:03:04.567Z');
      const count = await copyRows(
        tx,
        'copy_probe',
        ['n', 'value', 'at'],
        values.map((value, n) => [n, value, at]),
      );
      const rows = await queryRows<{ n: number; value: string | null; at: Date | string }>(
        tx,
        sql`SELECT n, value, at FROM copy_probe ORDER BY n`,
      );
      return { count, rows };
    });
    expect(loaded.count).toBe(values.length);
    expect(loaded.rows.map((row) => row.value)).toEqual(values);
    expect(new Date(loaded.rows[0]!.at).toISOString()).toBe('2026-05-01T02:03:04.567Z');
  });

  it('an error while the rows are produced aborts the load and reaches the caller as it was thrown', async () => {
    class Producing extends Error {}
    async function* rows() {
      yield [1, 'first', null];
      throw new Producing('stop');
    }
    await expect(
      t.database.orm.transaction(async (tx) => {
        await tx.execute(sql`CREATE TEMP TABLE copy_abort (n integer, value text, at timestamptz) ON COMMIT DROP`);
        await copyRows(tx, 'copy_abort', ['n', 'value', 'at'], rows());
      }),
    ).rejects.toBeInstanceOf(Producing);
    // The connection is usable afterwards.
    const [row] = await queryRows<{ one: number }>(t.database.orm, sql`SELECT 1 AS one`);
    expect(Number(row!.one)).toBe(1);
  });
});
