import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFen } from '../../web/src/shared/money.ts';
import {
  choose,
  launchBrowser,
  logIn as logInAs,
  DEMO_PASSWORD as PASSWORD,
  successMessage,
} from '../helpers/browser.ts';
import { startDemoServer } from '../helpers/demo-server.ts';
import type { RunningServer } from '../helpers/server.ts';

/** Where the messages say tenants reach the server; the test's server listens on a port of its own. */
const PUBLIC_BASE = 'https://pay.zhengxin.example';

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  // The demo seed (assets, tenants, contracts and their bills) takes a while on a busy machine.
  [server, browser] = await Promise.all([startDemoServer({ PUBLIC_BASE_URL: PUBLIC_BASE }), launchBrowser()]);
}, 200_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const tokens = new Map<string, string>();

/** GET as a demo user over the API (bearer token), for choosing the records the browser then works with. */
async function apiGet<T>(username: string, path: string): Promise<T> {
  let token = tokens.get(username);
  if (!token) {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { token: string }).token;
    tokens.set(username, token);
  }
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const logIn = (username: string) => logInAs(browser, server.url, username);

/** Today in China (the server's business day), YYYY-MM-DD. */
const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const daysFrom = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
/** Fen as the 元 text a person types: 1234 → "12.34". */
const yuanText = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

interface BillRow {
  id: string;
  number: string;
  dueDate: string;
  lateFeeFen: number;
  lateFeeWaivedFen: number;
  payableFen: number;
  status: string;
  overdue: boolean;
}

let bill: BillRow;
let waivedFen = 0;

