import { cellText, type SheetColumn, type SheetRow } from '../../excel/sheets.ts';
import type { RowProblem } from '../../http/imports.ts';
import { type TenantFields, tenantFieldProblems } from './fields.ts';

// Tenants as a spreadsheet: the import template, reading an import, and the export.

export const TENANT_SHEET = '承租方';

export const T = {
  code: '承租方编号',
  kind: '类型',
  name: '名称',
  idNumber: '身份证号',
  creditCode: '统一社会信用代码',
  phone: '手机号',
  legalRepresentative: '法定代表人',
  contactName: '联系人',
  contactPhone: '联系电话',
  address: '地址',
  bankName: '开户银行',
  bankAccount: '银行账号',
  remarks: '备注',
} as const;

const KIND_NAMES = { individual: '个人', enterprise: '企业' } as const;
const KINDS = new Map<string, 'individual' | 'enterprise'>([
  ['个人', 'individual'],
  ['企业', 'enterprise'],
  ['单位', 'enterprise'],
  ['公司', 'enterprise'],
]);

export const TENANT_COLUMNS: readonly SheetColumn[] = [
  {
    header: T.kind,
    required: true,
    width: 8,
    choices: Object.values(KIND_NAMES),
    description: '承租方类型',
    example: '个人',
  },
  { header: T.name, required: true, width: 28, description: '个人姓名或企业全称，最多 100 个字符', example: '张三' },
  {
    header: T.idNumber,
    text: true,
    width: 22,
    description: '个人必填：18 位居民身份证号，系统校验出生日期和校验位；请保持该列为“文本”格式',
    example: '11010519491231002X',
  },
  {
    header: T.creditCode,
    text: true,
    width: 22,
    description: '企业必填：18 位统一社会信用代码，系统校验第 18 位校验码',
    example: '',
  },
  {
    header: T.phone,
    required: true,
    text: true,
    width: 14,
    description: '11 位手机号，用于缴费通知和承租方手机端登录；企业填联系人手机',
    example: '13800000000',
  },
  { header: T.legalRepresentative, width: 12, description: '企业的法定代表人', example: '' },
  { header: T.contactName, width: 12, description: '联系人姓名', example: '' },
  {
    header: T.contactPhone,
    text: true,
    width: 16,
    description: '手机号或带区号的固定电话，如 023-49881234',
    example: '',
  },
  { header: T.address, width: 30, description: '最多 200 个字符', example: '重庆市永川区人民大道 88 号' },
  { header: T.bankName, width: 20, description: '开户银行', example: '' },
  { header: T.bankAccount, text: true, width: 24, description: '银行账号，8–30 位数字', example: '' },
  { header: T.remarks, width: 30, description: '最多 500 个字符', example: '' },
];

export const TENANT_EXPORT_COLUMNS: readonly SheetColumn[] = [
  { header: T.code, width: 12, description: '系统生成' },
  ...TENANT_COLUMNS,
];

/** Which column a field's problem is reported against. */
export const COLUMN_OF: Record<keyof TenantFields | 'kind', string> = {
  kind: T.kind,
  name: T.name,
  idNumber: T.idNumber,
  creditCode: T.creditCode,
  phone: T.phone,
  legalRepresentative: T.legalRepresentative,
  contactName: T.contactName,
  contactPhone: T.contactPhone,
  address: T.address,
  bankName: T.bankName,
  bankAccount: T.bankAccount,
  remarks: T.remarks,
};

export interface ParsedTenantRow {
  row: number;
  /** The normalised fields when every cell is right. */
  fields: (TenantFields & { kind: 'individual' | 'enterprise' }) | null;
}

const LIMITS: Partial<Record<keyof TenantFields, number>> = {
  name: 100,
  legalRepresentative: 50,
  contactName: 50,
  address: 200,
  bankName: 100,
  remarks: 500,
};

/** Reads one row, naming every wrong cell. */
export function parseTenantRow(sheetRow: SheetRow, problems: RowProblem[]): ParsedTenantRow {
  const { row, cells } = sheetRow;
  const before = problems.length;
  const wrong = (column: string, key: RowProblem['key'], params?: RowProblem['params']) =>
    problems.push({ row, column, key, ...(params ? { params } : {}) });
  const text = (column: string) => cellText(cells.get(column) ?? null)?.trim() || null;

  const kindText = text(T.kind);
  const kind = kindText === null ? null : (KINDS.get(kindText) ?? null);
  if (kindText === null) wrong(T.kind, 'cell_required');
  else if (kind === null) wrong(T.kind, 'cell_choice', { choices: Object.values(KIND_NAMES).join('、') });

  // An 18-digit number typed into a General cell is kept by Excel as a float: its last digits are gone.
  if (typeof cells.get(T.idNumber) === 'number') wrong(T.idNumber, 'cell_id_number_as_number');

  const raw: TenantFields = {
    name: text(T.name),
    idNumber: typeof cells.get(T.idNumber) === 'number' ? null : text(T.idNumber),
    creditCode: text(T.creditCode),
    phone: text(T.phone),
    legalRepresentative: text(T.legalRepresentative),
    contactName: text(T.contactName),
    contactPhone: text(T.contactPhone),
    address: text(T.address),
    bankName: text(T.bankName),
    bankAccount: text(T.bankAccount),
    remarks: text(T.remarks),
  };
  const tooLong = new Set<keyof TenantFields>();
  for (const [field, max] of Object.entries(LIMITS) as [keyof TenantFields, number][]) {
    const value = raw[field];
    if (value !== null && value !== undefined && [...value].length > max) {
      wrong(COLUMN_OF[field], 'cell_too_long', { max });
      tooLong.add(field);
    }
  }
  if (kind === null) return { row, fields: null };
  const { normalized, problems: fieldProblems } = tenantFieldProblems(kind, raw, { creating: true });
  for (const problem of fieldProblems) {
    if (tooLong.has(problem.field)) continue;
    if (problem.field === 'idNumber' && typeof cells.get(T.idNumber) === 'number') continue;
    wrong(COLUMN_OF[problem.field], problem.key, problem.params);
  }
  if (problems.length > before) return { row, fields: null };
  return { row, fields: { ...normalized, kind } };
}

export const kindName = (kind: 'individual' | 'enterprise') => KIND_NAMES[kind];
