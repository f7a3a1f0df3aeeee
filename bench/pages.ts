// Pages (#10 workload 6): the built web assets (web/dist, `npm run build:web`) served by the real app (bench/_app.ts:
// PostgreSQL, demo data) and opened in Chromium (/usr/bin/chromium through playwright-core).
// - The tenant pay page: a signed pay link (/m/pay/<token>) of an open demo bill, opened R times (quick 3, full 7) in
//   a fresh context (cold cache, phone viewport) with the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate).
//   Interactive = the moment the page answers a tap: a script in the page notes when 去支付 (m-pay-button) is first
//   enabled, the benchmark taps it at once, and the page notes when the channel sheet it opens shows its amount
//   (m-channel-amount); that instant, from navigation start, is the time to interactive. Its JavaScript is every script the page
//   loaded (the H5 entry and the chunks the pay route pulls in), gzipped from web/dist (zlib, level 6).
// - The admin console's first page: the login page, then signing in as admin, to the dashboard — every script and
//   style sheet loaded by then, gzipped; and how the build is split: the console's JS chunks, and how many of them
//   the first page did not need.
// Figures (bench/_figure.ts): pages.pay.js (≤ 200 KB), pages.pay.interactive (≤ 1.5 s), pages.admin.firstPage (≤ 1 MB,
// split by route); ratio = the figure ÷ its budget.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { queryRows, sql } from '../src/db/client.ts';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import { signPayLink } from '../src/modules/messages/pay-link.ts';
import { type BenchApp, startBenchApp } from './_app.ts';
import { flag, logger, percentile, printFigure, quick, round } from './_figure.ts';

const log = logger('pages bench');
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');
const runs = Number(flag('runs') ?? (quick ? 3 : 7));
const PAY_JS_BUDGET_KB = 200;
const PAY_INTERACTIVE_BUDGET_S = 1.5;
const ADMIN_FIRST_PAGE_BUDGET_KB = 1024;
const CPU_SLOWDOWN = 4;

const gzipKbCache = new Map<string, number>();
/** The gzipped size of a built file named by its URL path, in KB. */
function gzipKbOf(urlPath: string): number {
  const cached = gzipKbCache.get(urlPath);
  if (cached !== undefined) return cached;
  const file = path.join(dist, decodeURIComponent(urlPath));
  if (!file.startsWith(dist) || !fs.existsSync(file)) throw new Error(`${urlPath} is not in web/dist`);
  const kb = gzipSync(fs.readFileSync(file), { level: 6 }).length / 1024;
  gzipKbCache.set(urlPath, kb);
  return kb;
}

/** Records the scripts and style sheets a page loads from the app, by URL path. */
function recordAssets(page: Page, origin: string) {
  const scripts = new Set<string>();
  const styles = new Set<string>();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin) return;
    if (request.resourceType() === 'script') scripts.add(url.pathname);
    if (request.resourceType() === 'stylesheet') styles.add(url.pathname);
  });
  return { scripts, styles };
}

const sumKb = (paths: Iterable<string>) => [...paths].reduce((sum, urlPath) => sum + gzipKbOf(urlPath), 0);

// Runs in the page before its own scripts: notes when the pay button is first enabled and when the sheet shows.
const markInteractive = () => {
  const marks = { enabledAt: 0, sheetAt: 0 };
  (window as unknown as { __marks: typeof marks }).__marks = marks;
  new MutationObserver(() => {
    const button = document.querySelector('[data-testid=m-pay-button]') as HTMLButtonElement | null;
    if (!marks.enabledAt && button && !button.disabled) marks.enabledAt = performance.now();
    const sheet = document.querySelector('[data-testid=m-channel-amount]') as HTMLElement | null;
    if (!marks.sheetAt && sheet && sheet.getBoundingClientRect().height > 0) marks.sheetAt = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true });
};

async function payPageRun(browser: Browser, bench: BenchApp, payUrl: string) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: false,
    locale: 'zh-CN',
  });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    await page.addInitScript(markInteractive);
    const assets = recordAssets(page, bench.url);
    await page.goto(payUrl, { waitUntil: 'commit' });
    await page.locator('[data-testid=m-pay-button]:not([disabled])').click();
    await page.locator('[data-testid=m-channel-amount]').waitFor({ state: 'visible' });
    await page.waitForFunction(() => (window as unknown as { __marks: { sheetAt: number } }).__marks.sheetAt > 0);
    const marks = await page.evaluate(
      () => (window as unknown as { __marks: { enabledAt: number; sheetAt: number } }).__marks,
    );
    return { ...marks, scripts: [...assets.scripts], styles: [...assets.styles] };
  } finally {
    await context.close();
  }
}

async function adminFirstPage(browser: Browser, bench: BenchApp) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    const assets = recordAssets(page, bench.url);
    await page.goto(`${bench.url}/`);
    await page.waitForURL(/\/login$/);
    await page.locator('[data-testid=login-submit]').waitFor();
    const loginKb = sumKb(assets.scripts) + sumKb(assets.styles);
    await page.fill('#username', 'admin');
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=dashboard]').waitFor();
    await page.waitForLoadState('networkidle');
    return { loginKb, scripts: [...assets.scripts], styles: [...assets.styles] };
  } finally {
    await context.close();
  }
}

