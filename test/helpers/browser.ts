import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, headless, without the background traffic this closed network refuses. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DEMO_PASSWORD = 'AssetPay@2026';

/** Logs a demo user into the admin console in a fresh context (downloads allowed) and waits for the dashboard. */
export async function logIn(browser: Browser, baseUrl: string, username: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('[data-testid=login-submit]');
  await page.locator('[data-testid=dashboard]').waitFor();
  return page;
}

/** Opens an antd Select by its input id, optionally types a search, and clicks the option with that text. */
export async function choose(page: Page, inputId: string, optionText: string, search?: string) {
  const input = page.locator(`#${inputId}`);
  await input.click();
  if (search !== undefined) await input.fill(search);
  // Wait until the dropdown has finished opening: a click during its animation is lost.
  const open = '.ant-select-dropdown:visible:not([class*="-appear"]):not([class*="-enter"]):not([class*="-leave"])';
  await page.locator(`${open} .ant-select-item-option`, { hasText: optionText }).first().click();
  await page.locator('.ant-select', { has: input, hasText: optionText }).waitFor();
}

/** Waits for an antd success message with this text. */
export async function successMessage(page: Page, text: string) {
  await page.locator('.ant-message-notice', { hasText: text }).first().waitFor();
}
