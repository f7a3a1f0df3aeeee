// A payment order as the tenant follows it: the QR code with its countdown while unpaid (desktop), 继续支付 for the
// channel pages (phone), and the outcome — 缴费成功 with the receipt, or why it closed. Serves both the logged-in
// portal (/m/orders/:orderNo) and a pay link (/m/pay/:token/orders/:orderNo), which polls through the link's token.

import { Button, Card, ErrorBlock, List, NoticeBar, Result, Toast } from 'antd-mobile';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorDetail } from '../../shared/api.ts';
import { formatFen } from '../../shared/money.ts';
import { PayQrCode } from '../components/PayQrCode.tsx';
import { PageLoading, PortalPage } from '../components/PortalPage.tsx';
import { billPeriod, chinaDateTime, weakText } from '../format.ts';
import { channelNames, continuePayment, rememberedOrders } from '../pay.ts';
import { type CreatedPaymentOrder, downloadReceipt, type PaymentOrderView, portalApi } from '../portal-api.ts';

/** How often the page asks while the order is unpaid; the server asks the channel itself at most every few seconds. */
const POLL_MILLISECONDS = 2000;

const closeReasons: Record<string, string> = {
  expired: '支付超时，订单已关闭。如需缴费请重新下单。',
  replaced: '您已为这些账单发起了新的支付，本订单已关闭。',
  cancelled: '订单已取消。',
  bill_settled: '账单已结清，本订单已关闭。',
};

function useCountdown(expiresAt: string | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!expiresAt) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  if (!expiresAt) return null;
  return Math.max(0, Math.floor((Date.parse(expiresAt) - now) / 1000));
}

/** The pay action and cashier link of an order answer, without the fields it leaves out. */
function pick(source: Partial<CreatedPaymentOrder> | null): Partial<CreatedPaymentOrder> {
  const action: Partial<CreatedPaymentOrder> = {};
  if (source?.codeUrl) action.codeUrl = source.codeUrl;
  if (source?.payUrl) action.payUrl = source.payUrl;
  if (source?.payForm) action.payForm = source.payForm;
  if (source?.simulatorCashierUrl) action.simulatorCashierUrl = source.simulatorCashierUrl;
  return action;
}

function formatSeconds(total: number): string {
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

/** Asks for the order until the channel has said how it ended. */
function usePaymentOrder(load: () => Promise<PaymentOrderView>) {
  const [order, setOrder] = useState<PaymentOrderView | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const askNow = useRef<() => void>(() => {});

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asking = false;
    const ask = async () => {
      // One question at a time: 我已完成支付 during a poll does not start a second loop.
      if (asking) return;
      asking = true;
      clearTimeout(timer);
      try {
        const answer = await load();
        if (!current) return;
        setOrder(answer);
        setError(null);
        if (answer.status === 'created') timer = setTimeout(ask, POLL_MILLISECONDS);
      } catch (failure) {
        if (!current) return;
        const gone = failure instanceof ApiError && [401, 403, 404, 410].includes(failure.status);
        setError(failure instanceof Error ? failure : new Error(String(failure)));
        // A network hiccup: keep asking, a little slower.
        if (!gone) timer = setTimeout(ask, POLL_MILLISECONDS * 2);
      } finally {
        asking = false;
      }
    };
    askNow.current = () => void ask();
    void ask();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [load]);

  return { order, error, refresh: () => askNow.current() };
}

function OrderBills({ order }: { order: PaymentOrderView }) {
  if (!order.bills || order.bills.length === 0) return null;
  return (
    <List header="缴费账单" style={{ marginTop: 12 }} data-testid="m-order-bills">
      {order.bills.map((bill) => (
        <List.Item key={bill.id} description={billPeriod(bill)} extra={bill.amountFen ? formatFen(bill.amountFen) : ''}>
          {bill.number ?? bill.id}
        </List.Item>
      ))}
    </List>
  );
}

