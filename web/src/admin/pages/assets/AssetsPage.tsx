// 资产台账: the registry as a server-paged list (filters, column settings, export of the current filter) or as
// a project's tree; a drawer for each asset; registration, editing, status changes and the Excel import.

import {
  ApartmentOutlined,
  DownloadOutlined,
  ImportOutlined,
  PlusOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { App, Badge, Button, Segmented, Space, type TableColumnType, Tag } from 'antd';
import { useCallback, useRef, useState } from 'react';
import type { AssetStatus, AssetType } from '../../../../../src/domain/asset-rules.ts';
import { errorDetail, type Query } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { AssetDrawer } from './AssetDrawer.tsx';
import { AssetFormModal } from './AssetFormModal.tsx';
import { AssetTree } from './AssetTree.tsx';
import {
  assetName,
  formatArea,
  statusBadge,
  statusEnum,
  statusLabel,
  type Translate,
  typeEnum,
  typeLabel,
} from './asset-labels.ts';
import { type Asset, type AssetImportPreview, assetsApi } from './assets-api.ts';
import { ColumnSettingsButton, useColumnSettings } from './ColumnSettings.tsx';
import { downloadFile } from './files.ts';
import { ImportWizard } from './ImportWizard.tsx';
import { StatusChangeModal } from './StatusChangeModal.tsx';

type View = 'list' | 'tree';

interface RowActions {
  open: (asset: Asset) => void;
  edit: (asset: Asset) => void;
  changeStatus: (asset: Asset) => void;
}

/** The registry, declared once: table columns and the search form that filters them. */
function assetColumns(t: Translate, projects: Asset[], canWrite: boolean, actions: RowActions): ListColumn<Asset>[] {
  return [
    {
      key: 'keyword',
      title: t('asset.keyword'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('asset.keywordPlaceholder') },
    },
    {
      key: 'code',
      title: t('asset.code'),
      dataIndex: 'code',
      fixed: 'left',
      render: (asset) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => actions.open(asset)}>
          {asset.code}
        </Button>
      ),
      search: { type: 'text', placeholder: t('asset.codePlaceholder') },
    },
    { key: 'name', title: t('asset.name'), dataIndex: 'name', ellipsis: true, width: 220 },
    {
      key: 'type',
      title: t('asset.type'),
      dataIndex: 'type',
      valueEnum: typeEnum(t),
      render: (asset) => <Tag>{typeLabel(asset.type, t)}</Tag>,
      search: { type: 'select' },
    },
    {
      key: 'status',
      title: t('asset.status'),
      dataIndex: 'status',
      valueEnum: statusEnum(t),
      render: (asset) => <Badge status={statusBadge(asset.status)} text={statusLabel(asset.status, t)} />,
      search: { type: 'select' },
    },
    {
      key: 'projectId',
      title: t('asset.project'),
      hideInTable: true,
      search: {
        type: 'select',
        options: projects.map((project) => ({ value: project.id, label: assetName(project) })),
      },
    },
    {
      key: 'parent',
      title: t('asset.parent'),
      render: (asset) => (asset.parentCode ? `${asset.parentCode} ${asset.parentName ?? ''}` : '-'),
      ellipsis: true,
      width: 220,
    },
    { key: 'areaSqm', title: t('asset.area'), render: (asset) => formatArea(asset.areaSqm) },
    {
      key: 'areaMin',
      title: t('asset.areaMin'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('asset.areaPlaceholder') },
    },
    {
      key: 'areaMax',
      title: t('asset.areaMax'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('asset.areaPlaceholder') },
    },
    { key: 'address', title: t('asset.address'), dataIndex: 'address', ellipsis: true, width: 220 },
    { key: 'propertyCertificateNo', title: t('asset.propertyCertificateNo'), dataIndex: 'propertyCertificateNo' },
    {
      key: 'bookValueFen',
      title: t('asset.bookValue'),
      render: (asset) => (asset.bookValueFen === null ? '-' : formatFen(asset.bookValueFen)),
    },
    { key: 'acquisitionDate', title: t('asset.acquisitionDate'), dataIndex: 'acquisitionDate' },
    { key: 'updatedAt', title: t('asset.updatedAt'), dataIndex: 'updatedAt', valueType: 'dateTime' },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (asset) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => actions.open(asset)} data-testid="asset-row-detail">
            {t('common.details')}
          </Button>
          {canWrite && (
            <>
              <Button type="link" size="small" onClick={() => actions.edit(asset)}>
                {t('common.edit')}
              </Button>
              <Button
                type="link"
                size="small"
                disabled={asset.status === 'leased' || asset.status === 'disposed'}
                onClick={() => actions.changeStatus(asset)}
              >
                {t('asset.changeStatus')}
              </Button>
            </>
          )}
        </Space>
      ),
    },
  ];
}

/** The projects to choose from, none if they cannot be loaded. */
function useProjects(version: number): Asset[] {
  return useLoaded(true, loadProjects, { version }).data ?? [];
}

const loadProjects = () =>
  assetsApi
    .list({ page: 1, pageSize: 200, type: 'project' })
    .then((page) => page.items)
    .catch(() => []);

/** The list's filters without paging, as the export takes them. */
function exportQuery({ page: _page, pageSize: _pageSize, ...filters }: Query): Query {
  return filters;
}

