// 待缴账单: the tenant's unsettled bills first (each with today's penalty), several chosen and paid in one order.

import { Button, Card, Checkbox, ErrorBlock, PullToRefresh, SafeArea, Tag } from 'antd-mobile';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, errorDetail } from '../../shared/api.ts';
import { formatFen } from '../../shared/money.ts';
import { PayChannelSheet } from '../components/PayChannelSheet.tsx';
import { PageLoading, PortalPage } from '../components/PortalPage.tsx';
import { PortalTabs } from '../components/PortalTabs.tsx';
import { billKindNames, billPeriod, type TagColor, weakText } from '../format.ts';
import { logOut } from '../logout.ts';
import { continuePayment, isPhone } from '../pay.ts';
import {
  type CreatedPaymentOrder,
  newIdempotencyKey,
  type PayChannel,
  type PortalBill,
  portalApi,
  portalTenant,
} from '../portal-api.ts';

/** A bill the tenant can pay now: issued, not settled, something payable today. */
export function isPayable(bill: PortalBill): boolean {
  return (bill.status === 'open' || bill.status === 'partial') && bill.payableFen > 0;
}

function statusOf(bill: PortalBill): { text: string; color: TagColor } {
  if (bill.status === 'paid') return { text: '已结清', color: 'success' };
  if (bill.status === 'void') return { text: '已作废', color: 'default' };
  if (bill.overdueDays > 0) return { text: `已逾期 ${bill.overdueDays} 天`, color: 'danger' };
  if (bill.status === 'partial') return { text: '部分缴纳', color: 'warning' };
  return { text: '待缴', color: 'primary' };
}

const row = { display: 'flex', justifyContent: 'space-between', padding: '3px 0', fontSize: 14 } as const;

function BillCard({
  bill,
  selected,
  onToggle,
  onOpenOrder,
}: {
  bill: PortalBill;
  selected: boolean;
  onToggle: () => void;
  onOpenOrder: (orderNo: string) => void;
}) {
  const status = statusOf(bill);
  const kind = bill.kind ? (billKindNames[bill.kind] ?? bill.kind) : '账单';
  return (
    <Card
      data-testid="m-bill"
      data-bill-id={bill.id}
      data-bill-number={bill.number}
      onClick={onToggle}
      style={{
        margin: '12px 12px 0',
        outline: selected ? '2px solid var(--adm-color-primary)' : undefined,
      }}
      title={
        <span style={{ display: 'flex', alignItems: 'center', gap: 8, fontWeight: 400 }}>
          <Checkbox
            checked={selected}
            onClick={(event) => event.stopPropagation()}
            onChange={onToggle}
            data-testid="m-bill-select"
            aria-label={`选择账单 ${bill.number ?? bill.id}`}
          />
          <span style={{ fontSize: 15 }}>
            {kind} {billPeriod(bill)}
          </span>
        </span>
      }
      extra={<Tag color={status.color}>{status.text}</Tag>}
    >
      {bill.number && (
        <div style={row}>
          <span style={weakText}>账单编号</span>
          <span data-testid="m-bill-number">{bill.number}</span>
        </div>
      )}
      <div style={row}>
        <span style={weakText}>账单金额</span>
        <span>{formatFen(bill.amountFen)}</span>
      </div>
      {(bill.paidFen ?? 0) > 0 && (
        <div style={row}>
          <span style={weakText}>已缴</span>
          <span>{formatFen(bill.paidFen ?? 0)}</span>
        </div>
      )}
      {bill.lateFeeTodayFen > 0 && (
        <div style={row}>
          <span style={weakText}>截至今日违约金</span>
          <span style={{ color: 'var(--adm-color-danger)' }} data-testid="m-bill-late-fee">
            {formatFen(bill.lateFeeTodayFen)}
          </span>
        </div>
      )}
      <div style={row}>
        <span style={weakText}>缴费截止</span>
        <span>{bill.dueDate}</span>
      </div>
      <div style={{ ...row, alignItems: 'baseline' }}>
        <span style={weakText}>今日应缴</span>
        <strong style={{ fontSize: 18, color: 'var(--adm-color-danger)' }} data-testid="m-bill-payable">
          {formatFen(bill.payableFen)}
        </strong>
      </div>
      {bill.openOrderNo && (
        <div style={{ ...row, alignItems: 'center' }}>
          <span style={{ color: 'var(--adm-color-warning)', fontSize: 13 }}>有一笔支付尚未完成</span>
          <Button
            size="mini"
            color="primary"
            fill="outline"
            onClick={(event) => {
              event.stopPropagation();
              onOpenOrder(bill.openOrderNo!);
            }}
            data-testid="m-bill-open-order"
          >
            查看支付
          </Button>
        </div>
      )}
    </Card>
  );
}

