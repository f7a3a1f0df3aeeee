import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose, launchBrowser, logIn as logInAs, successMessage } from '../helpers/browser.ts';
import { startDemoServer } from '../helpers/demo-server.ts';
import type { RunningServer } from '../helpers/server.ts';

/** GB 11643-1999: Σ digit × weight mod 11 picks the check character. */
function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i]!, 0);
  return `${first17}${'10X98765432'[sum % 11]}`;
}

/** The same number with a check character that is certainly wrong. */
function withWrongCheck(id: string): string {
  return `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`;
}

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  // The demo seed (about 200 assets, 120 tenants) takes a while on a busy machine.
  [server, browser] = await Promise.all([startDemoServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const logIn = (username: string) => logInAs(browser, server.url, username);

/** Submits the list page's search form (antd spaces out two-character Chinese button labels, so no text match). */
async function search(page: Page) {
  await page.click('form#search button[type=submit]');
}

/** The rows the table shows once it has stopped loading. */
async function tableRows(page: Page): Promise<Locator> {
  await page.locator('.ant-table-wrapper .ant-spin-spinning').waitFor({ state: 'detached' });
  return page.locator('.ant-table-tbody tr.ant-table-row');
}

/** Every cell of every sheet of a downloaded workbook, as text. */
async function workbookText(download: Download): Promise<string[][]> {
  const path = await download.path();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const rows: string[][] = [];
  for (const sheet of workbook.worksheets) {
    sheet.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1).map((value) => (value === null ? '' : String(value))));
    });
  }
  return rows;
}

const BUILDING = 'E2E-B1';
const UNITS = ['E2E-B1-101', 'E2E-B1-102'];
const TENANT_NAME = '测试承租人';
const ID_NUMBER = residentId('50011819900307123');
const PHONE = '13912345678';

