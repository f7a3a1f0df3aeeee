import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFen } from '../../web/src/shared/money.ts';
import { DEMO_PASSWORD, launchBrowser, logIn } from '../helpers/browser.ts';
import { startDemoServer } from '../helpers/demo-server.ts';
import type { RunningServer } from '../helpers/server.ts';

// The supervisor's seat (#8): shenji, the auditor, opens the dashboard, clicks the arrears aging chart through to the
// arrears report, exports the rent roll (the workbook read back has the screen's totals), and finds every write
// action absent in the console and refused by the API with the same session.

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDemoServer(), launchBrowser()]);
}, 200_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface AgingBucket {
  bucket: string;
  billCount: number;
  outstandingFen: number;
}

async function dashboardAsShenji(): Promise<{ aging: { buckets: AgingBucket[] } }> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'shenji', password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const response = await fetch(`${server.url}/api/v1/reports/dashboard`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { aging: { buckets: AgingBucket[] } };
}

const text = async (page: Page, testId: string) =>
  ((await page.locator(`[data-testid=${testId}]`).textContent()) ?? '').trim();

describe('reports as the auditor (shenji)', () => {
  it('drills from the aging chart, exports the rent roll as on screen, and cannot write anything', async () => {
    const page = await logIn(browser, server.url, 'shenji');
    const dashboard = await dashboardAsShenji();

    // The dashboard is shenji's home page: figures and charts.
    await page.locator('[data-testid=dashboard-charts]').waitFor();
    for (const figure of ['occupancy', 'collection-rate', 'arrears', 'payments-today', 'contracts-ending']) {
      await page.locator(`[data-testid=figure-${figure}]`).waitFor();
    }
    const chart = page.locator('[data-testid=chart-aging]');
    await chart.locator('canvas').first().waitFor();

    // A click in the column of the bucket owing most opens the aging report filtered to that bucket.
    const buckets = dashboard.aging.buckets;
    const biggest = buckets.reduce(
      (most, bucket, index) => (bucket.outstandingFen > buckets[most]!.outstandingFen ? index : most),
      0,
    );
    expect(buckets[biggest]!.outstandingFen).toBeGreaterThan(0);
    const box = (await chart.boundingBox())!;
    // The grid starts after the y-axis labels: aim at the column's centre within the right-hand part of the chart.
    const left = 70;
    const width = box.width - left - 8;
    await chart.click({ position: { x: left + (width * (biggest + 0.5)) / buckets.length, y: box.height / 2 } });
    await page.waitForURL(/\/reports\/arrears-aging\?/);
    const drilled = new URL(page.url()).searchParams.get('bucket');
    const bucket = buckets.find((candidate) => candidate.bucket === drilled);
    expect(bucket, `drilled into ${drilled}`).toBeDefined();
    await page.locator('[data-testid=report-arrears-aging]').waitFor();
    await expect.poll(() => text(page, 'report-total-outstandingFen')).toBe(formatFen(bucket!.outstandingFen));
    expect(await text(page, 'report-total-label')).toBe(`合计（${bucket!.billCount} 行）`);
    // PII stays masked for the auditor: phones show their middle digits as stars.
    const phone = await page.locator('.ant-table-tbody tr.ant-table-row').first().locator('td').nth(2).textContent();
    expect(phone).toMatch(/^\d{3}\*{4}\d{4}$|^-$/);

    // The rent roll from the report list; exported with the same filter, its totals row equals the screen's.
    await page.goto(`${server.url}/reports`);
    await page.click('[data-testid=report-card-rent-roll]');
    await page.locator('[data-testid=report-rent-roll]').waitFor();
    await page.locator('[data-testid=report-total-billedFen]').waitFor();
    const keys = ['billedFen', 'lateFeeFen', 'collectedFen', 'outstandingFen'] as const;
    const screen = Object.fromEntries(
      await Promise.all(keys.map(async (key) => [key, await text(page, `report-total-${key}`)] as const)),
    );
    const screenLabel = await text(page, 'report-total-label');

    // Print has every row of the filter (up to 2,000), not the page on screen; then the pager is back.
    const rowsShown = () => page.locator('[data-testid=report-rent-roll] .ant-table-tbody tr.ant-table-row').count();
    await page.evaluate(() => {
      const printing = window as unknown as { printedRows: number | null };
      printing.printedRows = null;
      window.print = () => {
        printing.printedRows = document.querySelectorAll(
          '[data-testid=report-rent-roll] .ant-table-tbody tr.ant-table-row',
        ).length;
      };
    });
    await page.click('[data-testid=report-print]');
    const printed = await (
      await page.waitForFunction(() => (window as unknown as { printedRows: number | null }).printedRows)
    ).jsonValue();
    const rentRollRows = Number(/（(\d+) 行）/.exec(screenLabel)?.[1]);
    expect(rentRollRows, 'the rent roll is longer than a page').toBeGreaterThan(20);
    expect(printed).toBe(Math.min(rentRollRows, 2000));
    await expect.poll(rowsShown).toBe(20);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-export]')]);
    expect(download.suggestedFilename()).toMatch(/^租金收缴台账_.*\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(3).values as unknown[]).slice(1).map(String);
    expect(header).toContain('应收金额');
    let totalsRow: ExcelJS.Row | undefined;
    sheet.eachRow((row) => {
      if (String(row.getCell(1).value ?? '').startsWith('合计')) totalsRow = row;
    });
    expect(totalsRow, 'the workbook has a totals row').toBeDefined();
    expect(String(totalsRow!.getCell(1).value)).toBe(screenLabel);
    for (const key of keys) {
      const column =
        header.indexOf(
          { billedFen: '应收金额', lateFeeFen: '违约金', collectedFen: '已收金额', outstandingFen: '未收金额' }[key],
        ) + 1;
      const yuan = Number(totalsRow!.getCell(column).value);
      expect(formatFen(Math.round(yuan * 100)), key).toBe(screen[key]);
    }

    // 记账凭证: this month's journal as vouchers, balanced on screen and in the 用友 file; the mapping read-only.
    await page.goto(`${server.url}/reports/vouchers`);
    await expect.poll(() => text(page, 'voucher-balanced')).toBe('借贷平衡');
    await page.locator('[data-testid=voucher-table] .ant-table-tbody tr.ant-table-row').first().waitFor();
    const [voucherFile] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=voucher-export]'),
    ]);
    const vouchers = new ExcelJS.Workbook();
    await vouchers.xlsx.readFile(await voucherFile.path());
    const voucherSheet = vouchers.worksheets[0]!;
    const voucherHeader = (voucherSheet.getRow(1).values as unknown[]).slice(1).map(String);
    const debit = voucherHeader.indexOf('借方金额') + 1;
    const credit = voucherHeader.indexOf('贷方金额') + 1;
    expect(debit * credit).toBeGreaterThan(0);
    let debitFen = 0;
    let creditFen = 0;
    voucherSheet.eachRow((row, number) => {
      if (number === 1) return;
      debitFen += Math.round(Number(row.getCell(debit).value ?? 0) * 100);
      creditFen += Math.round(Number(row.getCell(credit).value ?? 0) * 100);
    });
    expect(debitFen).toBeGreaterThan(0);
    expect(debitFen).toBe(creditFen);
    await page.getByRole('tab', { name: '科目对照' }).click();
    await page.locator('[data-testid=voucher-mapping] .ant-table-tbody tr.ant-table-row').first().waitFor();
    expect(await text(page, 'voucher-mapping-hint')).toContain('仅有');
    expect(await page.locator('[data-testid=voucher-mapping-save]').count()).toBe(0);

    // Read-only: the list pages show no create, import or record buttons...
    const pages: [path: string, absent: string[]][] = [
      ['/assets', ['asset-create', 'asset-import']],
      ['/tenants', ['tenant-create']],
      ['/contracts', ['contract-create']],
      ['/bills', ['bill-charge-create']],
      ['/payments', ['payment-create']],
    ];
    for (const [path, absent] of pages) {
      await page.goto(`${server.url}${path}`);
      await page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
      for (const testId of absent) expect(await page.locator(`[data-testid=${testId}]`).count(), testId).toBe(0);
    }

    // ...and the API refuses a write made with shenji's own session cookie.
    const refused = await page.evaluate(async () => {
      const post = async (path: string, body: unknown) => {
        const response = await fetch(path, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          body: JSON.stringify(body),
        });
        const problem = (await response.json().catch(() => ({}))) as { code?: string };
        return { path, status: response.status, code: problem.code };
      };
      return Promise.all([
        post('/api/v1/assets', { code: 'SJ-1', name: '审计测试', type: 'unit' }),
        post('/api/v1/contracts', {}),
        post('/api/v1/bills', {}),
        post('/api/v1/payments', {}),
      ]);
    });
    for (const answer of refused) expect(answer, answer.path).toMatchObject({ status: 403, code: 'forbidden' });
  }, 60_000);
});
