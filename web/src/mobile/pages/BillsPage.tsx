import { Button, Card, ErrorBlock, NavBar, PullToRefresh, SpinLoading, Tag } from 'antd-mobile';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorDetail } from '../../shared/api.ts';
import { formatFen } from '../../shared/money.ts';
import { type PortalBill, portalApi, portalToken } from '../portal-api.ts';

type TagColor = 'default' | 'primary' | 'success' | 'warning' | 'danger';

interface StatusLabel {
  text: string;
  color: TagColor;
}

const overdue: StatusLabel = { text: '已逾期', color: 'danger' };

const statusLabels: Record<string, StatusLabel> = {
  open: { text: '未缴', color: 'primary' },
  partial: { text: '部分缴纳', color: 'warning' },
  paid: { text: '已结清', color: 'success' },
  void: { text: '已作废', color: 'default' },
};

/** Today in China time as YYYY-MM-DD, the same calendar the bills' due dates use. */
function chinaToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** Overdue is derived, never stored: unpaid and past its due date. */
function displayStatus(bill: PortalBill, today: string): StatusLabel {
  const unpaid = bill.status === 'open' || bill.status === 'partial';
  if (unpaid && bill.dueDate < today) return overdue;
  return statusLabels[bill.status] ?? { text: bill.status, color: 'default' };
}

function BillCard({ bill, today }: { bill: PortalBill; today: string }) {
  const status = displayStatus(bill, today);
  const row = { display: 'flex', justifyContent: 'space-between', padding: '4px 0', fontSize: 14 };
  return (
    <Card
      data-testid="m-bill"
      title={`${bill.periodStart} 至 ${bill.periodEnd}`}
      extra={<Tag color={status.color}>{status.text}</Tag>}
      style={{ margin: '12px 12px 0' }}
    >
      <div style={row}>
        <span style={{ color: 'var(--adm-color-weak)' }}>账单金额</span>
        <span>{formatFen(bill.amountFen)}</span>
      </div>
      <div style={row}>
        <span style={{ color: 'var(--adm-color-weak)' }}>待缴金额</span>
        <strong style={{ color: bill.outstandingFen > 0 ? 'var(--adm-color-danger)' : undefined }}>
          {formatFen(bill.outstandingFen)}
        </strong>
      </div>
      {bill.lateFeeFen > 0 && (
        <div style={row}>
          <span style={{ color: 'var(--adm-color-weak)' }}>违约金</span>
          <span style={{ color: 'var(--adm-color-danger)' }}>{formatFen(bill.lateFeeFen)}</span>
        </div>
      )}
      <div style={row}>
        <span style={{ color: 'var(--adm-color-weak)' }}>缴费截止</span>
        <span>{bill.dueDate}</span>
      </div>
    </Card>
  );
}

export default function BillsPage() {
  const navigate = useNavigate();
  const [bills, setBills] = useState<PortalBill[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const { items } = await portalApi.bills();
      setBills(items);
      setError(null);
    } catch (failure) {
      setError(errorDetail(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  function logout() {
    portalToken.clear();
    navigate('/login', { replace: true });
  }

  const today = chinaToday();
  // Sums in BigInt: integer fen stay exact however many bills there are.
  const outstandingFen = (bills ?? []).reduce((sum, bill) => sum + BigInt(bill.outstandingFen), 0n);

  return (
    <div style={{ minHeight: '100vh', background: 'var(--adm-color-background-secondary, #f5f5f5)' }}>
      <NavBar
        back={null}
        right={
          <Button size="mini" fill="none" onClick={logout} data-testid="m-logout">
            退出
          </Button>
        }
        style={{ background: '#fff' }}
      >
        我的账单
      </NavBar>
      <PullToRefresh onRefresh={load}>
        <div style={{ minHeight: 'calc(100vh - 45px)', paddingBottom: 24 }}>
          {error ? (
            <ErrorBlock status="default" title="账单加载失败" description={error} data-testid="m-error">
              <Button color="primary" size="small" onClick={() => void load()}>
                重试
              </Button>
            </ErrorBlock>
          ) : bills === null ? (
            <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 96 }}>
              <SpinLoading color="primary" />
            </div>
          ) : (
            <>
              <Card style={{ margin: '12px 12px 0' }} data-testid="m-outstanding">
                <div style={{ color: 'var(--adm-color-weak)', fontSize: 14 }}>待缴合计</div>
                <div style={{ fontSize: 28, fontWeight: 600, marginTop: 4 }}>{formatFen(outstandingFen)}</div>
              </Card>
              {bills.length === 0 ? (
                <ErrorBlock status="empty" title="暂无账单" description="您名下暂时没有需要缴纳的账单" />
              ) : (
                bills.map((bill) => <BillCard key={bill.id} bill={bill} today={today} />)
              )}
            </>
          )}
        </div>
      </PullToRefresh>
    </div>
  );
}
