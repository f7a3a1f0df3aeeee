import { Type } from '@sinclair/typebox';
import { DateString, PageQuery } from '../../http/schemas.ts';
import { DATE_FORMATS } from './statement-file.ts';

/** One of a fixed list of strings (an enum in the OpenAPI document). */
const literals = <T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const Header = (description: string) => Type.Union([Type.String({ maxLength: 100 }), Type.Null()], { description });
const Uuid = Type.String({ format: 'uuid' });

export const MappingColumns = Type.Object(
  {
    date: Type.String({ minLength: 1, maxLength: 100, description: '交易日期列的标题' }),
    credit: Type.Optional(Header('收入（贷方）金额列；与 amount 二选一')),
    debit: Type.Optional(Header('支出（借方）金额列，可空')),
    amount: Type.Optional(Header('单一金额列（配合 direction，或以正负号区分收支）')),
    direction: Type.Optional(Header('收支方向列（借/贷、收/支）')),
    creditMarks: Type.Optional(
      Type.Union([Type.Array(Type.String({ maxLength: 20 }), { maxItems: 20 }), Type.Null()], {
        description: '方向列中表示收入的值，默认 贷、收、收入、来账、C、CR、+',
      }),
    ),
    payerName: Type.Optional(Header('对方户名列')),
    payerAccount: Type.Optional(Header('对方账号列')),
    reference: Type.Optional(Header('摘要/附言/用途列')),
    serial: Type.Optional(Header('银行流水号列（跨文件去重依据）')),
  },
  { additionalProperties: false },
);

const Encoding = literals(['utf8', 'gbk'] as const, {
  description:
    'CSV 文件编码：utf8 或 gbk。内容是合法 UTF-8 的文件总按 UTF-8 读（含 BOM）；gbk 映射读其余文件；Excel 文件不看',
});
const DateFormat = literals(DATE_FORMATS, { description: '日期格式；日期后的时间会被忽略' });

export const MappingBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '映射名称，如“工行基本户”' }),
    accountLabel: Type.String({
      minLength: 1,
      maxLength: 100,
      description: '银行账户说明，如“工商银行永川支行基本户”',
    }),
    accountNo: Type.Optional(
      Type.Union([Type.String({ maxLength: 40 }), Type.Null()], {
        description: '本方银行账号（加密保存，只显示后 4 位）；修改时省略表示不变，null 表示清除',
      }),
    ),
    headerRow: Type.Integer({ minimum: 1, maximum: 50, default: 1, description: '标题所在行（从 1 起）' }),
    columns: MappingColumns,
    dateFormat: DateFormat,
    encoding: Type.Optional(Encoding),
  },
  { additionalProperties: false },
);

export const MappingSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  accountLabel: Type.String(),
  accountNoMasked: Type.Union([Type.String(), Type.Null()]),
  headerRow: Type.Integer(),
  columns: MappingColumns,
  dateFormat: Type.String(),
  encoding: Type.String(),
  importCount: Type.Integer(),
  createdByName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PreviewQuery = Type.Object(
  {
    mappingId: Type.Optional(Uuid),
    headerRow: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    encoding: Type.Optional(Encoding),
  },
  { additionalProperties: false },
);

const LineInput = Type.Object({
  lineNo: Type.Integer({ description: '文件中的行号' }),
  valueDate: Type.String(),
  direction: literals(['credit', 'debit'] as const),
  amountFen: Type.Integer(),
  payerName: Type.Union([Type.String(), Type.Null()]),
  payerAccountMasked: Type.Union([Type.String(), Type.Null()]),
  reference: Type.Union([Type.String(), Type.Null()]),
  bankSerial: Type.Union([Type.String(), Type.Null()]),
});

const RowError = Type.Object({
  row: Type.Integer({ description: '文件中的行号' }),
  column: Type.String(),
  message: Type.String(),
});

export const PreviewSchema = Type.Object({
  format: literals(['csv', 'xlsx'] as const),
  headerRow: Type.Integer(),
  headers: Type.Array(Type.String(), { description: '标题行各列（供选择列映射）' }),
  sampleRows: Type.Array(Type.Array(Type.Union([Type.String(), Type.Null()])), { description: '标题行下的前 10 行' }),
  total: Type.Integer({ description: '流水行数' }),
  lines: Type.Array(LineInput, { description: '按映射读出的前 50 行（未指定映射时为空）' }),
  errors: Type.Array(RowError),
});

export const ImportQuery = Type.Object({ mappingId: Uuid }, { additionalProperties: false });