function ReceiptActions({ order, payLinkMode }: { order: PaymentOrderView; payLinkMode: boolean }) {
  const [downloading, setDownloading] = useState(false);
  if (payLinkMode) {
    if (order.receiptVerifyCode) {
      return (
        <Link to={`/receipts/${order.receiptVerifyCode}`} data-testid="m-order-receipt-verify">
          <Button block size="large" fill="outline" color="primary">
            查看电子收据
          </Button>
        </Link>
      );
    }
    return (
      <div style={{ ...weakText, fontSize: 13, textAlign: 'center' }}>登录承租方缴费页面后可在「缴费记录」下载收据</div>
    );
  }
  if (!order.receiptId) {
    return <div style={{ ...weakText, fontSize: 13, textAlign: 'center' }}>收据正在开具，稍后可在「缴费记录」下载</div>;
  }
  const receiptId = order.receiptId;
  async function download() {
    setDownloading(true);
    try {
      await downloadReceipt(receiptId, `收据-${order.receiptNumber ?? order.orderNo}.pdf`);
    } catch (failure) {
      Toast.show({ icon: 'fail', content: errorDetail(failure) });
    } finally {
      setDownloading(false);
    }
  }
  return (
    <Button
      block
      size="large"
      color="primary"
      fill="outline"
      loading={downloading}
      onClick={() => void download()}
      data-testid="m-order-receipt"
    >
      下载收据{order.receiptNumber ? `（${order.receiptNumber}）` : ''}
    </Button>
  );
}

function WaitingForPayment({
  order,
  onRefresh,
  onRestart,
}: {
  order: PaymentOrderView;
  onRefresh: () => void;
  onRestart: () => void;
}) {
  // The server repeats the pay action while the order is payable; this tab's copy covers an older server answer.
  const remembered = rememberedOrders.get(order.orderNo);
  const created: CreatedPaymentOrder = {
    orderNo: order.orderNo,
    amountFen: order.amountFen,
    channel: order.channel,
    expiresAt: order.expiresAt ?? remembered?.expiresAt ?? '',
    ...pick(remembered),
    ...pick(order),
  };
  const secondsLeft = useCountdown(created.expiresAt || undefined);
  const expired = secondsLeft === 0;

  return (
    <>
      <Card style={{ margin: '12px 12px 0', textAlign: 'center' }} data-testid="m-order-waiting">
        <div style={{ ...weakText, fontSize: 14 }}>{channelNames[order.channel] ?? order.channel} · 待支付</div>
        <div style={{ fontSize: 32, fontWeight: 600, margin: '4px 0 12px' }} data-testid="m-order-amount">
          {formatFen(order.amountFen)}
        </div>
        {created.codeUrl && !expired && (
          <>
            <PayQrCode text={created.codeUrl} />
            <div style={{ marginTop: 8, fontSize: 14 }}>
              请用{order.channel.startsWith('alipay') ? '支付宝' : '微信'}扫一扫完成支付
            </div>
          </>
        )}
        {secondsLeft !== null && (
          <div style={{ marginTop: 8, fontSize: 14, color: expired ? 'var(--adm-color-danger)' : undefined }}>
            {expired ? (
              <span data-testid="m-order-expired">支付已超时，请重新下单</span>
            ) : (
              <>
                剩余支付时间 <strong data-testid="m-order-countdown">{formatSeconds(secondsLeft)}</strong>
              </>
            )}
          </div>
        )}
        <div style={{ ...weakText, fontSize: 12, marginTop: 8 }}>订单号 {order.orderNo}</div>
      </Card>
      {created.simulatorCashierUrl && !expired && (
        <NoticeBar
          color="info"
          wrap
          style={{ margin: '12px 12px 0' }}
          content={
            <span>
              测试环境：没有真实的支付渠道，可打开{' '}
              <a href={created.simulatorCashierUrl} target="_blank" rel="noreferrer" data-testid="m-sim-cashier">
                模拟收银台
              </a>{' '}
              完成这笔支付。
            </span>
          }
        />
      )}
      <div style={{ padding: '16px 12px', display: 'grid', gap: 12 }}>
        {!expired && (created.payUrl || created.payForm) && (
          <Button
            block
            size="large"
            color="primary"
            onClick={() => continuePayment(created, () => {})}
            data-testid="m-order-continue"
          >
            继续支付
          </Button>
        )}
        {!expired && (
          <Button block size="large" onClick={onRefresh} data-testid="m-order-refresh">
            我已完成支付
          </Button>
        )}
        {expired && (
          <Button block size="large" color="primary" onClick={onRestart} data-testid="m-order-restart">
            重新下单
          </Button>
        )}
        <Button block size="large" fill="none" onClick={onRestart} data-testid="m-order-back">
          返回账单
        </Button>
      </div>
    </>
  );
}

