// The asset's detail drawer: its fields, its status history, and its photos and documents.

import { DeleteOutlined, DownloadOutlined, FileOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Image,
  Space,
  Spin,
  Table,
  type TableColumnType,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { assetName, formatArea, statusBadge, statusLabel, taxMethodLabel, typeLabel } from './asset-labels.ts';
import { type Asset, type Attachment, assetsApi, type StatusChange } from './assets-api.ts';
import { downloadFile, formatBytes, uploadFile } from './files.ts';

const formatTime = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm');

/** Photos (JPG, PNG, WebP) and documents (PDF, Word) the server accepts; it checks the content, not the name. */
const ATTACHMENT_ACCEPT = '.jpg,.jpeg,.png,.webp,.pdf,.docx';

function StatusHistory({ assetId, version }: { assetId: string; version: number }) {
  const { t } = useI18n();
  const [items, setItems] = useState<StatusChange[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    // `version` changes after a status change, so the history shows it.
    void version;
    assetsApi
      .statusHistory(assetId)
      .then((page) => live && setItems(page.items))
      .catch((failure: unknown) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [assetId, version]);

  const columns: TableColumnType<StatusChange>[] = [
    { key: 'changedAt', title: t('asset.history.at'), render: (_v, row) => formatTime(row.changedAt), width: 150 },
    {
      key: 'change',
      title: t('asset.history.change'),
      render: (_v, row) => (
        <Space size={4} wrap>
          {row.fromStatus ? statusLabel(row.fromStatus, t) : t('asset.history.none')}
          <span>→</span>
          <Badge status={statusBadge(row.toStatus)} text={statusLabel(row.toStatus, t)} />
        </Space>
      ),
    },
    { key: 'reason', title: t('asset.history.reason'), render: (_v, row) => row.reason ?? '-' },
    { key: 'actor', title: t('asset.history.actor'), render: (_v, row) => row.actorName ?? '-' },
  ];

  if (error) return <Alert type="error" showIcon title={error} />;
  return (
    <Table<StatusChange>
      data-testid="asset-history"
      size="small"
      rowKey="id"
      loading={items === null}
      columns={columns}
      dataSource={items ?? []}
      pagination={false}
    />
  );
}

function Attachments({ asset, canWrite }: { asset: Asset; canWrite: boolean }) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const [items, setItems] = useState<Attachment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);

  const load = useCallback(() => {
    assetsApi
      .attachments(asset.id)
      .then(({ items }) => {
        setItems(items);
        setError(null);
      })
      .catch((failure: unknown) => setError(errorDetail(failure)));
  }, [asset.id]);

  useEffect(() => load(), [load]);

  async function upload(file: File) {
    setUploading(true);
    try {
      await uploadFile<Attachment>(assetsApi.uploadPath(asset.id), file, file.name);
      message.success(t('asset.attachments.uploaded', { name: file.name }));
      load();
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setUploading(false);
    }
  }

  function remove(attachment: Attachment) {
    modal.confirm({
      title: t('asset.attachments.deleteTitle', { name: attachment.fileName }),
      content: t('asset.attachments.deleteContent', { asset: assetName(asset) }),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await assetsApi.removeAttachment(asset.id, attachment.id);
          message.success(t('asset.attachments.deleted', { name: attachment.fileName }));
          load();
        } catch (failure) {
          message.error(errorDetail(failure));
        }
      },
    });
  }

  async function download(attachment: Attachment) {
    try {
      await downloadFile(assetsApi.attachmentUrl(asset.id, attachment.id), {}, attachment.fileName);
    } catch (failure) {
      message.error(errorDetail(failure));
    }
  }

  const columns: TableColumnType<Attachment>[] = [
    {
      key: 'file',
      title: t('asset.attachments.file'),
      render: (_v, row) => (
        <Space>
          {row.kind === 'photo' ? (
            <Image
              width={48}
              height={48}
              style={{ objectFit: 'cover' }}
              src={assetsApi.attachmentUrl(asset.id, row.id)}
              alt={row.fileName}
            />
          ) : (
            <FileOutlined style={{ fontSize: 24 }} />
          )}
          <Typography.Text ellipsis style={{ maxWidth: 220 }}>
            {row.fileName}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'kind',
      title: t('asset.attachments.kind'),
      render: (_v, row) => (
        <Tag>{row.kind === 'photo' ? t('asset.attachments.photo') : t('asset.attachments.document')}</Tag>
      ),
    },
    { key: 'size', title: t('asset.attachments.size'), render: (_v, row) => formatBytes(row.sizeBytes) },
    {
      key: 'uploaded',
      title: t('asset.attachments.uploadedBy'),
      render: (_v, row) => `${row.uploadedByName ?? '-'} · ${formatTime(row.createdAt)}`,
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_v, row) => (
        <Space size={0}>
          <Button type="link" size="small" icon={<DownloadOutlined />} onClick={() => download(row)}>
            {t('common.download')}
          </Button>
          {canWrite && (
            <Button type="link" size="small" danger icon={<DeleteOutlined />} onClick={() => remove(row)}>
              {t('common.delete')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {canWrite && (
        <Upload
          accept={ATTACHMENT_ACCEPT}
          showUploadList={false}
          multiple={false}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={uploading} data-testid="asset-attachment-upload">
            {t('asset.attachments.upload')}
          </Button>
        </Upload>
      )}
      <Typography.Text type="secondary">{t('asset.attachments.hint')}</Typography.Text>
      {error && <Alert type="error" showIcon title={error} />}
      <Table<Attachment>
        data-testid="asset-attachments"
        size="small"
        rowKey="id"
        loading={items === null && !error}
        columns={columns}
        dataSource={items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('asset.attachments.none')} /> }}
      />
    </Space>
  );
}

export function AssetDrawer({
  assetId,
  version,
  canWrite,
  onClose,
  onEdit,
  onChangeStatus,
  onAddChild,
}: {
  assetId: string | null;
  /** Bumped by the page after an edit, so the drawer reloads. */
  version: number;
  canWrite: boolean;
  onClose: () => void;
  onEdit: (asset: Asset) => void;
  onChangeStatus: (asset: Asset) => void;
  onAddChild: (asset: Asset) => void;
}) {
  const { t } = useI18n();
  const { data: asset, error } = useLoaded(assetId, assetsApi.get, { version });

  const shown = asset && asset.id === assetId ? asset : null;
  const canHaveChildren = shown && ['project', 'building', 'floor'].includes(shown.type);

  return (
    <Drawer
      title={shown ? assetName(shown) : t('asset.detailTitle')}
      open={assetId !== null}
      onClose={onClose}
      size="large"
      data-testid="asset-drawer"
      extra={
        shown &&
        canWrite && (
          <Space>
            {canHaveChildren && (
              <Button onClick={() => onAddChild(shown)} data-testid="asset-add-child">
                {t('asset.addChild')}
              </Button>
            )}
            <Button onClick={() => onChangeStatus(shown)} data-testid="asset-change-status">
              {t('asset.changeStatus')}
            </Button>
            <Button type="primary" onClick={() => onEdit(shown)} data-testid="asset-edit">
              {t('common.edit')}
            </Button>
          </Space>
        )
      }
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!error && !shown && <Spin style={{ display: 'block', margin: '80px auto' }} />}
      {shown && (
        <Tabs
          items={[
            {
              key: 'info',
              label: t('asset.tab.info'),
              children: (
                <Descriptions
                  data-testid="asset-fields"
                  column={1}
                  size="small"
                  bordered
                  items={[
                    { key: 'code', label: t('asset.code'), children: shown.code },
                    { key: 'name', label: t('asset.name'), children: shown.name },
                    { key: 'type', label: t('asset.type'), children: typeLabel(shown.type, t) },
                    {
                      key: 'status',
                      label: t('asset.status'),
                      children: <Badge status={statusBadge(shown.status)} text={statusLabel(shown.status, t)} />,
                    },
                    {
                      key: 'parent',
                      label: t('asset.parent'),
                      children: shown.parentCode ? `${shown.parentCode} ${shown.parentName ?? ''}` : '-',
                    },
                    { key: 'area', label: t('asset.area'), children: formatArea(shown.areaSqm) },
                    { key: 'address', label: t('asset.address'), children: shown.address ?? '-' },
                    {
                      key: 'certificate',
                      label: t('asset.propertyCertificateNo'),
                      children: shown.propertyCertificateNo ?? '-',
                    },
                    {
                      key: 'bookValue',
                      label: t('asset.bookValue'),
                      children: shown.bookValueFen === null ? '-' : formatFen(shown.bookValueFen),
                    },
                    {
                      key: 'acquisitionDate',
                      label: t('asset.acquisitionDate'),
                      children: shown.acquisitionDate ?? '-',
                    },
                    {
                      key: 'taxMethod',
                      label: t('asset.taxMethod'),
                      children: shown.taxMethod ? taxMethodLabel(shown.taxMethod, t) : '-',
                    },
                    { key: 'remarks', label: t('asset.remarks'), children: shown.remarks ?? '-' },
                    { key: 'createdAt', label: t('asset.createdAt'), children: formatTime(shown.createdAt) },
                    { key: 'updatedAt', label: t('asset.updatedAt'), children: formatTime(shown.updatedAt) },
                  ]}
                />
              ),
            },
            {
              key: 'history',
              label: t('asset.tab.history'),
              children: <StatusHistory assetId={shown.id} version={version} />,
            },
            {
              key: 'attachments',
              label: t('asset.tab.attachments'),
              children: <Attachments asset={shown} canWrite={canWrite} />,
            },
          ]}
        />
      )}
    </Drawer>
  );
}