export const ImportSchema = Type.Object({
  id: Type.String(),
  mappingId: Type.String(),
  mappingName: Type.String(),
  fileName: Type.String(),
  fileFormat: Type.String(),
  fileHash: Type.String(),
  lineCount: Type.Integer(),
  newLineCount: Type.Integer({ description: '新增的流水（其余为与已导入文件重叠的同一流水号）' }),
  creditFen: Type.Integer(),
  debitFen: Type.Integer(),
  firstDate: Type.Union([Type.String(), Type.Null()]),
  lastDate: Type.Union([Type.String(), Type.Null()]),
  unmatchedCount: Type.Integer({ description: '未勾对的收入流水' }),
  importedByName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const ImportResultSchema = Type.Object({
  duplicate: Type.Boolean({ description: 'true：同一文件已导入过，未做任何改动' }),
  import: ImportSchema,
});

export const ImportListQuery = Type.Object(
  { ...PageQuery, mappingId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

const LineStatus = literals(['unmatched', 'confirmed', 'ignored'] as const, {
  description: 'unmatched 未勾对 · confirmed 已确认 · ignored 已忽略',
});

export const LineListQuery = Type.Object(
  {
    ...PageQuery,
    mappingId: Type.Optional(Uuid),
    importId: Type.Optional(Uuid),
    status: Type.Optional(LineStatus),
    direction: Type.Optional(literals(['credit', 'debit'] as const)),
    from: Type.Optional(DateString),
    to: Type.Optional(DateString),
    minAmountFen: Type.Optional(Type.Integer({ minimum: 0 })),
    maxAmountFen: Type.Optional(Type.Integer({ minimum: 0 })),
    q: Type.Optional(Type.String({ maxLength: 100, description: '户名、摘要或流水号包含' })),
  },
  { additionalProperties: false },
);

export const LineSchema = Type.Object({
  id: Type.String(),
  mappingId: Type.String(),
  mappingName: Type.String(),
  importId: Type.String(),
  lineNo: Type.Integer(),
  valueDate: Type.String(),
  direction: Type.String(),
  amountFen: Type.Integer(),
  payerName: Type.Union([Type.String(), Type.Null()]),
  payerAccountMasked: Type.Union([Type.String(), Type.Null()]),
  reference: Type.Union([Type.String(), Type.Null()]),
  bankSerial: Type.Union([Type.String(), Type.Null()]),
  status: LineStatus,
  matchKind: Type.Union([literals(['link_payment', 'link_settlement', 'recorded'] as const), Type.Null()]),
  paymentId: Type.Union([Type.String(), Type.Null()]),
  paymentNumber: Type.Union([Type.String(), Type.Null()]),
  receiptNumber: Type.Union([Type.String(), Type.Null()]),
  tenantName: Type.Union([Type.String(), Type.Null()]),
  reconciliationRunId: Type.Union([Type.String(), Type.Null()]),
  decidedByName: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
});

export const SuggestionSchema = Type.Object({
  kind: literals(['link_payment', 'link_settlement', 'record'] as const, {
    description: 'link_payment 关联已登记的银行转账 · link_settlement 关联渠道结算 · record 按账单登记收款',
  }),
  score: Type.Integer(),
  reasons: Type.Array(
    Type.Object(
      {
        code: Type.String({
          description:
            'bill_number_in_reference · amount_equals_bills · payer_is_tenant · payment_same_amount · reference_is_serial · settlement_net_equals',
        }),
      },
      { additionalProperties: true },
    ),
  ),
  paymentId: Type.Union([Type.String(), Type.Null()]),
  paymentNumber: Type.Union([Type.String(), Type.Null()]),
  runId: Type.Union([Type.String(), Type.Null()]),
  tenantId: Type.Union([Type.String(), Type.Null()]),
  tenantName: Type.Union([Type.String(), Type.Null()]),
  bills: Type.Array(
    Type.Object({ id: Type.String(), number: Type.String(), dueDate: Type.String(), outstandingFen: Type.Integer() }),
  ),
  billsFen: Type.Integer(),
});

const Note = Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()]));

export const ConfirmBody = Type.Union([
  Type.Object(
    { kind: Type.Literal('link_payment'), paymentId: Uuid, note: Note },
    { additionalProperties: false, description: '关联已登记的银行转账收款（不记账）' },
  ),
  Type.Object(
    { kind: Type.Literal('link_settlement'), runId: Uuid, note: Note },
    { additionalProperties: false, description: '关联渠道对账结算（不记账）' },
  ),
  Type.Object(
    {
      kind: Type.Literal('record'),
      tenantId: Uuid,
      billIds: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
      note: Note,
    },
    {
      additionalProperties: false,
      description:
        '登记银行转账收款（流水号为收款参考号）并核销所选账单（应收合计须等于流水金额）；不选账单则按到期先后核销',
    },
  ),
]);

export const IgnoreBody = Type.Object({ note: Type.String({ maxLength: 500 }) }, { additionalProperties: false });
export const UndoBody = Type.Object({ note: Note }, { additionalProperties: false });
