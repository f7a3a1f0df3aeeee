import { createRequire } from 'node:module';
import Docxtemplater from 'docxtemplater';
import type InspectModuleExports from 'docxtemplater/js/inspect-module.js';
import PizZip from 'pizzip';
import { type CalendarDate, dateParts } from '../../domain/calendar.ts';
import { chineseAmount } from '../../domain/chinese-amount.ts';
import { termLength } from '../../domain/contract-rules.ts';
import { formatHundredths, hundredthsOf } from '../../domain/decimal-text.ts';
import { formatYuan } from '../../domain/money.ts';
import type { ContractTerms, RentSchedule } from '../../domain/rent-schedule.ts';

// The lease document (合同编制): the data a Word template may use, by placeholder name, and the filling and checking
// of templates with docxtemplater. `{name}` prints a value; `{#assets}…{/assets}` and `{#schedule}…{/schedule}` repeat
// a table row per unit and per billing period; `{#tendered}…{/tendered}` shows its text only after a public tender.

/** Every value a template may print, with what it means (shown to the people who write templates). */
export const DOCUMENT_FIELDS = {
  contractNumber: '合同编号',
  lessorName: '出租方（甲方）名称',
  tenantName: '承租方（乙方）名称',
  tenantIdLabel: '承租方证件名称：身份证号 / 统一社会信用代码',
  tenantIdNumber: '承租方证件号码（个人身份证号脱敏显示）',
  tenantLegalRepresentative: '承租方法定代表人（企业）',
  tenantContactName: '承租方联系人',
  tenantPhone: '承租方联系电话（脱敏显示）',
  tenantAddress: '承租方地址',
  purpose: '租赁用途',
  tendered: '是否经公开招租（用作条件段落 {#tendered}…{/tendered}）',
  tenderAnnouncementNo: '招租公告编号',
  dealConfirmationNo: '成交确认书编号',
  totalAreaSqm: '租赁面积合计（㎡）',
  assetList: '租赁资产清单（一行文字）',
  startDate: '租期开始日期（2026年1月15日）',
  endDate: '租期结束日期',
  termText: '租赁期限（如 3年、1年6个月）',
  rentFreeText: '免租期说明',
  rentDescription: '租金计算方式说明',
  monthlyRent: '月租金（元，如 10,000.00）',
  monthlyRentUpper: '月租金大写',
  annualRent: '年租金（元）',
  annualRentUpper: '年租金大写',
  totalRent: '租期内租金合计（元）',
  totalRentUpper: '租期内租金合计大写',
  escalationText: '租金递增说明',
  billingCycle: '缴费周期说明',
  dueRule: '应付日期规则说明',
  taxRate: '增值税税率（如 9%）',
  deposit: '保证金（元）',
  depositUpper: '保证金大写',
  depositDueDate: '保证金应付日期',
  lateFeeText: '逾期付款违约金条款',
  signDate: '签订日期（未签订时为空白横线）',
  scheduleTotal: '租金明细表合计（元）',
  scheduleTotalUpper: '租金明细表合计大写',
  draftedOn: '文档生成日期',
} as const;

/** The rows a template may repeat, and the values of each row. */
export const DOCUMENT_LOOPS = {
  assets: {
    index: '序号',
    code: '资产编号',
    name: '资产名称',
    address: '坐落',
    areaSqm: '面积（㎡）',
  },
  schedule: {
    period: '期数（从 1 开始）',
    periodStart: '本期开始日期（YYYY-MM-DD）',
    periodEnd: '本期结束日期',
    dueDate: '应付日期',
    amount: '金额（元）',
    amountUpper: '金额大写',
  },
} as const;

export type DocumentField = keyof typeof DOCUMENT_FIELDS;
export type DocumentData = Record<DocumentField, string | boolean> & {
  assets: Record<keyof (typeof DOCUMENT_LOOPS)['assets'], string>[];
  schedule: Record<keyof (typeof DOCUMENT_LOOPS)['schedule'], string>[];
};

