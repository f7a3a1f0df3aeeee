import { Type } from '@sinclair/typebox';
import { JOURNAL_ENTRY_KINDS } from '../../db/schema.ts';
import { DateString, PageQuery } from '../../http/schemas.ts';

const DateOut = Type.String({ description: 'YYYY-MM-DD' });
const uuid = (description: string) => Type.String({ format: 'uuid', description });
const fen = (description: string) => Type.Integer({ description });
const NullableUuid = Type.Union([Type.String(), Type.Null()]);

export const PeriodQuery = {
  from: Type.Optional({ ...DateString, description: '起始日（含），缺省为最早' }),
  to: Type.Optional({ ...DateString, description: '截止日（含），缺省为不限' }),
};

export const TrialBalanceQuery = Type.Object(PeriodQuery, { additionalProperties: false });

export const TrialBalanceAccountSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  normalSide: Type.Union([Type.Literal('debit'), Type.Literal('credit')]),
  openingBalanceFen: fen('期初余额（from 之前，按科目方向取正负）'),
  debitFen: fen('本期借方发生额（红字冲销为负数，照计）'),
  creditFen: fen('本期贷方发生额（红字冲销为负数，照计）'),
  balanceFen: fen('期末余额（截至 to，按科目方向：借方科目 = 借 − 贷，贷方科目 = 贷 − 借）'),
});

export const TrialBalanceSchema = Type.Object({
  from: Type.Union([DateOut, Type.Null()]),
  to: Type.Union([DateOut, Type.Null()]),
  accounts: Type.Array(TrialBalanceAccountSchema),
  totalDebitFen: fen('本期借方发生额合计'),
  totalCreditFen: fen('本期贷方发生额合计'),
  closingDebitFen: fen('期末借方余额合计（各科目借 − 贷为正者之和）'),
  closingCreditFen: fen('期末贷方余额合计'),
  balanced: Type.Boolean({ description: '借贷平衡：本期发生额与期末余额均平衡' }),
});

export const AccountSchema = Type.Object({
  id: Type.String(),
  purpose: Type.String({ description: '系统用途（不可改），如 receivable' }),
  code: Type.String(),
  name: Type.String(),
  normalSide: Type.Union([Type.Literal('debit'), Type.Literal('credit')]),
});

export const UpdateAccountBody = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[0-9A-Za-z.\\-_]+$' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const AccountLinesQuery = Type.Object(
  {
    ...PageQuery,
    ...PeriodQuery,
    tenantId: Type.Optional(uuid('承租方（明细账）')),
    contractId: Type.Optional(uuid('合同（明细账）')),
  },
  { additionalProperties: false },
);

export const AccountLineSchema = Type.Object({
  lineId: Type.Integer(),
  entryId: Type.String(),
  entryNo: Type.Integer(),
  entryDate: DateOut,
  kind: Type.String(),
  memo: Type.String(),
  debitFen: Type.Integer(),
  creditFen: Type.Integer(),
  balanceFen: fen('该行之后的余额（含期初）'),
  tenantId: NullableUuid,
  contractId: NullableUuid,
  billId: NullableUuid,
});

export const AccountLinesSchema = Type.Object({
  account: AccountSchema,
  openingBalanceFen: fen('期初余额（from 之前，同样的筛选）'),
  closingBalanceFen: fen('期末余额（截至 to）'),
  items: Type.Array(AccountLineSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const ReceivablesQuery = Type.Object(
  {
    ...PageQuery,
    by: Type.Union([Type.Literal('tenant'), Type.Literal('contract')], { default: 'tenant' }),
    to: Type.Optional({ ...DateString, description: '截至日（含），缺省为全部' }),
    includeZero: Type.Boolean({ default: false, description: '包括余额为零的' }),
  },
  { additionalProperties: false },
);

export const ReceivableSchema = Type.Object({
  tenantId: Type.String(),
  tenantName: Type.String(),
  contractId: NullableUuid,
  contractNumber: Type.Union([Type.String(), Type.Null()]),
  debitFen: Type.Integer(),
  creditFen: Type.Integer(),
  balanceFen: fen('应收余额 = 借 − 贷'),
});

export const ReceivablesSchema = Type.Object({
  by: Type.Union([Type.Literal('tenant'), Type.Literal('contract')]),
  account: AccountSchema,
  totalBalanceFen: fen('全部明细（不限分页）余额合计 = 应收账款科目余额'),
  items: Type.Array(ReceivableSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const EntryListQuery = Type.Object(
  {
    ...PageQuery,
    ...PeriodQuery,
    kind: Type.Optional(Type.Union(JOURNAL_ENTRY_KINDS.map((kind) => Type.Literal(kind)))),
    sourceId: Type.Optional(uuid('来源（账单、收款等）')),
    billId: Type.Optional(uuid('涉及的账单')),
  },
  { additionalProperties: false },
);

export const EntrySchema = Type.Object({
  id: Type.String(),
  entryNo: Type.Integer(),
  entryDate: DateOut,
  kind: Type.String(),
  memo: Type.String(),
  sourceType: Type.Union([Type.String(), Type.Null()]),
  sourceId: NullableUuid,
  reversesEntryId: NullableUuid,
  reversedByEntryId: NullableUuid,
  amountFen: fen('借方合计'),
  createdByName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const EntryLineSchema = Type.Object({
  id: Type.Integer(),
  accountId: Type.String(),
  accountCode: Type.String(),
  accountName: Type.String(),
  debitFen: Type.Integer(),
  creditFen: Type.Integer(),
  tenantId: NullableUuid,
  tenantName: Type.Union([Type.String(), Type.Null()]),
  contractId: NullableUuid,
  contractNumber: Type.Union([Type.String(), Type.Null()]),
  billId: NullableUuid,
  billNumber: Type.Union([Type.String(), Type.Null()]),
});

export const EntryDetailSchema = Type.Composite([EntrySchema, Type.Object({ lines: Type.Array(EntryLineSchema) })]);
