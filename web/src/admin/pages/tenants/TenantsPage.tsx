// 承租方: the list (kind, keyword, exact phone or ID number), masked personal data, a drawer with the audited
// reveal, registration and editing, export of the current filter and the Excel import.

import { DownloadOutlined, DownOutlined, ImportOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Space, type TableColumnType, Tag } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { errorDetail, type Query } from '../../../shared/api.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import type { MessageKey, MessageParams } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { ColumnSettingsButton, useColumnSettings } from '../assets/ColumnSettings.tsx';
import { downloadFile } from '../assets/files.ts';
import { ImportWizard } from '../assets/ImportWizard.tsx';
import { TenantDrawer, tenantName } from './TenantDrawer.tsx';
import { TenantFormModal } from './TenantFormModal.tsx';
import { type Tenant, type TenantImportPreview, type TenantKind, tenantsApi } from './tenants-api.ts';

type Translate = (key: MessageKey, params?: MessageParams) => string;

const kindLabel = (kind: TenantKind, t: Translate) =>
  kind === 'individual' ? t('tenant.kind.individual') : t('tenant.kind.enterprise');

interface RowActions {
  open: (tenant: Tenant) => void;
  edit: (tenant: Tenant) => void;
  reveal: (tenant: Tenant) => void;
}

