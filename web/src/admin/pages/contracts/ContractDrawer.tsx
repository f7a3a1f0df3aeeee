// 合同详情: terms, the rent schedule (and the settlement of an early termination), approvals, history, documents,
// and the workflow actions the contract's status and the person's permissions allow.

import { DownloadOutlined, FileWordOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Space,
  Spin,
  Table,
  type TableColumnType,
  Tabs,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import dayjs from 'dayjs';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { chineseAmount } from '../../../../../src/domain/chinese-amount.ts';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { type AuditEntry, auditApi } from '../../api.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { useSession, useStaffUser } from '../../session.tsx';
import { formatArea } from '../assets/asset-labels.ts';
import { downloadFile, formatBytes, uploadFile } from '../assets/files.ts';
import {
  anyStatusLabel,
  contractName,
  contractStatusColor,
  contractStatusLabel,
  cycleLabel,
  dueOffsetText,
  escalationText,
  historyActionLabel,
  lateFeeText,
  rentFreeText,
  rentText,
  taxRateText,
} from './contract-labels.ts';
import { type ContractAttachment, type ContractDetail, contractsApi } from './contracts-api.ts';
import { ScheduleTable } from './ScheduleTable.tsx';
import {
  ActivateModal,
  ApprovalSteps,
  type Decision,
  DecisionModal,
  SettlementView,
  TerminateModal,
} from './WorkflowModals.tsx';

const formatTime = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm');

/** Signed scans: photos, PDF or Word, checked by content on the server. */
const ATTACHMENT_ACCEPT = '.jpg,.jpeg,.png,.webp,.pdf,.docx';

export function StatusTag({ status }: { status: ContractDetail['status'] }) {
  const { t } = useI18n();
  return (
    <Tag color={contractStatusColor(status)} data-testid="contract-status">
      {contractStatusLabel(status, t)}
    </Tag>
  );
}

/** Downloads the contract drafted from the org's template (.docx), reporting problems as a message. */
export function useDocumentDownload() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);
  const download = useCallback(
    async (contract: { id: string; number: string }) => {
      setDownloading(true);
      try {
        const name = await downloadFile(contractsApi.documentPath(contract.id), {}, `租赁合同-${contract.number}.docx`);
        message.success(t('contract.documentDownloaded', { name }));
      } catch (failure) {
        message.error(errorDetail(failure));
      } finally {
        setDownloading(false);
      }
    },
    [message, t],
  );
  return { download, downloading };
}

