// 对账: a channel's statement for one day fetched through the org's merchant account, its lines staged in bulk and
// matched set-based against payment orders. Money the channel took for an order not succeeded here is confirmed by
// querying the channel and posted through the normal path (a repair, audited); what still does not tie out becomes
// a difference for finance. The matched money is settled in one entry per run: Dr 1002 net + Dr 6603 fee / Cr 1012.
// The same file imported again changes nothing and answers the earlier run.

import type { Provider } from '../../db/schema.ts';
import { addDays } from '../../domain/calendar.ts';
import { formatYuan } from '../../domain/money.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { CLEARING_ACCOUNT } from '../ledger/chart.ts';
import { journal } from '../ledger/journal.ts';
import { adapterForOrg, providerParam } from '../payments/channel-settings.ts';
import {
  emptyStatement,
  gunzipStatement,
  isGzip,
  isZip,
  peekStart,
  type StatementSource,
  spoolStatement,
} from '../payments/channels/statement-file.ts';
import { type ChannelAdapter, ChannelError, type StatementFile } from '../payments/channels/types.ts';
import { MerchantMismatch, postChannelPayment } from '../payments/posting.ts';
import type { PaymentsDeps } from '../payments/service.ts';
import { differencesRepository } from './differences.repository.ts';
import { type DifferenceView, differencesService } from './differences.ts';
import {
  type LineSums,
  type ReconciliationLineRow,
  type ReconciliationRunRow,
  type RunFilter,
  reconciliationRepository as repo,
  type TieOut,
} from './repository.ts';
import { stageStatement } from './staging.ts';

export type ReconciliationDeps = Pick<PaymentsDeps, 'db' | 'pii' | 'providers' | 'fetchImpl' | 'publicBaseUrl' | 'log'>;

const PROVIDER_TEXT: Record<Provider, string> = { wechatpay: '微信支付', alipay: '支付宝', unionpay: '银联' };
/** What each channel answers for a day without transactions: no file, which reconciles as an empty statement. */
const NO_STATEMENT: Record<Provider, string> = {
  wechatpay: 'NO_STATEMENT_EXIST',
  alipay: 'isp.bill_not_exist',
  unionpay: '98',
};
const FORMAT_OF: Record<Provider, StatementFile['format']> = {
  wechatpay: 'wechat_csv',
  alipay: 'alipay_zip',
  unionpay: 'unionpay_text',
};

export interface ReconciliationView {
  id: string;
  channel: Provider;
  date: string;
  status: 'staged' | 'completed';
  fileHash: string;
  /** True when this file had been imported before: the earlier run, unchanged. */
  duplicate: boolean;
  lines: number;
  payments: number;
  refunds: number;
  matched: number;
  repaired: number;
  differences: number;
  channelPaidFen: number;
  channelRefundFen: number;
  channelFeeFen: number;
  settledGrossFen: number;
  settledFeeFen: number;
  settledNetFen: number;
  settlementEntryId: string | null;
  createdByName: string | null;
  createdAt: string;
  completedAt: string | null;
  refundsMatched: number;
  settledRefundFen: number;
  openDifferences: number;
  tieOut: TieOut;
  differenceItems: DifferenceView[];
}

const NO_TIE_OUT: TieOut = {
  channelPaidFen: 0,
  matchedFen: 0,
  repairedFen: 0,
  settledBeforeFen: 0,
  differenceFen: 0,
  channelRefundFen: 0,
  refundMatchedFen: 0,
  refundSettledBeforeFen: 0,
  refundDifferenceFen: 0,
  settlementClearingFen: 0,
  unexplainedFen: 0,
};

function runView(
  run: ReconciliationRunRow,
  differences: DifferenceView[],
  duplicate: boolean,
  tieOut: TieOut = NO_TIE_OUT,
  openDifferences = differences.filter((item) => item.status !== 'resolved').length,
) {
  return {
    id: run.id,
    channel: run.provider,
    date: run.statementDate,
    status: run.status,
    fileHash: run.fileHash,
    duplicate,
    lines: run.lineCount,
    payments: run.paymentCount,
    refunds: run.refundCount,
    matched: run.matchedCount,
    repaired: run.repairedCount,
    differences: run.differenceCount,
    channelPaidFen: run.channelPaidFen,
    channelRefundFen: run.channelRefundFen,
    channelFeeFen: run.channelFeeFen,
    settledGrossFen: run.settledGrossFen,
    settledFeeFen: run.settledFeeFen,
    settledNetFen: run.settledGrossFen - run.settledRefundFen - run.settledFeeFen,
    settlementEntryId: run.settlementEntryId,
    createdByName: run.createdByName,
    createdAt: run.createdAt.toISOString(),
    completedAt: run.completedAt?.toISOString() ?? null,
    refundsMatched: run.refundMatchedCount,
    settledRefundFen: run.settledRefundFen,
    openDifferences,
    tieOut,
    differenceItems: differences,
  } satisfies ReconciliationView;
}

