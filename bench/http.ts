// HTTP overhead (#10 workload 5): the real app (buildApp on PostgreSQL — a database of its own with the demo data —
// or on PGlite with `--db=pglite`, request logging on at info into /dev/null) and a bare Fastify hello-world, both
// listening in this process, loaded in turn by a load generator in another process (bench/_loadgen.ts: C keep-alive
// connections, closed loop). The app's figure is an authenticated list endpoint:
//   GET /api/v1/contracts?pageSize=20 with a bearer session (zichan, 资产管理员)
// Alternates hello-world and the app (quick: 1 round of 3 s each; full: 3 rounds of 10 s) and takes each one's best.
// Figures (bench/_figure.ts):
//   http.helloWorld            requests/s, p50, p99 of the bare Fastify
//   http.contracts.list        requests/s, p50, p99; ratio = its requests/s ÷ hello-world's     target ≥ 0.5
import Fastify, { type FastifyInstance } from 'fastify';
import { type BenchApp, startBenchApp } from './_app.ts';
import { flag, logger, peakRssMb, printFigure, quick, round } from './_figure.ts';
import { type LoadResult, loadFromChildProcess } from './_loadgen.ts';

const log = logger('http bench');
const TARGET_RATIO = 0.5;
const connections = Number(flag('connections') ?? 32);
const seconds = Number(flag('seconds') ?? (quick ? 3 : 10));
const rounds = Number(flag('rounds') ?? (quick ? 1 : 3));
const LIST_PATH = '/api/v1/contracts?pageSize=20';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

async function main() {
  let bench: BenchApp | undefined;
  const hello = Fastify();
  hello.get('/', async () => ({ hello: 'world' }));
  try {
    bench = await startBenchApp('http', { pglite: flag('db') === 'pglite' });
    const { database } = bench;
    log(`${database.kind}: demo seeded in ${bench.seedSeconds.toFixed(1)} s`);
    const appUrl = bench.url;
    const helloUrl = await listen(hello);
    const headers = { authorization: `Bearer ${await bench.login('zichan')}` };
    const probe = await fetch(`${appUrl}${LIST_PATH}`, { headers });
    const page = (await probe.json()) as { items: unknown[]; total: number };
    if (!probe.ok || page.items.length !== 20) throw new Error(`list: ${probe.status}, ${page.items?.length} items`);
    log(
      `list answers ${page.items.length} of ${page.total} contracts; ${connections} connections, ${rounds}×${seconds} s`,
    );

    const best = (results: LoadResult[]) => results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const helloRuns: LoadResult[] = [];
    const appRuns: LoadResult[] = [];
    const load = { connections, warmupSeconds: 1, seconds };
    for (let round = 0; round < rounds; round++) {
      helloRuns.push(await loadFromChildProcess({ ...load, url: `${helloUrl}/` }));
      log(`  hello-world ${helloRuns.at(-1)!.perSecond}/s p99 ${helloRuns.at(-1)!.p99Ms} ms`);
      appRuns.push(await loadFromChildProcess({ ...load, url: `${appUrl}${LIST_PATH}`, headers }));
      log(`  contracts list ${appRuns.at(-1)!.perSecond}/s p99 ${appRuns.at(-1)!.p99Ms} ms`);
    }
    const helloBest = best(helloRuns);
    const appBest = best(appRuns);
    for (const result of [...helloRuns, ...appRuns]) {
      if (Object.keys(result.failures).length > 0)
        throw new Error(`failed requests: ${JSON.stringify(result.failures)}`);
    }
    printFigure({
      name: 'http.helloWorld',
      db: null,
      n: helloBest.requests,
      seconds: helloBest.seconds,
      perSecond: helloBest.perSecond,
      p50Ms: helloBest.p50Ms,
      p99Ms: helloBest.p99Ms,
      connections,
    });
    const ratio = appBest.perSecond / helloBest.perSecond;
    printFigure({
      name: 'http.contracts.list',
      db: database.kind,
      n: appBest.requests,
      seconds: appBest.seconds,
      perSecond: appBest.perSecond,
      p50Ms: appBest.p50Ms,
      p99Ms: appBest.p99Ms,
      peakRssMb: peakRssMb(),
      baseline: helloBest.perSecond,
      baselineOf: 'requests/s of a bare Fastify hello-world, same run',
      ratio: round(ratio, 3),
      target: `>= ${TARGET_RATIO} of hello-world`,
      meetsTarget: ratio >= TARGET_RATIO,
      connections,
      endpoint: `GET ${LIST_PATH} (bearer session)`,
      runs: appRuns.map((result) => result.perSecond),
      helloRuns: helloRuns.map((result) => result.perSecond),
    });
  } finally {
    await hello.close();
    await bench?.close();
  }
}

await main();
