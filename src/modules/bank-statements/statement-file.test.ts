import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { csvRows, parseStatementDate, parseYuanCell, readStatement, statementRows } from './statement-file.ts';

describe('reading a bank statement', () => {
  it('reads dates in the mapping format, Excel dates as they are, and refuses impossible days', () => {
    expect(parseStatementDate('2026-11-03 10:22:01', 'YYYY-MM-DD')).toBe('2026-11-03');
    expect(parseStatementDate('2026/1/3', 'YYYY/MM/DD')).toBe('2026-01-03');
    expect(parseStatementDate('20261103', 'YYYYMMDD')).toBe('2026-11-03');
    expect(parseStatementDate(20261103, 'YYYYMMDD')).toBe('2026-11-03');
    expect(parseStatementDate('2026年11月3日', 'YYYY年MM月DD日')).toBe('2026-11-03');
    expect(parseStatementDate('03/11/2026', 'DD/MM/YYYY')).toBe('2026-11-03');
    expect(parseStatementDate(new Date('2026-11-03T00:00:00Z'), 'YYYY-MM-DD')).toBe('2026-11-03');
    expect(parseStatementDate('2026-02-30', 'YYYY-MM-DD')).toBeNull();
    expect(parseStatementDate('2026/11/03', 'YYYY-MM-DD')).toBeNull();
  });

  it('reads yuan exactly to the fen and refuses what is not money', () => {
    expect(parseYuanCell('1,234.56')).toBe(123_456);
    expect(parseYuanCell('¥ 20')).toBe(2000);
    expect(parseYuanCell('-0.07')).toBe(-7);
    expect(parseYuanCell(1234.5)).toBe(123_450);
    expect(parseYuanCell(0.1 + 0.2)).toBe(30);
    expect(parseYuanCell(null)).toBeNull();
    expect(parseYuanCell('--')).toBeNull();
    expect(parseYuanCell('12.345')).toBeUndefined();
    expect(parseYuanCell('十元')).toBeUndefined();
  });

  it('splits CSV with quoted commas, quotes and line breaks, and unwraps ="…" text cells', () => {
    expect(csvRows('a,"b,1","say ""hi""",="0012"\r\n"two\nlines",,x\n')).toEqual([
      ['a', 'b,1', 'say "hi"', '0012'],
      ['two\nlines', null, 'x'],
    ]);
  });

  it('takes money in and out from two columns or from one amount and a direction, passing over summary rows', () => {
    const rows = csvRows(
      ['日期,收入,支出,户名,流水号', '2026-11-01,100.00,,甲,S1', '2026-11-02,,5.5,乙,S2', '合计,100.00,5.50,,'].join(
        '\n',
      ),
    );
    const twoColumns = readStatement(rows, {
      headerRow: 1,
      columns: { date: '日期', credit: '收入', debit: '支出', payerName: '户名', serial: '流水号' },
      dateFormat: 'YYYY-MM-DD',
    });
    expect(twoColumns.problems).toEqual([]);
    expect(twoColumns.lines.map((line) => [line.lineNo, line.direction, line.amountFen, line.bankSerial])).toEqual([
      [2, 'credit', 10_000, 'S1'],
      [3, 'debit', 550, 'S2'],
    ]);
    const directed = readStatement(csvRows('日期,金额,方向\n2026-11-01,100,贷\n2026-11-01,30,借\n2026-11-01,1,?'), {
      headerRow: 1,
      columns: { date: '日期', amount: '金额', direction: '方向', creditMarks: ['贷'] },
      dateFormat: 'YYYY-MM-DD',
    });
    expect(directed.lines.map((line) => line.direction)).toEqual(['credit', 'debit', 'debit']);
  });

  it('reads a CSV as UTF-8 when its bytes are UTF-8, otherwise as GBK when the mapping says so', async () => {
    const text = '日期,户名\n2026-11-01,重庆某公司\n';
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect((await statementRows(utf8, 'gbk')).rows[1]).toEqual(['2026-11-01', '重庆某公司']);
    expect((await statementRows(iconv.encode(text, 'gbk'), 'gbk')).rows[1]).toEqual(['2026-11-01', '重庆某公司']);
    await expect(statementRows(iconv.encode(text, 'gbk'), 'utf8')).rejects.toMatchObject({
      key: 'bank_statement_file_encoding',
    });
  });
});
