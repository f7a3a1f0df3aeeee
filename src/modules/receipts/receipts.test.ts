import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { issueBill, makeContract } from '../../../test/helpers/collections.ts';
import { pdfText } from '../../../test/helpers/pdf-text.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import { chineseAmount } from '../../domain/chinese-amount.ts';
import { formatYuan } from '../../domain/money.ts';
import { type Actor, systemActor } from '../audit/service.ts';
import { applyPayment } from '../collections/service.ts';
import { receiptsService } from './service.ts';

let t: TestApp;
let actor: Actor;
const today = chinaDate(new Date());
const year = Number(today.slice(0, 4));
const tag = () => randomBytes(3).toString('hex').toUpperCase();

/** An individual tenant with a contract and one bill of `amountFen`, due ten days ago. */
async function tenantWithBill(name: string, amountFen: number) {
  const [tenant] = await queryRows<{ id: string }>(
    t.database.orm,
    sql`INSERT INTO tenants (org_id, code, kind, name, id_number_enc, id_number_index, phone_enc, phone_index)
        VALUES (${t.orgId}, ${`R${tag()}`}, 'individual', ${name}, 'v1:test', ${`idx-${tag()}`}, 'v1:test',
                ${`ph-${tag()}`})
        RETURNING id`,
  );
  const contractId = await makeContract(t.database.orm, t.orgId, tenant!.id, null);
  const bill = await issueBill(t.database.orm, t.orgId, {
    contractId,
    tenantId: tenant!.id,
    dueDate: addDays(today, -10),
    amountFen,
    lateFee: null,
  });
  return { tenantId: tenant!.id, bill };
}

/** Pays the bill by WeChat Pay and issues the receipt in the payment's transaction, as the posting does. */
function payWithReceipt(tenantId: string, billId: string, amountFen: number, reference: string) {
  return t.database.orm.transaction(async (tx) => {
    const { payment } = await applyPayment(tx, actor, {
      orgId: t.orgId,
      tenantId,
      amountFen,
      receivedOn: today,
      method: 'wechatpay',
      reference,
      billIds: [billId],
      paymentOrderNo: `AP${Date.now()}${tag()}`,
      debitPurpose: 'clearing_wechatpay',
    });
    return { payment, receipt: await receiptsService.issueFor(tx, actor, payment) };
  });
}

beforeAll(async () => {
  t = await createTestApp();
  actor = { ...systemActor, orgId: t.orgId, name: 'wechatpay' };
});
afterAll(() => t.close());

describe('receipt numbers (收据编号)', () => {
  it('are SJ-{year}-{000001} and skip nothing when a payment transaction rolls back', async () => {
    const first = await tenantWithBill('编号甲', 10_000);
    const second = await tenantWithBill('编号乙', 20_000);
    const { receipt: one } = await payWithReceipt(first.tenantId, first.bill.id, 10_000, `WX${tag()}`);
    expect(one.number).toMatch(new RegExp(`^SJ-${year}-\\d{6}$`));
    expect(one.verifyCode).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // A posting that fails after its receipt was numbered takes the number back with it.
    await expect(
      t.database.orm.transaction(async (tx) => {
        const { payment } = await applyPayment(tx, actor, {
          orgId: t.orgId,
          tenantId: second.tenantId,
          amountFen: 20_000,
          receivedOn: today,
          method: 'wechatpay',
          reference: `WX${tag()}`,
          billIds: [second.bill.id],
          debitPurpose: 'clearing_wechatpay',
        });
        const receipt = await receiptsService.issueFor(tx, actor, payment);
        expect(receipt.sequence).toBe(one.sequence + 1);
        throw new Error('the channel answer could not be stored');
      }),
    ).rejects.toThrow('the channel answer could not be stored');

    const { receipt: two } = await payWithReceipt(second.tenantId, second.bill.id, 20_000, `WX${tag()}`);
    expect(two.sequence).toBe(one.sequence + 1);
    expect(two.number).toBe(`SJ-${year}-${String(one.sequence + 1).padStart(6, '0')}`);
    const [audit] = await queryRows<{ count: string }>(
      t.database.orm,
      sql`SELECT count(*) AS count FROM audit_log WHERE action = 'receipt.issue' AND entity_id = ${two.id}`,
    );
    expect(Number(audit!.count)).toBe(1);
  });
});