function Terms({ detail, onOpen }: { detail: ContractDetail; onOpen: (id: string) => void }) {
  const { t } = useI18n();
  const { terms } = detail;
  const tenderMissing = detail.tenderRequired && (!detail.tenderAnnouncementNo || !detail.dealConfirmationNo);
  const items: { key: string; label: string; children: ReactNode; span?: number }[] = [
    { key: 'number', label: t('contract.number'), children: detail.number },
    { key: 'status', label: t('contract.status'), children: <StatusTag status={detail.status} /> },
    { key: 'tenant', label: t('contract.tenant'), children: detail.tenantName, span: 2 },
    {
      key: 'units',
      label: t('contract.units'),
      span: 2,
      children: (
        <Space orientation="vertical" size={0}>
          {detail.assets.map((asset) => (
            <span key={asset.id}>
              {asset.code} {asset.name} · {formatArea(asset.areaSqm)}
            </span>
          ))}
        </Space>
      ),
    },
    { key: 'term', label: t('contract.term'), children: `${detail.startDate} ~ ${detail.endDate}`, span: 2 },
    { key: 'rent', label: t('contract.rent'), children: rentText(terms, t) },
    { key: 'monthly', label: t('contract.monthlyRent'), children: formatFen(detail.monthlyRentFen) },
    {
      key: 'annual',
      label: t('contract.annualRent'),
      span: 2,
      children: (
        <span data-testid="contract-annual-rent">
          {formatFen(detail.annualRentFen)}（{chineseAmount(detail.annualRentFen)}）
        </span>
      ),
    },
    {
      key: 'total',
      label: t('contract.totalRent'),
      span: 2,
      children: `${formatFen(detail.totalRentFen)}（${chineseAmount(detail.totalRentFen)}）`,
    },
    { key: 'cycle', label: t('contract.billingCycle'), children: cycleLabel(terms.billingCycleMonths, t) },
    { key: 'due', label: t('contract.dueOffset'), children: dueOffsetText(terms.dueOffsetDays, t) },
    { key: 'rentFree', label: t('contract.rentFree'), children: rentFreeText(terms, t), span: 2 },
    { key: 'escalation', label: t('contract.escalation'), children: escalationText(terms, t) },
    { key: 'tax', label: t('contract.taxRate'), children: taxRateText(terms.taxRate) },
    {
      key: 'deposit',
      label: t('contract.deposit'),
      children: detail.schedule.deposit
        ? t('contract.depositDue', {
            amount: formatFen(detail.schedule.deposit.amountFen),
            date: detail.schedule.deposit.dueDate,
          })
        : t('common.none'),
    },
    { key: 'lateFee', label: t('contract.lateFee'), children: lateFeeText(terms, t) },
    { key: 'purpose', label: t('contract.purpose'), children: detail.purpose ?? '-' },
    {
      key: 'levels',
      label: t('contract.approvalLevels'),
      children: t('contract.approval.required', { levels: detail.requiredApprovalLevels }),
    },
    {
      key: 'tender',
      label: t('contract.tender'),
      span: 2,
      children: (
        <Space orientation="vertical" size={0}>
          <span>
            {t('contract.tenderAnnouncementNo')}：{detail.tenderAnnouncementNo ?? '-'}
          </span>
          <span>
            {t('contract.dealConfirmationNo')}：{detail.dealConfirmationNo ?? '-'}
          </span>
          {detail.tenderRequired && (
            <Typography.Text type={tenderMissing ? 'danger' : 'secondary'}>
              {t('contract.tenderRequired')}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { key: 'signDate', label: t('contract.signDate'), children: detail.signDate ?? '-' },
    {
      key: 'createdBy',
      label: t('contract.createdBy'),
      children: `${detail.createdByName ?? '-'} · ${formatTime(detail.createdAt)}`,
    },
  ];
  if (detail.terminationDate) {
    items.push(
      { key: 'terminationDate', label: t('contract.terminationDate'), children: detail.terminationDate },
      { key: 'terminationReason', label: t('contract.terminationReason'), children: detail.terminationReason ?? '-' },
    );
  }
  if (detail.renewedFromId || detail.renewal) {
    items.push({
      key: 'renewal',
      label: t('contract.renewal'),
      span: 2,
      children: (
        <Space>
          {detail.renewedFromId && (
            <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(detail.renewedFromId!)}>
              {t('contract.renewedFrom')}
            </Button>
          )}
          {detail.renewal && (
            <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(detail.renewal!.id)}>
              {t('contract.renewedBy', { number: detail.renewal.number })}
            </Button>
          )}
        </Space>
      ),
    });
  }
  items.push({ key: 'remarks', label: t('contract.remarks'), children: detail.remarks ?? '-', span: 2 });
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {tenderMissing && detail.status === 'draft' && (
        <Alert type="warning" showIcon title={t('contract.tenderMissing')} data-testid="contract-tender-missing" />
      )}
      <Descriptions data-testid="contract-fields" bordered size="small" column={{ xs: 1, md: 2 }} items={items} />
    </Space>
  );
}

function History({ detail }: { detail: ContractDetail }) {
  const { t } = useI18n();
  const { can } = useSession();
  const canAudit = can('audit:read');
  const updatedAt = detail.updatedAt;
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!canAudit) return;
    let live = true;
    // A new step (a new updatedAt) has a new audit entry to show.
    void updatedAt;
    auditApi
      .list({ entityType: 'contract', entityId: detail.id, page: 1, pageSize: 200 })
      .then((page) => live && setEntries(page.items))
      .catch((failure: unknown) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [canAudit, detail.id, updatedAt]);

  const auditColumns: TableColumnType<AuditEntry>[] = [
    { key: 'seq', title: t('audit.seq'), dataIndex: 'seq', width: 70 },
    { key: 'at', title: t('audit.at'), render: (_v, row) => formatTime(row.at) },
    { key: 'actor', title: t('audit.actor'), render: (_v, row) => row.actorName ?? '-' },
    {
      key: 'action',
      title: t('audit.action'),
      render: (_v, row) => <Typography.Text code>{row.action}</Typography.Text>,
    },
    { key: 'ip', title: t('audit.ip'), render: (_v, row) => row.ip ?? '-' },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Timeline
        data-testid="contract-history"
        items={detail.history.map((entry, index) => ({
          key: `${entry.at}-${index}`,
          color: entry.toStatus === 'terminated' || entry.action.endsWith('reject') ? 'red' : 'blue',
          content: (
            <Space orientation="vertical" size={0}>
              <Typography.Text type="secondary">{formatTime(entry.at)}</Typography.Text>
              <span>
                <Typography.Text strong>{historyActionLabel(entry.action, t)}</Typography.Text>
                {entry.actorName && ` · ${entry.actorName}`}
              </span>
              {entry.toStatus && entry.fromStatus !== entry.toStatus && (
                <Typography.Text type="secondary">
                  {entry.fromStatus ? `${anyStatusLabel(entry.fromStatus, t)} → ` : ''}
                  {anyStatusLabel(entry.toStatus, t)}
                </Typography.Text>
              )}
              {entry.comment && <Typography.Text>“{entry.comment}”</Typography.Text>}
            </Space>
          ),
        }))}
      />
      {canAudit && (
        <div>
          <Typography.Title level={5}>{t('contract.auditEntries')}</Typography.Title>
          {error && <Alert type="error" showIcon title={error} />}
          <Table<AuditEntry>
            data-testid="contract-audit"
            size="small"
            rowKey="id"
            loading={entries === null && !error}
            columns={auditColumns}
            dataSource={entries ?? []}
            pagination={false}
            expandable={{
              expandedRowRender: (row) => (
                <pre style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: 12 }}>
                  {JSON.stringify({ before: row.before, after: row.after }, null, 2)}
                </pre>
              ),
            }}
          />
        </div>
      )}
    </Space>
  );
}

