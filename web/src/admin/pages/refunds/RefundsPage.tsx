// 退款: refund requests by status (?id=… opens one), 多缴退款 from a payment's advance, and the contracts that ended
// with a deposit to give back (?tab=deposits), each turned into a deposit refund with its deductions. Approvers
// approve or reject; finance records an offline refund as paid or asks the channel how its refund went.

import { App, Button, Space, Tabs } from 'antd';
import { type ReactNode, useCallback, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { formatTime } from '../payments/PaymentOrderDrawer.tsx';
import { useTenantOptions } from '../payments/PaymentOrdersPage.tsx';
import { providerLabel } from '../payments/payment-labels.ts';
import { RefundDrawer, RefundStatusTag } from './RefundDrawer.tsx';
import { type RefundDecision, RefundDecisionModal, RequestRefundModal, SuspenseRefundModal } from './RefundForms.tsx';
import { depositRequestStatusLabel, refundKindEnum, refundMethodLabel, refundStatusEnum } from './refund-labels.ts';
import { type DepositRefundRequest, depositRefundRequestsApi, type Refund, refundsApi } from './refunds-api.ts';

/** The buttons a refund offers this user (the list's row and the drawer's footer). */
function useRefundActions(changed: (refund?: Refund) => void) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can, user } = useSession();
  const [deciding, setDeciding] = useState<{ refund: Refund; decision: RefundDecision } | null>(null);
  const [querying, setQuerying] = useState<string | null>(null);
  const canApprove = can('refund:approve');
  const canWrite = can('payment:write');

  async function query(refund: Refund) {
    setQuerying(refund.id);
    try {
      const answer = await refundsApi.query(refund.id);
      message.success(
        t('refund.queried', {
          number: refund.refundNo,
          status: refundStatusEnum(t)[answer.status]?.text ?? answer.status,
        }),
      );
      changed(answer);
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setQuerying(null);
    }
  }

  function buttons(refund: Refund, size: 'small' | 'middle' = 'small'): ReactNode {
    const link = size === 'small' ? ('link' as const) : ('default' as const);
    const shown: ReactNode[] = [];
    // The requester cannot decide their own request; the server says so too.
    const own = user != null && refund.requestedBy === user.id;
    if (refund.status === 'requested' && canApprove && !own) {
      shown.push(
        <Button
          key="approve"
          type={size === 'small' ? 'link' : 'primary'}
          size={size}
          onClick={() => setDeciding({ refund, decision: 'approve' })}
          data-testid="refund-approve"
        >
          {t('refund.approve')}
        </Button>,
        <Button
          key="reject"
          type={link}
          size={size}
          danger
          onClick={() => setDeciding({ refund, decision: 'reject' })}
          data-testid="refund-reject"
        >
          {t('refund.reject')}
        </Button>,
      );
    }
    if (refund.status === 'approved' && refund.method === 'offline' && canWrite) {
      shown.push(
        <Button
          key="paid"
          type={size === 'small' ? 'link' : 'primary'}
          size={size}
          onClick={() => setDeciding({ refund, decision: 'paid' })}
          data-testid="refund-record-paid"
        >
          {t('refund.recordPaid')}
        </Button>,
      );
    }
    if (refund.status === 'paying' && canWrite) {
      shown.push(
        <Button
          key="query"
          type={link}
          size={size}
          loading={querying === refund.id}
          onClick={() => void query(refund)}
          data-testid="refund-query"
        >
          {t('refund.query')}
        </Button>,
      );
    }
    return shown.length > 0 ? <Space size={size === 'small' ? 0 : 'small'}>{shown}</Space> : null;
  }

  const modal = (
    <RefundDecisionModal
      refund={deciding?.refund ?? null}
      decision={deciding?.decision ?? 'approve'}
      onClose={() => setDeciding(null)}
      onDone={(answer) => {
        setDeciding(null);
        changed(answer);
      }}
    />
  );
  return { buttons, modal };
}

function DepositsTab({ onRequested, open }: { onRequested: (refund: Refund) => void; open: (id: string) => void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const list = useRef<ListPageAction>(null);
  const [requesting, setRequesting] = useState<DepositRefundRequest | null>(null);
  const listRequests: ListRequest<DepositRefundRequest> = useCallback(
    (query) => depositRefundRequestsApi.list(query),
    [],
  );
  const canWrite = can('payment:write');
  const columns: ListColumn<DepositRefundRequest>[] = [
    { key: 'contractNo', title: t('refund.contract'), dataIndex: 'contractNo', fixed: 'left' },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 180 },
    {
      key: 'depositPaidFen',
      title: t('refund.depositPaid'),
      render: (request) => formatFen(request.depositPaidFen),
    },
    {
      key: 'unpaid',
      title: t('refund.unpaidBills'),
      render: (request) =>
        request.unpaidBills.length > 0
          ? `${request.unpaidBills.length} · ${formatFen(request.unpaidBills.reduce((sum, bill) => sum + bill.outstandingFen, 0))}`
          : '-',
    },
    {
      key: 'reason',
      title: t('refund.endReason'),
      render: (request) => t(request.reason === 'expired' ? 'refund.ended.expired' : 'refund.ended.terminated'),
    },
    {
      key: 'status',
      title: t('refund.statusTitle'),
      dataIndex: 'status',
      valueEnum: Object.fromEntries(
        ['pending', 'approved', 'rejected', 'refunded'].map((status) => [
          status,
          { text: depositRequestStatusLabel(status, t) },
        ]),
      ),
      search: { type: 'select' },
    },
    {
      key: 'refundNo',
      title: t('refund.number'),
      render: (request) =>
        request.refundId ? (
          <Button
            type="link"
            size="small"
            style={{ padding: 0 }}
            onClick={() => request.refundId && open(request.refundId)}
          >
            {request.refundNo ?? t('refund.viewRefund')}
          </Button>
        ) : (
          '-'
        ),
    },
    {
      key: 'refundStatus',
      title: t('refund.refundStatusTitle'),
      render: (request) => (request.refundStatus ? <RefundStatusTag status={request.refundStatus} /> : '-'),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      // Pending: never asked, or the last refund failed and may be asked again.
      render: (request) =>
        canWrite && request.status === 'pending' ? (
          <Button
            type="link"
            size="small"
            onClick={() => setRequesting(request)}
            data-testid="deposit-refund-request"
            data-contract-no={request.contractNo}
          >
            {t('refund.requestDeposit')}
          </Button>
        ) : (
          '-'
        ),
    },
  ];
  return (
    <>
      <ListPage<DepositRefundRequest>
        title={t('refund.depositsTitle')}
        rowKey="id"
        actionRef={list}
        request={listRequests}
        columns={columns}
      />
      <RequestRefundModal
        open={requesting !== null}
        deposit={requesting}
        onClose={() => setRequesting(null)}
        onDone={(refund) => {
          setRequesting(null);
          list.current?.reload();
          onRequested(refund);
        }}
      />
    </>
  );
}

