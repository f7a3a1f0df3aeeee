// The console's modules, declared once: the side menu, the routes and the dashboard cards all read this list.

import {
  AccountBookOutlined,
  ApiOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BookOutlined,
  CheckSquareOutlined,
  ExceptionOutlined,
  FileDoneOutlined,
  FileTextOutlined,
  HomeOutlined,
  InteractionOutlined,
  MessageOutlined,
  MoneyCollectOutlined,
  ReconciliationOutlined,
  RollbackOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  ScheduleOutlined,
  SettingOutlined,
  TeamOutlined,
  TransactionOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { type ComponentType, type LazyExoticComponent, lazy, type ReactNode } from 'react';
import type { MessageKey } from './i18n.ts';

export interface ConsoleModule {
  key: string;
  path: string;
  label: MessageKey;
  description?: MessageKey;
  icon: ReactNode;
  /** Needed to see the module; absent means every signed-in user. */
  permission?: string;
  /** The page; absent while the module is still being built (a “coming soon” page shows instead). */
  page?: LazyExoticComponent<ComponentType>;
}

export interface ConsoleSection {
  key: string;
  label: MessageKey;
  icon: ReactNode;
  children: ConsoleModule[];
}

export type ConsoleMenuEntry = ConsoleModule | ConsoleSection;

export const dashboardModule: ConsoleModule = {
  key: 'dashboard',
  path: '/',
  label: 'menu.dashboard',
  icon: <HomeOutlined />,
  page: lazy(() => import('./pages/DashboardPage.tsx')),
};

const reportsPage = lazy(() => import('./pages/reports/ReportsPage.tsx'));

export const consoleMenu: ConsoleMenuEntry[] = [
  dashboardModule,
  {
    key: 'assets',
    path: '/assets',
    label: 'menu.assets',
    description: 'module.assets',
    icon: <BankOutlined />,
    permission: 'asset:read',
    page: lazy(() => import('./pages/assets/AssetsPage.tsx')),
  },
  {
    key: 'tenants',
    path: '/tenants',
    label: 'menu.tenants',
    description: 'module.tenants',
    icon: <TeamOutlined />,
    permission: 'tenant:read',
    page: lazy(() => import('./pages/tenants/TenantsPage.tsx')),
  },
  {
    key: 'contracts',
    path: '/contracts',
    label: 'menu.contracts',
    description: 'module.contracts',
    icon: <FileTextOutlined />,
    permission: 'contract:read',
    page: lazy(() => import('./pages/contracts/ContractsPage.tsx')),
  },
  {
    key: 'approvals',
    path: '/approvals',
    label: 'menu.approvals',
    description: 'module.approvals',
    icon: <CheckSquareOutlined />,
    permission: 'contract:approve',
    page: lazy(() => import('./pages/contracts/ApprovalInboxPage.tsx')),
  },
  {
    key: 'bills',
    path: '/bills',
    label: 'menu.bills',
    description: 'module.bills',
    icon: <AccountBookOutlined />,
    permission: 'bill:read',
    page: lazy(() => import('./pages/billing/BillsPage.tsx')),
  },
  {
    key: 'billingRuns',
    path: '/billing-runs',
    label: 'menu.billingRuns',
    description: 'module.billingRuns',
    icon: <ScheduleOutlined />,
    permission: 'bill:read',
    page: lazy(() => import('./pages/billing/BillingRunsPage.tsx')),
  },
  {
    key: 'payments',
    path: '/payments',
    label: 'menu.payments',
    description: 'module.payments',
    icon: <MoneyCollectOutlined />,
    permission: 'payment:read',
    page: lazy(() => import('./pages/billing/PaymentsPage.tsx')),
  },
  {
    key: 'paymentOrders',
    path: '/payment-orders',
    label: 'menu.paymentOrders',
    description: 'module.paymentOrders',
    icon: <TransactionOutlined />,
    permission: 'payment:read',
    page: lazy(() => import('./pages/payments/PaymentOrdersPage.tsx')),
  },
  {
    key: 'suspense',
    path: '/suspense',
    label: 'menu.suspense',
    description: 'module.suspense',
    icon: <ExceptionOutlined />,
    permission: 'payment:read',
    page: lazy(() => import('./pages/payments/SuspensePage.tsx')),
  },
  {
    key: 'receipts',
    path: '/receipts',
    label: 'menu.receipts',
    description: 'module.receipts',
    icon: <FileDoneOutlined />,
    permission: 'payment:read',
    page: lazy(() => import('./pages/payments/ReceiptsPage.tsx')),
  },
  {
    key: 'refunds',
    path: '/refunds',
    label: 'menu.refunds',
    description: 'module.refunds',
    icon: <RollbackOutlined />,
    permission: 'payment:read',
    page: lazy(() => import('./pages/refunds/RefundsPage.tsx')),
  },
  {
    key: 'waivers',
    path: '/waivers',
    label: 'menu.waivers',
    description: 'module.waivers',
    icon: <SafetyOutlined />,
    permission: 'bill:read',
    page: lazy(() => import('./pages/billing/WaiversPage.tsx')),
  },
  {
    key: 'messages',
    path: '/messages',
    label: 'menu.messages',
    description: 'module.messages',
    icon: <MessageOutlined />,
    permission: 'message:read',
    page: lazy(() => import('./pages/billing/MessagesPage.tsx')),
  },
  {
    key: 'ledger',
    path: '/ledger',
    label: 'menu.ledger',
    description: 'module.ledger',
    icon: <BookOutlined />,
    permission: 'ledger:read',
    page: lazy(() => import('./pages/ledger/LedgerPage.tsx')),
  },
  {
    key: 'reconciliation',
    path: '/reconciliation',
    label: 'menu.reconciliation',
    description: 'module.reconciliation',
    icon: <ReconciliationOutlined />,
    permission: 'reconciliation:read',
    page: lazy(() => import('./pages/reconciliation/ReconciliationPage.tsx')),
  },
  {
    key: 'bankStatements',
    path: '/bank-statements',
    label: 'menu.bankStatements',
    description: 'module.bankStatements',
    icon: <InteractionOutlined />,
    permission: 'reconciliation:read',
    page: lazy(() => import('./pages/bank-statements/BankStatementsPage.tsx')),
  },
  {
    key: 'reports',
    path: '/reports',
    label: 'menu.reports',
    description: 'module.reports',
    icon: <BarChartOutlined />,
    permission: 'report:read',
    page: reportsPage,
  },
  {
    key: 'system',
    label: 'menu.system',
    icon: <SettingOutlined />,
    children: [
      {
        key: 'users',
        path: '/system/users',
        label: 'menu.users',
        description: 'module.users',
        icon: <UserOutlined />,
        permission: 'user:read',
        page: lazy(() => import('./pages/system/UsersPage.tsx')),
      },
      {
        key: 'roles',
        path: '/system/roles',
        label: 'menu.roles',
        description: 'module.roles',
        icon: <SafetyCertificateOutlined />,
        permission: 'user:read',
        page: lazy(() => import('./pages/system/RolesPage.tsx')),
      },
      {
        key: 'channelSettings',
        path: '/system/payment-channels',
        label: 'menu.channelSettings',
        description: 'module.channelSettings',
        icon: <ApiOutlined />,
        permission: 'settings:manage',
        page: lazy(() => import('./pages/payments/ChannelSettingsPage.tsx')),
      },
      {
        key: 'audit',
        path: '/system/audit',
        label: 'menu.audit',
        description: 'module.audit',
        icon: <AuditOutlined />,
        permission: 'audit:read',
        page: lazy(() => import('./pages/system/AuditLogPage.tsx')),
      },
    ],
  },
];

export function isSection(entry: ConsoleMenuEntry): entry is ConsoleSection {
  return 'children' in entry;
}

/** Routes under a module that are not in the menu (the menu shows their module selected). */
const subRoutes: ConsoleModule[] = [
  {
    key: 'vouchers',
    path: '/reports/vouchers',
    label: 'menu.reports',
    icon: <BarChartOutlined />,
    permission: 'report:read',
    page: lazy(() => import('./pages/reports/VouchersPage.tsx')),
  },
  {
    key: 'report',
    path: '/reports/:name',
    label: 'menu.reports',
    icon: <BarChartOutlined />,
    permission: 'report:read',
    page: reportsPage,
  },
];

/** Every module with a route, sections flattened, and the routes under them. */
export const consoleModules: ConsoleModule[] = [
  ...consoleMenu.flatMap((entry) => (isSection(entry) ? entry.children : [entry])),
  ...subRoutes,
];

/** The module a path belongs to (the longest matching path wins), for the menu's selection. */
export function moduleOfPath(pathname: string): ConsoleModule | undefined {
  return consoleModules
    .filter((module) => pathname === module.path || (module.path !== '/' && pathname.startsWith(`${module.path}/`)))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

export function sectionOfModule(module: ConsoleModule | undefined): ConsoleSection | undefined {
  return consoleMenu.filter(isSection).find((section) => module && section.children.includes(module));
}
