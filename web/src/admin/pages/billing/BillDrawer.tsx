// 账单详情: the bill's fields and penalty today, its lines, the payments applied, its journal entries, waivers and
// the messages sent about it; and what finance may do with it (waiver request, void, reissue, notice, payment).

import { FilePdfOutlined } from '@ant-design/icons';
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
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { downloadFile } from '../assets/files.ts';
import { PaymentModal, ReissueModal, VoidModal, WaiverRequestModal } from './BillForms.tsx';
import { BillStatusTags } from './BillTags.tsx';
import {
  type Bill,
  type BillAllocation,
  type BillDetail,
  type BillLine,
  billsApi,
  type JournalEntry,
  type JournalLine,
  type TenantMessage,
  type Waiver,
} from './billing-api.ts';
import {
  billKindLabel,
  channelLabel,
  chargeItemLabel,
  entryKindLabel,
  lineKindLabel,
  messageStatusLabel,
  periodText,
  waiverStatusLabel,
} from './billing-labels.ts';

const formatTime = (iso: string | null) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '-');
const fen = (amount: number) => (amount ? formatFen(amount) : '-');

function Fields({ bill, onOpen }: { bill: BillDetail; onOpen: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <Descriptions
      data-testid="bill-fields"
      bordered
      size="small"
      column={{ xs: 1, md: 2 }}
      items={[
        { key: 'number', label: t('bill.number'), children: <span data-testid="bill-number">{bill.number}</span> },
        { key: 'status', label: t('bill.status'), children: <BillStatusTags bill={bill} /> },
        { key: 'tenant', label: t('bill.tenant'), children: bill.tenantName },
        { key: 'contract', label: t('bill.contract'), children: bill.contractNumber },
        {
          key: 'kind',
          label: t('bill.kind'),
          children: bill.chargeItem
            ? `${billKindLabel(bill.kind, t)} · ${chargeItemLabel(bill.chargeItem, t)}`
            : billKindLabel(bill.kind, t),
        },
        { key: 'period', label: t('bill.period'), children: periodText(bill) },
        { key: 'dueDate', label: t('bill.dueDate'), children: bill.dueDate },
        {
          key: 'overdueDays',
          label: t('bill.overdueDaysLabel'),
          children: bill.overdueDays > 0 ? t('bill.days', { days: bill.overdueDays }) : '-',
        },
        {
          key: 'amount',
          label: t('bill.amount'),
          children: `${formatFen(bill.amountFen)}（${t('bill.netTax', { net: formatFen(bill.netFen), tax: formatFen(bill.taxFen) })}）`,
          span: 2,
        },
        {
          key: 'lateFee',
          label: t('bill.lateFeeToday'),
          children: <span data-testid="bill-late-fee">{formatFen(bill.lateFeeFen)}</span>,
        },
        {
          key: 'waived',
          label: t('bill.lateFeeWaived'),
          children: <span data-testid="bill-late-fee-waived">{formatFen(bill.lateFeeWaivedFen)}</span>,
        },
        { key: 'posted', label: t('bill.lateFeePosted'), children: formatFen(bill.lateFeePostedFen) },
        { key: 'paid', label: t('bill.paid'), children: formatFen(bill.paidFen) },
        {
          key: 'outstanding',
          label: t('bill.outstanding'),
          children: <span data-testid="bill-outstanding">{formatFen(bill.outstandingFen)}</span>,
        },
        {
          key: 'payable',
          label: t('bill.payable'),
          children: (
            <Typography.Text strong data-testid="bill-payable">
              {formatFen(bill.payableFen)}
            </Typography.Text>
          ),
        },
        { key: 'description', label: t('bill.description'), children: bill.description ?? '-', span: 2 },
        { key: 'issuedAt', label: t('bill.issuedAt'), children: formatTime(bill.issuedAt) },
        { key: 'settledOn', label: t('bill.settledOn'), children: bill.settledOn ?? '-' },
        ...(bill.revision > 1 || bill.replacesBillId
          ? [
              {
                key: 'revision',
                label: t('bill.revision'),
                span: 2,
                children: (
                  <Space>
                    <span>{bill.revision}</span>
                    {bill.replacesBillId && (
                      <Button type="link" size="small" onClick={() => onOpen(bill.replacesBillId!)}>
                        {t('bill.replaces')}
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]
          : []),
        ...(bill.voidReason
          ? [{ key: 'voidReason', label: t('bill.voidReason'), children: bill.voidReason, span: 2 }]
          : []),
      ]}
    />
  );
}

function Lines({ lines }: { lines: BillLine[] }) {
  const { t } = useI18n();
  const columns: TableColumnType<BillLine>[] = [
    { key: 'kind', title: t('bill.line.kind'), render: (_v, row) => lineKindLabel(row.kind, t) },
    { key: 'description', title: t('bill.description'), render: (_v, row) => row.description ?? '-' },
    { key: 'amount', title: t('bill.amount'), align: 'right', render: (_v, row) => formatFen(row.amountFen) },
    { key: 'net', title: t('bill.net'), align: 'right', render: (_v, row) => formatFen(row.netFen) },
    { key: 'tax', title: t('bill.tax'), align: 'right', render: (_v, row) => formatFen(row.taxFen) },
    { key: 'asOf', title: t('bill.line.asOf'), render: (_v, row) => row.asOf ?? '-' },
    { key: 'createdAt', title: t('bill.line.createdAt'), render: (_v, row) => formatTime(row.createdAt) },
  ];
  return (
    <Table<BillLine>
      data-testid="bill-lines"
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={lines}
      pagination={false}
    />
  );
}

function Allocations({ allocations }: { allocations: BillAllocation[] }) {
  const { t } = useI18n();
  const columns: TableColumnType<BillAllocation>[] = [
    { key: 'number', title: t('payment.number'), dataIndex: 'paymentNumber' },
    { key: 'appliedOn', title: t('payment.appliedOn'), dataIndex: 'appliedOn' },
    { key: 'principal', title: t('payment.principal'), align: 'right', render: (_v, row) => fen(row.principalFen) },
    { key: 'lateFee', title: t('payment.lateFee'), align: 'right', render: (_v, row) => fen(row.lateFeeFen) },
  ];
  return (
    <Table<BillAllocation>
      data-testid="bill-allocations"
      size="small"
      rowKey={(row) => `${row.paymentId}-${row.appliedOn}`}
      columns={columns}
      dataSource={allocations}
      pagination={false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('bill.noPayments')} /> }}
    />
  );
}

/** Each entry with its lines (科目编码, 科目名称, 借方, 贷方). */
export function JournalEntries({ entries, testId }: { entries: JournalEntry[]; testId?: string }) {
  const { t } = useI18n();
  const lineColumns: TableColumnType<JournalLine>[] = [
    { key: 'code', title: t('ledger.accountCode'), dataIndex: 'accountCode', width: 100 },
    { key: 'name', title: t('ledger.accountName'), dataIndex: 'accountName' },
    { key: 'debit', title: t('ledger.debit'), align: 'right', width: 140, render: (_v, row) => fen(row.debitFen) },
    { key: 'credit', title: t('ledger.credit'), align: 'right', width: 140, render: (_v, row) => fen(row.creditFen) },
  ];
  if (entries.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('bill.noEntries')} />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid={testId ?? 'bill-entries'}>
      {entries.map((entry) => (
        <div key={entry.id} data-testid="journal-entry">
          <Space wrap style={{ marginBottom: 4 }}>
            <Typography.Text strong>{t('ledger.entryNo', { no: String(entry.entryNo) })}</Typography.Text>
            <Typography.Text type="secondary">{entry.entryDate}</Typography.Text>
            <Tag>{entryKindLabel(entry.kind, t)}</Tag>
            {entry.memo && <Typography.Text type="secondary">{entry.memo}</Typography.Text>}
          </Space>
          <Table<JournalLine>
            size="small"
            rowKey={(row) => `${row.accountCode}-${row.debitFen}-${row.creditFen}`}
            columns={lineColumns}
            dataSource={entry.lines}
            pagination={false}
          />
        </div>
      ))}
    </Space>
  );
}

function Waivers({ waivers }: { waivers: Waiver[] }) {
  const { t } = useI18n();
  const columns: TableColumnType<Waiver>[] = [
    { key: 'amount', title: t('waiver.amount'), align: 'right', render: (_v, row) => formatFen(row.amountFen) },
    { key: 'reason', title: t('waiver.reason'), dataIndex: 'reason', ellipsis: true },
    {
      key: 'status',
      title: t('waiver.status'),
      render: (_v, row) => (
        <Tag
          color={row.status === 'approved' ? 'success' : row.status === 'rejected' ? 'error' : 'processing'}
          data-testid="waiver-status"
        >
          {waiverStatusLabel(row.status, t)}
        </Tag>
      ),
    },
    {
      key: 'requested',
      title: t('waiver.requestedBy'),
      render: (_v, row) => `${row.requestedByName ?? '-'} · ${formatTime(row.requestedAt)}`,
    },
    {
      key: 'decided',
      title: t('waiver.decidedBy'),
      render: (_v, row) =>
        row.decidedAt
          ? `${row.decidedByName ?? '-'} · ${formatTime(row.decidedAt)}${row.decisionNote ? ` · ${row.decisionNote}` : ''}`
          : '-',
    },
  ];
  return (
    <Table<Waiver>
      data-testid="bill-waivers"
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={waivers}
      pagination={false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('bill.noWaivers')} /> }}
    />
  );
}

