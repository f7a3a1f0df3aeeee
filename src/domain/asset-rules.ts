// The asset registry's rules: which asset may sit under which, and which status changes a person may make.

export const ASSET_TYPES = ['project', 'building', 'floor', 'unit', 'land', 'parking', 'warehouse', 'factory'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const ASSET_STATUSES = ['vacant', 'leased', 'reserved', 'self_use', 'unavailable', 'disposed'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const TAX_METHODS = ['general', 'simple'] as const;
export type TaxMethod = (typeof TAX_METHODS)[number];

export const ASSET_TYPE_NAMES: Record<AssetType, string> = {
  project: '项目',
  building: '楼栋',
  floor: '楼层',
  unit: '房间/铺位',
  land: '土地',
  parking: '车位',
  warehouse: '仓库',
  factory: '厂房',
};

export const ASSET_STATUS_NAMES: Record<AssetStatus, string> = {
  vacant: '空置',
  leased: '已出租',
  reserved: '预留',
  self_use: '自用',
  unavailable: '维修/不可租',
  disposed: '已处置',
};

export const TAX_METHOD_NAMES: Record<TaxMethod, string> = { general: '一般计税', simple: '简易计税' };

/**
 * Where each type may sit (null: at the top, with no parent):
 * a project is always at the top; a building stands in a project or alone; a floor is in a building;
 * a unit (room, shop) is on a floor or directly in a building (a single-storey row of shops);
 * a parking space is in a project, a building (basement) or on a floor, or alone;
 * land, a warehouse and a factory stand in a project or alone.
 * Every parent is a level above its child, so the hierarchy can never loop.
 */
export const ALLOWED_PARENTS: Record<AssetType, readonly (AssetType | null)[]> = {
  project: [null],
  building: ['project', null],
  floor: ['building'],
  unit: ['floor', 'building'],
  parking: ['project', 'building', 'floor', null],
  land: ['project', null],
  warehouse: ['project', null],
  factory: ['project', null],
};

export type HierarchyProblem =
  | { key: 'asset_parent_required'; params: { type: AssetType } }
  | { key: 'asset_parent_not_allowed'; params: { type: AssetType; parentType: AssetType } }
  | { key: 'asset_must_be_top_level'; params: { type: AssetType } };

/** What is wrong with putting an asset of `type` under a parent of `parentType` (null: no parent), or null. */
export function hierarchyProblem(type: AssetType, parentType: AssetType | null): HierarchyProblem | null {
  const allowed = ALLOWED_PARENTS[type];
  if (allowed.includes(parentType)) return null;
  if (parentType === null) return { key: 'asset_parent_required', params: { type } };
  if (allowed.length === 1 && allowed[0] === null) return { key: 'asset_must_be_top_level', params: { type } };
  return { key: 'asset_parent_not_allowed', params: { type, parentType } };
}

/** The order in which a batch of new assets is written so every parent exists before its children. */
export const ASSET_TYPE_LEVEL: Record<AssetType, number> = {
  project: 0,
  building: 1,
  land: 1,
  warehouse: 1,
  factory: 1,
  floor: 2,
  unit: 3,
  parking: 3,
};

/** Statuses a person may set by hand; `leased` comes only from an active contract. */
export const MANUAL_STATUSES = ['vacant', 'reserved', 'self_use', 'unavailable', 'disposed'] as const;
export type ManualStatus = (typeof MANUAL_STATUSES)[number];

export type StatusChangeProblem =
  | { key: 'asset_status_leased_by_contract' }
  | { key: 'asset_leased_status_locked' }
  | { key: 'asset_disposed_final' };

/** What is wrong with a person changing an asset's status by hand from `from` to `to`, or null. */
export function manualStatusChangeProblem(from: AssetStatus, to: AssetStatus): StatusChangeProblem | null {
  if (from === to) return null;
  if (to === 'leased') return { key: 'asset_status_leased_by_contract' };
  if (from === 'leased') return { key: 'asset_leased_status_locked' };
  if (from === 'disposed') return { key: 'asset_disposed_final' };
  return null;
}