function SettledBill({ bill }: { bill: PortalBill }) {
  const status = statusOf(bill);
  const kind = bill.kind ? (billKindNames[bill.kind] ?? bill.kind) : '账单';
  return (
    <div
      data-testid="m-bill-settled"
      data-bill-id={bill.id}
      style={{ ...row, padding: '12px 16px', background: '#fff', borderBottom: '1px solid var(--adm-color-border)' }}
    >
      <span>
        <span style={{ display: 'block' }}>
          {kind} {billPeriod(bill)}
        </span>
        <span style={{ ...weakText, fontSize: 12 }}>{bill.number}</span>
      </span>
      <span style={{ textAlign: 'right' }}>
        <span style={{ display: 'block' }}>{formatFen(bill.amountFen)}</span>
        <Tag color={status.color} fill="outline">
          {status.text}
        </Tag>
      </span>
    </div>
  );
}

export default function BillsPage() {
  const navigate = useNavigate();
  const [bills, setBills] = useState<PortalBill[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [choosingChannel, setChoosingChannel] = useState(false);
  // One key per (bills, channel): a repeated tap or retry makes one order.
  const orderKeys = useRef(new Map<string, string>());
  const tenant = portalTenant.get();

  const load = useCallback(async () => {
    try {
      const { items } = await portalApi.bills();
      setBills(items);
      setError(null);
      // A bill settled meanwhile cannot stay chosen.
      setSelected((chosen) => new Set(items.filter((bill) => isPayable(bill) && chosen.has(bill.id)).map((b) => b.id)));
    } catch (failure) {
      setError(errorDetail(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const payable = useMemo(() => (bills ?? []).filter(isPayable), [bills]);
  const settled = useMemo(() => (bills ?? []).filter((bill) => !isPayable(bill)), [bills]);
  // Sums in BigInt: integer fen stay exact however many bills there are.
  const owedFen = payable.reduce((sum, bill) => sum + BigInt(bill.payableFen), 0n);
  const chosenFen = payable.filter((bill) => selected.has(bill.id)).reduce((s, b) => s + BigInt(b.payableFen), 0n);
  const allChosen = payable.length > 0 && payable.every((bill) => selected.has(bill.id));

  function toggle(billId: string) {
    setSelected((chosen) => {
      const next = new Set(chosen);
      if (next.has(billId)) next.delete(billId);
      else next.add(billId);
      return next;
    });
  }

  function toggleAll() {
    setSelected(allChosen ? new Set() : new Set(payable.map((bill) => bill.id)));
  }

  async function pay(channel: PayChannel) {
    const billIds = payable.filter((bill) => selected.has(bill.id)).map((bill) => bill.id);
    const attempt = `${channel}:${billIds.join(',')}`;
    const key = orderKeys.current.get(attempt) ?? newIdempotencyKey();
    orderKeys.current.set(attempt, key);
    let order: CreatedPaymentOrder;
    try {
      order = await portalApi.createOrder(billIds, channel, isPhone(), key);
    } catch (failure) {
      // 409: a bill was paid or settled meanwhile (e.g. an earlier payment just arrived): show the bills as they are.
      if (failure instanceof ApiError && failure.status === 409) void load();
      throw failure;
    }
    continuePayment(order, () => navigate(`/orders/${order.orderNo}`));
  }

  async function logout() {
    await logOut();
    navigate('/login', { replace: true });
  }

  return (
    <PortalPage
      title={tenant?.name ?? '我的账单'}
      right={
        <Button size="mini" fill="none" onClick={() => void logout()} data-testid="m-logout">
          退出
        </Button>
      }
      data-testid="m-bills"
    >
      <PortalTabs />
      <PullToRefresh onRefresh={load}>
        <div style={{ minHeight: 'calc(100vh - 90px)', paddingBottom: payable.length > 0 ? 96 : 24 }}>
          {error ? (
            <ErrorBlock status="default" title="账单加载失败" description={error} data-testid="m-error">
              <Button color="primary" size="small" onClick={() => void load()} data-testid="m-retry">
                重试
              </Button>
            </ErrorBlock>
          ) : bills === null ? (
            <PageLoading />
          ) : (
            <>
              <Card style={{ margin: '12px 12px 0' }} data-testid="m-outstanding">
                <div style={{ ...weakText, fontSize: 14 }}>今日应缴合计（含违约金）</div>
                <div style={{ fontSize: 28, fontWeight: 600, marginTop: 4 }} data-testid="m-outstanding-amount">
                  {formatFen(owedFen)}
                </div>
                <div style={{ ...weakText, fontSize: 12, marginTop: 4 }}>
                  {payable.length > 0 ? `${payable.length} 笔待缴，勾选后一次支付` : '您的账单均已结清'}
                </div>
              </Card>
              {payable.length === 0 && settled.length === 0 && (
                <ErrorBlock status="empty" title="暂无账单" description="您名下暂时没有账单" />
              )}
              {payable.map((bill) => (
                <BillCard
                  key={bill.id}
                  bill={bill}
                  selected={selected.has(bill.id)}
                  onToggle={() => toggle(bill.id)}
                  onOpenOrder={(orderNo) => navigate(`/orders/${orderNo}`)}
                />
              ))}
              {settled.length > 0 && (
                <div style={{ marginTop: 16 }} data-testid="m-settled-bills">
                  <div style={{ ...weakText, fontSize: 13, padding: '0 16px 8px' }}>已结清 / 已作废</div>
                  {settled.map((bill) => (
                    <SettledBill key={bill.id} bill={bill} />
                  ))}
                </div>
              )}
            </>
          )}
        </div>
      </PullToRefresh>
      {payable.length > 0 && (
        <footer
          style={{
            position: 'fixed',
            left: 0,
            right: 0,
            bottom: 0,
            background: '#fff',
            borderTop: '1px solid var(--adm-color-border)',
            zIndex: 10,
          }}
        >
          <div style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '10px 12px' }}>
            <Checkbox checked={allChosen} onChange={toggleAll} data-testid="m-select-all">
              全选
            </Checkbox>
            <div style={{ flex: 1, textAlign: 'right', fontSize: 14 }}>
              合计{' '}
              <strong style={{ fontSize: 18, color: 'var(--adm-color-danger)' }} data-testid="m-selected-total">
                {formatFen(chosenFen)}
              </strong>
            </div>
            <Button
              color="primary"
              disabled={selected.size === 0}
              onClick={() => setChoosingChannel(true)}
              data-testid="m-pay-selected"
            >
              去缴费{selected.size > 0 ? `（${selected.size}）` : ''}
            </Button>
          </div>
          <SafeArea position="bottom" />
        </footer>
      )}
      <PayChannelSheet
        visible={choosingChannel}
        amountFen={chosenFen}
        onClose={() => setChoosingChannel(false)}
        onPay={pay}
      />
    </PortalPage>
  );
}
