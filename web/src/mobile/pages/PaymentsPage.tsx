// 缴费记录: what the tenant has paid (online or at the counter), which bills each payment settled, and its receipt.

import { Button, Card, Toast } from 'antd-mobile';
import { useState } from 'react';
import { errorDetail } from '../../shared/api.ts';
import { formatFen } from '../../shared/money.ts';
import { PortalHistory } from '../components/PortalHistory.tsx';
import { chinaDateTime, weakText } from '../format.ts';
import { methodNames } from '../pay.ts';
import { downloadReceipt, type PortalPayment, portalApi } from '../portal-api.ts';

const row = { display: 'flex', justifyContent: 'space-between', padding: '3px 0', fontSize: 14, gap: 12 } as const;

function paidOn(payment: PortalPayment): string {
  if (payment.paidAt) return chinaDateTime(payment.paidAt);
  return payment.receivedOn ?? (payment.createdAt ? chinaDateTime(payment.createdAt) : '');
}

function PaymentCard({ payment }: { payment: PortalPayment }) {
  const [downloading, setDownloading] = useState(false);
  const receiptId = payment.receiptId;

  async function download(id: string) {
    setDownloading(true);
    try {
      await downloadReceipt(id, `收据-${payment.receiptNumber ?? payment.id}.pdf`);
    } catch (failure) {
      Toast.show({ icon: 'fail', content: errorDetail(failure) });
    } finally {
      setDownloading(false);
    }
  }

  return (
    <Card
      style={{ margin: '12px 12px 0' }}
      title={payment.methodName ?? methodNames[payment.method] ?? payment.method}
      extra={<strong style={{ fontSize: 17 }}>{formatFen(payment.amountFen)}</strong>}
      data-testid="m-payment"
      data-payment-id={payment.id}
      data-order-no={payment.paymentOrderNo ?? undefined}
    >
      <div style={row}>
        <span style={weakText}>缴费时间</span>
        <span>{paidOn(payment)}</span>
      </div>
      {payment.paymentOrderNo && (
        <div style={row}>
          <span style={weakText}>订单号</span>
          <span style={{ wordBreak: 'break-all', textAlign: 'right' }}>{payment.paymentOrderNo}</span>
        </div>
      )}
      {(payment.advanceFen ?? 0) > 0 && (
        <div style={row}>
          <span style={weakText}>转为预收款</span>
          <span>{formatFen(payment.advanceFen ?? 0)}</span>
        </div>
      )}
      {(payment.allocations ?? []).map((allocation) => (
        <div style={row} key={allocation.billId} data-testid="m-payment-bill">
          <span style={weakText}>
            {allocation.item ?? '账单'}
            {allocation.billNumber && <span style={{ display: 'block', fontSize: 12 }}>{allocation.billNumber}</span>}
          </span>
          <span>
            {formatFen(allocation.amountFen ?? (allocation.principalFen ?? 0) + (allocation.lateFeeFen ?? 0))}
          </span>
        </div>
      ))}
      <div style={{ ...row, alignItems: 'center', marginTop: 4 }}>
        <span style={weakText}>{payment.receiptNumber ? `收据 ${payment.receiptNumber}` : '收据开具中'}</span>
        {receiptId && (
          <Button
            size="small"
            color="primary"
            fill="outline"
            loading={downloading}
            onClick={() => void download(receiptId)}
            data-testid="m-payment-receipt"
          >
            下载收据
          </Button>
        )}
      </div>
    </Card>
  );
}

export default function PaymentsPage() {
  return (
    <PortalHistory<PortalPayment>
      title="缴费记录"
      testId="m-payments"
      load={portalApi.payments}
      failedTitle="缴费记录加载失败"
      empty={{ title: '暂无缴费记录', description: '缴费成功后，这里会显示记录和收据' }}
      card={(payment) => <PaymentCard payment={payment} />}
    />
  );
}
