// The supervision export (国资监管平台数据报送): the asset register, the contract register and the rent roll (租金收缴台账)
// as one documented JSON document, streamed row by row from the reports' cursors, personal data always masked (the
// document leaves the company). docs/supervision-export.md describes the format; SupervisionSchema is its OpenAPI.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { type TSchema, Type } from '@sinclair/typebox';
import { eq } from 'drizzle-orm';
import { orgs } from '../../db/schema.ts';
import { notFound } from '../../http/problem.ts';
import { DateString } from '../../http/schemas.ts';
import { assetRegister, contractRegister, rentRoll } from './catalogue.ts';
import {
  eachReportBatch,
  type ReportColumn,
  type ReportContext,
  type ReportDefinition,
  type ReportReader,
  type Row,
  reportTotals,
} from './framework.ts';
import { firstOfYear } from './scope.ts';

export const SUPERVISION_FORMAT_VERSION = '1.0';

/** The three ledgers of the document: its key, the report it is, and that report's filter for the as-of day. */
const SECTIONS = [
  {
    key: 'assets',
    zh: '资产台账',
    definition: assetRegister,
    filter: (asOf: string, _from: string) => ({ asOf }),
  },
  {
    key: 'contracts',
    zh: '合同台账',
    definition: contractRegister,
    filter: (_asOf: string, _from: string) => ({}),
  },
  {
    key: 'collection',
    zh: '租金收缴台账',
    definition: rentRoll,
    filter: (asOf: string, from: string) => ({ from, to: asOf, asOf }),
  },
] as const;

export const SupervisionQuery = Type.Object(
  {
    asOf: Type.Optional({ ...DateString, description: '截至日期（默认今天，中国时间）' }),
    from: Type.Optional({
      ...DateString,
      description: '租金收缴台账的应缴日期起（默认截至日期所在年 1 月 1 日）；不晚于截至日期，相隔不超过十年',
    }),
  },
  { additionalProperties: false },
);

function fieldSchema(column: ReportColumn): TSchema {
  const codes = column.labels
    ? `：${Object.entries(column.labels)
        .map(([code, label]) => `${code} ${label.zh}`)
        .join(' · ')}`
    : '';
  const nullable = (schema: TSchema) => Type.Union([schema, Type.Null()], { description: schema.description });
  switch (column.kind) {
    case 'fen':
      return nullable(Type.Integer({ description: `${column.zh}（分，整数）` }));
    case 'integer':
      return nullable(Type.Integer({ description: column.zh }));
    case 'date':
      return nullable(Type.String({ format: 'date', description: `${column.zh}（YYYY-MM-DD）` }));
    case 'area':
      return nullable(Type.String({ description: `${column.zh}（平方米，两位小数的字符串）` }));
    case 'percent':
      return nullable(Type.String({ description: `${column.zh}（4 位小数的字符串）` }));
    default:
      return nullable(Type.String({ description: `${column.zh}${codes}` }));
  }
}

const rowSchema = (definition: ReportDefinition, description: string) =>
  Type.Object(Object.fromEntries(definition.columns.map((column) => [column.key, fieldSchema(column)])), {
    description,
  });

const totalsSchema = (definition: ReportDefinition, description: string) =>
  Type.Object(
    {
      count: Type.Integer({ description: '行数' }),
      ...Object.fromEntries(
        definition.columns.filter((column) => column.total).map((column) => [column.key, fieldSchema(column)]),
      ),
    },
    { description },
  );

