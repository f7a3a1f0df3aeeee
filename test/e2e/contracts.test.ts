import fs from 'node:fs/promises';
import PizZip from 'pizzip';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseAmount } from '../../src/domain/chinese-amount.ts';
import {
  choose,
  launchBrowser,
  logIn as logInAs,
  DEMO_PASSWORD as PASSWORD,
  successMessage,
} from '../helpers/browser.ts';
import { startDemoServer } from '../helpers/demo-server.ts';
import type { RunningServer } from '../helpers/server.ts';

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  // The demo seed (assets, tenants, contracts) takes a while on a busy machine.
  [server, browser] = await Promise.all([startDemoServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

let token: string | undefined;

/** GET as zichan over the API (one bearer token), for choosing the demo records the browser then works with. */
async function apiGet<T>(path: string): Promise<T> {
  if (!token) {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'zichan', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { token: string }).token;
  }
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

interface Listed {
  items: { id: string; code: string; name: string }[];
  total: number;
}

/** A vacant demo unit that no contract (in any state) mentions yet: nothing can overlap it. */
async function freeUnit(): Promise<{ id: string; code: string; name: string }> {
  const units = await apiGet<Listed>('/api/v1/assets?type=unit&status=vacant&page=1&pageSize=100');
  for (const unit of units.items) {
    const contracts = await apiGet<Listed>(`/api/v1/contracts?assetId=${unit.id}&page=1&pageSize=1`);
    if (contracts.total === 0) return unit;
  }
  throw new Error('no vacant demo unit without contracts');
}

const logIn = (username: string) => logInAs(browser, server.url, username);

/** The text of a .docx body (word/document.xml without its markup). */
async function documentText(file: string): Promise<string> {
  const zip = new PizZip(await fs.readFile(file));
  const xml = zip.file('word/document.xml')?.asText() ?? '';
  return xml.replace(/<[^>]+>/g, '');
}

let contractNumber = '';
let contractId = '';
let tenantName = '';
/** The schedule rows as the wizard's live preview showed them: period start, end, due date, amount. */
const previewRows: { start: string; end: string; due: string; amount: string }[] = [];

describe('lease contracts in the admin console', () => {
  it('zichan drafts a contract through the wizard, with the live schedule, and submits it', async () => {
    const [tenant] = (await apiGet<Listed>('/api/v1/tenants?page=1&pageSize=1')).items;
    const unit = await freeUnit();
    tenantName = tenant!.name;

    const page = await logIn('zichan');
    await page.goto(`${server.url}/contracts`);
    await page.click('[data-testid=contract-create]');
    await page.locator('[data-testid=contract-wizard]').waitFor();

    // 承租方: nothing chosen stops the wizard; then the demo tenant, found by name.
    await page.click('[data-testid=contract-wizard-next]');
    await page.locator('[data-testid=contract-wizard-step-error]', { hasText: '请选择承租方' }).waitFor();
    await choose(page, 'contract_tenant', tenantName, tenantName);
    await page.locator('[data-testid=contract-tenant-summary]', { hasText: tenant!.code }).waitFor();
    await page.click('[data-testid=contract-wizard-next]');

    // 房源: the vacant unit, found by code, with its area; the chosen tags add the areas up.
    await page.fill('#contract_unit_search', unit.code);
    const row = page.locator('[data-testid=contract-units] tr.ant-table-row', { hasText: unit.code });
    await row.waitFor();
    expect(await row.textContent()).toContain('空置');
    await row.locator('input[type=checkbox]').check();
    await page.locator('[data-testid=contract-units-selected]', { hasText: unit.code }).waitFor();
    await page.click('[data-testid=contract-wizard-next]');

    // 条款: fixed rent in 元, quarterly. A term beyond 20 years: the server's 422 shows under the end date.
    await page.locator('#terms_monthlyYuan').waitFor();
    await page.fill('#terms_monthlyYuan', '3,500');
    await page.locator('label.ant-radio-button-wrapper', { hasText: '季付' }).click();
    const start = await page.inputValue('#terms_startDate');
    const tooLate = `${Number(start.slice(0, 4)) + 25}${start.slice(4)}`;
    await page.fill('#terms_endDate', tooLate);
    await page.press('#terms_endDate', 'Enter');
    await page.locator('.ant-form-item-explain-error', { hasText: '租期不能超过 20 年' }).waitFor();
    await page
      .locator('.ant-form-item', { has: page.locator('#terms_endDate') })
      .locator('button', { hasText: '1 年' })
      .click();
    await page.locator('.ant-form-item-explain-error', { hasText: '租期不能超过' }).waitFor({ state: 'detached' });

    // The live schedule: four quarters of ¥10,500.00 and their total.
    const rows = page.locator('[data-testid=contract-wizard-schedule] tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(4);
    for (const cells of await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    )) {
      const [start = '', end = ''] = cells[1]!.split(' ~ ');
      previewRows.push({ start, end, due: cells[2]!, amount: cells[3]! });
    }
    expect(previewRows.map((row) => row.amount)).toEqual(['¥10,500.00', '¥10,500.00', '¥10,500.00', '¥10,500.00']);
    expect(previewRows[0]!.start).toBe(start);
    expect(await page.locator('[data-testid=contract-wizard-total]').textContent()).toContain('¥42,000.00');
    expect(await page.locator('[data-testid=contract-wizard-monthly]').textContent()).toBe('¥3,500.00');
    await page.fill('#terms_purpose', '商业');
    await page.click('[data-testid=contract-wizard-next]');

    // 确认: the summary with the annual rent in 大写, then the draft.
    const summary = page.locator('[data-testid=contract-wizard-summary]');
    await summary.waitFor();
    expect(await summary.textContent()).toContain(tenantName);
    expect(await summary.textContent()).toContain(unit.code);
    expect(await page.locator('[data-testid=contract-wizard-annual-chinese]').textContent()).toBe(
      `大写：${chineseAmount(4_200_000)}`,
    );
    await page.click('[data-testid=contract-wizard-create]');
    await successMessage(page, '已创建合同草稿');

    // The new draft's drawer: its schedule is the one previewed; submit it for approval.
    const drawer = page.locator('[data-testid=contract-drawer]');
    await drawer.locator('[data-testid=contract-fields]').waitFor();
    contractNumber =
      (await drawer.locator('[data-testid=contract-fields] .ant-descriptions-item-content').first().textContent()) ??
      '';
    expect(contractNumber).toMatch(/^[A-Z]+-\d{4}-\d{4,}$/);
    contractId = new URL(page.url()).searchParams.get('id') ?? '';
    expect(await drawer.locator('[data-testid=contract-status]').first().textContent()).toBe('草稿');
    await drawer.getByRole('tab', { name: '租金计划' }).click();
    expect(
      await drawer.locator('[data-testid=contract-schedule] [data-testid=schedule-amount]').allTextContents(),
    ).toEqual(previewRows.map((row) => row.amount));
    await drawer.locator('[data-testid=contract-submit]').click();
    await page.click('[data-testid=contract-submit-ok]');
    await successMessage(page, `合同 ${contractNumber} 已提交审批`);
    await drawer.locator('[data-testid=contract-status]', { hasText: '待审批' }).first().waitFor();

    // The list finds it by number with its status.
    await drawer.locator('.ant-drawer-close').click();
    await page.fill('#search_keyword', contractNumber);
    await page.click('form#search button[type=submit]');
    const listed = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: contractNumber });
    await listed.waitFor();
    expect(await listed.textContent()).toContain('待审批');
    expect(await listed.textContent()).toContain('¥42,000.00');
    await page.context().close();
  });

  it('shenpi approves it in the inbox; a rejection would need a reason', async () => {
    const page = await logIn('shenpi');
    await page.goto(`${server.url}/approvals`);
    // The demo has contracts waiting too: find this one by its number.
    await page.fill('#search_keyword', contractNumber);
    await page.click('form#search button[type=submit]');
    const row = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: contractNumber });
    await row.waitFor();
    expect(await row.locator('[data-testid=inbox-level]').textContent()).toBe('第 1 / 1 级');
    expect(await row.locator('[data-testid=inbox-previous]').textContent()).toBe('首级审批');

    await row.locator('[data-testid=inbox-reject]').click();
    await page.click('[data-testid=contract-decision-ok]');
    await page.locator('.ant-form-item-explain-error', { hasText: '驳回必须填写理由' }).waitFor();
    await page.locator('.ant-modal-footer button').first().click();
    await page.locator('.ant-modal').waitFor({ state: 'hidden' });

    await row.locator('[data-testid=inbox-approve]').click();
    await page.fill('#decision_comment', '同意');
    await page.click('[data-testid=contract-decision-ok]');
    await successMessage(page, `合同 ${contractNumber} 已审批通过`);
    await row.waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('zichan activates it and downloads the .docx holding the tenant and every scheduled amount', async () => {
    const page = await logIn('zichan');
    await page.goto(`${server.url}/contracts?id=${contractId}`);
    const drawer = page.locator('[data-testid=contract-drawer]');
    await drawer.locator('[data-testid=contract-status]', { hasText: '已审批' }).first().waitFor();
    await drawer.getByRole('tab', { name: '审批记录' }).click();
    expect(await drawer.locator('[data-testid=contract-approvals]').textContent()).toContain('同意');

    await drawer.locator('[data-testid=contract-activate]').click();
    await page.click('[data-testid=contract-activate-ok]');
    await successMessage(page, `合同 ${contractNumber} 已生效`);
    await drawer.locator('[data-testid=contract-status]', { hasText: '执行中' }).first().waitFor();

    await drawer.getByRole('tab', { name: '操作历史' }).click();
    const history = drawer.locator('[data-testid=contract-history]');
    for (const step of ['起草合同', '提交审批', '审批通过', '签订生效'])
      await history.getByText(step).first().waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      drawer.locator('[data-testid=contract-download]').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`租赁合同-${contractNumber}.docx`);
    const text = await documentText(await download.path());
    expect(text).toContain(tenantName);
    expect(text).toContain(contractNumber);
    // Every row of the 租金明细表 as previewed: its dates and its amount (each amount at least as often as previewed).
    expect(previewRows).toHaveLength(4);
    for (const row of previewRows) {
      for (const date of [row.start, row.end, row.due]) expect(text).toContain(date);
      const amount = row.amount.replace('¥', '');
      const previewed = previewRows.filter((other) => other.amount === row.amount).length;
      expect(text.split(amount).length - 1).toBeGreaterThanOrEqual(previewed);
    }
    expect(text).toContain('肆万贰仟元整');
    await page.context().close();
  });
});
