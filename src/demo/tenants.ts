import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../domain/credit-code.ts';
import { makeResidentId } from '../domain/resident-id.ts';
import { tenantFieldProblems } from '../modules/tenants/fields.ts';
import type { ParsedTenantRow } from '../modules/tenants/spreadsheet.ts';
import { seededRandom } from './random.ts';

// The demo tenants of 政鑫公司: 80 people (valid ID numbers from 永川 and nearby districts) and
// 40 companies (valid credit codes), every phone a well-formed mobile.

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢';
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '建华',
  '文',
  '华',
  '玉兰',
  '志强',
  '海燕',
  '小红',
  '德明',
];
/** 500118 永川, 500116 江津, 500151 铜梁, 500152 潼南, 510502 泸州江阳. */
const REGIONS = ['500118', '500118', '500118', '500116', '500151', '500152', '510502'];
const MOBILE_PREFIXES = ['138', '139', '158', '159', '136', '137', '186', '187', '188', '177', '199', '135'];
const TRADES = [
  ['商贸', '商贸有限公司'],
  ['餐饮', '餐饮管理有限公司'],
  ['科技', '科技有限公司'],
  ['文化', '文化传媒有限公司'],
  ['物流', '物流有限公司'],
  ['医药', '大药房连锁有限公司'],
  ['教育', '教育咨询有限公司'],
  ['电子', '电子科技有限公司'],
] as const;
const BRANDS = [
  '永兴',
  '凤凰',
  '兴龙',
  '茶山',
  '竹海',
  '渝川',
  '汇通',
  '鑫源',
  '宏达',
  '嘉禾',
  '锦程',
  '恒信',
  '瑞丰',
  '天成',
  '博远',
];

export const DEMO_TENANT_COUNTS = { individuals: 80, enterprises: 40 } as const;

export function demoTenantRows(): ParsedTenantRow[] {
  const random = seededRandom(5001180);
  const rows: ParsedTenantRow[] = [];
  const usedPhones = new Set<string>();
  const mobile = () => {
    for (;;) {
      const phone = `${random.pick(MOBILE_PREFIXES)}${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
      if (!usedPhones.has(phone)) {
        usedPhones.add(phone);
        return phone;
      }
    }
  };
  const personName = () => `${random.pick([...SURNAMES])}${random.pick(GIVEN)}`;
  const push = (fields: Parameters<typeof tenantFieldProblems>[1] & { kind: 'individual' | 'enterprise' }) => {
    const { kind, ...rest } = fields;
    const { normalized, problems } = tenantFieldProblems(kind, rest, { creating: true });
    if (problems.length > 0) throw new Error(`demo tenant ${fields.name}: ${problems.map((p) => p.key).join(', ')}`);
    rows.push({ row: rows.length + 2, fields: { ...normalized, kind } });
  };

  for (let i = 0; i < DEMO_TENANT_COUNTS.individuals; i++) {
    const birth = `${random.int(1958, 2002)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
    push({
      kind: 'individual',
      name: personName(),
      idNumber: makeResidentId(random.pick(REGIONS), birth, 100 + i * 7),
      phone: mobile(),
      address: `重庆市永川区${random.pick(['中山路', '人民大道', '昌州大道', '萱花路', '兴龙大道'])}${random.int(1, 300)}号`,
      ...(i % 5 === 0 ? { contactName: personName(), contactPhone: mobile() } : {}),
      ...(i % 3 === 0
        ? {
            bankName: '重庆农村商业银行永川支行',
            bankAccount: `62215${String(random.int(0, 99_999_999_999)).padStart(11, '0')}`,
          }
        : {}),
    });
  }
  for (let i = 0; i < DEMO_TENANT_COUNTS.enterprises; i++) {
    const [, suffix] = TRADES[i % TRADES.length]!;
    const organisation = Array.from({ length: 9 }, () => random.pick([...CREDIT_CODE_ALPHABET])).join('');
    push({
      kind: 'enterprise',
      // (i mod 15, i mod 8) differ for every i below 120, so every name differs.
      name: `重庆${BRANDS[i % BRANDS.length]}${suffix}`,
      creditCode: makeCreditCode(`91500118${organisation}`),
      legalRepresentative: personName(),
      contactName: personName(),
      phone: mobile(),
      contactPhone: `023-${random.int(4980, 4989)}${String(random.int(0, 9999)).padStart(4, '0')}`,
      address: `重庆市永川区${random.pick(['凤凰湖产业园', '三教产业园', '大安工业园'])}${random.int(1, 99)}号`,
      bankName: random.pick(['中国工商银行永川支行', '中国建设银行永川支行', '重庆银行永川支行']),
      bankAccount: `3100${String(random.int(0, 99_999_999_999)).padStart(11, '0')}${random.int(10, 99)}`,
    });
  }
  return rows;
}