/** The admin console's JS chunks: everything the build wrote that the tenant portal's entry does not reach alone. */
function buildChunks() {
  const assetsDir = path.join(dist, 'assets');
  const all = fs.readdirSync(assetsDir).filter((name) => name.endsWith('.js'));
  const pageChunks = all.filter((name) => /(Page|Layout|Wizard|Drawer|Charts)-[\w-]+\.js$/.test(name));
  return { all, pageChunks };
}

async function main() {
  if (!fs.existsSync(path.join(dist, 'm', 'index.html'))) {
    throw new Error('web/dist has no build: run `npm run build:web` first');
  }
  const bench = await startBenchApp('pages');
  let browser: Browser | undefined;
  try {
    log(`${bench.database.kind}: demo seeded in ${bench.seedSeconds.toFixed(1)} s`);
    const [bill] = await queryRows<{ id: string }>(
      bench.database.orm,
      sql`SELECT id FROM bills WHERE org_id = ${bench.orgId} AND status IN ('open', 'partial') ORDER BY due_date LIMIT 1`,
    );
    if (!bill) throw new Error('the demo has no open bill to pay');
    const payUrl = `${bench.url}/m/pay/${signPayLink(bench.payLinkKey, { billId: bill.id, orgId: bench.orgId })}`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    await payPageRun(browser, bench, payUrl); // the server's first answers (and Chromium's) are not the page's
    const timings: { enabledAt: number; sheetAt: number }[] = [];
    let scripts: string[] = [];
    for (let run = 0; run < runs; run++) {
      const result = await payPageRun(browser, bench, payUrl);
      timings.push(result);
      scripts = result.scripts;
      log(
        `  pay page: enabled at ${result.enabledAt.toFixed(0)} ms, answered a tap at ${result.sheetAt.toFixed(0)} ms`,
      );
    }
    const payJsKb = sumKb(scripts);
    printFigure({
      name: 'pages.pay.js',
      db: null,
      n: scripts.length,
      peakRssMb: null,
      baseline: PAY_JS_BUDGET_KB,
      baselineOf: 'KB budget',
      ratio: round(payJsKb / PAY_JS_BUDGET_KB, 3),
      target: `<= ${PAY_JS_BUDGET_KB} KB of JavaScript gzipped`,
      meetsTarget: payJsKb <= PAY_JS_BUDGET_KB,
      gzipKb: round(payJsKb),
      scripts: scripts.map((script) => `${path.basename(script)} ${round(gzipKbOf(script))}`),
    });
    const interactive = timings.map((timing) => timing.sheetAt).sort((a, b) => a - b);
    const medianSeconds = percentile(interactive, 50) / 1000;
    printFigure({
      name: 'pages.pay.interactive',
      db: bench.database.kind,
      n: runs,
      seconds: round(medianSeconds, 3),
      p50Ms: round(percentile(interactive, 50)),
      p99Ms: round(percentile(interactive, 99)),
      peakRssMb: null,
      baseline: PAY_INTERACTIVE_BUDGET_S,
      baselineOf: 'seconds budget',
      ratio: round(medianSeconds / PAY_INTERACTIVE_BUDGET_S, 3),
      target: `<= ${PAY_INTERACTIVE_BUDGET_S} s to answer a tap on 去支付, CPU ${CPU_SLOWDOWN}x slower`,
      meetsTarget: medianSeconds <= PAY_INTERACTIVE_BUDGET_S,
      enabledMs: timings.map((timing) => round(timing.enabledAt)),
      tapAnsweredMs: timings.map((timing) => round(timing.sheetAt)),
      cpuSlowdown: CPU_SLOWDOWN,
    });

    const admin = await adminFirstPage(browser, bench);
    const firstKb = sumKb(admin.scripts) + sumKb(admin.styles);
    const chunks = buildChunks();
    const loaded = new Set(admin.scripts.map((script) => path.basename(script)));
    const routeChunksNotLoaded = chunks.pageChunks.filter((name) => !loaded.has(name)).length;
    printFigure({
      name: 'pages.admin.firstPage',
      db: bench.database.kind,
      n: admin.scripts.length,
      peakRssMb: null,
      baseline: ADMIN_FIRST_PAGE_BUDGET_KB,
      baselineOf: 'KB budget',
      ratio: round(firstKb / ADMIN_FIRST_PAGE_BUDGET_KB, 3),
      target: `<= ${ADMIN_FIRST_PAGE_BUDGET_KB} KB gzipped (login page + dashboard), split by route`,
      meetsTarget: firstKb <= ADMIN_FIRST_PAGE_BUDGET_KB && routeChunksNotLoaded > 0,
      gzipKb: round(firstKb),
      loginPageGzipKb: round(admin.loginKb),
      scriptsLoaded: admin.scripts.length,
      stylesLoaded: admin.styles.length,
      buildJsChunks: chunks.all.length,
      routeChunks: chunks.pageChunks.length,
      routeChunksNotLoaded,
    });
  } finally {
    await browser?.close();
    await bench.close();
  }
}

await main();
