// 合同: the contract list (declared as data, server-paged, with column settings), the contracts ending soon, the
// detail drawer with the workflow, and the 新建合同向导. The URL keeps the state: ?id=… opens a contract,
// ?create opens the wizard, ?edit=… edits a draft in it.

import { PlusOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, Space, Spin, Table, type TableColumnType, Tabs, Tag, Tooltip } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import type { Translate } from '../assets/asset-labels.ts';
import { ColumnSettingsButton, useColumnSettings } from '../assets/ColumnSettings.tsx';
import { tenantsApi } from '../tenants/tenants-api.ts';
import { ContractDrawer, StatusTag } from './ContractDrawer.tsx';
import { assetCodes, contractStatusEnum, termText } from './contract-labels.ts';
import { type Contract, type ContractStatus, contractsApi, type ExpiringContract } from './contracts-api.ts';

// The wizard is a chunk of its own: the list opens without the form and its schedule preview.
const ContractWizard = lazy(() =>
  import('./ContractWizard.tsx').then((module) => ({ default: module.ContractWizard })),
);

type Tab = 'all' | 'expiring';

/** The list, declared once: table columns and the search form that filters them. */
function contractColumns(
  t: Translate,
  tenants: { value: string; label: string }[],
  open: (contract: Contract) => void,
): ListColumn<Contract>[] {
  return [
    {
      key: 'keyword',
      title: t('contract.keyword'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('contract.keywordPlaceholder') },
    },
    {
      key: 'number',
      title: t('contract.number'),
      dataIndex: 'number',
      fixed: 'left',
      render: (contract) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => open(contract)}
          data-testid="contract-row-number"
        >
          {contract.number}
        </Button>
      ),
    },
    { key: 'tenantName', title: t('contract.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 200 },
    {
      key: 'tenantId',
      title: t('contract.tenant'),
      hideInTable: true,
      search: { type: 'select', options: tenants },
    },
    {
      key: 'units',
      title: t('contract.units'),
      width: 200,
      ellipsis: true,
      render: (contract) => (
        <Tooltip title={contract.assets.map((asset) => `${asset.code} ${asset.name}`).join('\n')}>
          <span>{assetCodes(contract.assets, t)}</span>
        </Tooltip>
      ),
    },
    { key: 'term', title: t('contract.term'), render: termText },
    { key: 'annualRentFen', title: t('contract.annualRent'), render: (contract) => formatFen(contract.annualRentFen) },
    {
      key: 'monthlyRentFen',
      title: t('contract.monthlyRent'),
      render: (contract) => formatFen(contract.monthlyRentFen),
    },
    { key: 'totalRentFen', title: t('contract.totalRent'), render: (contract) => formatFen(contract.totalRentFen) },
    { key: 'depositFen', title: t('contract.deposit'), render: (contract) => formatFen(contract.depositFen) },
    {
      key: 'status',
      title: t('contract.status'),
      dataIndex: 'status',
      valueEnum: contractStatusEnum(t),
      render: (contract) => <StatusTag status={contract.status} />,
      search: { type: 'select' },
    },
    {
      key: 'endingWithinDays',
      title: t('contract.endingWithin'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('contract.endingWithinPlaceholder') },
    },
    { key: 'purpose', title: t('contract.purpose'), dataIndex: 'purpose' },
    { key: 'signDate', title: t('contract.signDate'), dataIndex: 'signDate' },
    { key: 'createdByName', title: t('contract.createdBy'), dataIndex: 'createdByName' },
    { key: 'updatedAt', title: t('contract.updatedAt'), dataIndex: 'updatedAt', valueType: 'dateTime' },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (contract) => (
        <Button type="link" size="small" onClick={() => open(contract)} data-testid="contract-row-detail">
          {t('common.details')}
        </Button>
      ),
    },
  ];
}

const loadTenantOptions = () =>
  tenantsApi
    .list({ page: 1, pageSize: 200 })
    .then((page) => page.items.map((tenant) => ({ value: tenant.id, label: `${tenant.name}（${tenant.code}）` })));

/** Tenants for the filter, loaded once; none if they cannot be loaded. */
function useTenantOptions() {
  return useLoaded(true, loadTenantOptions).data ?? [];
}