function Documents({
  detail,
  canWrite,
  onChanged,
}: {
  detail: ContractDetail;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { download, downloading } = useDocumentDownload();
  const [uploading, setUploading] = useState(false);

  async function upload(file: File) {
    setUploading(true);
    try {
      await uploadFile<ContractAttachment>(contractsApi.uploadPath(detail.id), file, file.name);
      message.success(t('asset.attachments.uploaded', { name: file.name }));
      onChanged();
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setUploading(false);
    }
  }

  async function downloadAttachment(attachment: ContractAttachment) {
    try {
      await downloadFile(contractsApi.attachmentPath(detail.id, attachment.id), {}, attachment.fileName);
    } catch (failure) {
      message.error(errorDetail(failure));
    }
  }

  const columns: TableColumnType<ContractAttachment>[] = [
    { key: 'file', title: t('asset.attachments.file'), dataIndex: 'fileName', ellipsis: true },
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
        <Button type="link" size="small" icon={<DownloadOutlined />} onClick={() => downloadAttachment(row)}>
          {t('common.download')}
        </Button>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Button
          type="primary"
          icon={<FileWordOutlined />}
          loading={downloading}
          onClick={() => download(detail)}
          data-testid="contract-document"
        >
          {t('contract.downloadDocument')}
        </Button>
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
            <Button icon={<UploadOutlined />} loading={uploading} data-testid="contract-attachment-upload">
              {t('contract.uploadSigned')}
            </Button>
          </Upload>
        )}
      </Space>
      <Typography.Text type="secondary">{t('contract.documentHint')}</Typography.Text>
      <Table<ContractAttachment>
        data-testid="contract-attachments"
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={detail.attachments}
        pagination={false}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contract.attachmentsNone')} />,
        }}
      />
    </Space>
  );
}