export interface DocumentInput {
  number: string;
  lessorName: string;
  tenant: {
    kind: 'individual' | 'enterprise';
    name: string;
    /** Masked already. */
    idNumber: string | null;
    creditCode: string | null;
    legalRepresentative: string | null;
    contactName: string | null;
    /** Masked already. */
    phone: string;
    address: string | null;
  };
  assets: { code: string; name: string; address: string | null; areaSqm: string | null }[];
  terms: ContractTerms;
  schedule: RentSchedule;
  annualRentFen: number;
  purpose: string | null;
  tenderAnnouncementNo: string | null;
  dealConfirmationNo: string | null;
  signDate: CalendarDate | null;
  today: CalendarDate;
}

/** 2026-01-15 → 2026年1月15日 */
export function chineseDate(date: CalendarDate): string {
  const parts = dateParts(date);
  return parts ? `${parts.year}年${parts.month}月${parts.day}日` : date;
}

/** An exact decimal rate as a percentage: "0.0005" → "0.05%", "0.09" → "9%". */
export function percentText(rate: string): string {
  const [whole = '0', fraction = ''] = rate.split('.');
  const digits = `${whole}${fraction.padEnd(2, '0')}`;
  const integer = digits.slice(0, whole.length + 2).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(whole.length + 2).replace(/0+$/, '');
  return `${integer}${rest ? `.${rest}` : ''}%`;
}

/** The term in years, months and days: 2026-01-15 … 2029-01-14 → 3年; … 2027-07-14 → 1年6个月. */
export function termText(startDate: CalendarDate, endDate: CalendarDate): string {
  const { months, days } = termLength(startDate, endDate);
  const years = Math.floor(months / 12);
  const parts = [years ? `${years}年` : '', months % 12 ? `${months % 12}个月` : '', days ? `${days}天` : ''];
  return parts.join('') || '0天';
}

const yuan = (fen: number) => formatYuan(fen);
const BLANK_DATE = '____年__月__日';

function rentDescription(terms: ContractTerms, monthlyRentFen: number): string {
  if (terms.rent.mode === 'fixed') return `固定月租金 ${yuan(monthlyRentFen)} 元`;
  return `按面积计租，单价 ${yuan(terms.rent.unitPriceFen)} 元/平方米/月，计租面积 ${terms.rent.areaSqm} 平方米，月租金 ${yuan(monthlyRentFen)} 元`;
}

function billingCycleText(months: number): string {
  const name = { 1: '按月缴纳', 3: '按季度缴纳', 6: '按半年缴纳', 12: '按年缴纳' }[months] ?? `每 ${months} 个月缴纳`;
  return `${name}（每 ${months} 个月为一期）`;
}

function dueRuleText(offset: number): string {
  if (offset < 0) return `每期租金应于该期开始日前 ${-offset} 日支付`;
  if (offset > 0) return `每期租金应于该期开始日后 ${offset} 日内支付`;
  return '每期租金应于该期开始当日支付';
}

function escalationText(terms: ContractTerms): string {
  if (!terms.escalation) return '租赁期内租金不递增。';
  const { everyMonths, rate } = terms.escalation;
  return `自第 ${everyMonths + 1} 个合同月起，每满 ${everyMonths} 个月租金在上一期月租金基础上递增 ${percentText(rate)}（每次递增后四舍五入到分），具体金额见《租金明细表》。`;
}

function rentFreeText(terms: ContractTerms): string {
  const ranges = terms.rentFree ?? [];
  if (ranges.length === 0) return '租赁期内无免租期。';
  return `其中 ${ranges.map((range) => `${chineseDate(range.from)}至${chineseDate(range.to)}`).join('、')} 为免租期，免收租金。`;
}

