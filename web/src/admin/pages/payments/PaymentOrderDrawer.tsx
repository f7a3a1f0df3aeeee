// 支付订单详情: the order as the channel knows it (merchant, transaction, times), the bills it pays, its timeline, and
// what finance may do with an order still waiting: 同步状态 (ask the channel now; a paid order is posted through the
// same path as a notification) and 关闭 (close it at the channel, releasing its bills).

import { FilePdfOutlined, StopOutlined, SyncOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Modal,
  Space,
  Spin,
  Table,
  type TableColumnType,
  Tag,
  Timeline,
  type TimelineProps,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import type { Translate } from '../assets/asset-labels.ts';
import { downloadFile } from '../assets/files.ts';
import {
  channelStateLabel,
  closeReasonLabel,
  orderEventLabel,
  orderStatusBadge,
  orderStatusLabel,
  payChannelLabel,
  providerLabel,
} from './payment-labels.ts';
import {
  type ChannelStateView,
  type PaymentOrder,
  type PaymentOrderBill,
  type PaymentOrderDetail,
  paymentOrdersApi,
  receiptsApi,
} from './payments-api.ts';

type TimelineItemType = NonNullable<TimelineProps['items']>[number];

export const formatTime = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '-');

export function OrderStatus({ order }: { order: Pick<PaymentOrder, 'status'> }) {
  const { t } = useI18n();
  return (
    <Badge
      status={orderStatusBadge(order.status)}
      text={orderStatusLabel(order.status, t)}
      data-testid="order-status"
    />
  );
}

/** What the channel answered just now, in words: 渠道显示已支付 ¥… (交易号 …). */
function ChannelStateText({ state }: { state: ChannelStateView }) {
  const { t } = useI18n();
  const label = channelStateLabel(state.state, t);
  const facts = [
    state.amountFen !== undefined ? formatFen(state.amountFen) : undefined,
    state.transactionId,
    state.paidAt ? formatTime(state.paidAt) : undefined,
    state.reason,
  ].filter(Boolean);
  return (
    <span data-testid="order-channel-state">
      {label}
      {facts.length > 0 ? `（${facts.join(' · ')}）` : ''}
    </span>
  );
}

function Fields({ order }: { order: PaymentOrderDetail }) {
  const { t } = useI18n();
  return (
    <Descriptions
      data-testid="order-fields"
      bordered
      size="small"
      column={{ xs: 1, md: 2 }}
      items={[
        {
          key: 'orderNo',
          label: t('paymentOrder.orderNo'),
          children: (
            <Typography.Text copyable data-testid="order-no">
              {order.orderNo}
            </Typography.Text>
          ),
        },
        { key: 'status', label: t('paymentOrder.status'), children: <OrderStatus order={order} /> },
        { key: 'tenant', label: t('bill.tenant'), children: order.tenantName },
        {
          key: 'amount',
          label: t('paymentOrder.amount'),
          children: (
            <Typography.Text strong data-testid="order-amount">
              {formatFen(order.amountFen)}
            </Typography.Text>
          ),
        },
        { key: 'provider', label: t('paymentOrder.providerTitle'), children: providerLabel(order.provider, t) },
        { key: 'channel', label: t('paymentOrder.channelTitle'), children: payChannelLabel(order.channel, t) },
        { key: 'merchant', label: t('paymentOrder.merchantId'), children: order.merchantId ?? '-' },
        { key: 'app', label: t('paymentOrder.appId'), children: order.appId ?? '-' },
        {
          key: 'transaction',
          label: t('paymentOrder.transactionId'),
          span: 2,
          children: order.transactionId ? (
            <Typography.Text copyable data-testid="order-transaction">
              {order.transactionId}
            </Typography.Text>
          ) : (
            '-'
          ),
        },
        { key: 'createdAt', label: t('paymentOrder.createdAt'), children: formatTime(order.createdAt) },
        { key: 'expiresAt', label: t('paymentOrder.expiresAt'), children: formatTime(order.expiresAt) },
        { key: 'paidAt', label: t('paymentOrder.paidAt'), children: formatTime(order.paidAt) },
        {
          key: 'createdVia',
          label: t('paymentOrder.createdVia'),
          children: order.createdVia ? t(`paymentOrder.createdVia.${order.createdVia}`) : '-',
        },
        {
          key: 'payment',
          label: t('paymentOrder.payment'),
          children: order.paymentNumber ?? (order.paymentId ? t('paymentOrder.posted') : '-'),
        },
        { key: 'receipt', label: t('paymentOrder.receipt'), children: order.receiptNumber ?? '-' },
        ...(order.closedAt
          ? [
              {
                key: 'closed',
                label: t('paymentOrder.closedAt'),
                span: 2,
                children: `${formatTime(order.closedAt)}${order.closeReason ? ` · ${closeReasonLabel(order.closeReason, t)}` : ''}`,
              },
            ]
          : []),
        ...(order.failureReason
          ? [{ key: 'failure', label: t('paymentOrder.failureReason'), span: 2, children: order.failureReason }]
          : []),
        ...(order.channelState
          ? [
              {
                key: 'channelState',
                label: t('paymentOrder.channelState'),
                span: 2,
                children: <ChannelStateText state={order.channelState} />,
              },
            ]
          : []),
      ]}
    />
  );
}

