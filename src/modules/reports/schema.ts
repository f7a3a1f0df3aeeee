import { type TProperties, Type } from '@sinclair/typebox';
import { DateString, PageQuery } from '../../http/schemas.ts';

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });

const Label = Type.Object({ zh: Type.String(), en: Type.String() });

export const ColumnSchema = Type.Object({
  key: Type.String(),
  kind: Type.Union(
    ['text', 'date', 'fen', 'integer', 'percent', 'area'].map((kind) => Type.Literal(kind)),
    {
      description: 'fen 金额（整数分）· date YYYY-MM-DD · percent 小数字符串（4 位）· area 面积字符串（㎡）',
    },
  ),
  zh: Type.String({ description: '中文列名' }),
  en: Type.String({ description: 'English header' }),
  labels: Type.Optional(Type.Record(Type.String(), Label, { description: '代码列的显示名' })),
});

export const ReportPageSchema = Type.Object({
  items: Type.Array(Open('一行：键为列的 key')),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  totals: Open('合计行：可加总的列（金额、数量、面积）及由合计算出的比率'),
  subtotals: Type.Optional(Type.Array(Open('小计（如账龄分段）：分组列、count 与可加总的列'))),
  columns: Type.Array(ColumnSchema),
});

export const reportQuery = (filters: TProperties, paged: boolean) =>
  Type.Object(paged ? { ...filters, ...PageQuery } : filters, { additionalProperties: false });

export const CatalogueSchema = Type.Array(
  Type.Object({
    name: Type.String(),
    title: Label,
    description: Type.String(),
    columns: Type.Array(ColumnSchema),
    filters: Type.Array(
      Type.Object({
        key: Type.String(),
        zh: Type.String(),
        en: Type.String(),
        control: Type.Union(
          ['date', 'choice', 'tenant', 'project', 'contract', 'boolean', 'integer'].map((control) =>
            Type.Literal(control),
          ),
          { description: '输入方式：日期、代码选择、选承租方/项目/合同、是否、整数' },
        ),
        options: Type.Optional(
          Type.Array(Type.Object({ value: Type.String(), zh: Type.String(), en: Type.String() }), {
            description: '选择项（control 为 choice 时）',
          }),
        ),
        minimum: Type.Optional(Type.Number()),
        maximum: Type.Optional(Type.Number()),
      }),
    ),
  }),
);

export const DashboardQuery = Type.Object(
  { asOf: Type.Optional({ ...DateString, description: '截至日期（默认今天，中国时间）' }) },
  { additionalProperties: false },
);

export const DashboardSchema = Type.Object(
  {
    asOf: Type.String(),
    occupancy: Open('出租率：total、byProject、byAssetType；按数量（rateByCount）与面积（rateByArea）'),
    billedVsCollected: Type.Array(Open('近 12 个月按应缴月份：billedFen、collectedFen、collectionRate')),
    collectionRate: Open('本年收缴率（1 月 1 日至截至日期）'),
    aging: Open('欠费账龄：outstandingFen、billCount、buckets'),
    topOverdueTenants: Type.Array(Open('逾期欠费最多的 10 个承租方')),
    contractsEnding: Open('90 天内到期的履行中合同：count、monthlyRentFen、first（前 10 份）'),
    paymentsToday: Open('当日收款：count、amountFen、byChannel'),
  },
  {
    description:
      '每个数字带 drill: { report, filter }，即列出其明细的报表与筛选（GET /api/v1/reports/{report}?filter）。' +
      '收缴率 = 应缴日期在期间内的账单（不含作废）截至日期前已收的本金 ÷ 这些账单的本金，违约金不计；4 位小数字符串，无应收时为 null。',
  },
);
