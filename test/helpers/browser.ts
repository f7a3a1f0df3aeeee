import { type Browser, chromium, type Page, type Request } from 'playwright-core';

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
  watchApi(page);
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

/** The API calls of each page watched, as `POST /api/v1/… → 200`, for the error of a step that timed out. */
const apiCalls = new WeakMap<Page, { request: Request; answer: string | undefined }[]>();

/** Keeps the page's last API calls and their answers (or failures), and which are still unanswered. */
function watchApi(page: Page) {
  const calls: { request: Request; answer: string | undefined }[] = [];
  apiCalls.set(page, calls);
  page.on('request', (request) => {
    if (!new URL(request.url()).pathname.startsWith('/api/')) return;
    calls.push({ request, answer: undefined });
    if (calls.length > 20) calls.shift();
  });
  const answered = (request: Request, answer: string) => {
    const call = calls.find((candidate) => candidate.request === request);
    if (call) call.answer = answer;
  };
  page.on('response', (response) => answered(response.request(), String(response.status())));
  page.on('requestfailed', (request) => answered(request, `failed: ${request.failure()?.errorText}`));
}

function apiCallsOf(page: Page): string {
  const calls = apiCalls.get(page) ?? [];
  return calls
    .map(({ request, answer }) => {
      const url = new URL(request.url());
      return `  ${request.method()} ${url.pathname}${url.search} → ${answer ?? 'unanswered'}`;
    })
    .join('\n');
}

/**
 * Waits for an antd success message with this text. When it does not come, the error says what the page shows
 * instead and its last API calls: a click that sent nothing, a request still unanswered, or an error answer.
 */
export async function successMessage(page: Page, text: string) {
  try {
    await page.locator('.ant-message-notice', { hasText: text }).first().waitFor();
  } catch (error) {
    const shown = await page
      .locator('.ant-message-notice, .ant-modal-confirm-title, .ant-form-item-explain-error')
      .allTextContents()
      .catch(() => []);
    throw new Error(
      `no success message "${text}"; on the page: ${shown.join(' | ') || 'nothing'}; ` +
        `its last API calls:\n${apiCallsOf(page) || '  none watched'}`,
      { cause: error },
    );
  }
}