describe('assets and tenants in the admin console', () => {
  it('zichan registers a building with two units and a tenant, finds them, opens them and exports the lists', async () => {
    const page = await logIn('zichan');

    // A building under the demo project YCGX.
    await page.goto(`${server.url}/assets`);
    await page.click('[data-testid=asset-create]');
    await page.fill('#asset_code', BUILDING);
    await page.fill('#asset_name', '端到端测试楼');
    await choose(page, 'asset_type', '楼栋');
    await choose(page, 'asset_parentId', 'YCGX 永川高新区创新产业园', 'YCGX');
    await page.fill('#asset_bookValueYuan', '12345678.9');
    await page.click('[data-testid=asset-form-save]');
    await successMessage(page, `已登记资产“${BUILDING} 端到端测试楼”`);

    // Two units directly in the building; the first area is typed with one place and shown with two.
    for (const [index, code] of UNITS.entries()) {
      await page.click('[data-testid=asset-create]');
      await page.fill('#asset_code', code);
      await page.fill('#asset_name', `端到端测试楼${index + 101}室`);
      await choose(page, 'asset_type', '房间/铺位');
      await choose(page, 'asset_parentId', `${BUILDING} 端到端测试楼`, BUILDING);
      // Inline validation: three decimals are refused before anything is sent.
      await page.fill('#asset_areaSqm', '120.555');
      await page.locator('#asset_areaSqm').blur();
      await page.locator('.ant-form-item-explain-error', { hasText: '最多 2 位小数' }).waitFor();
      await page.fill('#asset_areaSqm', index === 0 ? '120.5' : '88');
      await page.locator('#asset_areaSqm').blur();
      expect(await page.inputValue('#asset_areaSqm')).toBe(index === 0 ? '120.50' : '88.00');
      await page.click('[data-testid=asset-form-save]');
      await successMessage(page, `已登记资产“${code}`);
    }

    // Found by code search: the building and both units.
    await page.fill('#search_code', BUILDING);
    await search(page);
    const rows = await tableRows(page);
    await expect.poll(() => rows.count()).toBe(3);
    const listed = (await rows.allTextContents()).join('\n');
    for (const code of [BUILDING, ...UNITS]) expect(listed).toContain(code);
    expect(listed).toContain('120.50 ㎡');

    // The building's drawer: fields, money in yuan, the registration in the status history.
    await page
      .locator('tr', { hasText: '端到端测试楼' })
      .filter({ hasText: '楼栋' })
      .locator('[data-testid=asset-row-detail]')
      .click();
    const drawer = page.locator('[data-testid=asset-drawer]', { hasText: BUILDING });
    await drawer.waitFor();
    expect(await drawer.locator('[data-testid=asset-fields]').textContent()).toContain('¥12,345,678.90');
    expect(await drawer.locator('[data-testid=asset-fields]').textContent()).toContain('YCGX 永川高新区创新产业园');
    await drawer.getByRole('tab', { name: '状态历史' }).click();
    await drawer.locator('[data-testid=asset-history] .ant-table-row', { hasText: '空置' }).first().waitFor();
    await drawer.locator('.ant-drawer-close').click();

    // The tree view of the project shows the new building with its units.
    await page.locator('[data-testid=asset-view]').getByText('树形').click();
    await choose(page, 'asset_tree_project', 'YCGX 永川高新区创新产业园');
    await page.locator(`[data-testid=asset-tree-node-${BUILDING}]`).waitFor();
    await page.locator('[data-testid=asset-view]').getByText('列表').click();

    // Export of the current filter (code contains E2E-B1): an .xlsx holding the new codes.
    await page.fill('#search_code', BUILDING);
    await search(page);
    await expect.poll(async () => (await tableRows(page)).count()).toBe(3);
    const [assetFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=asset-export]')]);
    expect(assetFile.suggestedFilename()).toMatch(/^资产台账_.*\.xlsx$/);
    const assetRows = await workbookText(assetFile);
    expect(assetRows.some((row) => row.includes(UNITS[0]!))).toBe(true);
    expect(assetRows.some((row) => row.includes('YCGX-A1-0101'))).toBe(false);

    // The import wizard: template → upload → a preview naming the bad row and column → fix → confirm → result.
    await page.click('[data-testid=asset-import]');
    const [template] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=asset-import-wizard-template]'),
    ]);
    expect(template.suggestedFilename()).toMatch(/\.xlsx$/);
    const upload = async (rows: (string | number)[][]) => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(await template.path());
      const sheet = workbook.worksheets[0]!;
      sheet.spliceRows(2, 1, ...rows);
      const file = path.join(server.dataDir, `import-${Date.now()}.xlsx`);
      await workbook.xlsx.writeFile(file);
      await page.locator('.ant-modal input[type=file]').setInputFiles(file);
      await page.click('[data-testid=asset-import-wizard-check]');
    };
    const good = ['E2E-B1-103', '端到端测试楼103室', '房间/铺位', BUILDING, 50];
    await upload([good, ['E2E-B1-104', '端到端测试楼104室', '房间/铺位', 'NO-SUCH-PARENT', 60]]);
    const summary = page.locator('[data-testid=asset-import-wizard-summary]');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('1 行有错误');
    const problems = page.locator('[data-testid=asset-import-wizard-errors] .ant-table-row');
    expect(await problems.count()).toBe(1);
    expect(await problems.first().textContent()).toMatch(/^3上级资产编号.*NO-SUCH-PARENT/);
    expect(await page.locator('[data-testid=asset-import-wizard-next]').isDisabled()).toBe(true);
    await page.locator('.ant-modal-footer button').first().click();
    await upload([good]);
    await page.click('[data-testid=asset-import-wizard-next]');
    await page.click('[data-testid=asset-import-wizard-confirm]');
    await page.locator('[data-testid=asset-import-wizard-result]', { hasText: '已导入 1 条资产' }).waitFor();
    await page.locator('.ant-modal-footer button', { hasText: '关' }).click();
    await expect.poll(async () => (await tableRows(page)).count()).toBe(4);

    // A tenant: the server's checksum error shows under the ID number; the corrected number saves.
    await page.goto(`${server.url}/tenants`);
    await page.click('[data-testid=tenant-create]');
    await page.fill('#tenant_name', TENANT_NAME);
    await page.fill('#tenant_idNumber', '5001181990');
    await page.locator('#tenant_idNumber').blur();
    await page.locator('.ant-form-item-explain-error', { hasText: '身份证号应为 18 位' }).waitFor();
    await page.fill('#tenant_idNumber', withWrongCheck(ID_NUMBER));
    await page.fill('#tenant_phone', PHONE);
    await page.click('[data-testid=tenant-form-save]');
    await page.locator('.ant-form-item-explain-error', { hasText: '校验位错误' }).waitFor();
    await page.fill('#tenant_idNumber', ID_NUMBER);
    await page.click('[data-testid=tenant-form-save]');
    await successMessage(page, `已登记承租方“${TENANT_NAME}`);

    // Found by the exact ID number; the list shows it masked.
    await page.fill('#search_idNumber', ID_NUMBER);
    await search(page);
    const tenantRows = await tableRows(page);
    await expect.poll(() => tenantRows.count()).toBe(1);
    const tenantRow = tenantRows.first();
    expect(await tenantRow.textContent()).toContain(TENANT_NAME);
    expect(await tenantRow.locator('[data-testid=tenant-row-document]').textContent()).toBe(
      `${ID_NUMBER.slice(0, 3)}***********${ID_NUMBER.slice(-4)}`,
    );

    // The drawer, and the audited reveal zichan may make.
    await tenantRow.locator('[data-testid=tenant-row-detail]').click();
    const tenantDrawer = page.locator('[data-testid=tenant-drawer]', { hasText: TENANT_NAME });
    await tenantDrawer.waitFor();
    expect(await tenantDrawer.locator('[data-testid=tenant-id-number]').textContent()).toContain('***********');
    await tenantDrawer.locator('[data-testid=tenant-reveal]').click();
    await page.locator('.ant-modal', { hasText: '本次查看将记入审计日志' }).waitFor();
    await page.click('[data-testid=tenant-reveal-confirm]');
    await tenantDrawer.locator('[data-testid=tenant-id-number-plain]', { hasText: ID_NUMBER }).waitFor();
    expect(await tenantDrawer.locator('[data-testid=tenant-phone-plain]').textContent()).toContain(PHONE);
    await tenantDrawer.locator('.ant-drawer-close').click();

    // Also found by keyword; its export is masked.
    await page.click('form#search button[type=reset]');
    await page.fill('#search_keyword', TENANT_NAME);
    await search(page);
    await expect.poll(async () => (await tableRows(page)).count()).toBe(1);
    const [tenantFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=tenant-export]')]);
    expect(tenantFile.suggestedFilename()).toMatch(/\.xlsx$/);
    const tenantSheet = (await workbookText(tenantFile)).map((row) => row.join('|')).join('\n');
    expect(tenantSheet).toContain(TENANT_NAME);
    expect(tenantSheet).not.toContain(ID_NUMBER);

    await page.context().close();
  });

  it('shenji sees the tenant ID masked and has no reveal button', async () => {
    const page = await logIn('shenji');
    await page.goto(`${server.url}/tenants`);
    await page.fill('#search_keyword', TENANT_NAME);
    await search(page);
    const rows = await tableRows(page);
    await expect.poll(() => rows.count()).toBe(1);
    const masked = `${ID_NUMBER.slice(0, 3)}***********${ID_NUMBER.slice(-4)}`;
    expect(await rows.first().locator('[data-testid=tenant-row-document]').textContent()).toBe(masked);
    expect(await page.locator('[data-testid=tenant-row-reveal]').count()).toBe(0);
    expect(await page.locator('[data-testid=tenant-create]').count()).toBe(0);

    await rows.first().locator('[data-testid=tenant-row-detail]').click();
    const drawer = page.locator('[data-testid=tenant-drawer]', { hasText: TENANT_NAME });
    await drawer.waitFor();
    expect(await drawer.locator('[data-testid=tenant-id-number]').textContent()).toBe(masked);
    expect(await page.locator('[data-testid=tenant-reveal]').count()).toBe(0);
    expect(await page.locator('[data-testid=tenant-edit]').count()).toBe(0);
    expect(await page.content()).not.toContain(ID_NUMBER);
    await page.context().close();
  });
});
