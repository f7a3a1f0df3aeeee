import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFen } from '../../web/src/shared/money.ts';
import { launchBrowser, logIn } from '../helpers/browser.ts';
import { demoApi, IPHONE_USER_AGENT } from '../helpers/demo-api.ts';
import { startDemoServer } from '../helpers/demo-server.ts';
import type { RunningServer } from '../helpers/server.ts';

// A tenant pays three bills from a phone, one through each channel's (simulated) cashier page, and finance sees the
// money in the ledger. Every payment travels the real path: order → channel → signed notification → posting.

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDemoServer(), launchBrowser()]);
}, 200_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const { asStaff } = demoApi(() => server.url);

interface StaffBill {
  id: string;
  number: string;
  tenantId: string;
  status: string;
  payableFen: number;
}

interface Message {
  kind: string;
  body: string;
  createdAt: string;
}

interface JournalEntry {
  id: string;
  kind: string;
  lines?: { accountCode: string; debitFen: number; creditFen: number; billId: string | null }[];
}

/** A demo tenant with at least four bills to pay today, and its phone (revealed by admin, as staff would). */
async function tenantWithFourBills(): Promise<{ tenantId: string; phone: string; bills: StaffBill[] }> {
  const byTenant = new Map<string, StaffBill[]>();
  for (let pageNo = 1; pageNo <= 10; pageNo++) {
    const { items } = await asStaff<{ items: StaffBill[] }>(
      'caiwu',
      `/api/v1/bills?status=open&page=${pageNo}&pageSize=200`,
    );
    for (const bill of items) {
      if (bill.payableFen > 0) byTenant.set(bill.tenantId, [...(byTenant.get(bill.tenantId) ?? []), bill]);
    }
    if (items.length < 200) break;
  }
  const candidates = [...byTenant.entries()].filter(([, bills]) => bills.length >= 4);
  expect(candidates.length, 'a demo tenant with four open bills').toBeGreaterThan(0);
  const [tenantId, bills] = candidates[0]!;
  const { phone } = await asStaff<{ phone: string }>('admin', `/api/v1/tenants/${tenantId}/reveal`, {
    method: 'POST',
    body: { reason: '浏览器测试：承租方手机登录' },
  });
  return { tenantId, phone, bills };
}

/** The login code the development SMS sender recorded: admin reads it in the message log. */
async function loginCodeSentTo(tenantId: string, since: number): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < 15_000) {
    const { items } = await asStaff<{ items: Message[] }>(
      'admin',
      `/api/v1/messages?tenantId=${tenantId}&channel=sms&page=1&pageSize=20`,
    );
    const message = items.find((item) => item.kind === 'login_code' && Date.parse(item.createdAt) >= since - 1000);
    const code = message?.body.match(/\d{6}/)?.[0];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no login code in the message log');
}

/** Chooses one bill, pays it with the method's cashier page, and waits for 缴费成功 on the result page. */
async function payOneBill(page: Page, bill: StaffBill, method: 'wechat' | 'alipay' | 'unionpay'): Promise<string> {
  const card = page.locator(`[data-testid=m-bill][data-bill-id="${bill.id}"]`);
  await card.locator('[data-testid=m-bill-select]').click();
  // The portal and the staff console say the same amount payable today (penalty through yesterday included).
  const payable = formatFen(bill.payableFen);
  expect(await card.locator('[data-testid=m-bill-payable]').textContent()).toBe(payable);
  expect(await page.locator('[data-testid=m-selected-total]').textContent()).toBe(payable);
  await page.click('[data-testid=m-pay-selected]');
  const option = page.locator(`[data-testid=m-channel-${method}]`);
  // On a phone: the channels' mobile pages, not QR codes.
  expect(await option.getAttribute('data-channel')).toBe(
    { wechat: 'wechat_h5', alipay: 'alipay_wap', unionpay: 'unionpay' }[method],
  );
  await option.click();
  await page.click('[data-testid=m-channel-confirm]');

  // The channel's cashier (the simulator), then back to the portal's result page.
  await page.waitForURL((url) => url.origin === server.simulatorUrl, { timeout: 15_000 });
  // The simulator shows plain yuan ("13066.00"), the portal ¥ with thousands separators.
  expect(await page.locator('[data-testid=sim-amount]').textContent()).toBe(`¥${(bill.payableFen / 100).toFixed(2)}`);
  await page.click('[data-testid=sim-pay]');
  await page.waitForURL(/\/m\/orders\/AP\d+/, { timeout: 15_000 });
  const orderNo = new URL(page.url()).pathname.split('/').pop()!;
  const succeeded = page.locator('[data-testid=m-order-succeeded]');
  await succeeded.waitFor({ timeout: 20_000 });
  expect(await succeeded.textContent()).toContain('缴费成功');
  expect(await succeeded.locator('[data-testid=m-order-amount]').textContent()).toBe(payable);
  return orderNo;
}

