import {
  ASSET_STATUS_NAMES,
  ASSET_TYPE_NAMES,
  type AssetStatus,
  type AssetType,
  type ManualStatus,
  TAX_METHOD_NAMES,
  type TaxMethod,
} from '../../domain/asset-rules.ts';
import { formatHundredths, hundredthsOf, hundredthsOfNumber } from '../../domain/decimal-text.ts';
import { type CellValue, cellDate, cellText, type SheetColumn, type SheetRow } from '../../excel/sheets.ts';
import type { RowProblem } from '../../http/imports.ts';
import type { AssetListRow } from './repository.ts';

// The asset registry as a spreadsheet: the import template, reading an import, and the export (same columns,
// so an export can be corrected and imported elsewhere).

export const ASSET_SHEET = '资产台账';

export const H = {
  code: '资产编号',
  name: '资产名称',
  type: '资产类型',
  parentCode: '上级资产编号',
  areaSqm: '面积（㎡）',
  status: '状态',
  address: '地址',
  propertyCertificateNo: '产权证号',
  bookValue: '账面价值（元）',
  acquisitionDate: '取得日期',
  taxMethod: '计税方式',
  remarks: '备注',
} as const;

const typeChoices = Object.values(ASSET_TYPE_NAMES);
const manualStatusChoices = Object.entries(ASSET_STATUS_NAMES)
  .filter(([status]) => status !== 'leased')
  .map(([, name]) => name);

export const ASSET_COLUMNS: readonly SheetColumn[] = [
  {
    header: H.code,
    required: true,
    text: true,
    width: 18,
    description: '本公司内唯一，最多 50 个字符；下级资产用它来指明上级',
    example: 'YC-A1-0301',
  },
  { header: H.name, required: true, width: 24, description: '最多 100 个字符', example: '创新产业园A1栋301室' },
  { header: H.type, required: true, width: 12, choices: typeChoices, description: '资产类型', example: '房间/铺位' },
  {
    header: H.parentCode,
    text: true,
    width: 18,
    description:
      '上级资产的编号，可以是系统中已有的，也可以是本表中的。楼栋放在项目下（或不填），楼层放在楼栋下，房间/铺位放在楼层或楼栋下，车位放在项目、楼栋或楼层下，土地、仓库、厂房放在项目下（或不填），项目不填',
    example: 'YC-A1-03F',
  },
  {
    header: H.areaSqm,
    width: 12,
    numberFormat: '0.00',
    description: '建筑面积，平方米，最多 2 位小数',
    example: 120.5,
  },
  {
    header: H.status,
    width: 12,
    choices: manualStatusChoices,
    description: '不填为“空置”；“已出租”由租赁合同生效时自动设置，不能导入',
    example: '空置',
  },
  { header: H.address, width: 30, description: '最多 200 个字符', example: '重庆市永川区兴龙大道 1 号' },
  {
    header: H.propertyCertificateNo,
    text: true,
    width: 24,
    description: '不动产权证号',
    example: '渝(2021)永川区不动产权第000123号',
  },
  {
    header: H.bookValue,
    width: 16,
    numberFormat: '#,##0.00',
    description: '单位：元，最多 2 位小数',
    example: 1250000,
  },
  {
    header: H.acquisitionDate,
    width: 14,
    numberFormat: 'yyyy-mm-dd',
    description: '日期单元格，或 YYYY-MM-DD 文本',
    example: new Date(Date.UTC(2021, 5, 30)),
  },
  {
    header: H.taxMethod,
    width: 12,
    choices: Object.values(TAX_METHOD_NAMES),
    description: '出租该资产的增值税计税方式',
    example: '一般计税',
  },
  { header: H.remarks, width: 30, description: '最多 500 个字符', example: '' },
];

export interface AssetDraft {
  row: number;
  code: string;
  name: string;
  type: AssetType;
  parentCode: string | null;
  areaSqm: string | null;
  status: ManualStatus;
  address: string | null;
  propertyCertificateNo: string | null;
  bookValueFen: number | null;
  acquisitionDate: string | null;
  taxMethod: TaxMethod | null;
  remarks: string | null;
}

/** A row as read: the draft when every cell is right, and the code and type for checks across rows regardless. */
export interface ParsedAssetRow {
  row: number;
  code: string | null;
  type: AssetType | null;
  draft: AssetDraft | null;
}