function lateFeeText(terms: ContractTerms): string {
  if (!terms.lateFee) {
    return '乙方逾期支付租金的，应按照法律规定及甲方的书面催告承担逾期付款的违约责任。';
  }
  const { dailyRate, graceDays, capRatio } = terms.lateFee;
  const grace = graceDays ? `应付日期后 ${graceDays} 日内为宽限期；超过宽限期仍未支付的，` : '';
  const cap = capRatio ? `违约金总额以欠付租金的 ${percentText(capRatio)} 为限。` : '';
  return `乙方逾期支付租金的，${grace}自逾期之日起每日按欠付租金的 ${percentText(dailyRate)} 向甲方支付违约金（违约金不另计违约金）。${cap}`;
}

/** The values of every placeholder for one contract. */
export function leaseDocumentData(input: DocumentInput): DocumentData {
  const { terms, schedule, tenant } = input;
  const totalArea = input.assets.reduce((sum, asset) => sum + (hundredthsOf(asset.areaSqm ?? '0') ?? 0n), 0n);
  const tendered = Boolean(input.tenderAnnouncementNo || input.dealConfirmationNo);
  const deposit = schedule.deposit;
  return {
    contractNumber: input.number,
    lessorName: input.lessorName,
    tenantName: tenant.name,
    tenantIdLabel: tenant.kind === 'individual' ? '身份证号' : '统一社会信用代码',
    tenantIdNumber: (tenant.kind === 'individual' ? tenant.idNumber : tenant.creditCode) ?? '',
    tenantLegalRepresentative: tenant.legalRepresentative ?? '',
    tenantContactName: tenant.contactName ?? (tenant.kind === 'individual' ? tenant.name : ''),
    tenantPhone: tenant.phone,
    tenantAddress: tenant.address ?? '',
    purpose: input.purpose ?? '',
    tendered,
    tenderAnnouncementNo: input.tenderAnnouncementNo ?? '',
    dealConfirmationNo: input.dealConfirmationNo ?? '',
    totalAreaSqm: formatHundredths(totalArea),
    assetList: input.assets.map((asset) => `${asset.name}（${asset.code}，${asset.areaSqm ?? '-'}㎡）`).join('；'),
    startDate: chineseDate(terms.startDate),
    endDate: chineseDate(terms.endDate),
    termText: termText(terms.startDate, terms.endDate),
    rentFreeText: rentFreeText(terms),
    rentDescription: rentDescription(terms, schedule.monthlyRentFen),
    monthlyRent: yuan(schedule.monthlyRentFen),
    monthlyRentUpper: chineseAmount(schedule.monthlyRentFen),
    annualRent: yuan(input.annualRentFen),
    annualRentUpper: chineseAmount(input.annualRentFen),
    totalRent: yuan(schedule.totalRentFen),
    totalRentUpper: chineseAmount(schedule.totalRentFen),
    escalationText: escalationText(terms),
    billingCycle: billingCycleText(terms.billingCycleMonths),
    dueRule: dueRuleText(terms.dueOffsetDays),
    taxRate: percentText(terms.taxRate),
    deposit: yuan(deposit?.amountFen ?? 0),
    depositUpper: chineseAmount(deposit?.amountFen ?? 0),
    depositDueDate: deposit ? chineseDate(deposit.dueDate) : chineseDate(terms.startDate),
    lateFeeText: lateFeeText(terms),
    signDate: input.signDate ? chineseDate(input.signDate) : BLANK_DATE,
    scheduleTotal: yuan(schedule.totalRentFen),
    scheduleTotalUpper: chineseAmount(schedule.totalRentFen),
    draftedOn: chineseDate(input.today),
    assets: input.assets.map((asset, index) => ({
      index: String(index + 1),
      code: asset.code,
      name: asset.name,
      address: asset.address ?? '',
      areaSqm: asset.areaSqm ?? '',
    })),
    schedule: schedule.periods.map((period) => ({
      period: String(period.index + 1),
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      dueDate: period.dueDate,
      amount: yuan(period.amountFen),
      amountUpper: chineseAmount(period.amountFen),
    })),
  };
}

