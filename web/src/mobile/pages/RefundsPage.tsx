// 退款: what the lessor is giving back to the tenant — a deposit less its deductions (repairs, rent owed) or money
// paid twice — and where each refund stands.

import { Card, Tag } from 'antd-mobile';
import { formatFen } from '../../shared/money.ts';
import { PortalHistory } from '../components/PortalHistory.tsx';
import { chinaDateTime, type TagColor, weakText } from '../format.ts';
import { type PortalRefund, portalApi } from '../portal-api.ts';

const row = { display: 'flex', justifyContent: 'space-between', padding: '3px 0', fontSize: 14, gap: 12 } as const;

const kindNames: Record<string, string> = { deposit: '保证金退款', overpayment: '多缴款退款', suspense: '退款' };
const statusNames: Record<string, { text: string; color: TagColor }> = {
  requested: { text: '审核中', color: 'primary' },
  approved: { text: '已同意，待退款', color: 'primary' },
  paying: { text: '退款中', color: 'warning' },
  refunded: { text: '已退款', color: 'success' },
  rejected: { text: '未通过', color: 'default' },
  failed: { text: '退款失败，请联系我们', color: 'danger' },
};
const methodNames: Record<string, string> = { original_channel: '原路退回', offline: '银行转账' };

function RefundCard({ refund }: { refund: PortalRefund }) {
  const status = statusNames[refund.status] ?? { text: refund.status, color: 'default' as const };
  const deducted = refund.deductions.reduce((sum, item) => sum + item.amountFen, 0);
  return (
    <Card
      style={{ margin: '12px 12px 0' }}
      title={kindNames[refund.kind] ?? '退款'}
      extra={
        <Tag color={status.color} data-testid="m-refund-status" data-status={refund.status}>
          {status.text}
        </Tag>
      }
      data-testid="m-refund"
      data-refund-no={refund.refundNo}
    >
      {refund.deductions.length > 0 && (
        <>
          <div style={row}>
            <span style={weakText}>保证金</span>
            <span>{formatFen(refund.depositPaidFen ?? refund.amountFen + deducted)}</span>
          </div>
          {refund.deductions.map((item) => (
            <div style={row} key={`${item.item}-${item.amountFen}`} data-testid="m-refund-deduction">
              <span style={weakText}>扣除：{item.item}</span>
              <span>−{formatFen(item.amountFen)}</span>
            </div>
          ))}
        </>
      )}
      <div style={{ ...row, fontWeight: 600 }}>
        <span>退还金额</span>
        <span style={{ fontSize: 17 }} data-testid="m-refund-amount">
          {formatFen(refund.amountFen)}
        </span>
      </div>
      <div style={row}>
        <span style={weakText}>退款方式</span>
        <span>{methodNames[refund.method] ?? refund.method}</span>
      </div>
      <div style={row}>
        <span style={weakText}>原因</span>
        <span style={{ textAlign: 'right' }}>{refund.reason}</span>
      </div>
      <div style={row}>
        <span style={weakText}>{refund.refundedAt ? '退款时间' : '申请时间'}</span>
        <span>{chinaDateTime(refund.refundedAt ?? refund.requestedAt)}</span>
      </div>
      <div style={row}>
        <span style={weakText}>退款单号</span>
        <span style={{ wordBreak: 'break-all', textAlign: 'right' }}>{refund.refundNo}</span>
      </div>
    </Card>
  );
}

export default function RefundsPage() {
  return (
    <PortalHistory<PortalRefund>
      title="退款"
      testId="m-refunds"
      load={portalApi.refunds}
      failedTitle="退款记录加载失败"
      empty={{ title: '暂无退款', description: '合同结束退还保证金或多缴款退回时，这里会显示进度' }}
      card={(refund) => <RefundCard refund={refund} />}
    />
  );
}
