// 挂账: money a channel confirmed that matched no order (unknown or closed order, another amount). Finance resolves an
// item by applying it to a tenant's bills (chosen ones, or oldest due first) with a note; the rest becomes an advance.

import { Alert, App, Button, Form, Input, Modal, Select, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { validValues } from '../../components/form-errors.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { RemoteSelect, searchTenants, useUnsettledBills } from '../billing/BillForms.tsx';
import { showMappedErrors } from '../billing/billing-labels.ts';
import { formatTime } from './PaymentOrderDrawer.tsx';
import {
  providerEnum,
  providerLabel,
  resolutionLabel,
  suspenseReasonEnum,
  suspenseReasonLabel,
  suspenseStatusEnum,
} from './payment-labels.ts';
import { type SuspenseItem, suspenseApi } from './payments-api.ts';

interface ResolveValues {
  tenantId: string;
  billIds?: string[];
  note: string;
}

function ResolveModal({
  item,
  onClose,
  onDone,
}: {
  item: SuspenseItem | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ResolveValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tenantId = Form.useWatch('tenantId', form);
  const bills = useUnsettledBills(tenantId);
  const chosen = Form.useWatch('billIds', form) ?? [];
  const chosenFen = bills.filter((bill) => chosen.includes(bill.id)).reduce((sum, bill) => sum + bill.payableFen, 0);

  async function resolve() {
    if (!item) return;
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      await suspenseApi.resolve(item.id, {
        tenantId: values.tenantId,
        billIds: values.billIds?.length ? values.billIds : undefined,
        note: values.note.trim(),
      });
      message.success(t('suspense.resolved', { number: item.number, amount: formatFen(item.amountFen) }));
      onDone();
    } catch (failure) {
      if (!showMappedErrors(form, failure, { tenantId: 'tenantId', billIds: 'billIds', note: 'note' })) {
        setError(errorDetail(failure));
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={item !== null}
      title={item && t('suspense.resolveTitle', { number: item.number, amount: formatFen(item.amountFen) })}
      onOk={resolve}
      onCancel={onClose}
      okText={t('suspense.resolveSubmit')}
      okButtonProps={{ 'data-testid': 'suspense-resolve-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="suspense-resolve-error" />
      )}
      {item && (
        <Typography.Paragraph type="secondary">
          {t('suspense.resolveHint', {
            provider: providerLabel(item.provider, t),
            transaction: item.transactionId,
            reason: suspenseReasonLabel(item.reason, t),
          })}
        </Typography.Paragraph>
      )}
      <Form<ResolveValues>
        form={form}
        name="suspense_resolve"
        layout="vertical"
        preserve={false}
        initialValues={item?.tenantId ? { tenantId: item.tenantId } : {}}
        data-testid="suspense-resolve"
      >
        <Form.Item
          name="tenantId"
          label={t('bill.tenant')}
          rules={[{ required: true, message: t('payment.tenantRequired') }]}
        >
          <RemoteSelect
            search={searchTenants}
            onChange={() => form.setFieldValue('billIds', [])}
            placeholder={t('suspense.tenantPlaceholder')}
          />
        </Form.Item>
        <Form.Item
          name="billIds"
          label={t('payment.bills')}
          extra={
            chosen.length > 0
              ? t('suspense.billsChosen', { payable: formatFen(chosenFen), amount: formatFen(item?.amountFen ?? 0) })
              : t('payment.billsHint')
          }
        >
          <Select
            mode="multiple"
            allowClear
            disabled={!tenantId}
            placeholder={t('payment.billsPlaceholder')}
            options={bills.map((bill) => ({
              value: bill.id,
              label: `${bill.number} · ${bill.dueDate} · ${formatFen(bill.payableFen)}`,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('suspense.note')}
          rules={[{ required: true, whitespace: true, message: t('suspense.noteRequired') }]}
        >
          <Input.TextArea
            maxLength={500}
            autoSize={{ minRows: 2, maxRows: 5 }}
            placeholder={t('suspense.notePlaceholder')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function SuspensePage() {
  const { t } = useI18n();
  const { can } = useSession();
  const canResolve = can('payment:write');
  const list = useRef<ListPageAction>(null);
  const [resolving, setResolving] = useState<SuspenseItem | null>(null);

  const listItems: ListRequest<SuspenseItem> = useCallback((query) => suspenseApi.list(query), []);
  const columns: ListColumn<SuspenseItem>[] = [
    { key: 'number', title: t('suspense.number'), dataIndex: 'number', fixed: 'left' },
    {
      key: 'provider',
      title: t('paymentOrder.providerTitle'),
      dataIndex: 'provider',
      valueEnum: providerEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'amountFen',
      title: t('suspense.amount'),
      render: (item) => <span style={{ whiteSpace: 'nowrap' }}>{formatFen(item.amountFen)}</span>,
    },
    {
      key: 'reason',
      title: t('suspense.reasonTitle'),
      dataIndex: 'reason',
      valueEnum: suspenseReasonEnum(t),
    },
    {
      key: 'orderNo',
      title: t('paymentOrder.orderNo'),
      render: (item) =>
        item.orderNo && item.paymentOrderId ? (
          <Link to={`/payment-orders?orderNo=${encodeURIComponent(item.orderNo)}`}>{item.orderNo}</Link>
        ) : (
          (item.orderNo ?? '-')
        ),
    },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 160 },
    { key: 'transactionId', title: t('paymentOrder.transactionId'), dataIndex: 'transactionId', ellipsis: true },
    { key: 'receivedOn', title: t('suspense.receivedOn'), dataIndex: 'receivedOn' },
    {
      key: 'status',
      title: t('suspense.statusTitle'),
      dataIndex: 'status',
      valueEnum: suspenseStatusEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'resolution',
      title: t('suspense.resolutionTitle'),
      render: (item) =>
        item.resolution
          ? [
              resolutionLabel(item.resolution, t),
              item.resolvedPaymentNumber,
              item.resolvedByName,
              item.resolvedAt && formatTime(item.resolvedAt),
            ]
              .filter(Boolean)
              .join(' · ')
          : '-',
    },
    { key: 'resolutionNote', title: t('suspense.note'), dataIndex: 'resolutionNote', ellipsis: true, width: 180 },
    ...(canResolve
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            fixed: 'right' as const,
            render: (item: SuspenseItem) =>
              item.status === 'open' ? (
                <Button type="link" size="small" onClick={() => setResolving(item)} data-testid="suspense-resolve">
                  {t('suspense.resolve')}
                </Button>
              ) : (
                '-'
              ),
          },
        ]
      : []),
  ];

  return (
    <>
      <ListPage<SuspenseItem>
        title={t('suspense.title')}
        rowKey="id"
        actionRef={list}
        request={listItems}
        columns={columns}
      />
      <ResolveModal
        item={resolving}
        onClose={() => setResolving(null)}
        onDone={() => {
          setResolving(null);
          list.current?.reload();
        }}
      />
    </>
  );
}