const byName = <T extends string>(names: Record<T, string>) =>
  new Map(Object.entries(names).map(([key, name]) => [name as string, key as T]));
const TYPES = byName(ASSET_TYPE_NAMES);
const STATUSES = byName(ASSET_STATUS_NAMES);
const TAX_METHODS = byName(TAX_METHOD_NAMES);
// People also type the short forms.
TYPES.set('房间', 'unit');
TYPES.set('铺位', 'unit');
STATUSES.set('维修', 'unavailable');
STATUSES.set('不可租', 'unavailable');

/** Reads one row's cells, naming every wrong cell. */
export function parseAssetRow(sheetRow: SheetRow, problems: RowProblem[]): ParsedAssetRow {
  const { row, cells } = sheetRow;
  const before = problems.length;
  const wrong = (column: string, key: RowProblem['key'], params?: RowProblem['params']) =>
    problems.push({ row, column, key, ...(params ? { params } : {}) });
  const get = (column: string): CellValue => cells.get(column) ?? null;

  const text = (column: string, max: number, required = false): string | null => {
    const value = cellText(get(column))?.trim() || null;
    if (value === null) {
      if (required) wrong(column, 'cell_required');
      return null;
    }
    if ([...value].length > max) {
      wrong(column, 'cell_too_long', { max });
      return null;
    }
    return value;
  };
  const choice = <T extends string>(column: string, choices: Map<string, T>, shown: string[], required = false) => {
    const value = text(column, 20, required);
    if (value === null) return null;
    const found = choices.get(value) ?? choices.get(value.replace(/\s/g, ''));
    if (found === undefined) wrong(column, 'cell_choice', { choices: shown.join('、') });
    return found ?? null;
  };
  const hundredths = (column: string, key: 'asset_area_invalid' | 'cell_money'): bigint | null => {
    const value = get(column);
    if (value === null) return null;
    const parsed =
      typeof value === 'number' ? hundredthsOfNumber(value) : typeof value === 'string' ? hundredthsOf(value) : null;
    if (parsed === null) wrong(column, key);
    return parsed;
  };

  const code = text(H.code, 50, true);
  const name = text(H.name, 100, true);
  const type = choice(H.type, TYPES, typeChoices, true);
  const parentCode = text(H.parentCode, 50);
  const area = hundredths(H.areaSqm, 'asset_area_invalid');
  let status: AssetStatus | null = choice(H.status, STATUSES, manualStatusChoices);
  if (status === 'leased') {
    wrong(H.status, 'asset_status_leased_by_contract');
    status = null;
  }
  const address = text(H.address, 200);
  const propertyCertificateNo = text(H.propertyCertificateNo, 100);
  const bookValue = hundredths(H.bookValue, 'cell_money');
  const acquisitionCell = get(H.acquisitionDate);
  const acquisitionDate = acquisitionCell === null ? null : cellDate(acquisitionCell);
  if (acquisitionCell !== null && acquisitionDate === null) wrong(H.acquisitionDate, 'cell_date');
  const taxMethod = choice(H.taxMethod, TAX_METHODS, Object.values(TAX_METHOD_NAMES));
  const remarks = text(H.remarks, 500);

  if (problems.length > before || code === null || name === null || type === null) {
    return { row, code, type, draft: null };
  }
  return {
    row,
    code,
    type,
    draft: {
      row,
      code,
      name,
      type,
      parentCode,
      areaSqm: area === null ? null : formatHundredths(area),
      status: (status ?? 'vacant') as ManualStatus,
      address,
      propertyCertificateNo,
      bookValueFen: bookValue === null ? null : Number(bookValue),
      acquisitionDate,
      taxMethod,
      remarks,
    },
  };
}

/** One exported row, in ASSET_COLUMNS order. */
export function assetExportRow(asset: AssetListRow): (string | number | Date | null)[] {
  return [
    asset.code,
    asset.name,
    ASSET_TYPE_NAMES[asset.type],
    asset.parentCode,
    asset.areaSqm === null ? null : Number(asset.areaSqm),
    ASSET_STATUS_NAMES[asset.status],
    asset.address,
    asset.propertyCertificateNo,
    asset.bookValueFen === null ? null : asset.bookValueFen / 100,
    asset.acquisitionDate === null ? null : new Date(`${asset.acquisitionDate}T00:00:00Z`),
    asset.taxMethod === null ? null : TAX_METHOD_NAMES[asset.taxMethod],
    asset.remarks,
  ];
}
