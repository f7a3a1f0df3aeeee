import { type Static, Type } from '@sinclair/typebox';
import { PageQuery } from '../../http/schemas.ts';
import { literals } from '../assets/schema.ts';

export const TENANT_KINDS = ['individual', 'enterprise'] as const;
export const TenantKindSchema = literals(TENANT_KINDS, { description: 'individual 个人 · enterprise 企业' });

const nullableString = (description: string) => Type.Union([Type.String({ description }), Type.Null()]);

export const TenantSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String({ description: '承租方编号，如 CZ000123' }),
  kind: TenantKindSchema,
  name: Type.String(),
  idNumber: nullableString('身份证号（脱敏：110***********1234），仅个人'),
  creditCode: nullableString('统一社会信用代码（公开信息，不脱敏），仅企业'),
  legalRepresentative: nullableString('法定代表人'),
  contactName: nullableString('联系人'),
  phone: Type.String({ description: '手机号（脱敏：138****0000），用于通知和承租方 H5 登录' }),
  contactPhone: nullableString('联系电话（脱敏）'),
  address: nullableString('地址'),
  bankName: nullableString('开户银行'),
  bankAccount: nullableString('银行账号（脱敏，仅显示后 4 位）'),
  remarks: nullableString('备注'),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const TenantListQuery = Type.Object(
  {
    ...PageQuery,
    keyword: Type.Optional(Type.String({ maxLength: 100, description: '名称、编号或统一社会信用代码包含' })),
    kind: Type.Optional(TenantKindSchema),
    phone: Type.Optional(Type.String({ maxLength: 30, description: '手机号或联系电话，完整号码精确查找' })),
    idNumber: Type.Optional(Type.String({ maxLength: 30, description: '身份证号，完整号码精确查找' })),
    creditCode: Type.Optional(Type.String({ maxLength: 30, description: '统一社会信用代码，精确查找' })),
  },
  { additionalProperties: false },
);
export type TenantListQuery = Static<typeof TenantListQuery>;

export const TenantExportQuery = Type.Object(
  {
    ...Type.Omit(TenantListQuery, ['page', 'pageSize']).properties,
    reveal: Type.Boolean({
      default: false,
      description: 'true：导出明文身份证号、电话和银行账号（需要 pii:reveal 权限，记入审计日志）',
    }),
  },
  { additionalProperties: false },
);

const text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const optionalText = (maxLength: number, description?: string) =>
  Type.Optional(Type.Union([text(maxLength, description), Type.Null()]));

const editable = {
  legalRepresentative: optionalText(50, '法定代表人'),
  contactName: optionalText(50, '联系人'),
  contactPhone: optionalText(30, '联系电话：手机或带区号的固定电话'),
  address: optionalText(200),
  bankName: optionalText(100, '开户银行'),
  bankAccount: optionalText(40, '银行账号'),
  remarks: optionalText(500),
};

export const CreateTenantBody = Type.Object(
  {
    kind: TenantKindSchema,
    name: text(100, '个人姓名或企业名称'),
    idNumber: Type.Optional(text(30, '身份证号（个人必填，18 位，校验位校验）')),
    creditCode: Type.Optional(text(30, '统一社会信用代码（企业必填，18 位，校验码校验）')),
    phone: text(30, '手机号（11 位）'),
    ...editable,
  },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

export const UpdateTenantBody = Type.Object(
  {
    name: Type.Optional(text(100)),
    idNumber: Type.Optional(text(30, '身份证号（仅个人）')),
    creditCode: Type.Optional(text(30, '统一社会信用代码（仅企业）')),
    phone: Type.Optional(text(30, '手机号')),
    ...editable,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTenantBody = Static<typeof UpdateTenantBody>;

export const RevealBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 200, description: '查看原因，记入审计日志' })) },
  { additionalProperties: false },
);

export const RevealedSchema = Type.Object({
  id: Type.String(),
  idNumber: Type.Union([Type.String(), Type.Null()]),
  phone: Type.String(),
  contactPhone: Type.Union([Type.String(), Type.Null()]),
  bankAccount: Type.Union([Type.String(), Type.Null()]),
});

export const TenantImportPreview = Type.Object({
  row: Type.Integer(),
  kind: TenantKindSchema,
  name: Type.String(),
  idNumber: Type.Union([Type.String(), Type.Null()], { description: '脱敏' }),
  creditCode: Type.Union([Type.String(), Type.Null()]),
  phone: Type.String({ description: '脱敏' }),
});
