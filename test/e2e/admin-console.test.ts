import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startDemoServer } from '../helpers/demo-server.ts';
import type { RunningServer } from '../helpers/server.ts';

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDemoServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the admin console in Chromium', () => {
  it('logs admin in, shows the dashboard shell in Chinese, and logs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login$/);
    await page.fill('#username', 'admin');
    await page.fill('#password', 'AssetPay@2026');
    await page.click('[data-testid=login-submit]');

    const dashboard = page.locator('[data-testid=dashboard]');
    await dashboard.waitFor();
    expect(await page.locator('[data-testid=dashboard-org]').textContent()).toContain('政鑫公司');
    expect(await page.locator('[data-testid=dashboard-roles]').textContent()).toContain('系统管理员');
    for (const menu of ['资产', '承租方', '合同', '账单', '收款', '对账', '报表', '系统']) {
      expect(await page.getByRole('menuitem', { name: menu, exact: false }).count()).toBeGreaterThan(0);
    }
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'assetpay_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });

    await page.click('[data-testid=user-menu]');
    await page.click('[data-testid=logout]');
    await page.waitForURL(/\/login$/);
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    expect(me).toBe(401);
    await page.close();
  });

  it('shows the API error for a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('#username', 'caiwu');
    await page.fill('#password', 'wrong-password');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=login-error]').waitFor();
    expect(await page.locator('[data-testid=login-error]').textContent()).toContain('用户名或密码错误');
    await page.close();
  });

  it('serves the tenant H5 login at /m/', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    await page.goto(`${server.url}/m/`);
    await page.waitForURL(/\/m\/login$/);
    await page.locator('#phone').waitFor();
    expect(await page.locator('[data-testid=m-login-submit]').count()).toBe(1);
    await page.close();
  });
});