function Bills({ bills }: { bills: PaymentOrderBill[] }) {
  const { t } = useI18n();
  const columns: TableColumnType<PaymentOrderBill>[] = [
    {
      key: 'number',
      title: t('bill.number'),
      render: (_v, row) => (
        <Link to={`/bills?id=${encodeURIComponent(row.billId)}`} data-testid="order-bill-link">
          {row.billNumber}
        </Link>
      ),
    },
    {
      key: 'period',
      title: t('bill.period'),
      render: (_v, row) => (row.periodStart && row.periodEnd ? `${row.periodStart} ~ ${row.periodEnd}` : '-'),
    },
    { key: 'dueDate', title: t('bill.dueDate'), render: (_v, row) => row.dueDate ?? '-' },
    {
      key: 'amount',
      title: t('paymentOrder.billAmount'),
      align: 'right',
      render: (_v, row) => formatFen(row.amountFen),
    },
    {
      key: 'open',
      title: t('paymentOrder.billHeld'),
      render: (_v, row) => (row.open ? <Tag color="processing">{t('paymentOrder.billHeldYes')}</Tag> : '-'),
    },
  ];
  return (
    <Table<PaymentOrderBill>
      data-testid="order-bills"
      size="small"
      rowKey="billId"
      columns={columns}
      dataSource={bills}
      pagination={false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.none')} /> }}
    />
  );
}

/** The order's steps: the API's events when it lists them, else what the order's own times say. */
export function orderTimeline(order: PaymentOrderDetail, t: Translate): TimelineItemType[] {
  if (order.events && order.events.length > 0) {
    return [...order.events]
      .sort((a, b) => a.at.localeCompare(b.at))
      .map((event, index) => ({
        key: `${event.at}-${index}`,
        color: /paid|succeeded|posted/.test(event.kind) ? 'green' : /fail|reject/.test(event.kind) ? 'red' : 'blue',
        title: formatTime(event.at),
        content: event.detail ? `${orderEventLabel(event.kind, t)}：${event.detail}` : orderEventLabel(event.kind, t),
      }));
  }
  const steps: (TimelineItemType & { at: string })[] = [
    {
      at: order.createdAt,
      color: 'blue',
      content: t('paymentOrder.timeline.created', {
        channel: payChannelLabel(order.channel, t),
        amount: formatFen(order.amountFen),
      }),
    },
  ];
  if (order.lastQueriedAt) {
    steps.push({ at: order.lastQueriedAt, color: 'gray', content: t('paymentOrder.timeline.queried') });
  }
  if (order.paidAt) {
    steps.push({
      at: order.paidAt,
      color: 'green',
      content: t('paymentOrder.timeline.paid', { transaction: order.transactionId ?? '-' }),
    });
  }
  if (order.paymentId) {
    steps.push({
      at: order.paidAt ?? order.createdAt,
      color: 'green',
      content: t('paymentOrder.timeline.posted', {
        payment: order.paymentNumber ?? '-',
        receipt: order.receiptNumber ?? '-',
      }),
    });
  }
  if (order.closedAt) {
    steps.push({
      at: order.closedAt,
      color: 'gray',
      content: t('paymentOrder.timeline.closed', {
        reason: order.closeReason ? closeReasonLabel(order.closeReason, t) : '-',
      }),
    });
  }
  if (order.status === 'failed') {
    steps.push({
      at: order.paidAt ?? order.createdAt,
      color: 'red',
      content: t('paymentOrder.timeline.failed', { reason: order.failureReason ?? '-' }),
    });
  }
  if (order.status === 'created') {
    steps.push({
      at: order.expiresAt,
      color: 'gray',
      loading: true,
      content: t('paymentOrder.timeline.waiting', { time: formatTime(order.expiresAt) }),
    });
  }
  return steps.map(({ at, ...step }, index) => ({ ...step, key: index, title: formatTime(at) }));
}

export function PaymentOrderDrawer({
  orderNo,
  onClose,
  onChanged,
}: {
  orderNo: string | null;
  onClose: () => void;
  /** After 同步状态 or 关闭: the list reloads. */
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const canWrite = can('payment:write');
  const [reload, setReload] = useState(0);
  const { data: detail, error } = useLoaded(orderNo, paymentOrdersApi.get, { version: reload });
  const [busy, setBusy] = useState<'sync' | 'close' | 'receipt' | null>(null);
  const [confirmingClose, setConfirmingClose] = useState(false);

  const shown = detail && detail.orderNo === orderNo ? detail : null;

  async function sync(order: PaymentOrderDetail) {
    setBusy('sync');
    try {
      const answer = await paymentOrdersApi.sync(order.orderNo);
      message.success(
        t('paymentOrder.synced', {
          orderNo: order.orderNo,
          status: orderStatusLabel(answer.status ?? order.status, t),
        }),
      );
      setReload((n) => n + 1);
      onChanged();
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setBusy(null);
    }
  }

  async function close(order: PaymentOrderDetail) {
    setBusy('close');
    try {
      await paymentOrdersApi.close(order.orderNo);
      message.success(t('paymentOrder.closed', { orderNo: order.orderNo }));
      setConfirmingClose(false);
      setReload((n) => n + 1);
      onChanged();
    } catch (failure) {
      message.error(errorDetail(failure));
      setConfirmingClose(false);
      // The channel may have said it was paid meanwhile: show the order as it now is.
      setReload((n) => n + 1);
    } finally {
      setBusy(null);
    }
  }

  async function downloadReceipt(order: PaymentOrderDetail) {
    if (!order.receiptId) return;
    setBusy('receipt');
    try {
      const name = await downloadFile(
        receiptsApi.pdfPath(order.receiptId),
        {},
        `收据-${order.receiptNumber ?? order.orderNo}.pdf`,
      );
      message.success(t('receipt.downloaded', { name }));
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setBusy(null);
    }
  }

  const waiting = shown?.status === 'created';
  const actions = shown && (
    <Space wrap>
      {canWrite && (
        <Button
          icon={<SyncOutlined />}
          loading={busy === 'sync'}
          disabled={!waiting}
          title={waiting ? t('paymentOrder.syncHint') : t('paymentOrder.notWaiting')}
          onClick={() => sync(shown)}
          data-testid="order-sync"
        >
          {t('paymentOrder.sync')}
        </Button>
      )}
      {canWrite && (
        <Button
          danger
          icon={<StopOutlined />}
          disabled={!waiting}
          title={waiting ? undefined : t('paymentOrder.notWaiting')}
          onClick={() => setConfirmingClose(true)}
          data-testid="order-close"
        >
          {t('paymentOrder.close')}
        </Button>
      )}
      {shown.receiptId && (
        <Button
          icon={<FilePdfOutlined />}
          loading={busy === 'receipt'}
          onClick={() => downloadReceipt(shown)}
          data-testid="order-receipt"
        >
          {t('receipt.download')}
        </Button>
      )}
    </Space>
  );

  return (
    <Drawer
      title={shown ? `${t('paymentOrder.detailTitle')} ${shown.orderNo}` : t('paymentOrder.detailTitle')}
      open={orderNo !== null}
      onClose={onClose}
      size={880}
      data-testid="order-drawer"
      extra={shown && <OrderStatus order={shown} />}
      footer={actions}
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!error && !shown && <Spin style={{ display: 'block', margin: '80px auto' }} />}
      {shown && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Fields order={shown} />
          <div>
            <Typography.Title level={5}>{t('paymentOrder.bills')}</Typography.Title>
            <Bills bills={shown.bills ?? []} />
          </div>
          <div>
            <Typography.Title level={5}>{t('paymentOrder.timeline')}</Typography.Title>
            <Timeline data-testid="order-timeline" items={orderTimeline(shown, t)} />
          </div>
        </Space>
      )}
      <Modal
        open={confirmingClose && shown !== null}
        title={shown && t('paymentOrder.closeTitle', { orderNo: shown.orderNo })}
        okText={t('paymentOrder.close')}
        okButtonProps={{ danger: true, 'data-testid': 'order-close-ok' }}
        cancelText={t('common.cancel')}
        confirmLoading={busy === 'close'}
        onOk={() => shown && close(shown)}
        onCancel={() => setConfirmingClose(false)}
      >
        {shown && (
          <Typography.Paragraph>
            {t('paymentOrder.closeHint', { tenant: shown.tenantName, amount: formatFen(shown.amountFen) })}
          </Typography.Paragraph>
        )}
      </Modal>
    </Drawer>
  );
}
