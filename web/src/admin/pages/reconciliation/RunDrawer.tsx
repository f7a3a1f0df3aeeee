// 对账结果: one run's figures, the tie-out (channel total = matched + repaired + settled before + differences, the
// unexplained rest must read 0), the payments it repaired, its differences with their actions and the settlement
// entry it posted.

import { Alert, Descriptions, Drawer, Empty, Space, Spin, Table, type TableColumnType, Tag, Typography } from 'antd';
import { type HTMLAttributes, type ReactNode, useState } from 'react';
import { Link } from 'react-router-dom';
import { formatFen } from '../../../shared/money.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { JournalEntries } from '../billing/BillDrawer.tsx';
import { useJournalEntry } from '../ledger/use-journal-entry.ts';
import { formatTime } from '../payments/PaymentOrderDrawer.tsx';
import { providerLabel } from '../payments/payment-labels.ts';
import { useDifferenceActions } from './DifferenceActions.tsx';
import {
  type ReconciliationDifference,
  type RepairedPayment,
  reconciliationApi,
  type TieOut,
} from './reconciliation-api.ts';
import {
  differenceKindLabel,
  differenceStatusBadge,
  differenceStatusLabel,
  runStatusLabel,
} from './reconciliation-labels.ts';

const fenOrDash = (fen: number | null | undefined) => (fen === null || fen === undefined ? '-' : formatFen(fen));

function TieOutTable({ tieOut }: { tieOut: TieOut }) {
  const { t } = useI18n();
  const rows = [
    { key: 'channelPaid', label: t('reconciliation.tieOut.channelPaid'), fen: tieOut.channelPaidFen, sign: '' },
    { key: 'matched', label: t('reconciliation.tieOut.matched'), fen: tieOut.matchedFen, sign: '−' },
    { key: 'repaired', label: t('reconciliation.tieOut.repaired'), fen: tieOut.repairedFen, sign: '−' },
    {
      key: 'settledBefore',
      label: t('reconciliation.tieOut.settledBefore'),
      fen: tieOut.settledBeforeFen,
      sign: '−',
    },
    { key: 'difference', label: t('reconciliation.tieOut.difference'), fen: tieOut.differenceFen, sign: '−' },
    // Refunds tie out the same way, when the day had any.
    ...(tieOut.channelRefundFen
      ? [
          {
            key: 'channelRefund',
            label: t('reconciliation.tieOut.channelRefund'),
            fen: tieOut.channelRefundFen,
            sign: '',
          },
          {
            key: 'refundMatched',
            label: t('reconciliation.tieOut.refundMatched'),
            fen: tieOut.refundMatchedFen ?? 0,
            sign: '−',
          },
          {
            key: 'refundSettledBefore',
            label: t('reconciliation.tieOut.refundSettledBefore'),
            fen: tieOut.refundSettledBeforeFen ?? 0,
            sign: '−',
          },
          {
            key: 'refundDifference',
            label: t('reconciliation.tieOut.refundDifference'),
            fen: tieOut.refundDifferenceFen ?? 0,
            sign: '−',
          },
        ]
      : []),
  ];
  const tiesOut = tieOut.unexplainedFen === 0;
  return (
    <Table
      size="small"
      rowKey="key"
      pagination={false}
      data-testid="run-tieout"
      dataSource={rows}
      columns={[
        { key: 'label', title: t('reconciliation.tieOut.item'), dataIndex: 'label' },
        { key: 'sign', title: '', dataIndex: 'sign', width: 40 },
        {
          key: 'amount',
          title: t('reconciliation.amount'),
          align: 'right',
          width: 200,
          render: (_v, row) => <span data-testid={`tieout-${row.key}`}>{formatFen(row.fen)}</span>,
        },
      ]}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0}>
            <Typography.Text strong>{t('reconciliation.tieOut.unexplained')}</Typography.Text>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={1}>=</Table.Summary.Cell>
          <Table.Summary.Cell index={2} align="right">
            <Space>
              <Tag color={tiesOut ? 'success' : 'error'} data-testid="tieout-status">
                {tiesOut ? t('reconciliation.tieOut.ok') : t('reconciliation.tieOut.broken')}
              </Tag>
              <Typography.Text strong type={tiesOut ? undefined : 'danger'} data-testid="tieout-unexplained">
                {formatFen(tieOut.unexplainedFen)}
              </Typography.Text>
            </Space>
          </Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}

