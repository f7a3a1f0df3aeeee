// 缴费链接: what a tenant opens from a reminder (SMS or WeChat). No login — the signed link names one bill; the page
// shows it with the penalty and the amount payable today, and 去支付 pays it through the link's own order API.

import { Button, Card, ErrorBlock, List, NavBar, SpinLoading, Tag } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorDetail } from '../../shared/api.ts';
import { formatFen } from '../../shared/money.ts';
import { PayChannelSheet } from '../components/PayChannelSheet.tsx';
import { chinaToday, daysBetween, billKindNames as kindLabels, type TagColor } from '../format.ts';
import { continuePayment, isPhone } from '../pay.ts';
import { newIdempotencyKey, type PayChannel, type PayLinkView, portalApi } from '../portal-api.ts';

function statusOf(bill: PayLinkView['bill']): { text: string; color: TagColor } {
  if (bill.status === 'paid') return { text: '已结清', color: 'success' };
  if (bill.status === 'void') return { text: '已作废', color: 'default' };
  // Days past the due date, as the reminder said (the penalty's own count starts after any grace days).
  if (bill.overdue) return { text: `已逾期 ${daysBetween(bill.dueDate, chinaToday())} 天`, color: 'danger' };
  if (bill.status === 'partial') return { text: '部分缴纳', color: 'warning' };
  return { text: '待缴', color: 'primary' };
}

const errorTitles: Record<number, string> = { 403: '链接无效', 404: '账单不存在', 410: '链接已失效' };

export default function PayLinkPage() {
  const navigate = useNavigate();
  const { token = '' } = useParams();
  const [view, setView] = useState<PayLinkView | null>(null);
  const [error, setError] = useState<{ title: string; detail: string } | null>(null);
  const [choosingChannel, setChoosingChannel] = useState(false);
  // One key per channel: a repeated tap or retry makes one order.
  const orderKeys = useRef(new Map<string, string>());

  async function pay(channel: PayChannel) {
    const key = orderKeys.current.get(channel) ?? newIdempotencyKey();
    orderKeys.current.set(channel, key);
    const order = await portalApi.createPayLinkOrder(token, channel, isPhone(), key);
    continuePayment(order, () => navigate(`/pay/${token}/orders/${order.orderNo}`));
  }

  useEffect(() => {
    let current = true;
    portalApi.payLink(token).then(
      (answer) => current && setView(answer),
      (failure: unknown) => {
        if (!current) return;
        const status = failure instanceof ApiError ? failure.status : 0;
        setError({ title: errorTitles[status] ?? '账单加载失败', detail: errorDetail(failure) });
      },
    );
    return () => {
      current = false;
    };
  }, [token]);

  const page = { minHeight: '100vh', background: 'var(--adm-color-background-secondary, #f5f5f5)' };
  const header = (
    <NavBar back={null} style={{ background: '#fff' }}>
      账单缴费
    </NavBar>
  );
  if (error) {
    return (
      <div style={page}>
        {header}
        <ErrorBlock
          status="default"
          title={error.title}
          description={error.detail}
          style={{ padding: '0 24px' }}
          data-testid="m-pay-error"
        />
      </div>
    );
  }
  if (!view) {
    return (
      <div style={page}>
        {header}
        <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 96 }}>
          <SpinLoading color="primary" />
        </div>
      </div>
    );
  }

  const { bill } = view;
  const status = statusOf(bill);
  const settled = bill.status === 'paid' || bill.payableFen <= 0;
  return (
    <div style={page} data-testid="m-pay">
      {header}
      <Card style={{ margin: '12px 12px 0' }}>
        <div style={{ color: 'var(--adm-color-weak)', fontSize: 14 }}>
          {view.orgName} · {view.tenantName}
        </div>
        <div style={{ color: 'var(--adm-color-weak)', fontSize: 14, marginTop: 12 }}>今日应缴</div>
        <div
          style={{
            fontSize: 32,
            fontWeight: 600,
            marginTop: 4,
            color: bill.overdue ? 'var(--adm-color-danger)' : undefined,
          }}
          data-testid="m-pay-payable"
        >
          {formatFen(bill.payableFen)}
        </div>
        <div style={{ marginTop: 8 }}>
          <Tag color={status.color}>{status.text}</Tag>
        </div>
      </Card>
      <List header="账单信息" style={{ marginTop: 12 }}>
        <List.Item extra={bill.number}>账单编号</List.Item>
        <List.Item extra={kindLabels[bill.kind] ?? bill.kind}>账单类型</List.Item>
        {bill.periodStart && bill.periodEnd && (
          <List.Item extra={`${bill.periodStart} 至 ${bill.periodEnd}`}>账期</List.Item>
        )}
        {bill.description && <List.Item extra={bill.description}>说明</List.Item>}
        <List.Item extra={bill.dueDate}>缴费截止</List.Item>
        <List.Item extra={formatFen(bill.amountFen)}>账单金额</List.Item>
        <List.Item
          extra={
            <span style={{ color: bill.lateFeeFen > 0 ? 'var(--adm-color-danger)' : undefined }}>
              {formatFen(bill.lateFeeFen)}
            </span>
          }
        >
          截至今日违约金
        </List.Item>
        {bill.paidFen > 0 && <List.Item extra={formatFen(bill.paidFen)}>已缴</List.Item>}
        <List.Item extra={<strong>{formatFen(bill.payableFen)}</strong>}>今日应缴</List.Item>
      </List>
      <div style={{ padding: '16px 12px 32px' }}>
        {bill.openOrderNo && !settled && (
          <Button
            block
            size="large"
            fill="outline"
            color="primary"
            onClick={() => navigate(`/pay/${token}/orders/${bill.openOrderNo}`)}
            data-testid="m-pay-open-order"
          >
            查看未完成的支付
          </Button>
        )}
        <Button
          block
          color="primary"
          size="large"
          disabled={settled}
          onClick={() => setChoosingChannel(true)}
          style={{ marginTop: 12 }}
          data-testid="m-pay-button"
        >
          {settled ? '已结清' : `去支付 ${formatFen(bill.payableFen)}`}
        </Button>
        <div style={{ textAlign: 'center', color: 'var(--adm-color-weak)', fontSize: 12, marginTop: 16 }}>
          链接有效期至 {new Date(view.expiresAt).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })}
        </div>
      </div>
      {!settled && (
        <PayChannelSheet
          visible={choosingChannel}
          amountFen={bill.payableFen}
          onClose={() => setChoosingChannel(false)}
          onPay={pay}
        />
      )}
    </div>
  );
}
