// Spreadsheet imports through the HTTP API, as an asset manager uploads them: 5,000 assets and 5,000 tenants
// (`--quick`: 1,000), each in one transaction, on PGlite and, when reachable, on PostgreSQL in a fresh schema.
// Prints one JSON line per figure: { name, db, n, seconds, perSecond, peakRssMb }.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { PiiCipher, randomKeyring } from '../src/crypto/pii.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.ts';
import { makeCreditCode } from '../src/domain/credit-code.ts';
import { makeResidentId } from '../src/domain/resident-id.ts';
import { ASSET_COLUMNS } from '../src/modules/assets/spreadsheet.ts';
import { TENANT_COLUMNS } from '../src/modules/tenants/spreadsheet.ts';
import { buildApp } from '../src/server.ts';
import { multipartFile, workbookOf, XLSX } from '../test/helpers/uploads.ts';
import { postgresReachable } from './_figure.ts';

const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const n = process.argv.includes('--quick') ? 1000 : 5000;

type Row = (string | number | null)[];

function assetRows(count: number): Row[] {
  const rows: Row[] = [['BENCH', '基准园区', '项目', null, null]];
  for (let b = 1; b <= 50; b++) rows.push([`BENCH-B${b}`, `${b}号楼`, '楼栋', 'BENCH', null]);
  for (let i = rows.length; i < count; i++) {
    rows.push([`BENCH-U${i}`, `${i}号房`, '房间/铺位', `BENCH-B${(i % 50) + 1}`, (40 + (i % 200) / 4).toFixed(2)]);
  }
  return rows;
}

function tenantRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const phone = `177${String(i).padStart(8, '0')}`;
    if (i % 4 === 3) {
      return ['企业', `基准企业${i}`, null, makeCreditCode(`91500118${String(i).padStart(9, '0')}`), phone];
    }
    // (year, month, day) differs for every i below 40 × 12 × 28 = 13,440.
    const month = String((Math.floor(i / 40) % 12) + 1).padStart(2, '0');
    const birth = `19${60 + (i % 40)}-${month}-${String((Math.floor(i / 480) % 28) + 1).padStart(2, '0')}`;
    return ['个人', `基准${i}`, makeResidentId(['500118', '500116', '500151'][i % 3]!, birth, i % 1000), null, phone];
  });
}

async function run(kind: 'pglite' | 'postgres') {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const database: Database =
    kind === 'pglite' ? await openDatabase({}) : await openDatabase({ url: POSTGRES_URL, schema, poolSize: 5 });
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpay-bench-'));
  try {
    await migrate(database);
    const keyring = randomKeyring();
    const pii = new PiiCipher(keyring);
    await seedDemo(database.orm, { pii });
    const config = {
      ...loadConfig({ NODE_ENV: 'test' }),
      jobs: false,
      piiKeys: keyring.keys,
      piiIndexKey: keyring.indexKey,
      storageDir,
    };
    const app = await buildApp({ config, database, pii });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'zichan', password: DEMO_PASSWORD },
    });
    const headers = { authorization: `Bearer ${login.json().token}` };
    const cases = [
      {
        name: 'asset import (xlsx upload, one transaction)',
        url: '/api/v1/assets/import',
        columns: ASSET_COLUMNS,
        rows: assetRows(n),
      },
      {
        name: 'tenant import (xlsx upload, encrypted, one transaction)',
        url: '/api/v1/tenants/import',
        columns: TENANT_COLUMNS,
        rows: tenantRows(n),
      },
    ];
    for (const { name, url, columns, rows } of cases) {
      const upload = multipartFile(
        'bench.xlsx',
        await workbookOf(
          columns.map((column) => column.header),
          rows,
        ),
        XLSX,
      );
      const started = process.hrtime.bigint();
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { ...headers, ...upload.headers },
        payload: upload.payload,
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (response.statusCode !== 201 || response.json().created !== n) {
        throw new Error(`${name} on ${kind}: ${response.statusCode} ${response.body.slice(0, 500)}`);
      }
      const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
      console.log(
        JSON.stringify({
          name,
          db: kind,
          n,
          seconds: Number(seconds.toFixed(3)),
          perSecond: Math.round(n / seconds),
          peakRssMb,
        }),
      );
    }
    await app.close();
  } finally {
    await database.close();
    fs.rmSync(storageDir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
}

await run('pglite');
if (await postgresReachable()) await run('postgres');
else console.error(`PostgreSQL not reachable at ${POSTGRES_URL}: PGlite figures only`);