function RepairedTable({ items }: { items: RepairedPayment[] }) {
  const { t } = useI18n();
  const columns: TableColumnType<RepairedPayment>[] = [
    { key: 'lineNo', title: t('reconciliation.lineNo'), dataIndex: 'lineNo', width: 80 },
    {
      key: 'orderNo',
      title: t('paymentOrder.orderNo'),
      render: (_v, row) => (
        <Link to={`/payment-orders?orderNo=${encodeURIComponent(row.orderNo)}`} data-testid="repaired-order">
          {row.orderNo}
        </Link>
      ),
    },
    { key: 'transactionId', title: t('paymentOrder.transactionId'), dataIndex: 'transactionId', ellipsis: true },
    { key: 'amount', title: t('reconciliation.amount'), align: 'right', render: (_v, row) => formatFen(row.amountFen) },
  ];
  return (
    <Table<RepairedPayment>
      size="small"
      rowKey={(row) => row.orderNo}
      pagination={false}
      columns={columns}
      dataSource={items}
      data-testid="run-repaired"
    />
  );
}

export function DifferenceTable({
  items,
  buttons,
}: {
  items: ReconciliationDifference[];
  buttons: (difference: ReconciliationDifference) => ReactNode;
}) {
  const { t } = useI18n();
  const columns: TableColumnType<ReconciliationDifference>[] = [
    { key: 'lineNo', title: t('reconciliation.lineNo'), dataIndex: 'lineNo', width: 70, render: (v) => v ?? '-' },
    { key: 'kind', title: t('reconciliation.kindTitle'), render: (_v, row) => differenceKindLabel(row.kind, t) },
    {
      key: 'orderNo',
      title: t('paymentOrder.orderNo'),
      render: (_v, row) =>
        row.orderNo ? (
          <Link to={`/payment-orders?orderNo=${encodeURIComponent(row.orderNo)}`}>{row.orderNo}</Link>
        ) : (
          (row.refundNo ?? '-')
        ),
    },
    { key: 'transactionId', title: t('paymentOrder.transactionId'), dataIndex: 'transactionId', ellipsis: true },
    {
      key: 'channelAmount',
      title: t('reconciliation.channelAmount'),
      align: 'right',
      render: (_v, row) => fenOrDash(row.channelAmountFen),
    },
    {
      key: 'ourAmount',
      title: t('reconciliation.ourAmount'),
      align: 'right',
      render: (_v, row) => fenOrDash(row.ourAmountFen),
    },
    {
      key: 'status',
      title: t('reconciliation.differenceStatusTitle'),
      render: (_v, row) => (
        <Tag color={differenceStatusBadge(row.status)} data-testid="difference-status">
          {differenceStatusLabel(row.status, t)}
        </Tag>
      ),
    },
    { key: 'note', title: t('reconciliation.note'), dataIndex: 'note', ellipsis: true, render: (v) => v ?? '-' },
    { key: 'actions', title: t('common.actions'), render: (_v, row) => buttons(row) },
  ];
  if (items.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('reconciliation.noDifferences')} />;
  }
  return (
    <Table<ReconciliationDifference>
      size="small"
      rowKey="id"
      pagination={false}
      scroll={{ x: 'max-content' }}
      columns={columns}
      dataSource={items}
      data-testid="run-differences"
      onRow={(row) => ({ 'data-testid': 'difference-row', 'data-kind': row.kind }) as HTMLAttributes<HTMLElement>}
    />
  );
}