export default function RefundsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const list = useRef<ListPageAction>(null);
  const tenants = useTenantOptions();
  const [requesting, setRequesting] = useState(false);
  const [refundingSuspense, setRefundingSuspense] = useState(false);
  const [version, setVersion] = useState(0);
  const refundId = params.get('id');
  const tab = params.get('tab') === 'deposits' ? 'deposits' : 'refunds';

  const open = useCallback((id: string) => setParams({ id }), [setParams]);
  const changed = useCallback(() => {
    setVersion((n) => n + 1);
    list.current?.reload();
  }, []);
  const { buttons, modal } = useRefundActions(changed);
  const listRefunds: ListRequest<Refund> = useCallback((query) => refundsApi.list(query), []);

  const columns: ListColumn<Refund>[] = [
    {
      key: 'refundNo',
      title: t('refund.number'),
      fixed: 'left',
      render: (refund) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => open(refund.id)}
          data-testid="refund-row-number"
        >
          {refund.refundNo}
        </Button>
      ),
    },
    {
      key: 'kind',
      title: t('refund.kindTitle'),
      dataIndex: 'kind',
      valueEnum: refundKindEnum(t),
      search: { type: 'select' },
    },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 180 },
    { key: 'tenantId', title: t('bill.tenant'), hideInTable: true, search: { type: 'select', options: tenants } },
    {
      key: 'amountFen',
      title: t('refund.amount'),
      render: (refund) => <span style={{ whiteSpace: 'nowrap' }}>{formatFen(refund.amountFen)}</span>,
    },
    {
      key: 'method',
      title: t('refund.methodTitle'),
      render: (refund) =>
        [refundMethodLabel(refund.method, t), refund.provider && providerLabel(refund.provider, t)]
          .filter(Boolean)
          .join(' · '),
    },
    {
      key: 'status',
      title: t('refund.statusTitle'),
      dataIndex: 'status',
      valueEnum: refundStatusEnum(t),
      render: (refund) => <RefundStatusTag status={refund.status} />,
      search: { type: 'select' },
    },
    { key: 'requestedByName', title: t('refund.requestedBy'), dataIndex: 'requestedByName' },
    { key: 'requestedAt', title: t('refund.requestedAt'), render: (refund) => formatTime(refund.requestedAt) },
    { key: 'decidedByName', title: t('refund.decidedBy'), dataIndex: 'decidedByName' },
    { key: 'refundedAt', title: t('refund.refundedAt'), render: (refund) => formatTime(refund.refundedAt) },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (refund) => (
        <Space size={0}>
          {buttons(refund)}
          <Button type="link" size="small" onClick={() => open(refund.id)} data-testid="refund-row-detail">
            {t('common.details')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'deposits' ? { tab: 'deposits' } : {})}
        items={[
          {
            key: 'refunds',
            label: <span data-testid="refunds-tab-list">{t('refund.title')}</span>,
            children: (
              <ListPage<Refund>
                title={t('refund.title')}
                rowKey="id"
                actionRef={list}
                request={listRefunds}
                columns={columns}
                toolbar={
                  can('payment:write') && (
                    <>
                      <Button type="primary" onClick={() => setRequesting(true)} data-testid="refund-overpayment">
                        {t('refund.requestOverpayment')}
                      </Button>
                      <Button onClick={() => setRefundingSuspense(true)} data-testid="refund-suspense">
                        {t('refund.requestSuspense')}
                      </Button>
                    </>
                  )
                }
              />
            ),
          },
          {
            key: 'deposits',
            label: <span data-testid="refunds-tab-deposits">{t('refund.depositsTitle')}</span>,
            children: <DepositsTab open={open} onRequested={(refund) => open(refund.id)} />,
          },
        ]}
      />
      <RequestRefundModal
        open={requesting}
        deposit={null}
        onClose={() => setRequesting(false)}
        onDone={(refund) => {
          setRequesting(false);
          changed();
          open(refund.id);
        }}
      />
      <SuspenseRefundModal
        open={refundingSuspense}
        onClose={() => setRefundingSuspense(false)}
        onDone={(refund) => {
          setRefundingSuspense(false);
          changed();
          open(refund.id);
        }}
      />
      <RefundDrawer
        refundId={refundId}
        version={version}
        actions={(refund) => buttons(refund, 'middle')}
        onClose={() => setParams(tab === 'deposits' ? { tab: 'deposits' } : {})}
      />
      {modal}
    </>
  );
}
