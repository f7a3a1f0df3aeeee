// Staging a statement (对账导入): the file is known by its SHA-256, one run is made per org, provider, day and file
// (the same file again answers the earlier run and changes nothing), and its lines go into reconciliation_lines in
// bulk by COPY while they are parsed — a million-line bill streams from the spool file to the database, a slice at a
// time — and are matched to payment orders as they move into reconciliation_lines.
import { sql } from '../../db/client.ts';
import { copyText, copyTextSlices } from '../../db/copy.ts';
import { AppError } from '../../http/problem.ts';
import type { Actor } from '../audit/service.ts';
import { providerParam } from '../payments/channel-settings.ts';
import {
  gunzipStatement,
  isGzip,
  isZip,
  peekStart,
  type StatementFile,
  type StatementMeta,
  type StatementSource,
  spoolStatement,
} from '../payments/channels/statement-file.ts';
import type { PaymentsDeps } from '../payments/service.ts';
import { type ReconciliationRunRow, reconciliationRepository as repo } from './repository.ts';
import { StatementMalformed, statementLineBatches } from './statements/index.ts';

type Tx = Parameters<Parameters<PaymentsDeps['db']['transaction']>[0]>[0];

export interface StagedStatement {
  run: ReconciliationRunRow;
  /** False when this org had imported the same file for that day before: `run` is the earlier run. */
  fresh: boolean;
}

/**
 * Lines read ahead while the database writes the slice before: at ~100 bytes of COPY text a line, 10 MB held, and a
 * million-line bill in ten slices.
 */
const SLICE_LINES = 100_000;

/** What COPY sends of each line; the run, org and provider are the same on every line and added by the INSERT. */
const INCOMING_COLUMNS = [
  'line_no',
  'kind',
  'transaction_id',
  'order_no',
  'refund_no',
  'original_transaction_id',
  'amount_fen',
  'fee_fen',
  'occurred_at',
] as const;

const malformed = (provider: StatementFile['provider'], reason: string) =>
  new AppError(422, 'reconciliation_statement_malformed', { provider: providerParam(provider), reason });

/**
 * Makes the run of `file` and loads its lines, in one transaction; `andThen` runs in the same transaction once the
 * lines are in (matching), so a run is never left staged without its matches. A file that does not read as its
 * channel's format is refused (422) and nothing is kept. The caller still owns (and disposes) the file.
 */
export async function stageStatement(
  deps: Pick<PaymentsDeps, 'db'>,
  actor: Actor & { orgId: string },
  file: StatementFile,
  andThen?: (tx: Tx, run: ReconciliationRunRow) => Promise<void>,
  { sliceLines = SLICE_LINES }: { sliceLines?: number } = {},
): Promise<StagedStatement> {
  return deps.db.transaction(async (tx) => {
    const run = await repo.insertRun(tx, {
      orgId: actor.orgId,
      provider: file.provider,
      statementDate: file.date,
      fileFormat: file.format,
      fileHash: file.fileHash,
      createdBy: actor.id,
      createdByName: actor.name,
    });
    if (!run) {
      const earlier = await repo.runByFile(tx, actor.orgId, file.provider, file.date, file.fileHash);
      return { run: earlier!, fresh: false };
    }
    // COPY lands in a temporary table (no WAL, no index, no FK check per row); the lines then go into
    // reconciliation_lines by an INSERT … SELECT that matches payment lines to their orders on the way. A slice at a
    // time: while the database matches and writes one slice, this process reads and encodes the next (2 cores busy,
    // not one after the other).
    await tx.execute(sql`
      CREATE TEMP TABLE reconciliation_incoming (
        line_no integer NOT NULL, kind text NOT NULL, transaction_id text NOT NULL, order_no text NOT NULL,
        refund_no text, original_transaction_id text, amount_fen bigint NOT NULL, fee_fen bigint NOT NULL,
        occurred_at timestamptz NOT NULL
      ) ON COMMIT DROP`);
    await repo.hashADayInMemory(tx);
    let writing: Promise<boolean> | undefined;
    let settledBefore = false;
    try {
      // An empty file stands for the channel's "no statement that day": no lines, but orders here still checked.
      for await (const slice of copyTextSlices(linesOf(file), sliceLines)) {
        if (writing) settledBefore = (await writing) || settledBefore;
        await tx.execute(sql`TRUNCATE reconciliation_incoming`);
        await copyText(tx, 'reconciliation_incoming', INCOMING_COLUMNS, slice);
        writing = repo.insertIncomingLines(tx, run);
        // Awaited with the next slice, or below; a failure meanwhile is not unhandled (the transaction rolls back).
        writing.catch(() => {});
      }
      if (writing) settledBefore = (await writing) || settledBefore;
    } catch (error) {
      if (error instanceof StatementMalformed) throw malformed(file.provider, error.message);
      throw error;
    }
    if (settledBefore) await repo.markSettledBefore(tx, run.id);
    await tx.execute(sql`DROP TABLE reconciliation_incoming`);
    await andThen?.(tx, run);
    return { run, fresh: true };
  });
}

async function* linesOf(file: StatementFile) {
  let lineNo = 0;
  for await (const batch of statementLineBatches(file)) {
    for (const line of batch) {
      lineNo += 1;
      yield [
        lineNo,
        line.kind,
        line.transactionId,
        line.orderNo,
        line.refundNo ?? null,
        line.originalTransactionId ?? null,
        line.amountFen,
        line.feeFen,
        line.at,
      ];
    }
  }
}

/**
 * A statement file from bytes in hand or a stream (an upload), spooled like a downloaded one: a gzipped WeChat bill is
 * unzipped on the way (its digest is then the CSV's, as for a download), an Alipay file must be the zip. An empty or
 * unreadable file is refused (422). The caller disposes of the file.
 */
export async function statementFileFrom(meta: StatementMeta, source: StatementSource): Promise<StatementFile> {
  const { head, stream } = await peekStart(source, 2);
  if (head.length === 0) throw malformed(meta.provider, '文件为空');
  if (meta.format === 'alipay_zip' && !isZip(head)) throw malformed(meta.provider, '支付宝账单应为 zip 压缩包');
  const gunzip = meta.format === 'wechat_csv' && isGzip(head);
  try {
    return await spoolStatement(meta, stream, gunzip ? [gunzipStatement()] : []);
  } catch (error) {
    if (String((error as { code?: unknown })?.code ?? '').startsWith('Z_')) {
      throw malformed(meta.provider, 'gzip 文件无法解压');
    }
    throw error;
  }
}