export function RunDrawer({
  runId,
  duplicate,
  onClose,
  onChanged,
}: {
  runId: string | null;
  /** The run came back from a new POST as a file imported before. */
  duplicate?: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [reload, setReload] = useState(0);
  const { data: run, error } = useLoaded(runId, reconciliationApi.get, { version: reload });
  const { buttons, modal } = useDifferenceActions(() => {
    setReload((n) => n + 1);
    onChanged();
  });

  const shown = run && run.id === runId ? run : null;
  const entry = useJournalEntry(shown?.settlementEntryId);

  return (
    <Drawer
      title={
        shown
          ? t('reconciliation.runTitle', { channel: providerLabel(shown.channel, t), date: shown.date })
          : t('reconciliation.runTitleEmpty')
      }
      open={runId !== null}
      onClose={onClose}
      size={960}
      data-testid="run-drawer"
      extra={shown && <Tag>{runStatusLabel(shown.status, t)}</Tag>}
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!error && !shown && <Spin style={{ display: 'block', margin: '80px auto' }} />}
      {shown && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="run-detail">
          {duplicate && (
            <Alert
              type="warning"
              showIcon
              data-testid="run-duplicate"
              title={t('reconciliation.duplicate', { time: formatTime(shown.createdAt) })}
            />
          )}
          <Descriptions size="small" column={3} bordered>
            <Descriptions.Item label={t('reconciliation.lines')}>{shown.lines}</Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.payments')}>{shown.payments}</Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.refunds')}>{shown.refunds}</Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.matched')}>
              <span data-testid="run-matched">{shown.matched}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.repaired')}>
              <span data-testid="run-repaired-count">{shown.repaired}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.differences')}>
              <span data-testid="run-difference-count">{shown.differences}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.channelPaid')}>
              {formatFen(shown.channelPaidFen)}
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.channelRefund')}>
              {formatFen(shown.channelRefundFen)}
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.fee')}>{formatFen(shown.channelFeeFen)}</Descriptions.Item>
            {shown.settledRefundFen !== undefined && shown.refunds > 0 && (
              <Descriptions.Item label={t('reconciliation.settledRefund')}>
                {formatFen(shown.settledRefundFen)}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('reconciliation.settledGross')}>
              {formatFen(shown.settledGrossFen)}
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.settledFee')}>
              {formatFen(shown.settledFeeFen)}
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.settledNet')}>
              <span data-testid="run-settled-net">{formatFen(shown.settledNetFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.createdBy')}>
              {shown.createdByName ?? t('reconciliation.system')}
            </Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.createdAt')}>{formatTime(shown.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('reconciliation.fileHash')}>
              <Typography.Text code copyable={{ text: shown.fileHash }}>
                {shown.fileHash.slice(0, 12)}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('reconciliation.tieOut.title')}</Typography.Title>
            {shown.tieOut ? (
              <TieOutTable tieOut={shown.tieOut} />
            ) : (
              <Typography.Text type="secondary">{t('reconciliation.tieOut.unavailable')}</Typography.Text>
            )}
          </div>
          {shown.repairedItems && shown.repairedItems.length > 0 && (
            <div>
              <Typography.Title level={5}>{t('reconciliation.repairedTitle')}</Typography.Title>
              <RepairedTable items={shown.repairedItems} />
            </div>
          )}
          <div>
            <Typography.Title level={5}>{t('reconciliation.differencesTitle')}</Typography.Title>
            <DifferenceTable items={shown.differenceItems} buttons={buttons} />
          </div>
          <div>
            <Typography.Title level={5}>{t('reconciliation.settlementTitle')}</Typography.Title>
            {entry ? (
              <JournalEntries entries={[entry]} testId="run-settlement" />
            ) : (
              <Typography.Text type="secondary">
                {shown.settlementEntryId ? t('reconciliation.settlementPosted') : t('reconciliation.noSettlement')}
              </Typography.Text>
            )}
          </div>
        </Space>
      )}
      {modal}
    </Drawer>
  );
}