export function ContractDrawer({
  contractId,
  version,
  onClose,
  onChanged,
  onEdit,
  onOpen,
}: {
  contractId: string | null;
  /** Bumped by the page after a change elsewhere, so the drawer reloads. */
  version: number;
  onClose: () => void;
  /** After a workflow step: the list reloads. */
  onChanged: () => void;
  onEdit: (contract: ContractDetail) => void;
  /** Opens another contract (the renewal, or the one renewed). */
  onOpen: (id: string) => void;
}) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const { can } = useSession();
  const user = useStaffUser();
  const canWrite = can('contract:write');
  const canApprove = can('contract:approve');
  const [reload, setReload] = useState(0);
  // Both counters only count up: their sum changes whenever either does.
  const {
    data: detail,
    error,
    setData: setDetail,
  } = useLoaded(contractId, contractsApi.get, { version: version + reload });
  const [decision, setDecision] = useState<Decision | null>(null);
  const [activating, setActivating] = useState(false);
  const [terminating, setTerminating] = useState(false);
  const [tab, setTab] = useState('terms');
  const { download, downloading } = useDocumentDownload();

  useEffect(() => {
    if (contractId) setTab('terms');
  }, [contractId]);

  const shown = detail && detail.id === contractId ? detail : null;

  const changed = (next?: ContractDetail) => {
    if (next && next.id === contractId) setDetail(next);
    else setReload((n) => n + 1);
    onChanged();
  };

  function submit(contract: ContractDetail) {
    modal.confirm({
      title: t('contract.submitTitle', { contract: contractName(contract) }),
      content: t('contract.submitContent', { levels: contract.requiredApprovalLevels }),
      okText: t('contract.submit'),
      okButtonProps: { 'data-testid': 'contract-submit-ok' },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          changed(await contractsApi.submit(contract.id));
          message.success(t('contract.submitted', { number: contract.number }));
        } catch (failure) {
          // The dialog closes; the reason (a missing tender record, say) stays on screen.
          message.error(errorDetail(failure), 6);
        }
      },
    });
  }

  function renew(contract: ContractDetail) {
    modal.confirm({
      title: t('contract.renewTitle', { contract: contractName(contract) }),
      content: t('contract.renewContent', { date: dayjs(contract.endDate).add(1, 'day').format('YYYY-MM-DD') }),
      okText: t('contract.renew'),
      okButtonProps: { 'data-testid': 'contract-renew-ok' },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const renewal = await contractsApi.renew(contract.id);
          message.success(t('contract.renewed', { number: renewal.number }));
          onChanged();
          onOpen(renewal.id);
        } catch (failure) {
          // The dialog closes; the reason (a missing tender record, say) stays on screen.
          message.error(errorDetail(failure), 6);
        }
      },
    });
  }

  const alreadyApproved = shown ? shown.approval.approverIds.includes(user.id) : false;
  const actions = shown && (
    <Space wrap>
      <Button
        icon={<FileWordOutlined />}
        loading={downloading}
        onClick={() => download(shown)}
        data-testid="contract-download"
      >
        {t('contract.downloadDocument')}
      </Button>
      {canWrite && shown.status === 'draft' && (
        <>
          <Button onClick={() => onEdit(shown)} data-testid="contract-edit">
            {t('common.edit')}
          </Button>
          <Button type="primary" onClick={() => submit(shown)} data-testid="contract-submit">
            {t('contract.submit')}
          </Button>
        </>
      )}
      {canApprove && shown.status === 'pending_approval' && (
        <>
          <Button danger onClick={() => setDecision('reject')} data-testid="contract-reject">
            {t('contract.reject')}
          </Button>
          <Button
            type="primary"
            disabled={alreadyApproved}
            title={alreadyApproved ? t('contract.approval.otherApprover') : undefined}
            onClick={() => setDecision('approve')}
            data-testid="contract-approve"
          >
            {t('contract.approve')}
          </Button>
        </>
      )}
      {canWrite && shown.status === 'approved' && (
        <Button type="primary" onClick={() => setActivating(true)} data-testid="contract-activate">
          {t('contract.activate')}
        </Button>
      )}
      {canWrite && shown.status === 'active' && (
        <Button danger onClick={() => setTerminating(true)} data-testid="contract-terminate">
          {t('contract.terminate')}
        </Button>
      )}
      {canWrite && (shown.status === 'active' || shown.status === 'expired') && !shown.renewal && (
        <Button onClick={() => renew(shown)} data-testid="contract-renew">
          {t('contract.renew')}
        </Button>
      )}
    </Space>
  );

  return (
    <Drawer
      title={shown ? contractName(shown) : t('contract.detailTitle')}
      open={contractId !== null}
      onClose={onClose}
      size={960}
      data-testid="contract-drawer"
      extra={shown && <StatusTag status={shown.status} />}
      footer={actions}
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!error && !shown && <Spin style={{ display: 'block', margin: '80px auto' }} />}
      {shown && (
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'terms', label: t('contract.tab.terms'), children: <Terms detail={shown} onOpen={onOpen} /> },
            {
              key: 'schedule',
              label: t('contract.tab.schedule'),
              children: (
                <Space orientation="vertical" size="large" style={{ width: '100%' }}>
                  {shown.finalSettlement && (
                    <div>
                      <Typography.Title level={5}>{t('contract.settlement.title')}</Typography.Title>
                      <SettlementView settlement={shown.finalSettlement} refund={shown.depositRefundRequest} />
                    </div>
                  )}
                  <div>
                    {shown.finalSettlement && (
                      <Typography.Title level={5}>{t('contract.schedule.original')}</Typography.Title>
                    )}
                    <ScheduleTable periods={shown.schedule.periods} testId="contract-schedule" />
                  </div>
                </Space>
              ),
            },
            { key: 'approvals', label: t('contract.tab.approvals'), children: <ApprovalSteps detail={shown} /> },
            { key: 'history', label: t('contract.tab.history'), children: <History detail={shown} /> },
            {
              key: 'documents',
              label: t('contract.tab.documents'),
              children: <Documents detail={shown} canWrite={canWrite} onChanged={() => setReload((n) => n + 1)} />,
            },
          ]}
        />
      )}
      <DecisionModal
        contract={decision ? shown : null}
        decision={decision ?? 'approve'}
        level={shown?.approval.nextLevel ? { next: shown.approval.nextLevel, of: shown.requiredApprovalLevels } : null}
        onClose={() => setDecision(null)}
        onDone={(next) => {
          setDecision(null);
          changed(next);
        }}
      />
      <ActivateModal
        contract={activating ? shown : null}
        onClose={() => setActivating(false)}
        onDone={(next) => {
          setActivating(false);
          changed(next);
        }}
      />
      <TerminateModal
        contract={terminating ? shown : null}
        onClose={() => setTerminating(false)}
        onDone={(next) => {
          setTerminating(false);
          changed(next);
        }}
      />
    </Drawer>
  );
}
