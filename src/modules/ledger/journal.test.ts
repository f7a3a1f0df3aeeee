import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { queryRows } from '../../db/client.ts';
import { systemActor } from '../audit/service.ts';
import { journal, UnbalancedEntry } from './journal.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** What the database said, under Drizzle's "Failed query" wrapper. */
async function databaseRefusal(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught as { message: string; cause?: { message: string } },
  );
  expect(error, 'the database accepted it').toBeDefined();
  return error!.cause?.message ?? error!.message;
}

const balances = (entryId: string) =>
  queryRows<{ debit: string; credit: string }>(
    t.database.orm,
    sql`SELECT sum(debit_fen) AS debit, sum(credit_fen) AS credit FROM journal_lines WHERE entry_id = ${entryId}`,
  );

describe('the journal', () => {
  it('posts a balanced entry and reverses it in red', async () => {
    const posted = await t.database.orm.transaction((tx) =>
      journal.post(tx, systemActor, {
        orgId: t.orgId,
        entryDate: '2026-11-01',
        kind: 'bill_issued',
        memo: '测试开账',
        lines: [
          { purpose: 'receivable', debitFen: 10_900 },
          { purpose: 'rent_revenue', creditFen: 10_000 },
          { purpose: 'output_vat', creditFen: 900 },
        ],
      }),
    );
    expect(await balances(posted.id)).toEqual([{ debit: '10900', credit: '10900' }]);
    const reversal = await t.database.orm.transaction((tx) =>
      journal.reverse(tx, systemActor, t.orgId, posted.id, { entryDate: '2026-11-02', memo: '冲销' }),
    );
    expect(await balances(reversal.id)).toEqual([{ debit: '-10900', credit: '-10900' }]);
    await expect(
      t.database.orm.transaction((tx) =>
        journal.reverse(tx, systemActor, t.orgId, posted.id, { entryDate: '2026-11-02', memo: '再冲销' }),
      ),
    ).rejects.toThrow();
  });

  it('refuses an unbalanced entry in code and in the database', async () => {
    await expect(
      t.database.orm.transaction((tx) =>
        journal.post(tx, systemActor, {
          orgId: t.orgId,
          entryDate: '2026-11-01',
          kind: 'adjustment',
          memo: '不平',
          lines: [
            { purpose: 'receivable', debitFen: 100 },
            { purpose: 'rent_revenue', creditFen: 99 },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(UnbalancedEntry);

    const [account] = await queryRows<{ id: string }>(
      t.database.orm,
      sql`SELECT id FROM ledger_accounts WHERE org_id = ${t.orgId} AND purpose = 'receivable'`,
    );
    const refusal = databaseRefusal(
      t.database.orm.transaction(async (tx) => {
        const [entry] = await queryRows<{ id: string }>(
          tx,
          sql`INSERT INTO journal_entries (org_id, entry_date, kind, memo)
              VALUES (${t.orgId}, '2026-11-01', 'adjustment', 'raw') RETURNING id`,
        );
        await tx.execute(sql`INSERT INTO journal_lines (entry_id, org_id, account_id, debit_fen)
                             VALUES (${entry!.id}, ${t.orgId}, ${account!.id}, 100)`);
      }),
    );
    expect(await refusal).toMatch(/does not balance/);
  });

  it('is append-only', async () => {
    expect(
      await databaseRefusal(t.database.orm.execute(sql`UPDATE journal_lines SET debit_fen = debit_fen + 1`)),
    ).toMatch(/append-only/);
    expect(await databaseRefusal(t.database.orm.execute(sql`DELETE FROM journal_entries`))).toMatch(/append-only/);
  });
});
