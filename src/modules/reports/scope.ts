// SQL pieces the reports share: which project an asset is under, a contract's main unit, a tenant's name as the
// reader may see it, and what a bill has collected as of a day.
import { type SQL, sql } from 'drizzle-orm';
import type { Label, ReportReader } from './framework.ts';

/** The units let to tenants (occupancy, vacancies); projects, buildings and floors only group them. */
export const LEASABLE_TYPES = ['unit', 'land', 'parking', 'warehouse', 'factory'] as const;
export const leasableTypesSql = sql.raw(LEASABLE_TYPES.map((type) => `'${type}'`).join(', '));

export const ASSET_TYPE_LABELS: Record<string, Label> = {
  project: { zh: '项目', en: 'Project' },
  building: { zh: '楼栋', en: 'Building' },
  floor: { zh: '楼层', en: 'Floor' },
  unit: { zh: '房间/铺位', en: 'Unit' },
  land: { zh: '土地', en: 'Land' },
  parking: { zh: '车位', en: 'Parking' },
  warehouse: { zh: '仓库', en: 'Warehouse' },
  factory: { zh: '厂房', en: 'Factory' },
};
export const ASSET_STATUS_LABELS: Record<string, Label> = {
  vacant: { zh: '空置', en: 'Vacant' },
  leased: { zh: '已出租', en: 'Leased' },
  reserved: { zh: '预留', en: 'Reserved' },
  self_use: { zh: '自用', en: 'Self use' },
  unavailable: { zh: '维修/不可租', en: 'Unavailable' },
  disposed: { zh: '已处置', en: 'Disposed' },
};
export const BILL_KIND_LABELS: Record<string, Label> = {
  rent: { zh: '租金', en: 'Rent' },
  deposit: { zh: '押金', en: 'Deposit' },
  charge: { zh: '杂费', en: 'Charge' },
  final: { zh: '终止结算', en: 'Final' },
};
export const BILL_STATUS_LABELS: Record<string, Label> = {
  open: { zh: '未缴', en: 'Open' },
  partial: { zh: '部分缴纳', en: 'Partly paid' },
  paid: { zh: '已结清', en: 'Paid' },
};
export const CONTRACT_STATUS_LABELS: Record<string, Label> = {
  draft: { zh: '草稿', en: 'Draft' },
  pending_approval: { zh: '审批中', en: 'Pending approval' },
  approved: { zh: '已审批', en: 'Approved' },
  active: { zh: '履行中', en: 'Active' },
  expired: { zh: '已到期', en: 'Expired' },
  terminated: { zh: '已终止', en: 'Terminated' },
};
export const PAYMENT_METHOD_LABELS: Record<string, Label> = {
  bank_transfer: { zh: '银行转账', en: 'Bank transfer' },
  cash: { zh: '现金', en: 'Cash' },
  pos: { zh: 'POS 刷卡', en: 'POS' },
  wechatpay: { zh: '微信支付', en: 'WeChat Pay' },
  alipay: { zh: '支付宝', en: 'Alipay' },
  unionpay: { zh: '银联', en: 'UnionPay' },
};

/**
 * `asset_tree (asset_id, project_id, project_name)`: every asset of the org with the top-level asset it sits under
 * (its project; a top-level asset is its own), from the project_id the triggers of migration 0015 keep. For a WITH
 * clause; joined to a few rows, the planner looks each one up.
 */
export const assetTree = (orgId: string) => sql`asset_tree (asset_id, project_id, project_name) AS (
    SELECT a.id, a.project_id, p.name FROM assets a JOIN assets p ON p.id = a.project_id WHERE a.org_id = ${orgId}
  )`;

/** A contract's main unit (the first it names), for grouping a contract's bills by project and asset type. */
export const mainAssetJoin = (contractId: SQL) => sql`LEFT JOIN LATERAL (
    SELECT ca.asset_id, ma.type AS asset_type FROM contract_assets ca JOIN assets ma ON ma.id = ca.asset_id
     WHERE ca.contract_id = ${contractId} ORDER BY ca.position LIMIT 1) main ON true
  LEFT JOIN asset_tree pt ON pt.asset_id = main.asset_id`;

/** The units a contract leases, named in order. */
export const contractAssetNames = (contractId: SQL) => sql`(SELECT string_agg(na.name, '、' ORDER BY nca.position)
    FROM contract_assets nca JOIN assets na ON na.id = nca.asset_id WHERE nca.contract_id = ${contractId})`;

/**
 * A tenant's name for the reader: an individual's shows the family name only (张三 → 张*) unless the reader may reveal
 * personal data; an enterprise's name is public.
 */
export const tenantName = (tenant: SQL, reader: ReportReader) =>
  reader.seesNames
    ? sql`${tenant}.name`
    : sql`(CASE WHEN ${tenant}.kind = 'enterprise' OR char_length(${tenant}.name) <= 1 THEN ${tenant}.name
               ELSE left(${tenant}.name, 1) || repeat('*', char_length(${tenant}.name) - 1) END)`;

/**
 * What a bill has collected (principal, or principal and penalty) through `asOf`: today and later it is the bill's own
 * totals; before today the payments applied on or before that day (payment_allocations by bill and date).
 */
export function collectedThrough(bill: SQL, asOf: string, today: string, withPenalty: boolean): SQL {
  if (asOf >= today) {
    return withPenalty
      ? sql`(${bill}.principal_paid_fen + ${bill}.late_fee_paid_fen)`
      : sql`${bill}.principal_paid_fen`;
  }
  const paid = withPenalty ? sql`pa.principal_fen + pa.late_fee_fen` : sql`pa.principal_fen`;
  return sql`coalesce((SELECT sum(${paid}) FROM payment_allocations pa
    WHERE pa.bill_id = ${bill}.id AND pa.applied_on <= ${asOf}::date), 0)`;
}

export const firstOfMonth = (date: string) => `${date.slice(0, 7)}-01`;
export const firstOfYear = (date: string) => `${date.slice(0, 4)}-01-01`;