type InspectModule = InspectModuleExports.default;
// The inspect module is CommonJS exporting a factory, while its typings claim an ES default class.
const inspectModule = createRequire(import.meta.url)('docxtemplater/js/inspect-module.js') as () => InspectModule;

export class TemplateUnreadable extends Error {}

/** A template's placeholder mistakes: tags written wrongly, and names that are not placeholders. */
export interface TemplateCheck {
  /** Every placeholder the template uses ('schedule.amount' inside a loop). */
  placeholders: string[];
  unknown: string[];
  syntaxErrors: string[];
}

interface DocxError {
  properties?: { id?: string; xtag?: string; explanation?: string; errors?: DocxError[] };
}

function openZip(content: Buffer): PizZip {
  try {
    return new PizZip(content);
  } catch {
    throw new TemplateUnreadable('not a zip');
  }
}

function compile(content: Buffer, modules: InspectModule[] = []): Docxtemplater {
  const zip = openZip(content);
  if (!zip.file('word/document.xml')) throw new TemplateUnreadable('no word/document.xml');
  return new Docxtemplater(zip, {
    modules,
    paragraphLoop: true,
    linebreaks: true,
    errorLogging: false,
    nullGetter: () => '',
  });
}

/** Reads a template's placeholders and checks each name against DOCUMENT_FIELDS and DOCUMENT_LOOPS. */
export function checkTemplate(content: Buffer): TemplateCheck {
  const inspect = inspectModule();
  try {
    compile(content, [inspect]);
  } catch (error) {
    if (error instanceof TemplateUnreadable) throw error;
    const errors = (error as DocxError).properties?.errors ?? [error as DocxError];
    const syntaxErrors = errors.map((item) => {
      const tag = item.properties?.xtag?.slice(0, 30);
      const reason = item.properties?.id ?? 'error';
      return tag ? `{${tag}}：${syntaxReason(reason)}` : syntaxReason(reason);
    });
    return { placeholders: [], unknown: [], syntaxErrors };
  }
  const placeholders: string[] = [];
  const unknown: string[] = [];
  const tags = inspect.getAllTags() as Record<string, Record<string, unknown>>;
  for (const [name, inner] of Object.entries(tags)) {
    placeholders.push(name);
    const loop = DOCUMENT_LOOPS[name as keyof typeof DOCUMENT_LOOPS];
    if (!loop && !(name in DOCUMENT_FIELDS)) unknown.push(name);
    for (const innerName of Object.keys(inner ?? {})) {
      placeholders.push(`${name}.${innerName}`);
      // Inside a repeated row a name is looked up in the row first, then among the contract's values.
      if (!(loop && innerName in loop) && !(innerName in DOCUMENT_FIELDS)) unknown.push(`${name}.${innerName}`);
    }
  }
  return { placeholders, unknown, syntaxErrors: [] };
}

function syntaxReason(id: string): string {
  const reasons: Record<string, string> = {
    unopened_tag: '缺少左花括号 {',
    unclosed_tag: '缺少右花括号 }',
    unclosed_loop: '循环没有结束标记 {/…}',
    unopened_loop: '结束标记没有对应的开始标记 {#…}',
    closing_tag_does_not_match_opening_tag: '结束标记与开始标记不一致',
    duplicate_open_tag: '连续两个 {{',
    duplicate_close_tag: '连续两个 }}',
    raw_xml_tag_should_be_only_text_in_paragraph: '{@…} 必须单独成段',
  };
  return reasons[id] ?? id;
}

/** The template filled with the data, as a .docx. */
export function fillTemplate(content: Buffer, data: DocumentData): Buffer {
  const document = compile(content);
  document.render(data);
  return document.getZip().generate({ type: 'nodebuffer', compression: 'DEFLATE' }) as Buffer;
}