function OrderOutcome({
  order,
  payLinkMode,
  onBack,
}: {
  order: PaymentOrderView;
  payLinkMode: boolean;
  onBack: () => void;
}) {
  const backLabel = payLinkMode ? '返回账单' : '返回我的账单';
  if (order.status === 'succeeded') {
    return (
      <div data-testid="m-order-succeeded">
        <Result
          status="success"
          title="缴费成功"
          description={
            <span>
              <strong style={{ fontSize: 24, color: 'var(--adm-color-text)' }} data-testid="m-order-amount">
                {formatFen(order.amountFen)}
              </strong>
              <br />
              {channelNames[order.channel] ?? order.channel}
              {order.paidAt ? ` · ${chinaDateTime(order.paidAt)}` : ''}
            </span>
          }
        />
        <OrderBills order={order} />
        <div style={{ padding: '16px 12px', display: 'grid', gap: 12 }}>
          <ReceiptActions order={order} payLinkMode={payLinkMode} />
          <Button block size="large" color="primary" onClick={onBack} data-testid="m-order-done">
            {backLabel}
          </Button>
        </div>
      </div>
    );
  }
  const failed = order.status === 'failed';
  const refunded = order.status === 'refunding' || order.status === 'refunded';
  const title = failed ? '支付未入账' : refunded ? '已退款' : '订单已关闭';
  const description = failed
    ? '款项与订单不符等原因未能自动入账，我们会核对后处理，如有疑问请联系物业。'
    : refunded
      ? '这笔支付已退回原支付账户。'
      : (closeReasons[order.closeReason ?? ''] ?? '订单已关闭，未扣款。如需缴费请重新下单。');
  return (
    <div data-testid={`m-order-${order.status}`}>
      <Result status={failed ? 'error' : 'info'} title={title} description={description} />
      <OrderBills order={order} />
      <div style={{ padding: '16px 12px' }}>
        <Button block size="large" color="primary" onClick={onBack} data-testid="m-order-done">
          {backLabel}
        </Button>
      </div>
    </div>
  );
}

export default function OrderPage() {
  const navigate = useNavigate();
  const { orderNo = '', token } = useParams();
  const payLinkMode = token !== undefined;
  const load = useCallback(
    () => (token !== undefined ? portalApi.payLinkOrder(token, orderNo) : portalApi.order(orderNo)),
    [token, orderNo],
  );
  const { order, error, refresh } = usePaymentOrder(load);
  const home = payLinkMode ? `/pay/${token}` : '/';
  const goHome = () => navigate(home, { replace: true });

  let body: ReactNode;
  if (!order && error) {
    const missing = error instanceof ApiError && error.status === 404;
    body = (
      <ErrorBlock
        status="default"
        title={missing ? '订单不存在' : '订单加载失败'}
        description={missing ? '请返回账单重新发起支付' : errorDetail(error)}
        style={{ padding: '0 24px' }}
        data-testid="m-order-error"
      >
        <Button color="primary" onClick={goHome} data-testid="m-order-home">
          返回账单
        </Button>
      </ErrorBlock>
    );
  } else if (!order) {
    body = <PageLoading />;
  } else if (order.status === 'created') {
    body = <WaitingForPayment order={order} onRefresh={refresh} onRestart={goHome} />;
  } else {
    body = <OrderOutcome order={order} payLinkMode={payLinkMode} onBack={goHome} />;
  }

  return (
    <PortalPage title="支付结果" onBack={goHome} data-testid="m-order">
      {body}
    </PortalPage>
  );
}
