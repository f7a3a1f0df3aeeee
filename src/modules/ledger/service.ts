import type { Orm } from '../../db/client.ts';
import { uniqueViolation } from '../../db/errors.ts';
import { addDays } from '../../domain/calendar.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { ensureChart } from './journal.ts';
import { type AccountLinesFilter, type AccountRow, ledgerRepository, type Period } from './repository.ts';

const accountView = ({ id, purpose, code, name, normalSide }: AccountRow) => ({ id, purpose, code, name, normalSide });

/** The chart as the org has it, written first if this org has never posted (so it can renumber before the first bill). */
async function chartOf(db: Orm, orgId: string): Promise<AccountRow[]> {
  const rows = await ledgerRepository.accounts(db, orgId);
  if (rows.length > 0) return rows;
  await db.transaction((tx) => ensureChart(tx, orgId));
  return ledgerRepository.accounts(db, orgId);
}

async function accountOf(db: Orm, orgId: string, id: string): Promise<AccountRow> {
  const account = await ledgerRepository.account(db, orgId, id);
  if (!account) throw notFound('ledger_account', id);
  return account;
}

export const ledgerService = {
  async accounts(db: Orm, orgId: string) {
    return (await chartOf(db, orgId)).map(accountView);
  },

  /** Renumbers or renames an account (the org's own chart, e.g. 1122.01); its purpose stays. */
  async updateAccount(
    db: Orm,
    actor: Actor & { orgId: string },
    id: string,
    changes: { code?: string; name?: string },
  ) {
    try {
      return await db.transaction(async (tx) => {
        const before = await ledgerRepository.account(tx, actor.orgId, id, true);
        if (!before) throw notFound('ledger_account', id);
        const after = await ledgerRepository.updateAccount(tx, actor.orgId, id, changes);
        await auditService.record(tx, actor, {
          action: 'ledger_account.update',
          entityType: 'ledger_account',
          entityId: id,
          before: accountView(before),
          after: accountView(after!),
        });
        return accountView(after!);
      });
    } catch (error) {
      if (uniqueViolation(error) === 'ledger_accounts_code_key') {
        const taken = (await ledgerRepository.accounts(db, actor.orgId)).find((row) => row.code === changes.code);
        throw new AppError(409, 'ledger_account_code_taken', { code: changes.code ?? '', name: taken?.name ?? '' });
      }
      throw error;
    }
  },

  /**
   * 发生额及余额试算平衡表: per account the opening balance, the period's debits and credits (red-letter lines count
   * as the negative amounts they are) and the closing balance, signed by the account's normal side. Balanced when the
   * period's debits equal its credits and the closing debit balances equal the closing credit balances.
   */
  async trialBalance(db: Orm, orgId: string, period: Period) {
    await chartOf(db, orgId);
    const rows = await ledgerRepository.trialBalance(db, orgId, period);
    let totalDebitFen = 0;
    let totalCreditFen = 0;
    let closingDebitFen = 0;
    let closingCreditFen = 0;
    for (const row of rows) {
      totalDebitFen += row.debitFen;
      totalCreditFen += row.creditFen;
      if (row.netDebitFen >= 0) closingDebitFen += row.netDebitFen;
      else closingCreditFen -= row.netDebitFen;
    }
    return {
      from: period.from ?? null,
      to: period.to ?? null,
      accounts: rows.map(({ netDebitFen: _, purpose: __, ...row }) => row),
      totalDebitFen,
      totalCreditFen,
      closingDebitFen,
      closingCreditFen,
      balanced: totalDebitFen === totalCreditFen && closingDebitFen === closingCreditFen,
    };
  },

  /** 明细账: an account's lines with the running balance, from the opening balance before `from`. */
  async accountLines(db: Orm, orgId: string, id: string, filter: AccountLinesFilter, page: number, pageSize: number) {
    const account = await accountOf(db, orgId, id);
    const openingBalanceFen = filter.from
      ? await ledgerRepository.accountBalance(db, account, {
          ...filter,
          from: undefined,
          to: addDays(filter.from, -1),
        })
      : 0;
    const closingBalanceFen = await ledgerRepository.accountBalance(db, account, { ...filter, from: undefined });
    const { total, items } = await ledgerRepository.accountLines(db, account, filter, page, pageSize);
    return {
      account: accountView(account),
      openingBalanceFen,
      closingBalanceFen,
      items: items.map(({ running, ...line }) => ({ ...line, balanceFen: openingBalanceFen + running })),
      total,
      page,
      pageSize,
    };
  },

  async receivables(
    db: Orm,
    orgId: string,
    options: { by: 'tenant' | 'contract'; to?: string | undefined; includeZero: boolean },
    page: number,
    pageSize: number,
  ) {
    await chartOf(db, orgId);
    const account = await ledgerRepository.accountByPurpose(db, orgId, 'receivable');
    const { total, totalBalanceFen, items } = await ledgerRepository.receivables(
      db,
      orgId,
      account!,
      options,
      page,
      pageSize,
    );
    return { by: options.by, account: accountView(account!), totalBalanceFen, items, total, page, pageSize };
  },

  entries: ledgerRepository.entries.bind(ledgerRepository),

  async entry(db: Orm, orgId: string, id: string) {
    const entry = await ledgerRepository.entry(db, orgId, id);
    if (!entry) throw notFound('journal_entry', id);
    return entry;
  },
};
