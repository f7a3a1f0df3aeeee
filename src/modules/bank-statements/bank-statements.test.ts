// Bank statements end to end through the API: a GBK CSV and an .xlsx imported with saved mappings, a re-import that
// changes nothing, suggestions ranked, a line confirmed as a payment (receipt, balanced entry, bills settled), a
// recorded transfer linked without posting, and bad input refused with nothing written.
import { createHash, randomInt } from 'node:crypto';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { billState, issueBill, makeContract, makeTenant, trialBalance } from '../../../test/helpers/collections.ts';
import {
  answerCheckedKey,
  checkAnswersCommitWithWork,
  storedAnswer,
} from '../../../test/helpers/idempotent-answers.ts';
import { expectLedgerMatchesBills, payingTenant, snapshot } from '../../../test/helpers/payments.ts';
import { multipartFile } from '../../../test/helpers/uploads.ts';
import { queryRows, sql } from '../../db/client.ts';
import { addDays, chinaDate } from '../../domain/calendar.ts';
import { systemActor } from '../audit/service.ts';
import { journal } from '../ledger/journal.ts';

let t: TestApp;
let finance: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  await checkAnswersCommitWithWork(t.database.orm);
  finance = await t.as('caiwu');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const db = () => t.database.orm;
const today = chinaDate(new Date());
const daysAgo = (n: number) => addDays(today, -n);
/** An amount no demo bill or payment has. */
const oddFen = () => 9_000_000 + randomInt(1, 900_000) * 10 + 7;
const yuan = (fen: number) => (fen / 100).toFixed(2);
const serial = () => `SN${Date.now()}${randomInt(100_000, 999_999)}`;

/** Everything an import or a refused change could touch. */
async function state() {
  const [mine] = await queryRows<Record<string, string>>(
    db(),
    sql`SELECT (SELECT count(*) FROM bank_statement_imports)::text AS imports,
               (SELECT count(*) FROM bank_statement_mappings)::text AS mappings,
               (SELECT string_agg(id || ':' || status || ':' || coalesce(payment_id::text, '-') || ':' ||
                                  coalesce(note, '-'), ',' ORDER BY id) FROM bank_statement_lines) AS "bankLines",
               (SELECT count(*) FROM audit_log)::text AS audit`,
  );
  return { ...(await snapshot(db())), ...mine };
}

async function createMapping(body: Record<string, unknown>) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/bank-statements/mappings',
    headers: finance,
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; accountNoMasked: string | null };
}

async function upload(url: string, fileName: string, content: Buffer) {
  const form = multipartFile(fileName, content);
  return t.app.inject({ method: 'POST', url, headers: { ...finance, ...form.headers }, payload: form.payload });
}

const linesOf = async (importId: string) => {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/v1/bank-statements/lines?importId=${importId}&pageSize=200`,
    headers: finance,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as {
    id: string;
    lineNo: number;
    amountFen: number;
    direction: string;
    status: string;
    payerName: string | null;
    payerAccountMasked: string | null;
    reference: string | null;
    bankSerial: string | null;
    paymentNumber: string | null;
    receiptNumber: string | null;
  }[];
};

const suggestionsOf = async (lineId: string) => {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/v1/bank-statements/lines/${lineId}/suggestions`,
    headers: finance,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as {
    kind: string;
    score: number;
    reasons: { code: string }[];
    tenantId: string | null;
    paymentId: string | null;
    runId: string | null;
    bills: { id: string; number: string }[];
  }[];
};

