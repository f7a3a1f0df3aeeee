// 退款详情: the request, its deductions (deposit less each item = the money back), the decision, how it was paid and
// the ledger entry that paid it.

import { Alert, Descriptions, Drawer, Space, Spin, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { formatFen } from '../../../shared/money.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { JournalEntries } from '../billing/BillDrawer.tsx';
import { useJournalEntry } from '../ledger/use-journal-entry.ts';
import { formatTime } from '../payments/PaymentOrderDrawer.tsx';
import { providerLabel } from '../payments/payment-labels.ts';
import { DeductionsTable } from './RefundForms.tsx';
import { refundKindLabel, refundMethodLabel, refundStatusColor, refundStatusLabel } from './refund-labels.ts';
import { type Refund, refundsApi } from './refunds-api.ts';

export function RefundStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag color={refundStatusColor(status)} data-testid="refund-status" data-status={status}>
      {refundStatusLabel(status, t)}
    </Tag>
  );
}

export function RefundDrawer({
  refundId,
  version,
  actions,
  onClose,
}: {
  refundId: string | null;
  /** Changes when the refund may have changed (after an action): the drawer loads it again. */
  version: number;
  /** The buttons this user has for the refund. */
  actions: (refund: Refund) => ReactNode;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { data: refund, error } = useLoaded(refundId, refundsApi.get, { version });

  const shown = refund && refund.id === refundId ? refund : null;
  const entryId = shown?.journalEntryId;
  const entry = useJournalEntry(entryId);

  return (
    <Drawer
      title={shown ? `${t('refund.detailTitle')} ${shown.refundNo}` : t('refund.detailTitle')}
      open={refundId !== null}
      onClose={onClose}
      size={820}
      data-testid="refund-drawer"
      extra={shown && <RefundStatusTag status={shown.status} />}
      footer={shown && actions(shown)}
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!error && !shown && <Spin style={{ display: 'block', margin: '80px auto' }} />}
      {shown && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          {shown.failureReason && <Alert type="error" showIcon title={shown.failureReason} />}
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('refund.kindTitle')}>{refundKindLabel(shown.kind, t)}</Descriptions.Item>
            <Descriptions.Item label={t('bill.tenant')}>{shown.tenantName ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('refund.amount')}>
              <Typography.Text strong data-testid="refund-amount">
                {formatFen(shown.amountFen)}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('refund.methodTitle')}>
              {refundMethodLabel(shown.method, t)}
              {shown.provider && ` · ${providerLabel(shown.provider, t)}`}
            </Descriptions.Item>
            <Descriptions.Item label={t('refund.reason')} span={2}>
              {shown.reason}
            </Descriptions.Item>
            <Descriptions.Item label={t('refund.requestedBy')}>{shown.requestedByName ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('refund.requestedAt')}>{formatTime(shown.requestedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('refund.decidedBy')}>{shown.decidedByName ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('refund.decidedAt')}>{formatTime(shown.decidedAt)}</Descriptions.Item>
            {shown.decisionNote && (
              <Descriptions.Item label={t('refund.decisionNote')} span={2}>
                {shown.decisionNote}
              </Descriptions.Item>
            )}
            {shown.channelRefundId && (
              <Descriptions.Item label={t('refund.channelRefundId')} span={2}>
                {shown.channelRefundId}
              </Descriptions.Item>
            )}
            {shown.paidByName && <Descriptions.Item label={t('refund.paidBy')}>{shown.paidByName}</Descriptions.Item>}
            {shown.paidReference && (
              <Descriptions.Item label={t('refund.paidReference')}>{shown.paidReference}</Descriptions.Item>
            )}
            <Descriptions.Item label={t('refund.refundedAt')}>{formatTime(shown.refundedAt)}</Descriptions.Item>
          </Descriptions>
          {shown.kind === 'deposit' && (
            <div>
              <Typography.Title level={5}>{t('refund.deductions')}</Typography.Title>
              <DeductionsTable refund={shown} />
            </div>
          )}
          <div>
            <Typography.Title level={5}>{t('refund.entryTitle')}</Typography.Title>
            {entry ? (
              <JournalEntries entries={[entry]} testId="refund-entry" />
            ) : (
              <Typography.Text type="secondary">
                {entryId ? t('refund.entryPosted') : t('refund.noEntry')}
              </Typography.Text>
            )}
          </div>
        </Space>
      )}
    </Drawer>
  );
}
