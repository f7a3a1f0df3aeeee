// The reconciliation benchmark's child process (bench/reconciliation.ts starts it, bundled as npm start bundles the
// product): the reconciliation alone, through the real service, with nothing else loaded — its peak RSS is the
// service's. Prints one JSON line { seconds, peakRssMb, rssBeforeMb, view }.
import pg from 'pg';
import { PiiCipher, type PiiKeyring } from '../src/crypto/pii.ts';
import { openDatabase } from '../src/db/client.ts';
import { chinaDate } from '../src/domain/calendar.ts';
import { PROVIDERS_MODULES } from '../src/modules/payments/channels/index.ts';
import { reconciliationService } from '../src/modules/reconciliation/service.ts';
import { benchActor, DATE } from './_reconciliation-day.ts';

async function childRun() {
  const stored = JSON.parse(process.env.BENCH_RECON_KEYRING!) as {
    keys: { id: string; key: string }[];
    indexKey: string;
  };
  const keyring: PiiKeyring = {
    keys: stored.keys.map(({ id, key }) => ({ id, key: Buffer.from(key, 'base64') })),
    indexKey: Buffer.from(stored.indexKey, 'base64'),
  };
  const database = await openDatabase({ url: process.env.BENCH_RECON_URL!, poolSize: 4 });
  try {
    const orgId = process.env.BENCH_RECON_ORG!;
    const deps = {
      db: database.orm,
      pii: new PiiCipher(keyring),
      providers: PROVIDERS_MODULES,
      publicBaseUrl: 'http://127.0.0.1',
    };
    const rssBeforeMb = Math.round(process.memoryUsage().rss / 1048576);
    if (process.argv.includes('--trace')) traceStatements();
    const start = performance.now();
    const view = await reconciliationService.reconcile(deps, benchActor(orgId), {
      provider: 'wechatpay',
      date: DATE,
      today: chinaDate(new Date()),
    });
    const seconds = (performance.now() - start) / 1000;
    console.log(
      JSON.stringify({
        seconds,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        rssBeforeMb,
        view: { lines: view.lines, matched: view.matched, differences: view.differences },
      }),
    );
  } finally {
    await database.close();
  }
}

/** `--trace`: every statement that takes over 100 ms, with its time, to stderr (what limits the run). */
function traceStatements() {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  const origin = performance.now();
  pg.Client.prototype.query = function traced(this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
    if (process.env.BENCH_EXPLAIN && text?.includes(process.env.BENCH_EXPLAIN)) {
      void (
        query.apply(this, [`EXPLAIN ${text}`, (args[0] as { values?: unknown[] })?.values ?? args[1]]) as Promise<{
          rows: Record<string, string>[];
        }>
      ).then((plan) => console.error(plan.rows.map((row) => Object.values(row)[0]).join('\n')));
    }
    const started = performance.now();
    const result = query.apply(this, args);
    const report = () => {
      const ms = performance.now() - started;
      const at = ((started - origin) / 1000).toFixed(2);
      if (ms > 100) console.error(`+${at} s: ${Math.round(ms)} ms  ${text?.replace(/\s+/g, ' ').slice(0, 120)}`);
    };
    if (result instanceof Promise) void result.then(report, () => {});
    else (result as { once?: (event: string, listener: () => void) => void } | undefined)?.once?.('finish', report);
    return result;
  } as typeof pg.Client.prototype.query;
}

await childRun();
