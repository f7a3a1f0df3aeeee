// 缴费记录: what the tenant has paid (online or at the counter), which bills each payment settled, and its receipt.

import { Button, Card, ErrorBlock, PullToRefresh, Toast } from 'antd-mobile';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorDetail } from '../../shared/api.ts';
import { formatFen } from '../../shared/money.ts';
import { PageLoading, PortalPage } from '../components/PortalPage.tsx';
import { PortalTabs } from '../components/PortalTabs.tsx';
import { chinaDateTime, weakText } from '../format.ts';
import { logOut } from '../logout.ts';
import { methodNames } from '../pay.ts';
import { downloadReceipt, type PortalPayment, portalApi, portalTenant } from '../portal-api.ts';

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
  const navigate = useNavigate();
  const [payments, setPayments] = useState<PortalPayment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tenant = portalTenant.get();

  const load = useCallback(async () => {
    try {
      const { items } = await portalApi.payments();
      setPayments(items);
      setError(null);
    } catch (failure) {
      setError(errorDetail(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function logout() {
    await logOut();
    navigate('/login', { replace: true });
  }

  return (
    <PortalPage
      title={tenant?.name ?? '缴费记录'}
      right={
        <Button size="mini" fill="none" onClick={() => void logout()} data-testid="m-logout">
          退出
        </Button>
      }
      data-testid="m-payments"
    >
      <PortalTabs />
      <PullToRefresh onRefresh={load}>
        <div style={{ minHeight: 'calc(100vh - 90px)', paddingBottom: 24 }}>
          {error ? (
            <ErrorBlock status="default" title="缴费记录加载失败" description={error} data-testid="m-error">
              <Button color="primary" size="small" onClick={() => void load()} data-testid="m-retry">
                重试
              </Button>
            </ErrorBlock>
          ) : payments === null ? (
            <PageLoading />
          ) : payments.length === 0 ? (
            <ErrorBlock status="empty" title="暂无缴费记录" description="缴费成功后，这里会显示记录和收据" />
          ) : (
            payments.map((payment) => <PaymentCard key={payment.id} payment={payment} />)
          )}
        </div>
      </PullToRefresh>
    </PortalPage>
  );
}