function statementUnavailable(provider: Provider, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = error instanceof ChannelError ? error.code : 'NETWORK';
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(502, 'reconciliation_statement_unavailable', {
    provider: providerParam(provider),
    code,
    message,
  });
}

function uploadRefused(provider: Provider, reason: string) {
  return new AppError(422, 'reconciliation_upload_format', { provider: providerParam(provider), reason }, [
    { path: 'body/file', key: 'reconciliation_upload_format' },
  ]);
}

/** The first bytes of a spooled statement (enough to tell its format). */
async function statementStart(file: StatementFile, length = 512): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of file.chunks()) {
    parts.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= length) break;
  }
  return Buffer.concat(parts).subarray(0, length);
}

/** Why these bytes are not the channel's statement, or undefined when they look like it. */
function formatProblem(provider: Provider, start: Buffer): string | undefined {
  if (start.length === 0) return '文件为空';
  const text = start.toString('utf8').replace(/^\uFEFF/, '');
  switch (provider) {
    case 'wechatpay':
      return /^`?交易时间,/.test(text) ? undefined : '应为微信支付交易账单 CSV（首行为“交易时间,…”，可为 .gz 压缩）';
    case 'alipay':
      return isZip(start) ? undefined : '应为支付宝账单 zip 压缩包';
    case 'unionpay':
      return isZip(start) || /^\w{3} .{21} \d{10} \d{12} /.test(text)
        ? undefined
        : '应为银联全渠道对账文件（zip 或 INN 文本文件）';
  }
}

/** The statement's day in China time as the instants [from, to). */
function dayBounds(date: string): { from: Date; to: Date } {
  return { from: new Date(`${date}T00:00:00+08:00`), to: new Date(`${addDays(date, 1)}T00:00:00+08:00`) };
}

export const reconciliationService = {
  /** Fetches the channel's statement of `date` and reconciles it (or answers the run that imported the same file). */
  async reconcile(
    deps: ReconciliationDeps,
    actor: Actor & { orgId: string },
    input: { provider: Provider; date: string; today: string },
  ): Promise<ReconciliationView> {
    const { provider, date } = input;
    if (date >= input.today) {
      throw new AppError(422, 'reconciliation_date_not_past', { date }, [
        { path: 'body/date', key: 'reconciliation_date_not_past' },
      ]);
    }
    const adapter = await adapterForOrg(deps, actor.orgId, provider);
    let file: StatementFile;
    try {
      file = await adapter.fetchStatement(date);
    } catch (error) {
      if (!(error instanceof ChannelError && error.code === NO_STATEMENT[provider])) {
        throw statementUnavailable(provider, error);
      }
      file = emptyStatement({ provider, date, format: FORMAT_OF[provider] });
    }
    try {
      return await reconciliationService.reconcileFile(deps, actor, adapter, file);
    } finally {
      await file.dispose();
    }
  },

  /**
   * A statement file uploaded by hand (WeChat's CSV, gzipped or not; Alipay's zip; UnionPay's zip or INN file),
   * checked to be that channel's format, then reconciled exactly as if fetched.
   */
  async reconcileUpload(
    deps: ReconciliationDeps,
    actor: Actor & { orgId: string },
    input: { provider: Provider; date: string; today: string; source: StatementSource; maxMb?: number },
  ): Promise<ReconciliationView> {
    const { provider, date } = input;
    if (date >= input.today) {
      throw new AppError(422, 'reconciliation_date_not_past', { date }, [
        { path: 'body/date', key: 'reconciliation_date_not_past' },
      ]);
    }
    const adapter = await adapterForOrg(deps, actor.orgId, provider);
    const { head, stream } = await peekStart(input.source, 2);
    const file = await spoolStatement(
      { provider, date, format: FORMAT_OF[provider] },
      stream,
      provider === 'wechatpay' && isGzip(head) ? [gunzipStatement()] : [],
    ).catch((error: unknown) => {
      // @fastify/multipart's stream fails this way past its size limit.
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new AppError(413, 'file_too_large', { limitMb: input.maxMb ?? 0 });
      }
      throw uploadRefused(provider, error instanceof Error ? `无法读取：${error.message}` : String(error));
    });
    try {
      const problem = formatProblem(provider, await statementStart(file));
      if (problem) throw uploadRefused(provider, problem);
      return await reconciliationService.reconcileFile(deps, actor, adapter, file);
    } finally {
      await file.dispose();
    }
  },

  /** Reconciles a statement file already in hand (fetched, or later uploaded by hand). */
  async reconcileFile(
    deps: ReconciliationDeps,
    actor: Actor & { orgId: string },
    adapter: ChannelAdapter,
    file: StatementFile,
  ): Promise<ReconciliationView> {
    const staged = await stageStatement(deps, actor, file, (tx, run) => repo.matchLines(tx, run.id));
    if (staged.run.status === 'completed') return fullView(deps, staged.run, true);
    // Staged (now, or by an earlier attempt that stopped before settling): repair, then settle.
    for (const line of await repo.unmatchedLines(deps.db, staged.run.id)) {
      await repairLine(deps, actor, adapter, staged.run, line);
    }
    const completed = await settle(deps, actor, staged.run.id);
    // The lines' sums the settlement read serve the tie-out too: they do not change once the run is completed.
    const known = completed.sums && new Map([[completed.run.id, completed.sums]]);
    return fullView(deps, completed.run, !staged.fresh && !completed.now, known);
  },

  async get(deps: Pick<PaymentsDeps, 'db'>, orgId: string, id: string): Promise<ReconciliationView> {
    const run = await repo.run(deps.db, orgId, id);
    if (!run) throw notFound('reconciliation_run', id);
    return fullView(deps, run, false);
  },

  async list(deps: Pick<PaymentsDeps, 'db'>, orgId: string, filter: RunFilter, page: number, pageSize: number) {
    const { items, total } = await repo.listRuns(deps.db, orgId, filter, page, pageSize);
    const tieOuts = await repo.tieOuts(
      deps.db,
      items.map((run) => run.id),
    );
    return {
      items: items.map((run) =>
        runView(run, [], false, tieOuts.get(run.id)?.tieOut, tieOuts.get(run.id)?.openDifferences ?? 0),
      ),
      total,
    };
  },
};

/** A run with its differences and how it ties out. */
async function fullView(
  deps: Pick<PaymentsDeps, 'db'>,
  run: ReconciliationRunRow,
  duplicate: boolean,
  knownSums?: Map<string, LineSums>,
) {
  const differences = await differencesService.ofRun(deps, run.orgId, run.id);
  const tieOuts = await repo.tieOuts(deps.db, [run.id], knownSums);
  return runView(run, differences, duplicate, tieOuts.get(run.id)?.tieOut);
}

/**
 * A line the channel took money for that has not succeeded here: the channel is asked, and when it confirms this
 * transaction the payment is posted as if its notification had arrived (source `query`) — a repair, audited. Money
 * that cannot go to the order (closed, unknown, another amount) goes to suspense there and stays a difference here.
 */
async function repairLine(
  deps: ReconciliationDeps,
  actor: Actor & { orgId: string },
  adapter: ChannelAdapter,
  run: ReconciliationRunRow,
  line: ReconciliationLineRow,
): Promise<void> {
  let outcome: 'repaired' | 'matched' | 'missing_here' = 'missing_here';
  const paymentOrderId = line.paymentOrderId;
  let detail: Record<string, unknown> = {};
  if (!(await repo.inSuspense(deps.db, run.provider, line.transactionId)) && line.orderNo) {
    try {
      const state = await adapter.queryOrder(line.orderNo);
      if ((state.state === 'paid' || state.state === 'refunded') && state.transactionId === line.transactionId) {
        const posted = await postChannelPayment(
          deps,
          { orgId: run.orgId, provider: run.provider, merchantId: adapter.merchantId, appId: adapter.appId },
          {
            orderNo: line.orderNo,
            transactionId: state.transactionId,
            amountFen: state.amountFen,
            merchantId: state.merchantId,
            ...(state.appId ? { appId: state.appId } : {}),
            paidAt: state.paidAt,
            detail: { reconciliationRunId: run.id },
          },
          'query',
          actor,
        );
        detail = { posting: posted.outcome, ...(posted.outcome === 'suspense' ? { suspense: posted.number } : {}) };
        if (state.amountFen === line.amountFen && posted.outcome === 'posted') outcome = 'repaired';
        // Posted meanwhile (a late notification, or the same file reconciled at the same moment): it ties out.
        if (state.amountFen === line.amountFen && posted.outcome === 'duplicate' && posted.orderNo === line.orderNo) {
          outcome = 'matched';
        }
      } else {
        detail = { channelState: state.state };
      }
    } catch (error) {
      if (!(error instanceof ChannelError || error instanceof MerchantMismatch)) throw error;
      deps.log?.warn(
        { provider: run.provider, orderNo: line.orderNo, code: (error as ChannelError).code },
        'reconciliation query failed',
      );
      detail = { queryFailed: error.message };
    }
  }
  await deps.db.transaction(async (tx) => {
    if (outcome === 'repaired') {
      await auditService.record(tx, actor, {
        action: 'reconciliation.repair',
        entityType: 'reconciliation_run',
        entityId: run.id,
        after: {
          provider: run.provider,
          date: run.statementDate,
          lineNo: line.lineNo,
          orderNo: line.orderNo,
          transactionId: line.transactionId,
          amountFen: line.amountFen,
        },
      });
    }
    await repo.setOutcome(tx, run.id, line.lineNo, outcome, paymentOrderId);
  });
  if (outcome === 'missing_here') {
    deps.log?.info({ runId: run.id, lineNo: line.lineNo, ...detail }, 'reconciliation line not tied out');
  }
}

/** Differences listed, totals taken, the matched money settled in one entry; once per run. */
async function settle(deps: ReconciliationDeps, actor: Actor & { orgId: string }, runId: string) {
  return deps.db.transaction(async (tx) => {
    const run = (await repo.lockRun(tx, actor.orgId, runId))!;
    if (run.status === 'completed') return { run, now: false, sums: undefined };
    const { from, to } = dayBounds(run.statementDate);
    await repo.hashADayInMemory(tx);
    await repo.insertDifferences(tx, run, from, to);
    const autoResolved = await differencesRepository.autoResolve(tx, run);
    const sums = (await repo.lineSums(tx, [run.id])).get(run.id)!;
    const totals = await repo.totals(tx, run.id, sums);
    let settlementEntryId: string | null = null;
    if (totals.settledGrossFen > 0 || totals.settledRefundFen > 0) {
      // The channel pays out payments less the refunds it paid back and its fees (refund fees come back: negative).
      const netFen = totals.settledGrossFen - totals.settledRefundFen - totals.settledFeeFen;
      const clearing = CLEARING_ACCOUNT[run.provider];
      const refunds =
        totals.refundMatchedCount > 0
          ? `，退款 ${totals.refundMatchedCount} 笔 ${formatYuan(totals.settledRefundFen)} 元`
          : '';
      const entry = await journal.post(tx, actor, {
        orgId: run.orgId,
        entryDate: run.statementDate,
        kind: 'settlement',
        memo: `${PROVIDER_TEXT[run.provider]} ${run.statementDate} 对账结算：${totals.matchedCount + totals.repairedCount} 笔 ${formatYuan(totals.settledGrossFen)} 元${refunds}，手续费 ${formatYuan(totals.settledFeeFen)} 元`,
        sourceType: 'reconciliation_run',
        sourceId: run.id,
        lines: [
          ...(netFen > 0 ? [{ purpose: 'bank' as const, debitFen: netFen }] : []),
          ...(totals.settledFeeFen > 0 ? [{ purpose: 'channel_fees' as const, debitFen: totals.settledFeeFen }] : []),
          ...(totals.settledRefundFen > 0 ? [{ purpose: clearing, debitFen: totals.settledRefundFen }] : []),
          ...(totals.settledGrossFen > 0 ? [{ purpose: clearing, creditFen: totals.settledGrossFen }] : []),
          ...(netFen < 0 ? [{ purpose: 'bank' as const, creditFen: -netFen }] : []),
          ...(totals.settledFeeFen < 0 ? [{ purpose: 'channel_fees' as const, creditFen: -totals.settledFeeFen }] : []),
        ],
      });
      settlementEntryId = entry.id;
    }
    const completed = await repo.completeRun(tx, run.id, { ...totals, settlementEntryId });
    await auditService.record(tx, actor, {
      action: 'reconciliation.complete',
      entityType: 'reconciliation_run',
      entityId: run.id,
      after: {
        provider: run.provider,
        date: run.statementDate,
        fileHash: run.fileHash,
        ...totals,
        settlementEntryId,
        autoResolved,
      },
    });
    return { run: completed, now: true, sums };
  });
}
