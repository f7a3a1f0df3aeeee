import { type Static, Type } from '@sinclair/typebox';
import { ASSET_STATUSES, ASSET_TYPES, MANUAL_STATUSES, TAX_METHODS } from '../../domain/asset-rules.ts';
import { DateString, PageQuery } from '../../http/schemas.ts';

/** One of a fixed list of strings (an enum in the OpenAPI document). */
export const literals = <T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const AssetTypeSchema = literals(ASSET_TYPES, {
  description:
    'project 项目 · building 楼栋 · floor 楼层 · unit 房间/铺位 · land 土地 · parking 车位 · warehouse 仓库 · factory 厂房',
});
export const AssetStatusSchema = literals(ASSET_STATUSES, {
  description:
    'vacant 空置 · leased 已出租（仅由合同设置）· reserved 预留 · self_use 自用 · unavailable 维修/不可租 · disposed 已处置',
});
export const TaxMethodSchema = literals(TAX_METHODS, { description: 'general 一般计税 · simple 简易计税' });

/** Square metres, at most 2 decimals: "120.5" is taken, "120.50" is answered. */
export const AreaText = Type.String({ pattern: '^\\d{1,10}(\\.\\d{1,2})?$', description: '面积（㎡），最多 2 位小数' });

export const AssetSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String({ description: '资产编号（本公司内唯一）' }),
  name: Type.String(),
  type: AssetTypeSchema,
  parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  parentName: Type.Union([Type.String(), Type.Null()]),
  areaSqm: Type.Union([Type.String({ description: '面积（㎡），两位小数' }), Type.Null()]),
  status: AssetStatusSchema,
  address: Type.Union([Type.String(), Type.Null()]),
  propertyCertificateNo: Type.Union([Type.String({ description: '产权证号' }), Type.Null()]),
  bookValueFen: Type.Union([Type.Integer({ description: '账面价值（分）' }), Type.Null()]),
  acquisitionDate: Type.Union([Type.String({ description: '取得日期 YYYY-MM-DD' }), Type.Null()]),
  taxMethod: Type.Union([TaxMethodSchema, Type.Null()]),
  remarks: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ASSET_SORTS = [
  'code',
  '-code',
  'name',
  '-name',
  'areaSqm',
  '-areaSqm',
  'createdAt',
  '-createdAt',
] as const;

export const AssetListQuery = Type.Object(
  {
    ...PageQuery,
    keyword: Type.Optional(Type.String({ maxLength: 100, description: '编号或名称包含' })),
    code: Type.Optional(Type.String({ maxLength: 50, description: '编号包含' })),
    name: Type.Optional(Type.String({ maxLength: 100, description: '名称包含' })),
    type: Type.Optional(Type.Array(AssetTypeSchema, { description: '类型，可多选（type=unit&type=parking）' })),
    status: Type.Optional(Type.Array(AssetStatusSchema, { description: '状态，可多选' })),
    projectId: Type.Optional(Type.String({ format: 'uuid', description: '该项目（或任一资产）之下的全部资产' })),
    parentId: Type.Optional(Type.String({ format: 'uuid', description: '直接下级' })),
    areaMin: Type.Optional(AreaText),
    areaMax: Type.Optional(AreaText),
    sort: Type.Optional(literals(ASSET_SORTS, { description: '排序，- 表示倒序；默认按编号' })),
  },
  { additionalProperties: false },
);
export type AssetListQuery = Static<typeof AssetListQuery>;
export const AssetExportQuery = Type.Omit(AssetListQuery, ['page', 'pageSize'], { additionalProperties: false });

const optionalFields = {
  parentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: '上级资产' })),
  areaSqm: Type.Optional(Type.Union([AreaText, Type.Null()])),
  address: Type.Optional(nullable(Type.String({ maxLength: 200 }))),
  propertyCertificateNo: Type.Optional(nullable(Type.String({ maxLength: 100 }))),
  bookValueFen: Type.Optional(
    Type.Union([
      Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: '账面价值（分）' }),
      Type.Null(),
    ]),
  ),
  acquisitionDate: Type.Optional(Type.Union([DateString, Type.Null()])),
  taxMethod: Type.Optional(Type.Union([TaxMethodSchema, Type.Null()])),
  remarks: Type.Optional(nullable(Type.String({ maxLength: 500 }))),
};

const Code = Type.String({ minLength: 1, maxLength: 50, pattern: '\\S', description: '资产编号' });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

export const CreateAssetBody = Type.Object(
  {
    code: Code,
    name: Name,
    type: AssetTypeSchema,
    status: Type.Optional(literals(MANUAL_STATUSES, { description: '初始状态，默认 vacant；leased 只能由合同设置' })),
    ...optionalFields,
  },
  { additionalProperties: false },
);
export type CreateAssetBody = Static<typeof CreateAssetBody>;

export const UpdateAssetBody = Type.Object(
  {
    code: Type.Optional(Code),
    name: Type.Optional(Name),
    type: Type.Optional(AssetTypeSchema),
    // `leased` passes the schema so the refusal can say why: only a contract sets it.
    status: Type.Optional(AssetStatusSchema),
    statusReason: Type.Optional(Type.String({ maxLength: 200, description: '状态变更原因，记入状态历史' })),
    ...optionalFields,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAssetBody = Static<typeof UpdateAssetBody>;

export const AssetNodeSchema = Type.Recursive(
  (Node) =>
    Type.Object({
      id: Type.String(),
      code: Type.String(),
      name: Type.String(),
      type: AssetTypeSchema,
      status: AssetStatusSchema,
      areaSqm: Type.Union([Type.String(), Type.Null()]),
      children: Type.Array(Node),
    }),
  { $id: 'AssetNode' },
);

export const StatusChangeSchema = Type.Object({
  id: Type.Integer(),
  fromStatus: Type.Union([AssetStatusSchema, Type.Null()]),
  toStatus: AssetStatusSchema,
  reason: Type.Union([Type.String(), Type.Null()]),
  contractId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  changedAt: Type.String(),
});

export const AttachmentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  assetId: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('photo'), Type.Literal('document')]),
  fileName: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  uploadedByName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const AttachmentParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), attachmentId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** A row of an asset import as it would be written. */
export const AssetImportPreview = Type.Object({
  row: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  type: AssetTypeSchema,
  parentCode: Type.Union([Type.String(), Type.Null()]),
  areaSqm: Type.Union([Type.String(), Type.Null()]),
  status: AssetStatusSchema,
});
