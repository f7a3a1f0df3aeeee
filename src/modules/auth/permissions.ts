// Roles (domain.md "Who uses it") and what each may do. Every route declares one permission from here.

export const ROLES = ['admin', 'asset_manager', 'finance', 'approver', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'user:read',
  'user:manage',
  'audit:read',
  'settings:manage',
  'pii:reveal',
  'asset:read',
  'asset:write',
  'tenant:read',
  'tenant:write',
  'contract:read',
  'contract:write',
  'contract:approve',
  'bill:read',
  'bill:write',
  'waiver:approve',
  'payment:read',
  'payment:write',
  'refund:approve',
  'reconciliation:read',
  'reconciliation:write',
  'reconciliation:approve',
  'ledger:read',
  'report:read',
  'message:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_EVERYTHING = PERMISSIONS.filter((permission) => permission.endsWith(':read'));

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [...READ_EVERYTHING, 'user:manage', 'settings:manage', 'pii:reveal'],
  asset_manager: [
    'asset:read',
    'asset:write',
    'tenant:read',
    'tenant:write',
    'contract:read',
    'contract:write',
    'bill:read',
    'payment:read',
    'report:read',
    'pii:reveal',
  ],
  finance: [
    'asset:read',
    'tenant:read',
    'contract:read',
    'bill:read',
    'bill:write',
    'payment:read',
    'payment:write',
    'reconciliation:read',
    'reconciliation:write',
    'ledger:read',
    'report:read',
    'message:read',
  ],
  approver: [
    'asset:read',
    'tenant:read',
    'contract:read',
    'contract:approve',
    'bill:read',
    'waiver:approve',
    'payment:read',
    'refund:approve',
    'reconciliation:read',
    'reconciliation:approve',
    'ledger:read',
    'report:read',
  ],
  // The supervisor's seat: reads everything, changes nothing, never reveals PII.
  auditor: READ_EVERYTHING,
};

export const ROLE_NAMES: Record<Role, { zh: string; en: string; description: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator', description: '用户、角色、系统设置与模板' },
  asset_manager: { zh: '资产管理员', en: 'Asset manager', description: '资产台账、承租方、合同与招租' },
  finance: { zh: '财务', en: 'Finance', description: '账单、收款、对账、退款、减免与凭证' },
  approver: { zh: '审批人', en: 'Approver', description: '审批合同、减免与退款' },
  auditor: { zh: '审计/监管', en: 'Auditor / supervisor', description: '只读查看全部数据，个人信息脱敏' },
};

export function permissionsOf(roles: readonly string[]): Permission[] {
  const granted = new Set<Permission>();
  for (const role of roles) {
    for (const permission of ROLE_PERMISSIONS[role as Role] ?? []) granted.add(permission);
  }
  return PERMISSIONS.filter((permission) => granted.has(permission));
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