/** Logs the tenant into the H5 portal with the code the SMS carried, and waits for the bills. */
async function logInTenant(page: Page, tenant: { tenantId: string; phone: string }) {
  await page.goto(`${server.url}/m/`);
  await page.waitForURL(/\/m\/login$/);
  await page.fill('#phone', tenant.phone);
  const asked = Date.now();
  await page.click('[data-testid=m-send-code]');
  const code = await loginCodeSentTo(tenant.tenantId, asked);
  await page.fill('#code', code);
  await page.click('[data-testid=m-login-submit]');
  await page.locator('[data-testid=m-bills] [data-testid=m-bill]').first().waitFor();
}

describe('a tenant pays rent from a phone', () => {
  let context: BrowserContext;
  let page: Page;
  let tenant: Awaited<ReturnType<typeof tenantWithFourBills>>;
  const paid: { bill: StaffBill; orderNo: string; account: string }[] = [];

  it('logs in with the SMS code', async () => {
    tenant = await tenantWithFourBills();
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      userAgent: IPHONE_USER_AGENT,
      isMobile: true,
      hasTouch: true,
      acceptDownloads: true,
    });
    page = await context.newPage();
    await logInTenant(page, tenant);
    for (const bill of tenant.bills.slice(0, 3)) {
      await page.locator(`[data-testid=m-bill][data-bill-id="${bill.id}"]`).waitFor();
    }
  }, 60_000);

  it('pays one bill by WeChat Pay, one by Alipay and one by UnionPay card', async () => {
    const methods = [
      ['wechat', '1012.wechat'],
      ['alipay', '1012.alipay'],
      ['unionpay', '1012.unionpay'],
    ] as const;
    for (const [index, [method, account]] of methods.entries()) {
      const bill = tenant.bills[index]!;
      const orderNo = await payOneBill(page, bill, method);
      paid.push({ bill, orderNo, account });
      await page.click('[data-testid=m-order-done]');
      // Back on the bills: this one is settled now.
      await page.locator(`[data-testid=m-bill-settled][data-bill-id="${bill.id}"]`).waitFor();
      expect(await page.locator(`[data-testid=m-bill][data-bill-id="${bill.id}"]`).count()).toBe(0);
    }
  }, 120_000);

  it('on a computer, pays a fourth bill by scanning the WeChat QR code; the page follows the payment', async () => {
    // The same tenant at a desk. A second login code cannot be asked within the minute, so the tab's session is
    // carried over (the portal keeps its token in sessionStorage).
    const token = await page.evaluate(() => sessionStorage.getItem('assetpay.portal.token'));
    expect(token).toBeTruthy();
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await desktop.addInitScript((value) => sessionStorage.setItem('assetpay.portal.token', value), token!);
    const screen = await desktop.newPage();
    await screen.goto(`${server.url}/m/`);
    const bill = tenant.bills[3]!;
    const card = screen.locator(`[data-testid=m-bill][data-bill-id="${bill.id}"]`);
    await card.locator('[data-testid=m-bill-select]').click();
    await screen.click('[data-testid=m-pay-selected]');
    const wechat = screen.locator('[data-testid=m-channel-wechat]');
    expect(await wechat.getAttribute('data-channel')).toBe('wechat_native');
    await wechat.click();
    await screen.click('[data-testid=m-channel-confirm]');

    await screen.waitForURL(/\/m\/orders\/AP\d+/);
    const orderNo = new URL(screen.url()).pathname.split('/').pop()!;
    const qr = screen.locator('[data-testid=m-qr]');
    await qr.waitFor();
    expect(await qr.getAttribute('data-code-url')).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(await screen.locator('[data-testid=m-order-countdown]').textContent()).toMatch(/^\d{2}:\d{2}$/);
    expect(await screen.locator('[data-testid=m-order-amount]').textContent()).toBe(formatFen(bill.payableFen));

    // Scanning stands in as the simulator's cashier page, opened from the test-environment link in a new tab.
    const [cashier] = await Promise.all([desktop.waitForEvent('page'), screen.click('[data-testid=m-sim-cashier]')]);
    await cashier.click('[data-testid=sim-pay]');
    await cashier.locator('[data-testid=sim-result][data-paid=true]').waitFor();
    // The QR page was asking all along: it turns into 缴费成功 by itself.
    const succeeded = screen.locator('[data-testid=m-order-succeeded]');
    await succeeded.waitFor({ timeout: 20_000 });
    expect(await succeeded.textContent()).toContain('缴费成功');
    paid.push({ bill, orderNo, account: '1012.wechat' });
    await desktop.close();
  }, 60_000);

  it('sees the payments with their receipts and downloads one as a PDF', async () => {
    await page.click('[data-testid=m-tab-payments]');
    for (const { orderNo } of paid) {
      await page.locator(`[data-testid=m-payment][data-order-no="${orderNo}"]`).waitFor();
    }
    const first = page.locator(`[data-testid=m-payment][data-order-no="${paid[0]!.orderNo}"]`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      first.locator('[data-testid=m-payment-receipt]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^收据-SJ-\d{4}-\d{6}\.pdf$/);
    const file = await download.path();
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');

    await page.click('[data-testid=m-logout]');
    await page.waitForURL(/\/m\/login$/);
    await context.close();
  }, 60_000);

  it("anyone can check a receipt at its QR code's address, which shows no personal data", async () => {
    const { items } = await asStaff<{ items: { number: string; verifyCode: string; paymentOrderNo: string | null }[] }>(
      'caiwu',
      `/api/v1/receipts?tenantId=${tenant.tenantId}&page=1&pageSize=50`,
    );
    const receipt = items.find((item) => item.paymentOrderNo === paid[0]!.orderNo);
    expect(receipt, 'the receipt of the WeChat payment').toBeDefined();
    const visitor = await browser.newContext({ viewport: { width: 390, height: 844 }, userAgent: IPHONE_USER_AGENT });
    const check = await visitor.newPage();
    await check.goto(`${server.url}/m/receipts/${receipt!.verifyCode}`);
    const shown = check.locator('[data-testid=m-receipt][data-status=valid]');
    await shown.waitFor();
    expect(await shown.textContent()).toContain('收据真实有效');
    expect(await shown.locator('[data-testid=m-receipt-number]').textContent()).toBe(receipt!.number);
    expect(await shown.locator('[data-testid=m-receipt-amount]').textContent()).toBe(
      formatFen(paid[0]!.bill.payableFen),
    );
    expect(await shown.textContent()).not.toContain(tenant.phone);
    await check.goto(`${server.url}/m/receipts/not-a-real-code-000000`);
    await check.locator('[data-testid=m-receipt-error]', { hasText: '未查到这张收据' }).waitFor();
    await visitor.close();
  }, 30_000);

  it("a reminder's pay link pays its bill by Alipay without a login", async () => {
    await asStaff('caiwu', '/api/v1/reminders/run', { method: 'POST', body: {} });
    const paidBills = new Set(paid.map(({ bill }) => bill.id));
    let link: { billId: string; url: string } | undefined;
    for (let pageNo = 1; !link && pageNo <= 5; pageNo++) {
      const { items } = await asStaff<{ items: { billId: string | null; payLink: string | null }[] }>(
        'admin',
        `/api/v1/messages?page=${pageNo}&pageSize=200`,
      );
      if (items.length === 0) break;
      for (const message of items) {
        if (link || !message.payLink || !message.billId || paidBills.has(message.billId)) continue;
        const view = await fetch(`${server.url}/api/v1/portal/pay-links/${message.payLink.split('/m/pay/')[1]}`);
        if (view.status !== 200) continue;
        const { bill } = (await view.json()) as { bill: { payableFen: number; status: string } };
        if (bill.payableFen > 0 && bill.status !== 'paid') link = { billId: message.billId, url: message.payLink };
      }
    }
    expect(link, 'a reminder with a pay link to an unpaid bill').toBeDefined();

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      userAgent: IPHONE_USER_AGENT,
      isMobile: true,
    });
    const page = await phone.newPage();
    await page.goto(`${server.url}${new URL(link!.url).pathname}`);
    const payable = (await page.locator('[data-testid=m-pay-payable]').textContent()) ?? '';
    await page.click('[data-testid=m-pay-button]');
    await page.click('[data-testid=m-channel-alipay]');
    await page.click('[data-testid=m-channel-confirm]');
    await page.waitForURL((url) => url.origin === server.simulatorUrl, { timeout: 15_000 });
    await page.click('[data-testid=sim-pay]');
    await page.waitForURL(/\/m\/pay\/[^/]+\/orders\/AP\d+/, { timeout: 15_000 });
    const succeeded = page.locator('[data-testid=m-order-succeeded]');
    await succeeded.waitFor({ timeout: 20_000 });
    expect(await succeeded.locator('[data-testid=m-order-amount]').textContent()).toBe(payable);
    // Back on the link's page: the bill is settled.
    await page.click('[data-testid=m-order-done]');
    await page.locator('[data-testid=m-pay-button]', { hasText: '已结清' }).waitFor();
    await phone.close();
  }, 60_000);

  it('caiwu sees each payment posted to its channel clearing account in the ledger', async () => {
    for (const { bill, account } of paid) {
      const { items } = await asStaff<{ items: JournalEntry[] }>(
        'caiwu',
        `/api/v1/ledger/entries?billId=${bill.id}&kind=payment&page=1&pageSize=20`,
      );
      expect(items.length, `payment entry of ${bill.number}`).toBeGreaterThan(0);
      const entries = await Promise.all(
        items.map((entry) => asStaff<JournalEntry>('caiwu', `/api/v1/ledger/entries/${entry.id}`)),
      );
      const debit = entries.flatMap((entry) => entry.lines ?? []).find((line) => line.accountCode === account);
      expect(debit, `${account} debited for ${bill.number}`).toBeDefined();
      expect(debit!.debitFen).toBeGreaterThan(0);
      // Receivable (1122) credited for the bill.
      const credit = entries
        .flatMap((entry) => entry.lines ?? [])
        .filter((line) => line.billId === bill.id && line.creditFen > 0);
      expect(credit.length).toBeGreaterThan(0);
    }
    const { balanced } = await asStaff<{ balanced: boolean }>('caiwu', '/api/v1/ledger/trial-balance');
    expect(balanced).toBe(true);
  }, 30_000);

  it('caiwu finds the paid order in the admin console and the three clearing accounts in the trial balance', async () => {
    const page = await logIn(browser, server.url, 'caiwu');
    try {
      const { orderNo } = paid[0]!;
      await page.goto(`${server.url}/payment-orders?orderNo=${orderNo}`);
      await page.locator('[data-testid=order-no]', { hasText: orderNo }).waitFor();
      await page.locator('[data-testid=order-status]', { hasText: '已支付' }).first().waitFor();
      await page.locator('[data-testid=order-transaction]').waitFor();
      await page.goto(`${server.url}/ledger`);
      const trialBalance = page.locator('[data-testid=ledger-trial-balance]');
      for (const code of ['1012.wechat', '1012.alipay', '1012.unionpay']) {
        await trialBalance.locator('tr', { hasText: code }).first().waitFor();
      }
      await page.locator('[data-testid=ledger-balanced]').waitFor();
    } finally {
      await page.context().close();
    }
  }, 60_000);
});
