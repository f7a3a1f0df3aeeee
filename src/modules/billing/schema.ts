import { type TSchema, Type } from '@sinclair/typebox';
import { DateString, PageQuery } from '../../http/schemas.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Fen = (description: string) => Type.Integer({ description: `${description}（分）` });

export const BILL_KINDS = ['rent', 'deposit', 'charge', 'final'] as const;
export const BILL_STATUSES = ['open', 'partial', 'paid', 'void'] as const;
export const CHARGE_ITEM_NAMES = ['utilities', 'property', 'repair', 'other'] as const;

export const BillSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    number: Type.String({
      description: '账单编号：合同编号-R01（租金）/-D（押金）/-F（终止结算）/-C01（杂费），重开加 -修订号',
    }),
    contractId: Type.String({ format: 'uuid' }),
    contractNumber: Type.String(),
    tenantId: Type.String({ format: 'uuid' }),
    tenantName: Type.String(),
    kind: Type.Union(BILL_KINDS.map((kind) => Type.Literal(kind))),
    periodIndex: Nullable(Type.Integer()),
    revision: Type.Integer(),
    periodStart: Nullable(Type.String()),
    periodEnd: Nullable(Type.String()),
    dueDate: Type.String(),
    amountFen: Fen('本金（含税）'),
    netFen: Fen('不含税金额'),
    taxFen: Fen('税额'),
    taxRate: Type.String(),
    paidFen: Fen('已收（本金+违约金）'),
    principalPaidFen: Fen('已收本金'),
    lateFeeFen: Fen('截至今日的违约金（结清后冻结）'),
    lateFeePostedFen: Fen('已入账违约金'),
    lateFeeWaivedFen: Fen('已减免违约金'),
    outstandingFen: Fen('未结清（应收账款余额）'),
    payableFen: Fen('今日应付（含未入账违约金）'),
    status: Type.Union(BILL_STATUSES.map((status) => Type.Literal(status))),
    overdue: Type.Boolean(),
    overdueDays: Type.Integer(),
    chargeItem: Nullable(Type.String()),
    description: Nullable(Type.String()),
    voidReason: Nullable(Type.String()),
    replacesBillId: Nullable(Type.String()),
    settledOn: Nullable(Type.String()),
    issuedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Bill' },
);

const Loose = Type.Object({}, { additionalProperties: true });

export const BillDetailSchema = Type.Composite([
  Type.Omit(BillSchema, []),
  Type.Object({
    lines: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: Type.String(),
        description: Type.String(),
        amountFen: Type.Integer(),
        netFen: Type.Integer(),
        taxFen: Type.Integer(),
        asOf: Nullable(Type.String()),
        createdAt: Type.String(),
      }),
    ),
    allocations: Type.Array(
      Type.Object({
        paymentId: Type.String(),
        paymentNumber: Type.String(),
        appliedOn: Type.String(),
        principalFen: Type.Integer(),
        lateFeeFen: Type.Integer(),
      }),
    ),
    journalEntries: Type.Array(
      Type.Object({
        id: Type.String(),
        entryNo: Type.Integer(),
        entryDate: Type.String(),
        kind: Type.String(),
        memo: Type.String(),
        lines: Type.Array(
          Type.Object({
            accountCode: Type.String(),
            accountName: Type.String(),
            debitFen: Type.Integer(),
            creditFen: Type.Integer(),
          }),
        ),
      }),
    ),
    waivers: Type.Array(Loose),
    messages: Type.Array(Loose),
  }),
]);

const BillFilterProps = {
  contractId: Type.Optional(Type.String({ format: 'uuid' })),
  tenantId: Type.Optional(Type.String({ format: 'uuid' })),
  status: Type.Optional(Type.Union(BILL_STATUSES.map((status) => Type.Literal(status)))),
  overdue: Type.Optional(Type.Boolean({ description: 'true：未结清且已过应付日期' })),
  dueFrom: Type.Optional(DateString),
  dueTo: Type.Optional(DateString),
  kind: Type.Optional(Type.Union(BILL_KINDS.map((kind) => Type.Literal(kind)))),
  q: Type.Optional(Type.String({ maxLength: 100, description: '账单编号、合同编号或承租方名称' })),
};

export const BillListQuery = Type.Object({ ...PageQuery, ...BillFilterProps }, { additionalProperties: false });
export const BillExportQuery = Type.Object(BillFilterProps, { additionalProperties: false });

export const RunBody = Type.Object({ throughDate: DateString }, { additionalProperties: false });
export const RunResultSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  throughDate: Type.String(),
  issued: Type.Integer(),
  skipped: Type.Integer(),
  amountFen: Type.Integer(),
});
export const RunSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  throughDate: Type.String(),
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule')]),
  issued: Type.Integer(),
  skipped: Type.Integer(),
  amountFen: Type.Integer(),
  startedByName: Nullable(Type.String()),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});
export const RunListQuery = Type.Object(PageQuery, { additionalProperties: false });

export const ChargeBody = Type.Object(
  {
    contractId: Type.String({ format: 'uuid' }),
    chargeItem: Type.Union(
      CHARGE_ITEM_NAMES.map((item) => Type.Literal(item)),
      {
        description: 'utilities 水电费 / property 物业费 / repair 维修费 / other 其他',
      },
    ),
    description: Type.String({ maxLength: 200 }),
    amountFen: Type.Integer({ description: '含税金额（分）' }),
    dueDate: DateString,
    taxRate: Type.Optional(Type.String({ maxLength: 10, description: '如 "0.09"；默认 "0"' })),
  },
  { additionalProperties: false },
);

export const VoidBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const ReissueBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    amountFen: Type.Integer({ description: '新金额（含税，分）' }),
    dueDate: DateString,
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