describe('the receipt PDF and list for staff', () => {
  it('shows org, number, date, payer, the bills, the amount in figures and 大写, method and transaction number', async () => {
    const { tenantId, bill } = await tenantWithBill('王小明', 1_234_567);
    const reference = `4200${tag()}${tag()}`;
    const { receipt, payment } = await payWithReceipt(tenantId, bill.id, 1_234_567, reference);

    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/receipts/${receipt.id}/pdf`,
      headers: await t.as('caiwu'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.rawPayload.length).toBeLessThan(200 * 1024);
    const text = pdfText(response.rawPayload);
    const [org] = await queryRows<{ name: string }>(t.database.orm, sql`SELECT name FROM orgs WHERE id = ${t.orgId}`);
    for (const expected of [
      org!.name,
      '收    据',
      `收据编号：${receipt.number}`,
      `收款日期：${today}`,
      '交款人：王小明',
      `收款编号：${payment.number}`,
      bill.number,
      '测试费用',
      `金额合计：¥${formatYuan(1_234_567, { grouping: true })}`,
      `人民币（大写）：${chineseAmount(1_234_567)}`,
      '收款方式：微信支付',
      `交易流水号：${reference}`,
      `支付订单号：${payment.paymentOrderNo}`,
      `${t.config.publicBaseUrl}/m/receipts/${receipt.verifyCode}`,
    ]) {
      expect(text).toContain(expected);
    }

    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/receipts?tenantId=${tenantId}`,
      headers: await t.as('caiwu'),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      total: 1,
      items: [
        {
          id: receipt.id,
          number: receipt.number,
          amountFen: 1_234_567,
          issuedOn: today,
          status: 'valid',
          tenantName: '王小明',
          paymentNumber: payment.number,
          method: 'wechatpay',
          reference,
        },
      ],
    });
    const byNumber = await t.app.inject({
      method: 'GET',
      url: `/api/v1/receipts?number=${receipt.number}`,
      headers: await t.as('caiwu'),
    });
    expect(byNumber.json().items.map((item: { id: string }) => item.id)).toEqual([receipt.id]);
  });

  it('is for staff with payment:read; a tenant session or no session is refused', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/receipts' })).statusCode).toBe(401);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/receipts/00000000-0000-4000-8000-000000000000/pdf',
      headers: await t.as('caiwu'),
    });
    expect(problemOf(missing)).toMatchObject({ status: 404, detail: '未找到收据' });
  });
});

describe('the public receipt check (the QR code)', () => {
  it('answers number, org, amount, date, status and method, with the payer masked and nothing personal', async () => {
    const { tenantId, bill } = await tenantWithBill('欧阳娜娜', 50_000);
    const { receipt } = await payWithReceipt(tenantId, bill.id, 50_000, `WX${tag()}`);
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/public/receipts/${receipt.verifyCode}` });
    expect(response.statusCode).toBe(200);
    const [org] = await queryRows<{ name: string }>(t.database.orm, sql`SELECT name FROM orgs WHERE id = ${t.orgId}`);
    expect(response.json()).toEqual({
      number: receipt.number,
      orgName: org!.name,
      amountFen: 50_000,
      issuedOn: today,
      status: 'valid',
      method: 'wechatpay',
      methodName: '微信支付',
      payerMasked: '欧***',
    });
    for (const secret of ['欧阳娜娜', tenantId, receipt.paymentId, receipt.id, bill.id]) {
      expect(response.body).not.toContain(secret);
    }
  });

  it('answers 404 for an unknown code', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/public/receipts/AAAAAAAAAAAAAAAAAAAAAA' });
    expect(problemOf(response)).toMatchObject({ status: 404, detail: '未找到收据' });
  });
});