const confirm = (lineId: string, body: Record<string, unknown>, idempotencyKey?: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/bank-statements/lines/${lineId}/confirm`,
    headers: idempotencyKey ? { ...finance, 'idempotency-key': idempotencyKey } : finance,
    payload: body,
  });

/** A CSV as a Chinese bank exports it: two lines about the account, the headers on row 3, a 合计 row, GBK. */
function gbkStatement(rows: string[][]) {
  const text = [
    '账号：6222020200001234567,户名：政鑫公司',
    '查询期间：近7日',
    '交易日期,贷方发生额,借方发生额,对方户名,对方账号,摘要,流水号',
    ...rows.map((row) => row.map((cell) => (cell.includes(',') ? `"${cell}"` : cell)).join(',')),
    '合计,,,,,,',
  ].join('\r\n');
  return iconv.encode(text, 'gbk');
}

const csvMapping = (name: string) => ({
  name,
  accountLabel: '工商银行基本户',
  accountNo: '6222 0202 0000 1234 567',
  headerRow: 3,
  columns: {
    date: '交易日期',
    credit: '贷方发生额',
    debit: '借方发生额',
    payerName: '对方户名',
    payerAccount: '对方账号',
    reference: '摘要',
    serial: '流水号',
  },
  dateFormat: 'YYYY-MM-DD',
  encoding: 'gbk',
});

describe('bank statement import and matching', () => {
  it('imports a GBK CSV once, ranks the bill named in the reference first and records its payment', async () => {
    const rentFen = oddFen();
    const p = await payingTenant(db(), t.orgId, [
      { dueDate: addDays(today, 5), amountFen: rentFen },
      { dueDate: addDays(today, 35), amountFen: rentFen },
    ]);
    // A decoy: another tenant's bill owing the same amount (matches on the amount only).
    await payingTenant(db(), t.orgId, [{ dueDate: addDays(today, 3), amountFen: rentFen }]);
    const mapping = await createMapping(csvMapping(`工行-${randomInt(1e9)}`));
    expect(mapping.accountNoMasked).toBe('***************4567');

    const [serial1, serial2] = [serial(), serial()];
    const content = gbkStatement([
      [daysAgo(2), yuan(rentFen), '', p.tenantName, '6217000011112222333', `房租 ${p.bills[0]!.number}`, serial1],
      [daysAgo(1), '', '12.50', '中国工商银行', '', '手续费，短信费', serial2],
    ]);
    const before = await state();
    const imported = await upload(`/api/v1/bank-statements/imports?mappingId=${mapping.id}`, '流水.csv', content);
    expect(imported.statusCode, imported.body).toBe(201);
    const result = imported.json();
    expect(result).toMatchObject({
      duplicate: false,
      import: { lineCount: 2, newLineCount: 2, creditFen: rentFen, debitFen: 1250, fileFormat: 'csv' },
    });
    const lines = await linesOf(result.import.id);
    const credit = lines.find((line) => line.direction === 'credit')!;
    expect(credit).toMatchObject({
      lineNo: 4,
      amountFen: rentFen,
      payerName: p.tenantName,
      payerAccountMasked: '***************2333',
      reference: `房租 ${p.bills[0]!.number}`,
      bankSerial: serial1,
      status: 'unmatched',
    });
    expect(lines.find((line) => line.direction === 'debit')).toMatchObject({ lineNo: 5, amountFen: 1250 });
    // The payer's account is stored encrypted.
    const [stored] = await queryRows<{ enc: string }>(
      db(),
      sql`SELECT payer_account_enc AS enc FROM bank_statement_lines WHERE id = ${credit.id}`,
    );
    expect(stored!.enc).toMatch(/^v1:/);
    expect(t.pii.decrypt('bank_account', stored!.enc)).toBe('6217000011112222333');

    // The same file again: the earlier import, nothing changed.
    const afterImport = await state();
    expect(afterImport).not.toEqual(before);
    const again = await upload(`/api/v1/bank-statements/imports?mappingId=${mapping.id}`, '流水(1).csv', content);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, import: { id: result.import.id } });
    expect(await state()).toEqual(afterImport);

    const suggestions = await suggestionsOf(credit.id);
    expect(suggestions[0]).toMatchObject({ kind: 'record', tenantId: p.tenantId, bills: [{ id: p.bills[0]!.id }] });
    expect(suggestions[0]!.reasons.map((reason) => reason.code)).toEqual(
      expect.arrayContaining(['bill_number_in_reference', 'amount_equals_bills', 'payer_is_tenant']),
    );
    // The decoy is offered too, lower.
    expect(suggestions.some((s) => s.kind === 'record' && s.tenantId !== p.tenantId)).toBe(true);
    const scores = suggestions.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    // Bills whose total is not the line's amount are refused, nothing written.
    const beforeMismatch = await state();
    const mismatch = await confirm(credit.id, {
      kind: 'record',
      tenantId: p.tenantId,
      billIds: p.bills.map((b) => b.id),
    });
    expect(mismatch.statusCode, mismatch.body).toBe(422);
    expect(problemOf(mismatch).code).toBe('bank_statement_amount_mismatch');
    expect(await state()).toEqual(beforeMismatch);

    const entriesBefore = await queryRows<{ n: string }>(db(), sql`SELECT count(*)::text AS n FROM journal_entries`);
    const key = answerCheckedKey('bank-line');
    const confirmed = await confirm(
      credit.id,
      { kind: 'record', tenantId: p.tenantId, billIds: [p.bills[0]!.id] },
      key,
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await storedAnswer(db(), key)).toEqual({ statusCode: 200, response: confirmed.json() });
    const line = confirmed.json();
    expect(line).toMatchObject({ status: 'confirmed', matchKind: 'recorded', tenantName: p.tenantName });
    expect(line.paymentNumber).toMatch(/^SK-/);
    expect(line.receiptNumber).toBeTruthy();
    const [payment] = await queryRows<{ method: string; reference: string; amountFen: string; receivedOn: string }>(
      db(),
      sql`SELECT method, reference, amount_fen::text AS "amountFen", received_on::text AS "receivedOn"
            FROM payments WHERE id = ${line.paymentId}`,
    );
    expect(payment).toEqual({
      method: 'bank_transfer',
      reference: serial1,
      amountFen: String(rentFen),
      receivedOn: daysAgo(2),
    });
    const entries = await queryRows<{ n: string }>(db(), sql`SELECT count(*)::text AS n FROM journal_entries`);
    expect(Number(entries[0]!.n)).toBe(Number(entriesBefore[0]!.n) + 1);
    const posting = await queryRows<{ code: string; debit: string; credit: string }>(
      db(),
      sql`SELECT a.code, l.debit_fen::text AS debit, l.credit_fen::text AS credit
            FROM payments p JOIN journal_lines l ON l.entry_id = p.journal_entry_id
            JOIN ledger_accounts a ON a.id = l.account_id WHERE p.id = ${line.paymentId} ORDER BY a.code`,
    );
    expect(posting).toEqual([
      { code: '1002', debit: String(rentFen), credit: '0' },
      { code: '1122', debit: '0', credit: String(rentFen) },
    ]);
    expect((await billState(db(), p.bills[0]!.id)).status).toBe('paid');
    expect((await billState(db(), p.bills[1]!.id)).status).toBe('open');
    await expectLedgerMatchesBills(db(), t.orgId, p.contractId);
    const balance = await trialBalance(db());
    expect(balance.debitFen).toBe(balance.creditFen);

    // Twice: refused, nothing changed; a posted confirmation cannot be undone.
    const beforeTwice = await state();
    const twice = await confirm(credit.id, { kind: 'record', tenantId: p.tenantId, billIds: [p.bills[1]!.id] });
    expect(twice.statusCode).toBe(409);
    expect(problemOf(twice).code).toBe('bank_statement_line_decided');
    const undo = await t.app.inject({
      method: 'POST',
      url: `/api/v1/bank-statements/lines/${credit.id}/undo`,
      headers: finance,
      payload: {},
    });
    expect(undo.statusCode).toBe(409);
    expect(problemOf(undo).code).toBe('bank_statement_undo_posted');
    expect(await state()).toEqual(beforeTwice);

    // Money out is ignored with a note, not matched.
    const debit = lines.find((l) => l.direction === 'debit')!;
    const noNote = await t.app.inject({
      method: 'POST',
      url: `/api/v1/bank-statements/lines/${debit.id}/ignore`,
      headers: finance,
      payload: { note: '  ' },
    });
    expect(noNote.statusCode).toBe(422);
    const ignored = await t.app.inject({
      method: 'POST',
      url: `/api/v1/bank-statements/lines/${debit.id}/ignore`,
      headers: finance,
      payload: { note: '银行手续费' },
    });
    expect(ignored.statusCode, ignored.body).toBe(200);
    expect(ignored.json()).toMatchObject({ status: 'ignored', note: '银行手续费', decidedByName: 'caiwu' });
    const audit = await queryRows<{ action: string }>(
      db(),
      sql`SELECT action FROM audit_log WHERE entity_id IN (${credit.id}, ${debit.id}, ${result.import.id}) ORDER BY seq`,
    );
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(['bank_statement.import', 'bank_statement.confirm', 'bank_statement.ignore']),
    );
  });

  it('imports an .xlsx with one amount column and a direction, keeps overlapping lines once, and links a recorded transfer without posting', async () => {
    const amountFen = oddFen();
    const p = await payingTenant(db(), t.orgId, [{ dueDate: addDays(today, 10), amountFen }]);
    // Finance recorded the transfer by hand already (without a bank serial).
    const recorded = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments',
      headers: finance,
      payload: {
        tenantId: p.tenantId,
        amountFen,
        receivedOn: daysAgo(3),
        method: 'bank_transfer',
        billIds: [p.bills[0]!.id],
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const payment = recorded.json();

    const mapping = await createMapping({
      name: `建行-${randomInt(1e9)}`,
      accountLabel: '建设银行一般户',
      headerRow: 1,
      columns: {
        date: '记账日期',
        amount: '发生额',
        direction: '借贷标志',
        creditMarks: ['贷'],
        payerName: '对方名称',
        reference: '用途',
        serial: '交易流水号',
      },
      dateFormat: 'YYYY/MM/DD',
    });
    const [s1, s2, s3] = [serial(), serial(), serial()];
    const workbook = async (rows: (string | number | Date)[][]) => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('明细');
      sheet.addRow(['记账日期', '发生额', '借贷标志', '对方名称', '用途', '交易流水号']);
      for (const row of rows) sheet.addRow(row);
      return Buffer.from(await book.xlsx.writeBuffer());
    };
    const excelDay = (date: string) => new Date(`${date}T00:00:00Z`);
    const first = await workbook([
      [excelDay(daysAgo(2)), amountFen / 100, '贷', p.tenantName, '转账', s1],
      [daysAgo(2).replaceAll('-', '/'), 300, '借', '某供应商', '付款', s2],
    ]);
    const one = await upload(`/api/v1/bank-statements/imports?mappingId=${mapping.id}`, '建行.xlsx', first);
    expect(one.statusCode, one.body).toBe(201);
    expect(one.json().import).toMatchObject({ fileFormat: 'xlsx', lineCount: 2, newLineCount: 2, debitFen: 30_000 });
    // The next file overlaps the first by one line (same serial): that line is kept once.
    const second = await workbook([
      [daysAgo(2).replaceAll('-', '/'), 300, '借', '某供应商', '付款', s2],
      [daysAgo(1).replaceAll('-', '/'), '1,000.00', '贷', '利息', '结息', s3],
    ]);
    const two = await upload(`/api/v1/bank-statements/imports?mappingId=${mapping.id}`, '建行2.xlsx', second);
    expect(two.statusCode, two.body).toBe(201);
    expect(two.json().import).toMatchObject({ lineCount: 2, newLineCount: 1 });
    const [line] = (await linesOf(one.json().import.id)).filter((l) => l.direction === 'credit');
    expect(line).toMatchObject({ amountFen, payerName: p.tenantName, bankSerial: s1 });

    const suggestions = await suggestionsOf(line!.id);
    expect(suggestions[0]).toMatchObject({ kind: 'link_payment', paymentId: payment.id });

    const before = await state();
    const linked = await confirm(line!.id, { kind: 'link_payment', paymentId: payment.id, note: '已手工登记' });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toMatchObject({
      status: 'confirmed',
      matchKind: 'link_payment',
      paymentNumber: payment.number,
    });
    const after = await state();
    // No posting, no payment, no receipt: only the line and the audit log changed.
    for (const key of ['entries', 'lines', 'payments', 'allocations', 'receipts', 'bills'] as const) {
      expect(after[key]).toEqual(before[key]);
    }
    expect(after.audit).toBe(String(Number(before.audit) + 1));

    // A line of another amount cannot take the payment.
    const [other] = (await linesOf(two.json().import.id)).filter((l) => l.direction === 'credit');
    const takenTwice = await confirm(other!.id, { kind: 'link_payment', paymentId: payment.id });
    expect(takenTwice.statusCode).toBe(422);
    expect(problemOf(takenTwice).code).toBe('bank_statement_payment_amount_differs');

    // A link is undone (nothing was posted), and the suggestion comes back.
    const undo = await t.app.inject({
      method: 'POST',
      url: `/api/v1/bank-statements/lines/${line!.id}/undo`,
      headers: finance,
      payload: { note: '关联错了' },
    });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json()).toMatchObject({ status: 'unmatched', matchKind: null, paymentId: null });
    expect((await suggestionsOf(line!.id))[0]).toMatchObject({ kind: 'link_payment', paymentId: payment.id });
  });

  it('counts the penalty an overdue bill owes on the day the money came, in the suggestion and the confirmation', async () => {
    const tenant = await makeTenant(db(), t.orgId);
    const contractId = await makeContract(db(), t.orgId, tenant.id, null);
    const principalFen = 1_000_000 + randomInt(1, 9000) * 100;
    // Due 20 days ago at 0.05% a day: paid 1 day ago, the penalty runs from the day after due through the day before.
    const bill = await issueBill(db(), t.orgId, {
      contractId,
      tenantId: tenant.id,
      dueDate: daysAgo(20),
      amountFen: principalFen,
      lateFee: { dailyRate: '0.0005' },
    });
    const penaltyFen = Math.round(principalFen * 0.0005 * 18);
    const mapping = await createMapping(csvMapping(`中行-${randomInt(1e9)}`));
    const content = gbkStatement([
      [daysAgo(1), yuan(principalFen + penaltyFen), '', tenant.name, '', `付${bill.number}租金及违约金`, serial()],
    ]);
    const imported = await upload(`/api/v1/bank-statements/imports?mappingId=${mapping.id}`, 'boc.csv', content);
    expect(imported.statusCode, imported.body).toBe(201);
    const [line] = await linesOf(imported.json().import.id);
    const [best] = await suggestionsOf(line!.id);
    expect(best).toMatchObject({ kind: 'record', tenantId: tenant.id, billsFen: principalFen + penaltyFen });
    expect(best!.reasons.map((reason) => reason.code)).toContain('amount_equals_bills');
    const confirmed = await confirm(line!.id, { kind: 'record', tenantId: tenant.id, billIds: [bill.id] });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await billState(db(), bill.id)).toMatchObject({ status: 'paid', lateFeeFen: penaltyFen });
    await expectLedgerMatchesBills(db(), t.orgId, contractId);
  });

  it("links a channel's settlement of the same net amount, once", async () => {
    const netFen = oddFen();
    const runDate = daysAgo(5);
    const runId = await db().transaction(async (tx) => {
      const entry = await journal.post(
        tx,
        { ...systemActor, orgId: t.orgId },
        {
          orgId: t.orgId,
          entryDate: runDate,
          kind: 'settlement',
          memo: '测试结算',
          sourceType: 'reconciliation_run',
          lines: [
            { purpose: 'bank', debitFen: netFen },
            { purpose: 'channel_fees', debitFen: 600 },
            { purpose: 'clearing_wechatpay', creditFen: netFen + 600 },
          ],
        },
      );
      const [run] = await queryRows<{ id: string }>(
        tx,
        sql`INSERT INTO reconciliation_runs (org_id, provider, statement_date, file_format, file_hash, status,
                                             settled_gross_fen, settled_fee_fen, settlement_entry_id)
            VALUES (${t.orgId}, 'wechatpay', ${runDate}, 'wechat_csv', ${createHash('sha256').update(String(netFen)).digest('hex')},
                    'completed', ${netFen + 600}, 600, ${entry.id})
            RETURNING id`,
      );
      return run!.id;
    });
    const mapping = await createMapping(csvMapping(`招行-${randomInt(1e9)}`));
    const content = gbkStatement([
      [daysAgo(4), yuan(netFen), '', '财付通支付科技有限公司', '', '微信支付结算', serial()],
      [daysAgo(4), yuan(netFen), '', '财付通支付科技有限公司', '', '微信支付结算', serial()],
    ]);
    const imported = await upload(`/api/v1/bank-statements/imports?mappingId=${mapping.id}`, 'cmb.csv', content);
    expect(imported.statusCode, imported.body).toBe(201);
    const [first, second] = await linesOf(imported.json().import.id);
    expect((await suggestionsOf(first!.id))[0]).toMatchObject({ kind: 'link_settlement', runId });

    const before = await state();
    const linked = await confirm(first!.id, { kind: 'link_settlement', runId });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toMatchObject({
      status: 'confirmed',
      matchKind: 'link_settlement',
      reconciliationRunId: runId,
    });
    const after = await state();
    expect(after.entries).toBe(before.entries);
    expect(after.payments).toBe(before.payments);
    // The settlement is the first line's money: not offered for the second, and refused if asked.
    expect((await suggestionsOf(second!.id)).some((s) => s.kind === 'link_settlement')).toBe(false);
    const again = await confirm(second!.id, { kind: 'link_settlement', runId });
    expect(again.statusCode).toBe(409);
    expect(problemOf(again).code).toBe('bank_statement_settlement_linked');
  });

  it('refuses a file with bad rows, naming each row, and writes nothing', async () => {
    const mapping = await createMapping(csvMapping(`农行-${randomInt(1e9)}`));
    const content = gbkStatement([
      [daysAgo(1), '100.00', '', '张三', '', '房租', serial()],
      ['2026-13-45', '100.00', '', '李四', '', '房租', serial()],
      [daysAgo(1), '12.345', '', '王五', '', '房租', serial()],
      [daysAgo(1), '', '', '赵六', '', '无金额', serial()],
    ]);
    const before = await state();
    const refused = await upload(`/api/v1/bank-statements/imports?mappingId=${mapping.id}`, 'bad.csv', content);
    expect(refused.statusCode, refused.body).toBe(422);
    const problem = problemOf(refused);
    expect(problem.code).toBe('bank_statement_rejected');
    expect(problem.errors!.map((error) => [error.row, error.column])).toEqual([
      [5, '交易日期'],
      [6, '贷方发生额'],
      [7, '贷方发生额'],
    ]);
    expect(problem.errors![0]!.message).toContain('2026-13-45');
    expect(await state()).toEqual(before);

    // The preview shows the same rows wrong, and the headers for the column picker.
    const form = multipartFile('bad.csv', content);
    const preview = await t.app.inject({
      method: 'POST',
      url: `/api/v1/bank-statements/preview?mappingId=${mapping.id}`,
      headers: { ...finance, ...form.headers },
      payload: form.payload,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      headers: ['交易日期', '贷方发生额', '借方发生额', '对方户名', '对方账号', '摘要', '流水号'],
      total: 4,
    });
    expect(preview.json().errors.map((error: { row: number }) => error.row)).toEqual([5, 6, 7]);

    // A mapping whose columns the file lacks: the header row is named.
    const wrong = await createMapping({ ...csvMapping(`错映射-${randomInt(1e9)}`), headerRow: 1 });
    const missing = await upload(`/api/v1/bank-statements/imports?mappingId=${wrong.id}`, 'x.csv', content);
    expect(missing.statusCode).toBe(422);
    expect(problemOf(missing).errors![0]).toMatchObject({ row: 1 });
    // A UTF-8 mapping given a GBK file.
    const utf8 = await createMapping({ ...csvMapping(`UTF8-${randomInt(1e9)}`), encoding: 'utf8' });
    const encoding = await upload(`/api/v1/bank-statements/imports?mappingId=${utf8.id}`, 'x.csv', content);
    expect(encoding.statusCode).toBe(400);
    expect(problemOf(encoding).code).toBe('bank_statement_file_encoding');
    expect(await state()).toMatchObject({ imports: before.imports, bankLines: before.bankLines });
  });

  it('needs reconciliation:write to import and confirm', async () => {
    const auditor = await t.as('shenji');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bank-statements/mappings',
      headers: auditor,
      payload: csvMapping('x'),
    });
    expect(response.statusCode).toBe(403);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/bank-statements/lines', headers: auditor });
    expect(list.statusCode).toBe(200);
    const document = (await t.app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/bank-statements/imports', '/api/v1/bank-statements/lines/{id}/confirm']),
    );
  });
});