export const SupervisionSchema = Type.Object(
  {
    version: Type.String({
      description: `格式版本，当前为 "${SUPERVISION_FORMAT_VERSION}"；新增字段不改版本，改变含义或删除字段升主版本`,
    }),
    org: Type.Object(
      {
        id: Type.String({ format: 'uuid', description: '组织标识' }),
        code: Type.String({ description: '组织代码' }),
        name: Type.String({ description: '资产经营单位名称' }),
      },
      { description: '报送单位' },
    ),
    generatedAt: Type.String({ description: '生成时间（ISO 8601，带 +08:00）' }),
    asOf: Type.String({ format: 'date', description: '截至日期：资产在租情况、已收统计均截至该日' }),
    collectionFrom: Type.String({ format: 'date', description: '租金收缴台账的应缴日期起（至截至日期）' }),
    personalDataMasked: Type.Boolean({ description: '个人信息已脱敏：个人承租方只显示姓，恒为 true' }),
    assets: Type.Array(rowSchema(assetRegister, '资产台账的一行：一项资产及其截至日期的在租合同'), {
      description: '资产台账：全部资产（含项目、楼栋、楼层），按资产编号排序',
    }),
    contracts: Type.Array(rowSchema(contractRegister, '合同台账的一行：一份租赁合同'), {
      description: '合同台账：全部租赁合同（各状态），按到期日、合同编号排序',
    }),
    collection: Type.Array(
      rowSchema(rentRoll, '租金收缴台账的一行：一张账单的应收、违约金、截至日期的已收与未收（作废账单不列）'),
      { description: '租金收缴台账：应缴日期在 collectionFrom 至 asOf 之间的账单，按应缴日期、合同编号、账单编号排序' },
    ),
    totals: Type.Object(
      {
        assets: totalsSchema(assetRegister, '资产台账合计（面积合计含各层级，核对用）'),
        contracts: totalsSchema(contractRegister, '合同台账合计'),
        collection: totalsSchema(rentRoll, '租金收缴台账合计'),
      },
      { description: '各台账的行数与金额合计，供接收方核对（在各数组之后输出）' },
    ),
  },
  {
    description:
      '国资监管平台数据报送文件（JSON，UTF-8，流式输出）：资产台账、合同台账、租金收缴台账。金额为整数分，日期为 YYYY-MM-DD（中国时间），' +
      '代码字段（类型、状态）取值见各字段说明；个人承租方姓名脱敏。格式说明见 docs/supervision-export.md。',
  },
);

export interface SupervisionInput {
  context: ReportContext;
  reader: ReportReader;
  asOf: string;
  from: string;
  now?: Date;
}

function chinaIso(now: Date): string {
  return `${new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

export function supervisionRange(query: { asOf?: string; from?: string }, today: string) {
  const asOf = query.asOf ?? today;
  const from = query.from ?? firstOfYear(asOf);
  // The rent roll's own rules (from ≤ to, at most ten years) apply to the collection section.
  rentRoll.prepare({ from, to: asOf, asOf }, today);
  return { asOf, from };
}

/** The document as a stream of UTF-8 JSON: the header fields, each ledger batch by batch, then the totals. */
export async function supervisionExport(input: SupervisionInput): Promise<PassThrough> {
  const { context, asOf, from } = input;
  // The document leaves the company: names masked whoever asks.
  const reader: ReportReader = { ...input.reader, seesNames: false };
  const [org] = await context.db
    .select({ id: orgs.id, code: orgs.code, name: orgs.name })
    .from(orgs)
    .where(eq(orgs.id, reader.orgId));
  if (!org) throw notFound('org', reader.orgId);
  const output = new PassThrough();
  const write = async (text: string) => {
    if (output.destroyed) throw new Error('client gone');
    if (!output.write(text)) await Promise.race([once(output, 'drain'), once(output, 'close')]);
  };
  const run = async () => {
    const header = {
      version: SUPERVISION_FORMAT_VERSION,
      org,
      generatedAt: chinaIso(input.now ?? new Date()),
      asOf,
      collectionFrom: from,
      personalDataMasked: true,
    };
    await write(JSON.stringify(header).slice(0, -1));
    const totals: Record<string, Row> = {};
    for (const section of SECTIONS) {
      const filter = section.filter(asOf, from);
      await write(`,${JSON.stringify(section.key)}:[`);
      let first = true;
      await eachReportBatch(context, section.definition, filter, reader, async (rows) => {
        const text = rows.map((row) => JSON.stringify(row)).join(',');
        await write(first ? text : `,${text}`);
        first = false;
      });
      await write(']');
      const sum = await reportTotals(context.db, section.definition, filter, reader);
      totals[section.key] = { count: sum.count, ...sum.totals };
    }
    await write(`,"totals":${JSON.stringify(totals)}}`);
    output.end();
  };
  run().catch((error: unknown) => {
    if (!output.destroyed) output.destroy(error as Error);
  });
  return output;
}
