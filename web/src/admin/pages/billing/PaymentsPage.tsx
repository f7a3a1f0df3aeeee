// 收款: payments received (offline and online), by tenant and date, and 登记收款 for an offline one.

import { PlusOutlined } from '@ant-design/icons';
import { Button, Space, Tag, Tooltip } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { formatFen } from '../../../shared/money.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { loadTenantOptions, PaymentModal } from './BillForms.tsx';
import { type Payment, paymentsApi } from './billing-api.ts';
import { methodEnum } from './billing-labels.ts';

export default function PaymentsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const list = useRef<ListPageAction>(null);
  const [recording, setRecording] = useState(false);
  const tenants = useLoaded(true, loadTenantOptions).data ?? [];

  const listPayments: ListRequest<Payment> = useCallback((query) => paymentsApi.list(query), []);
  const columns: ListColumn<Payment>[] = [
    { key: 'number', title: t('payment.number'), dataIndex: 'number', fixed: 'left' },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 180 },
    { key: 'tenantId', title: t('bill.tenant'), hideInTable: true, search: { type: 'select', options: tenants } },
    {
      key: 'method',
      title: t('payment.method'),
      dataIndex: 'method',
      valueEnum: methodEnum(t),
      search: { type: 'select' },
    },
    { key: 'amountFen', title: t('payment.amount'), render: (payment) => formatFen(payment.amountFen) },
    {
      key: 'advanceFen',
      title: t('payment.advance'),
      render: (payment) => (payment.advanceFen ? formatFen(payment.advanceFen) : '-'),
    },
    { key: 'receivedOn', title: t('payment.receivedOn'), dataIndex: 'receivedOn' },
    {
      key: 'received',
      title: t('payment.receivedOn'),
      hideInTable: true,
      search: { type: 'dateRange', names: ['from', 'to'] },
    },
    { key: 'reference', title: t('payment.reference'), dataIndex: 'reference' },
    {
      key: 'allocations',
      title: t('payment.appliedTo'),
      render: (payment) =>
        payment.allocations.length === 0 ? (
          '-'
        ) : (
          <Space size={4} wrap>
            {payment.allocations.map((allocation) => (
              <Tooltip
                key={allocation.billId}
                title={`${t('payment.principal')} ${formatFen(allocation.principalFen)} · ${t('payment.lateFee')} ${formatFen(allocation.lateFeeFen)}`}
              >
                <Tag>{allocation.billNumber}</Tag>
              </Tooltip>
            ))}
          </Space>
        ),
    },
    { key: 'recordedByName', title: t('payment.recordedBy'), dataIndex: 'recordedByName' },
    { key: 'createdAt', title: t('payment.createdAt'), dataIndex: 'createdAt', valueType: 'dateTime' },
  ];

  return (
    <>
      <ListPage<Payment>
        title={t('payment.title')}
        rowKey="id"
        actionRef={list}
        request={listPayments}
        columns={columns}
        toolbar={
          can('payment:write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setRecording(true)}
              data-testid="payment-create"
            >
              {t('payment.record')}
            </Button>
          )
        }
      />
      <PaymentModal
        open={recording}
        onClose={() => setRecording(false)}
        onDone={() => {
          setRecording(false);
          list.current?.reload();
        }}
      />
    </>
  );
}