/** The link a reminder carried, clickable (it opens the tenant's H5 pay page). */
export function PayLink({ url }: { url: string | null }) {
  if (!url) return <>-</>;
  return (
    <Typography.Link
      href={url}
      target="_blank"
      rel="noreferrer"
      data-testid="message-pay-link"
      copyable={{ text: url }}
    >
      {url}
    </Typography.Link>
  );
}

function Messages({ messages, billId }: { messages: TenantMessage[]; billId: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const columns: TableColumnType<TenantMessage>[] = [
    { key: 'createdAt', title: t('message.createdAt'), render: (_v, row) => formatTime(row.createdAt) },
    { key: 'channel', title: t('message.channel'), render: (_v, row) => channelLabel(row.channel, t) },
    { key: 'recipient', title: t('message.recipient'), dataIndex: 'recipientMasked' },
    { key: 'body', title: t('message.body'), dataIndex: 'body', ellipsis: true, width: 260 },
    { key: 'payLink', title: t('message.payLink'), render: (_v, row) => <PayLink url={row.payLink} /> },
    { key: 'status', title: t('message.status'), render: (_v, row) => messageStatusLabel(row.status, t) },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {can('message:read') && (
        <Link to={`/messages?billId=${encodeURIComponent(billId)}`} data-testid="bill-messages-log">
          {t('bill.messagesLog')}
        </Link>
      )}
      <Table<TenantMessage>
        data-testid="bill-messages"
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={messages}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('bill.noMessages')} /> }}
      />
    </Space>
  );
}

