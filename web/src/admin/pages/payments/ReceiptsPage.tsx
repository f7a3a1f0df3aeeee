// 收据: every receipt issued for a payment (online or offline), by tenant, day and status, each as its PDF.

import { FilePdfOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { type ListColumn, ListPage, type ListRequest } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';
import { downloadFile } from '../assets/files.ts';
import { methodLabel } from '../billing/billing-labels.ts';
import { useTenantOptions } from './PaymentOrdersPage.tsx';
import { receiptStatusEnum } from './payment-labels.ts';
import { type Receipt, receiptsApi } from './payments-api.ts';

export default function ReceiptsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const tenants = useTenantOptions();
  const [downloading, setDownloading] = useState<string | null>(null);

  async function download(receipt: Receipt) {
    setDownloading(receipt.id);
    try {
      const name = await downloadFile(receiptsApi.pdfPath(receipt.id), {}, `收据-${receipt.number}.pdf`);
      message.success(t('receipt.downloaded', { name }));
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setDownloading(null);
    }
  }

  const listReceipts: ListRequest<Receipt> = useCallback((query) => receiptsApi.list(query), []);
  const columns: ListColumn<Receipt>[] = [
    { key: 'number', title: t('receipt.number'), dataIndex: 'number', fixed: 'left' },
    {
      key: 'numberSearch',
      title: t('receipt.number'),
      hideInTable: true,
      search: { type: 'text', name: 'number', placeholder: t('receipt.numberPlaceholder') },
    },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 180 },
    { key: 'tenantId', title: t('bill.tenant'), hideInTable: true, search: { type: 'select', options: tenants } },
    {
      key: 'amountFen',
      title: t('receipt.amount'),
      render: (receipt) => <span style={{ whiteSpace: 'nowrap' }}>{formatFen(receipt.amountFen)}</span>,
    },
    {
      key: 'method',
      title: t('payment.method'),
      render: (receipt) => (receipt.method ? methodLabel(receipt.method, t) : '-'),
    },
    { key: 'paymentNumber', title: t('payment.number'), dataIndex: 'paymentNumber' },
    { key: 'reference', title: t('payment.reference'), dataIndex: 'reference', ellipsis: true },
    {
      key: 'paymentOrderNo',
      title: t('paymentOrder.orderNo'),
      render: (receipt) =>
        receipt.paymentOrderNo ? (
          <Link to={`/payment-orders?orderNo=${encodeURIComponent(receipt.paymentOrderNo)}`}>
            {receipt.paymentOrderNo}
          </Link>
        ) : (
          '-'
        ),
    },
    { key: 'issuedOn', title: t('receipt.issuedOn'), dataIndex: 'issuedOn' },
    {
      key: 'issued',
      title: t('receipt.issuedOn'),
      hideInTable: true,
      search: { type: 'dateRange', names: ['from', 'to'] },
    },
    {
      key: 'status',
      title: t('receipt.statusTitle'),
      dataIndex: 'status',
      valueEnum: receiptStatusEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (receipt) => (
        <Button
          type="link"
          size="small"
          icon={<FilePdfOutlined />}
          loading={downloading === receipt.id}
          onClick={() => download(receipt)}
          data-testid="receipt-pdf"
        >
          {t('receipt.pdf')}
        </Button>
      ),
    },
  ];

  return <ListPage<Receipt> title={t('receipt.title')} rowKey="id" request={listReceipts} columns={columns} />;
}
