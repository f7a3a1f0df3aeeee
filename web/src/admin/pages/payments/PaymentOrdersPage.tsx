// 支付订单: every online payment order, filtered by status, channel, tenant and the day it was made; ?orderNo=…
// opens its drawer (bills, timeline, 同步状态, 关闭).

import { Button } from 'antd';
import { useCallback, useRef } from 'react';
import { useSearchParams } from 'react-router-dom';
import { formatFen } from '../../../shared/money.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import type { Translate } from '../assets/asset-labels.ts';
import { loadTenantOptions } from '../billing/BillForms.tsx';
import { formatTime, OrderStatus, PaymentOrderDrawer } from './PaymentOrderDrawer.tsx';
import { orderStatusEnum, payChannelEnum, payChannelLabel, providerEnum } from './payment-labels.ts';
import { type PaymentOrder, paymentOrdersApi } from './payments-api.ts';

type Option = { value: string; label: string };

/** Tenants for the filter, loaded once. */
export function useTenantOptions(): Option[] {
  return useLoaded(true, loadTenantOptions).data ?? [];
}

function orderColumns(
  t: Translate,
  tenants: Option[],
  open: (order: PaymentOrder) => void,
): ListColumn<PaymentOrder>[] {
  return [
    {
      key: 'orderNo',
      title: t('paymentOrder.orderNo'),
      fixed: 'left',
      render: (order) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => open(order)}
          data-testid="order-row-number"
        >
          {order.orderNo}
        </Button>
      ),
    },
    {
      key: 'orderNoSearch',
      title: t('paymentOrder.orderNo'),
      hideInTable: true,
      search: { type: 'text', name: 'orderNo', placeholder: t('paymentOrder.orderNoPlaceholder') },
    },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 180 },
    { key: 'tenantId', title: t('bill.tenant'), hideInTable: true, search: { type: 'select', options: tenants } },
    {
      key: 'provider',
      title: t('paymentOrder.providerTitle'),
      dataIndex: 'provider',
      valueEnum: providerEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'channel',
      title: t('paymentOrder.channelTitle'),
      dataIndex: 'channel',
      valueEnum: payChannelEnum(t),
      render: (order) => payChannelLabel(order.channel, t),
      search: { type: 'select' },
    },
    {
      key: 'amountFen',
      title: t('paymentOrder.amount'),
      render: (order) => <span style={{ whiteSpace: 'nowrap' }}>{formatFen(order.amountFen)}</span>,
    },
    {
      key: 'bills',
      title: t('paymentOrder.billCount'),
      render: (order) => String(order.billIds?.length ?? 0),
    },
    {
      key: 'status',
      title: t('paymentOrder.status'),
      dataIndex: 'status',
      valueEnum: orderStatusEnum(t),
      render: (order) => <OrderStatus order={order} />,
      search: { type: 'select' },
    },
    { key: 'createdAt', title: t('paymentOrder.createdAt'), render: (order) => formatTime(order.createdAt) },
    {
      key: 'created',
      title: t('paymentOrder.createdRange'),
      hideInTable: true,
      search: { type: 'dateRange', names: ['from', 'to'] },
    },
    { key: 'paidAt', title: t('paymentOrder.paidAt'), render: (order) => formatTime(order.paidAt) },
    { key: 'transactionId', title: t('paymentOrder.transactionId'), dataIndex: 'transactionId', ellipsis: true },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (order) => (
        <Button type="link" size="small" onClick={() => open(order)} data-testid="order-row-detail">
          {t('common.details')}
        </Button>
      ),
    },
  ];
}

export default function PaymentOrdersPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const list = useRef<ListPageAction>(null);
  const tenants = useTenantOptions();
  const orderNo = params.get('orderNo');
  const open = useCallback((order: { orderNo: string }) => setParams({ orderNo: order.orderNo }), [setParams]);
  const listOrders: ListRequest<PaymentOrder> = useCallback((query) => paymentOrdersApi.list(query), []);

  return (
    <>
      <ListPage<PaymentOrder>
        title={t('paymentOrder.title')}
        rowKey="orderNo"
        actionRef={list}
        request={listOrders}
        columns={orderColumns(t, tenants, open)}
      />
      <PaymentOrderDrawer orderNo={orderNo} onClose={() => setParams({})} onChanged={() => list.current?.reload()} />
    </>
  );
}