describe('billing in the admin console', () => {
  it('caiwu runs billing for a date, opens an overdue bill and requests a waiver of part of its penalty', async () => {
    const today = chinaToday();
    const page = await logIn('caiwu');
    await page.goto(`${server.url}/billing-runs`);
    await page.fill('#billing_run_throughDate', today);
    await page.press('#billing_run_throughDate', 'Enter');
    await page.click('[data-testid=billing-run-submit]');
    await successMessage(page, '开账完成');
    const result = page.locator('[data-testid=billing-run-result]');
    await result.waitFor();
    const issued = Number(await result.locator('[data-testid=billing-run-issued]').textContent());
    const skipped = Number(await result.locator('[data-testid=billing-run-skipped]').textContent());
    expect(Number.isInteger(issued) && Number.isInteger(skipped)).toBe(true);
    // The demo's active contracts have rent due by today: this run or an earlier one issued it.
    expect((await apiGet<{ total: number }>('caiwu', '/api/v1/bills?page=1&pageSize=1')).total).toBeGreaterThan(0);
    await page
      .locator('.ant-table-tbody tr.ant-table-row', { hasText: today })
      .filter({ hasText: '手工' })
      .first()
      .waitFor();

    // An overdue bill with a penalty that today's reminder run will remind of (every 7 days past due).
    let found: BillRow | undefined;
    for (let pageNo = 1; !found && pageNo <= 10; pageNo++) {
      const { items } = await apiGet<{ items: BillRow[] }>(
        'caiwu',
        `/api/v1/bills?overdue=true&status=open&page=${pageNo}&pageSize=200`,
      );
      if (items.length === 0) break;
      found = items.find((row) => {
        const late = daysFrom(row.dueDate, today);
        return row.lateFeeFen >= 2 && row.lateFeeWaivedFen === 0 && late > 0 && late % 7 === 0;
      });
    }
    expect(found, 'an overdue demo bill with a penalty, a multiple of 7 days late').toBeDefined();
    bill = found!;

    // The list finds it among the overdue bills, marked 逾期 in red.
    await page.goto(`${server.url}/bills`);
    await page.fill('#search_q', bill.number);
    await choose(page, 'search_overdue', '逾期');
    await page.click('form#search button[type=submit]');
    const row = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: bill.number });
    await row.waitFor();
    expect(await row.locator('[data-testid=bill-overdue]').textContent()).toContain('逾期');
    expect(await row.locator('[data-testid=bill-row-late-fee]').textContent()).toBe(formatFen(bill.lateFeeFen));

    await row.locator('[data-testid=bill-row-number]').click();
    const drawer = page.locator('[data-testid=bill-drawer]');
    await drawer.locator('[data-testid=bill-fields]').waitFor();
    expect(await drawer.locator('[data-testid=bill-number]').textContent()).toBe(bill.number);
    expect(await drawer.locator('[data-testid=bill-late-fee]').textContent()).toBe(formatFen(bill.lateFeeFen));
    expect(await drawer.locator('[data-testid=bill-payable]').textContent()).toBe(formatFen(bill.payableFen));
    await drawer.getByRole('tab', { name: '会计凭证' }).click();
    const entries = drawer.locator('[data-testid=bill-entries]');
    expect(await entries.textContent()).toContain('1122');
    expect(await entries.textContent()).toContain('开具账单');

    // Half the penalty (at least a fen), with the reason; a waiver without a reason is refused in the form.
    waivedFen = Math.max(1, Math.floor(bill.lateFeeFen / 2));
    await drawer.locator('[data-testid=bill-waiver-request]').click();
    await page.fill('#bill_waiver_amountYuan', yuanText(waivedFen));
    await page.click('[data-testid=bill-waiver-ok]');
    await page.locator('.ant-form-item-explain-error', { hasText: '请填写原因' }).waitFor();
    await page.fill('#bill_waiver_reason', '疫情期间经营困难，申请减免部分违约金');
    await page.click('[data-testid=bill-waiver-ok]');
    await successMessage(page, `账单 ${bill.number} 的减免申请已提交`);
    await drawer.getByRole('tab', { name: /减免/ }).click();
    await drawer.locator('[data-testid=bill-waivers] [data-testid=waiver-status]', { hasText: '待审批' }).waitFor();
    await page.context().close();
  });

  it('shenpi approves the waiver, and the bill owes that much less penalty', async () => {
    const page = await logIn('shenpi');
    await page.goto(`${server.url}/waivers`);
    await choose(page, 'search_status', '待审批');
    await page.click('form#search button[type=submit]');
    const row = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: bill.number });
    await row.waitFor();
    expect(await row.textContent()).toContain(formatFen(waivedFen));
    await row.locator('[data-testid=waiver-approve]').click();
    await page.fill('#waiver_decision_note', '同意');
    await page.click('[data-testid=waiver-decision-ok]');
    await successMessage(page, `已同意账单 ${bill.number} 的减免`);

    // The bill: the waived part shows, and what the tenant pays today is that much less.
    await page.goto(`${server.url}/bills?id=${bill.id}`);
    const drawer = page.locator('[data-testid=bill-drawer]');
    await drawer.locator('[data-testid=bill-fields]').waitFor();
    expect(await drawer.locator('[data-testid=bill-late-fee-waived]').textContent()).toBe(formatFen(waivedFen));
    expect(await drawer.locator('[data-testid=bill-payable]').textContent()).toBe(
      formatFen(bill.payableFen - waivedFen),
    );
    await drawer.getByRole('tab', { name: /减免/ }).click();
    await drawer.locator('[data-testid=bill-waivers] [data-testid=waiver-status]', { hasText: '已同意' }).waitFor();
    await page.context().close();
  });

  it('caiwu sends the reminders; the message log shows the reminder with its pay link, which opens the tenant page', async () => {
    const page = await logIn('caiwu');
    await page.goto(`${server.url}/messages?billId=${bill.id}`);
    await page.locator('[data-testid=message-bill-filter]').waitFor();
    await page.click('[data-testid=reminders-run]');
    await successMessage(page, '条催缴消息');
    const row = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: bill.number }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('缴费提醒');
    const link = row.locator('[data-testid=message-pay-link]');
    const href = (await link.getAttribute('href')) ?? '';
    expect(href.startsWith(`${PUBLIC_BASE}/m/pay/`), href).toBe(true);
    await page.context().close();

    // A tenant opens the link on a phone, signed in nowhere: the H5 pay page of that bill.
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const phone = await context.newPage();
    await phone.goto(`${server.url}${new URL(href).pathname}`);
    await phone.getByText(bill.number).first().waitFor();
    expect(await phone.locator('[data-testid=m-pay-payable]').textContent()).toBe(
      formatFen(bill.payableFen - waivedFen),
    );
    await context.close();
  });
});