/** Active contracts ending within the org's alert window (GET /contracts/expiring). */
function ExpiringList({ version, open }: { version: number; open: (contract: Contract) => void }) {
  const { t } = useI18n();
  const [result, setResult] = useState<{ withinDays: number; items: ExpiringContract[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    void version;
    void reload;
    contractsApi
      .expiring()
      .then((answer) => {
        if (!live) return;
        setResult(answer);
        setError(null);
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [version, reload]);

  const columns: TableColumnType<ExpiringContract>[] = [
    {
      key: 'number',
      title: t('contract.number'),
      render: (_v, row) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => open(row)}>
          {row.number}
        </Button>
      ),
    },
    { key: 'tenant', title: t('contract.tenant'), dataIndex: 'tenantName', ellipsis: true },
    { key: 'units', title: t('contract.units'), render: (_v, row) => assetCodes(row.assets, t), ellipsis: true },
    { key: 'endDate', title: t('contract.endDate'), dataIndex: 'endDate' },
    {
      key: 'daysLeft',
      title: t('contract.daysLeft'),
      render: (_v, row) => (
        <Tag color={row.daysLeft <= 30 ? 'red' : row.daysLeft <= 60 ? 'orange' : 'gold'}>
          {t('contract.daysLeftText', { days: row.daysLeft })}
        </Tag>
      ),
    },
    { key: 'annual', title: t('contract.annualRent'), render: (_v, row) => formatFen(row.annualRentFen) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_v, row) => (
        <Button type="link" size="small" onClick={() => open(row)}>
          {t('common.details')}
        </Button>
      ),
    },
  ];

  return (
    <Card
      title={result ? t('contract.expiringTitle', { days: result.withinDays }) : t('contract.tab.expiring')}
      extra={
        <Button size="small" onClick={() => setReload((n) => n + 1)}>
          {t('common.refresh')}
        </Button>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Table<ExpiringContract>
        data-testid="contract-expiring"
        rowKey="id"
        size="middle"
        loading={result === null && !error}
        columns={columns}
        dataSource={result?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('contract.expiringNone') }}
      />
    </Card>
  );
}

const countExpiring = () =>
  contractsApi.expiring().then((answer) => ({ count: answer.items.length, days: answer.withinDays }));

export default function ContractsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const canWrite = can('contract:write');
  const [params, setParams] = useSearchParams();
  const list = useRef<ListPageAction>(null);
  const tenants = useTenantOptions();
  const [tab, setTab] = useState<Tab>('all');
  const [version, setVersion] = useState(0);
  const columnSettings = useColumnSettings('contracts', [
    'monthlyRentFen',
    'totalRentFen',
    'depositFen',
    'purpose',
    'signDate',
    'createdByName',
  ]);

  const detailId = params.get('id');
  const editId = params.get('edit');
  const creating = params.has('create');

  const setView = useCallback(
    (next: Record<string, string> | null) => setParams(next ?? {}, { replace: false }),
    [setParams],
  );
  const open = useCallback((contract: { id: string }) => setView({ id: contract.id }), [setView]);

  const changed = useCallback(() => {
    setVersion((current) => current + 1);
    list.current?.reload();
  }, []);

  // ?edit=… : the draft to edit, loaded for the wizard.
  const { data: editing, error: editError } = useLoaded(editId, contractsApi.get);

  const listContracts: ListRequest<Contract> = useCallback((query) => {
    const { page, pageSize, status, keyword, tenantId, endingWithinDays } = query;
    return contractsApi.list({
      page,
      pageSize,
      status: typeof status === 'string' ? (status as ContractStatus) : undefined,
      keyword: typeof keyword === 'string' ? keyword : undefined,
      tenantId: typeof tenantId === 'string' ? tenantId : undefined,
      endingWithinDays: typeof endingWithinDays === 'string' ? endingWithinDays : undefined,
    });
  }, []);

  // Counted once on arrival, so the tab shows how many need attention before it is opened.
  const { data: expiring } = useLoaded(true, countExpiring, { version });

  const columns = contractColumns(t, tenants, open);
  const wizardOpen = canWrite && (creating || editId !== null);

  return (
    <>
      {wizardOpen && (
        <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
          {editError && <Alert type="error" showIcon title={editError} />}
          {(creating || editing) && (
            <ContractWizard
              key={editId ?? 'new'}
              editing={creating ? null : editing}
              onCancel={() => setView(editId ? { id: editId } : null)}
              onDone={(contract) => {
                changed();
                setView({ id: contract.id });
              }}
            />
          )}
        </Suspense>
      )}
      <div hidden={wizardOpen}>
        <Tabs
          activeKey={tab}
          onChange={(key) => setTab(key as Tab)}
          items={[
            { key: 'all', label: t('contract.tab.all') },
            {
              key: 'expiring',
              label: (
                <Space size={6} data-testid="contract-tab-expiring">
                  {t('contract.tab.expiring')}
                  {expiring && expiring.count > 0 && <Badge count={expiring.count} color="orange" />}
                </Space>
              ),
            },
          ]}
        />
        <div hidden={tab !== 'all'}>
          <ListPage<Contract>
            title={t('contract.title')}
            rowKey="id"
            actionRef={list}
            request={listContracts}
            columns={columnSettings.apply(columns)}
            toolbar={
              <>
                {canWrite && (
                  <Button
                    type="primary"
                    icon={<PlusOutlined />}
                    onClick={() => setView({ create: '1' })}
                    data-testid="contract-create"
                  >
                    {t('contract.create')}
                  </Button>
                )}
                <ColumnSettingsButton columns={columns} settings={columnSettings} testId="contract-columns" />
              </>
            }
          />
        </div>
        {tab === 'expiring' && <ExpiringList version={version} open={open} />}
      </div>
      <ContractDrawer
        contractId={wizardOpen ? null : detailId}
        version={version}
        onClose={() => setView(null)}
        onChanged={changed}
        onEdit={(contract) => setView({ edit: contract.id })}
        onOpen={(id) => setView({ id })}
      />
    </>
  );
}