/** The tenant list, declared once: table columns and the search form that filters them. */
function tenantColumns(
  t: Translate,
  can: { write: boolean; reveal: boolean },
  actions: RowActions,
): ListColumn<Tenant>[] {
  return [
    {
      key: 'keyword',
      title: t('tenant.keyword'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('tenant.keywordPlaceholder') },
    },
    {
      key: 'code',
      title: t('tenant.code'),
      dataIndex: 'code',
      fixed: 'left',
      render: (tenant) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => actions.open(tenant)}>
          {tenant.code}
        </Button>
      ),
    },
    { key: 'name', title: t('tenant.name'), dataIndex: 'name', ellipsis: true, width: 220 },
    {
      key: 'kind',
      title: t('tenant.kind'),
      dataIndex: 'kind',
      valueEnum: {
        individual: { text: t('tenant.kind.individual') },
        enterprise: { text: t('tenant.kind.enterprise') },
      },
      render: (tenant) => (
        <Tag color={tenant.kind === 'individual' ? 'blue' : 'purple'}>{kindLabel(tenant.kind, t)}</Tag>
      ),
      search: { type: 'select' },
    },
    {
      key: 'document',
      title: t('tenant.document'),
      render: (tenant) => (
        <span data-testid="tenant-row-document">
          {tenant.kind === 'individual' ? (tenant.idNumber ?? '-') : (tenant.creditCode ?? '-')}
        </span>
      ),
    },
    {
      key: 'idNumber',
      title: t('tenant.idNumberExact'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('tenant.idNumberExactPlaceholder') },
    },
    {
      key: 'phone',
      title: t('tenant.phone'),
      dataIndex: 'phone',
      search: { type: 'text', placeholder: t('tenant.phoneExactPlaceholder') },
    },
    { key: 'contactName', title: t('tenant.contactName'), dataIndex: 'contactName' },
    { key: 'legalRepresentative', title: t('tenant.legalRepresentative'), dataIndex: 'legalRepresentative' },
    { key: 'address', title: t('tenant.address'), dataIndex: 'address', ellipsis: true, width: 220 },
    { key: 'createdAt', title: t('tenant.createdAt'), dataIndex: 'createdAt', valueType: 'dateTime' },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (tenant) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => actions.open(tenant)} data-testid="tenant-row-detail">
            {t('common.details')}
          </Button>
          {can.write && (
            <Button type="link" size="small" onClick={() => actions.edit(tenant)}>
              {t('common.edit')}
            </Button>
          )}
          {can.reveal && (
            <Button type="link" size="small" onClick={() => actions.reveal(tenant)} data-testid="tenant-row-reveal">
              {t('tenant.reveal')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
}

/** The list's filters without paging, as the export takes them. */
function exportQuery({ page: _page, pageSize: _pageSize, ...filters }: Query): Query {
  return filters;
}

export default function TenantsPage() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const canWrite = can('tenant:write');
  const canReveal = can('pii:reveal');
  const list = useRef<ListPageAction>(null);
  const lastQuery = useRef<Query>({});
  const [version, setVersion] = useState(0);
  const [detail, setDetail] = useState<{ id: string; reveal: boolean } | null>(null);
  const [form, setForm] = useState<{ tenant: Tenant | null } | null>(null);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const columnSettings = useColumnSettings('tenants', ['legalRepresentative', 'address']);

  const changed = useCallback(() => {
    setVersion((current) => current + 1);
    list.current?.reload();
  }, []);

  const listTenants: ListRequest<Tenant> = useCallback((query) => {
    lastQuery.current = query;
    return tenantsApi.list(query);
  }, []);

  async function exportList(reveal: boolean) {
    setExporting(true);
    try {
      const query = { ...exportQuery(lastQuery.current), ...(reveal ? { reveal: true } : {}) };
      const fileName = await downloadFile(tenantsApi.exportPath, query, 'tenants.xlsx');
      message.success(t('list.exported', { name: fileName }));
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setExporting(false);
    }
  }

  function exportPlain() {
    modal.confirm({
      title: t('tenant.exportPlainTitle'),
      content: t('tenant.exportPlainContent'),
      okText: t('tenant.exportPlainOk'),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: true },
      onOk: () => exportList(true),
    });
  }

  const actions: RowActions = {
    open: (tenant) => setDetail({ id: tenant.id, reveal: false }),
    edit: (tenant) => setForm({ tenant }),
    reveal: (tenant) => setDetail({ id: tenant.id, reveal: true }),
  };
  const columns = tenantColumns(t, { write: canWrite, reveal: canReveal }, actions);

  const exportButton = canReveal ? (
    <Space.Compact>
      <Button
        icon={<DownloadOutlined />}
        loading={exporting}
        onClick={() => exportList(false)}
        data-testid="tenant-export"
      >
        {t('list.export')}
      </Button>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [{ key: 'plain', label: t('tenant.exportPlain'), onClick: exportPlain }],
        }}
      >
        <Button icon={<DownOutlined />} aria-label={t('tenant.exportMore')} data-testid="tenant-export-more" />
      </Dropdown>
    </Space.Compact>
  ) : (
    <Button
      icon={<DownloadOutlined />}
      loading={exporting}
      onClick={() => exportList(false)}
      data-testid="tenant-export"
    >
      {t('list.export')}
    </Button>
  );

  const previewColumns: TableColumnType<TenantImportPreview>[] = [
    { key: 'row', title: t('import.row'), dataIndex: 'row', width: 80 },
    { key: 'kind', title: t('tenant.kind'), render: (_v, row) => kindLabel(row.kind, t) },
    { key: 'name', title: t('tenant.name'), dataIndex: 'name' },
    {
      key: 'document',
      title: t('tenant.document'),
      render: (_v, row) => (row.kind === 'individual' ? row.idNumber : row.creditCode) ?? '-',
    },
    { key: 'phone', title: t('tenant.phone'), dataIndex: 'phone' },
  ];

  return (
    <>
      <ListPage<Tenant>
        title={t('tenant.title')}
        rowKey="id"
        actionRef={list}
        request={listTenants}
        columns={columnSettings.apply(columns)}
        toolbar={
          <>
            {canWrite && (
              <>
                <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="tenant-import">
                  {t('list.import')}
                </Button>
                <Button
                  type="primary"
                  icon={<PlusOutlined />}
                  onClick={() => setForm({ tenant: null })}
                  data-testid="tenant-create"
                >
                  {t('tenant.create')}
                </Button>
              </>
            )}
            {exportButton}
            <ColumnSettingsButton columns={columns} settings={columnSettings} testId="tenant-columns" />
          </>
        }
      />
      <TenantDrawer
        tenantId={detail?.id ?? null}
        revealOnOpen={detail?.reveal ?? false}
        version={version}
        canWrite={canWrite}
        canReveal={canReveal}
        onClose={() => setDetail(null)}
        onEdit={(tenant) => setForm({ tenant })}
      />
      <TenantFormModal
        open={form !== null}
        tenant={form?.tenant ?? null}
        onClose={() => setForm(null)}
        onSaved={(tenant, created) => {
          setForm(null);
          message.success(t(created ? 'tenant.created' : 'tenant.saved', { tenant: tenantName(tenant) }));
          changed();
        }}
      />
      <ImportWizard<TenantImportPreview>
        open={importing}
        title={t('tenant.importTitle')}
        subject={t('tenant.subject')}
        templatePath={tenantsApi.templatePath}
        templateName="tenants-template.xlsx"
        importPath={tenantsApi.importPath}
        previewColumns={previewColumns}
        onClose={() => setImporting(false)}
        onImported={changed}
        testId="tenant-import-wizard"
      />
    </>
  );
}
