import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SheetFormatError } from '../excel/sheets.ts';
import { languageOf, type MessageKey, type MessageParams, translate } from './messages.ts';
import { AppError } from './problem.ts';

/** Rows one spreadsheet import may hold. */
export const MAX_IMPORT_ROWS = 20_000;

/** One thing wrong in an imported sheet: the Excel row number, the column header, and why. */
export interface RowProblem {
  row: number;
  column: string;
  key: MessageKey;
  params?: MessageParams;
}

export interface ImportOutcome<Preview> {
  total: number;
  problems: RowProblem[];
  /** Rows written (0 on a dry run or when any row is wrong). */
  created: number;
  /** The first rows as they would be written. */
  preview: Preview[];
}

export const ImportQuery = Type.Object(
  {
    dryRun: Type.Boolean({
      default: false,
      description: 'true：只校验并预览，不写入；false：全部正确时在一个事务中全部写入，否则一行也不写',
    }),
  },
  { additionalProperties: false },
);

export const ImportReport = <T extends TSchema>(preview: T) =>
  Type.Object({
    dryRun: Type.Boolean(),
    total: Type.Integer({ description: '数据行数' }),
    valid: Type.Integer({ description: '没有错误的行数' }),
    invalid: Type.Integer({ description: '有错误的行数' }),
    created: Type.Integer({ description: '写入的行数' }),
    errors: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'Excel 行号（标题为第 1 行）' }),
        column: Type.String(),
        message: Type.String(),
      }),
    ),
    preview: Type.Array(preview, { description: '前 50 行将写入的内容' }),
  });

/** The sheet-level problems of an upload as the person sees them. */
export function sheetProblem(error: unknown): unknown {
  if (!(error instanceof SheetFormatError)) return error;
  switch (error.reason) {
    case 'not_xlsx':
      return new AppError(400, 'import_not_xlsx');
    case 'missing_columns':
      return new AppError(400, 'import_missing_columns', { columns: (error.detail.columns ?? []).join('、') });
    case 'no_rows':
      return new AppError(400, 'import_no_rows');
    case 'too_many_rows':
      return new AppError(400, 'import_too_many_rows', { limit: MAX_IMPORT_ROWS, rows: error.detail.rows ?? 0 });
  }
}

/**
 * Answers an import: the report (200 for a dry run, 201 when written), or, when a row is wrong and this was not
 * a dry run, 422 problem+json naming every wrong row and column; nothing was written then.
 */
export function answerImport<Preview>(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: ImportOutcome<Preview>,
  dryRun: boolean,
) {
  const language = languageOf(request.headers['accept-language']);
  const invalid = new Set(outcome.problems.map((problem) => problem.row)).size;
  if (!dryRun && outcome.problems.length > 0) {
    throw new AppError(
      422,
      'import_rejected',
      { total: outcome.total, invalid },
      outcome.problems.map((problem) => ({
        path: `rows/${problem.row}/${problem.column}`,
        row: problem.row,
        column: problem.column,
        key: problem.key,
        params: problem.params,
      })),
    );
  }
  return reply.status(dryRun ? 200 : 201).send({
    dryRun,
    total: outcome.total,
    valid: outcome.total - invalid,
    invalid,
    created: outcome.created,
    errors: outcome.problems.map((problem) => ({
      row: problem.row,
      column: problem.column,
      message: translate(problem.key, language, problem.params),
    })),
    preview: outcome.preview,
  });
}
