// The chart of accounts (会计科目, 企业会计准则) AssetPay posts to, by purpose. Each organisation gets these codes and
// names on first use and may rename or renumber them; the code always asks for an account by its purpose.

export interface ChartAccount {
  purpose: string;
  code: string;
  name: string;
  normalSide: 'debit' | 'credit';
}

export const DEFAULT_CHART = [
  { purpose: 'cash', code: '1001', name: '库存现金', normalSide: 'debit' },
  { purpose: 'bank', code: '1002', name: '银行存款', normalSide: 'debit' },
  { purpose: 'clearing_wechatpay', code: '1012.wechat', name: '其他货币资金—微信支付', normalSide: 'debit' },
  { purpose: 'clearing_alipay', code: '1012.alipay', name: '其他货币资金—支付宝', normalSide: 'debit' },
  { purpose: 'clearing_unionpay', code: '1012.unionpay', name: '其他货币资金—银联', normalSide: 'debit' },
  { purpose: 'receivable', code: '1122', name: '应收账款', normalSide: 'debit' },
  { purpose: 'channel_receivable', code: '1221', name: '其他应收款—支付渠道', normalSide: 'debit' },
  { purpose: 'suspense', code: '2202.suspense', name: '待处理款项(挂账)', normalSide: 'credit' },
  { purpose: 'advances', code: '2203', name: '预收账款', normalSide: 'credit' },
  { purpose: 'output_vat', code: '2221', name: '应交税费—应交增值税(销项税额)', normalSide: 'credit' },
  { purpose: 'deposits', code: '2241', name: '其他应付款—保证金', normalSide: 'credit' },
  { purpose: 'rent_revenue', code: '6001', name: '主营业务收入—租金', normalSide: 'credit' },
  { purpose: 'charge_utilities', code: '6051.01', name: '其他业务收入—水电费', normalSide: 'credit' },
  { purpose: 'charge_property', code: '6051.02', name: '其他业务收入—物业费', normalSide: 'credit' },
  { purpose: 'charge_repair', code: '6051.03', name: '其他业务收入—维修费', normalSide: 'credit' },
  { purpose: 'charge_other', code: '6051.99', name: '其他业务收入—其他', normalSide: 'credit' },
  { purpose: 'penalty_income', code: '6301', name: '营业外收入—违约金', normalSide: 'credit' },
  { purpose: 'channel_fees', code: '6603', name: '财务费用—手续费', normalSide: 'debit' },
] as const satisfies readonly ChartAccount[];

export type AccountPurpose = (typeof DEFAULT_CHART)[number]['purpose'];
export const ACCOUNT_PURPOSES = DEFAULT_CHART.map((account) => account.purpose) as AccountPurpose[];

/** One-off charges (杂费) finance can bill, and the revenue account each is credited to. */
export const CHARGE_ITEMS = {
  utilities: 'charge_utilities',
  property: 'charge_property',
  repair: 'charge_repair',
  other: 'charge_other',
} as const satisfies Record<string, AccountPurpose>;
export type ChargeItem = keyof typeof CHARGE_ITEMS;

/** The clearing account (其他货币资金) of a payment channel. */
export const CLEARING_ACCOUNT = {
  wechatpay: 'clearing_wechatpay',
  alipay: 'clearing_alipay',
  unionpay: 'clearing_unionpay',
} as const satisfies Record<string, AccountPurpose>;