export default function AssetsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const canWrite = can('asset:write');
  const list = useRef<ListPageAction>(null);
  const lastQuery = useRef<Query>({});
  const [view, setView] = useState<View>('list');
  const [version, setVersion] = useState(0);
  const projects = useProjects(version);
  const [treeProject, setTreeProject] = useState<string | undefined>(undefined);
  const [detailId, setDetailId] = useState<string | null>(null);
  const [form, setForm] = useState<{ asset: Asset | null; parent: Asset | null } | null>(null);
  const [statusOf, setStatusOf] = useState<Asset | null>(null);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const columnSettings = useColumnSettings('assets', [
    'address',
    'propertyCertificateNo',
    'bookValueFen',
    'acquisitionDate',
  ]);

  const shownProject = treeProject ?? projects[0]?.id;

  const changed = useCallback(() => {
    setVersion((current) => current + 1);
    list.current?.reload();
  }, []);

  const listAssets: ListRequest<Asset> = useCallback((query) => {
    lastQuery.current = query;
    const { page, pageSize, type, status, ...text } = query;
    return assetsApi.list({
      page,
      pageSize,
      ...(text as Record<string, string | undefined>),
      type: typeof type === 'string' ? (type as AssetType) : undefined,
      status: typeof status === 'string' ? (status as AssetStatus) : undefined,
    });
  }, []);

  async function exportList() {
    setExporting(true);
    try {
      const fileName = await downloadFile(assetsApi.exportPath, exportQuery(lastQuery.current), 'assets.xlsx');
      message.success(t('list.exported', { name: fileName }));
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setExporting(false);
    }
  }

  const actions: RowActions = {
    open: (asset) => setDetailId(asset.id),
    edit: (asset) => setForm({ asset, parent: null }),
    changeStatus: setStatusOf,
  };
  const columns = assetColumns(t, projects, canWrite, actions);

  const viewToggle = (
    <Segmented<View>
      value={view}
      onChange={setView}
      options={[
        { value: 'list', label: t('asset.viewList'), icon: <UnorderedListOutlined /> },
        { value: 'tree', label: t('asset.viewTree'), icon: <ApartmentOutlined /> },
      ]}
      data-testid="asset-view"
    />
  );

  const writeButtons = canWrite && (
    <>
      <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="asset-import">
        {t('list.import')}
      </Button>
      <Button
        type="primary"
        icon={<PlusOutlined />}
        onClick={() => setForm({ asset: null, parent: null })}
        data-testid="asset-create"
      >
        {t('asset.create')}
      </Button>
    </>
  );

  const previewColumns: TableColumnType<AssetImportPreview>[] = [
    { key: 'row', title: t('import.row'), dataIndex: 'row', width: 80 },
    { key: 'code', title: t('asset.code'), dataIndex: 'code' },
    { key: 'name', title: t('asset.name'), dataIndex: 'name' },
    { key: 'type', title: t('asset.type'), render: (_v, row) => typeLabel(row.type, t) },
    { key: 'parentCode', title: t('asset.parentCode'), render: (_v, row) => row.parentCode ?? '-' },
    { key: 'areaSqm', title: t('asset.area'), render: (_v, row) => formatArea(row.areaSqm) },
    { key: 'status', title: t('asset.status'), render: (_v, row) => statusLabel(row.status, t) },
  ];

  return (
    <>
      {view === 'list' ? (
        <ListPage<Asset>
          title={t('asset.title')}
          rowKey="id"
          actionRef={list}
          request={listAssets}
          columns={columnSettings.apply(columns)}
          toolbar={
            <>
              {viewToggle}
              {writeButtons}
              <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportList} data-testid="asset-export">
                {t('list.export')}
              </Button>
              <ColumnSettingsButton columns={columns} settings={columnSettings} testId="asset-columns" />
            </>
          }
        />
      ) : (
        <AssetTree
          projects={projects}
          projectId={shownProject}
          onProjectChange={setTreeProject}
          version={version}
          onSelect={setDetailId}
          toolbar={
            <Space>
              {viewToggle}
              {writeButtons}
            </Space>
          }
        />
      )}
      <AssetDrawer
        assetId={detailId}
        version={version}
        canWrite={canWrite}
        onClose={() => setDetailId(null)}
        onEdit={(asset) => setForm({ asset, parent: null })}
        onChangeStatus={setStatusOf}
        onAddChild={(parent) => setForm({ asset: null, parent })}
      />
      <AssetFormModal
        open={form !== null}
        asset={form?.asset ?? null}
        presetParent={form?.parent ?? null}
        onClose={() => setForm(null)}
        onSaved={(asset, created) => {
          setForm(null);
          message.success(t(created ? 'asset.created' : 'asset.saved', { asset: assetName(asset) }));
          changed();
        }}
      />
      <StatusChangeModalHost asset={statusOf} onClose={() => setStatusOf(null)} onChanged={changed} />
      <ImportWizard<AssetImportPreview>
        open={importing}
        title={t('asset.importTitle')}
        subject={t('asset.subject')}
        templatePath={assetsApi.templatePath}
        templateName="assets-template.xlsx"
        importPath={assetsApi.importPath}
        previewColumns={previewColumns}
        onClose={() => setImporting(false)}
        onImported={changed}
        testId="asset-import-wizard"
      />
    </>
  );
}

function StatusChangeModalHost({
  asset,
  onClose,
  onChanged,
}: {
  asset: Asset | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <StatusChangeModal
      asset={asset}
      onClose={onClose}
      onChanged={(saved) => {
        onClose();
        message.success(t('asset.statusChanged', { asset: assetName(saved), status: statusLabel(saved.status, t) }));
        onChanged();
      }}
    />
  );
}