type Dialog = 'waiver' | 'void' | 'reissue' | 'payment' | null;

export function BillDrawer({
  billId,
  onClose,
  onChanged,
  onOpen,
}: {
  billId: string | null;
  onClose: () => void;
  /** After an action: the list reloads. */
  onChanged: () => void;
  /** Opens another bill (the reissued one, or the one it replaced). */
  onOpen: (id: string) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const canWrite = can('bill:write');
  const canPay = can('payment:write');
  const canMessages = can('message:read');
  const [reload, setReload] = useState(0);
  const { data: detail, error } = useLoaded(billId, billsApi.get, { version: reload });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [downloading, setDownloading] = useState(false);
  const [tab, setTab] = useState('lines');

  useEffect(() => {
    if (billId) setTab('lines');
  }, [billId]);

  const shown = detail && detail.id === billId ? detail : null;
  const changed = () => {
    setDialog(null);
    setReload((n) => n + 1);
    onChanged();
  };

  async function downloadNotice(bill: Bill) {
    setDownloading(true);
    try {
      const name = await downloadFile(billsApi.noticePath(bill.id), {}, `缴费通知单-${bill.number}.pdf`);
      message.success(t('bill.noticeDownloaded', { name }));
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setDownloading(false);
    }
  }

  const live = shown && shown.status !== 'void';
  const unsettled = shown && (shown.status === 'open' || shown.status === 'partial');
  const actions = shown && (
    <Space wrap>
      <Button
        icon={<FilePdfOutlined />}
        loading={downloading}
        onClick={() => downloadNotice(shown)}
        data-testid="bill-notice"
        disabled={!live}
      >
        {t('bill.notice')}
      </Button>
      {canPay && unsettled && (
        <Button type="primary" onClick={() => setDialog('payment')} data-testid="bill-pay">
          {t('payment.record')}
        </Button>
      )}
      {canWrite && unsettled && (
        <Button
          onClick={() => setDialog('waiver')}
          disabled={shown.lateFeeFen - shown.lateFeeWaivedFen <= 0}
          title={shown.lateFeeFen - shown.lateFeeWaivedFen <= 0 ? t('bill.waiver.nothing') : undefined}
          data-testid="bill-waiver-request"
        >
          {t('bill.waiver.request')}
        </Button>
      )}
      {canWrite && live && (
        <Button
          onClick={() => setDialog('reissue')}
          disabled={shown.paidFen > 0}
          title={shown.paidFen > 0 ? t('bill.paidCannotChange') : undefined}
          data-testid="bill-reissue"
        >
          {t('bill.reissue')}
        </Button>
      )}
      {canWrite && live && (
        <Button
          danger
          onClick={() => setDialog('void')}
          disabled={shown.paidFen > 0}
          title={shown.paidFen > 0 ? t('bill.paidCannotChange') : undefined}
          data-testid="bill-void"
        >
          {t('bill.void')}
        </Button>
      )}
    </Space>
  );

  return (
    <Drawer
      title={shown ? `${shown.number} ${shown.tenantName}` : t('bill.detailTitle')}
      open={billId !== null}
      onClose={onClose}
      size={960}
      data-testid="bill-drawer"
      extra={shown && <BillStatusTags bill={shown} />}
      footer={actions}
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!error && !shown && <Spin style={{ display: 'block', margin: '80px auto' }} />}
      {shown && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Fields bill={shown} onOpen={onOpen} />
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              { key: 'lines', label: t('bill.tab.lines'), children: <Lines lines={shown.lines} /> },
              {
                key: 'payments',
                label: t('bill.tab.payments'),
                children: <Allocations allocations={shown.allocations} />,
              },
              {
                key: 'entries',
                label: t('bill.tab.entries'),
                children: <JournalEntries entries={shown.journalEntries} />,
              },
              {
                key: 'waivers',
                label: t('bill.tab.waivers', { count: shown.waivers.length }),
                children: <Waivers waivers={shown.waivers} />,
              },
              ...(canMessages || shown.messages.length > 0
                ? [
                    {
                      key: 'messages',
                      label: t('bill.tab.messages', { count: shown.messages.length }),
                      children: <Messages messages={shown.messages} billId={shown.id} />,
                    },
                  ]
                : []),
            ]}
          />
        </Space>
      )}
      <WaiverRequestModal bill={dialog === 'waiver' ? shown : null} onClose={() => setDialog(null)} onDone={changed} />
      <VoidModal bill={dialog === 'void' ? shown : null} onClose={() => setDialog(null)} onDone={changed} />
      <ReissueModal
        bill={dialog === 'reissue' ? shown : null}
        onClose={() => setDialog(null)}
        onDone={(next) => {
          changed();
          onOpen(next.id);
        }}
      />
      <PaymentModal
        open={dialog === 'payment' && shown !== null}
        bill={shown}
        onClose={() => setDialog(null)}
        onDone={changed}
      />
    </Drawer>
  );
}
