// The workflow's dialogs: approve or reject (a reason is required to reject), activate on a sign date, terminate
// early (date and reason, then the final settlement the server computed), and the settlement itself.

import { Alert, App, DatePicker, Descriptions, Form, Input, Modal, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { showFieldErrors, validValues } from '../../components/form-errors.ts';
import { knownKey } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { contractName } from './contract-labels.ts';
import { type Contract, type ContractDetail, contractsApi, type FinalSettlement } from './contracts-api.ts';
import { ScheduleTable } from './ScheduleTable.tsx';

export type Decision = 'approve' | 'reject';

export function DecisionModal({
  contract,
  decision,
  level,
  onClose,
  onDone,
}: {
  contract: Contract | null;
  decision: Decision;
  /** The level being decided (第 n 级), when known. */
  level?: { next: number; of: number } | null;
  onClose: () => void;
  onDone: (detail: ContractDetail) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ comment?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rejecting = decision === 'reject';

  async function decide() {
    if (!contract) return;
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      const comment = values.comment?.trim() || undefined;
      const detail = rejecting
        ? await contractsApi.reject(contract.id, comment ?? '')
        : await contractsApi.approve(contract.id, comment);
      message.success(
        t(
          rejecting
            ? 'contract.rejected'
            : detail.status === 'approved'
              ? 'contract.approvedAll'
              : 'contract.approvedLevel',
          {
            number: contract.number,
          },
        ),
      );
      onDone(detail);
    } catch (failure) {
      if (!showFieldErrors(form, failure, ['comment'])) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={contract !== null}
      title={
        contract &&
        t(rejecting ? 'contract.rejectTitle' : 'contract.approveTitle', { contract: contractName(contract) })
      }
      onOk={decide}
      onCancel={onClose}
      okText={rejecting ? t('contract.reject') : t('contract.approve')}
      okButtonProps={{ danger: rejecting, 'data-testid': 'contract-decision-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {level && (
        <Typography.Paragraph type="secondary">
          {t('contract.levelOf', { level: level.next, levels: level.of })}
        </Typography.Paragraph>
      )}
      <Form form={form} name="decision" layout="vertical" preserve={false}>
        <Form.Item
          name="comment"
          label={rejecting ? t('contract.rejectReason') : t('contract.approveComment')}
          rules={rejecting ? [{ required: true, whitespace: true, message: t('contract.rejectReasonRequired') }] : []}
        >
          <Input.TextArea
            maxLength={1000}
            autoSize={{ minRows: 3, maxRows: 6 }}
            placeholder={rejecting ? t('contract.rejectPlaceholder') : t('contract.approvePlaceholder')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function ActivateModal({
  contract,
  onClose,
  onDone,
}: {
  contract: Contract | null;
  onClose: () => void;
  onDone: (detail: ContractDetail) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ signDate: Dayjs }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function activate() {
    if (!contract) return;
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      const detail = await contractsApi.activate(contract.id, values.signDate.format('YYYY-MM-DD'));
      message.success(t('contract.activated', { number: contract.number }));
      onDone(detail);
    } catch (failure) {
      if (!showFieldErrors(form, failure, ['signDate'])) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={contract !== null}
      title={contract && t('contract.activateTitle', { contract: contractName(contract) })}
      onOk={activate}
      onCancel={onClose}
      okText={t('contract.activate')}
      okButtonProps={{ 'data-testid': 'contract-activate-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="contract-activate-error" />
      )}
      <Typography.Paragraph type="secondary">{t('contract.activateHint')}</Typography.Paragraph>
      <Form form={form} name="activate" layout="vertical" preserve={false} initialValues={{ signDate: dayjs() }}>
        <Form.Item
          name="signDate"
          label={t('contract.signDate')}
          rules={[{ required: true, message: t('contract.signDateRequired') }]}
        >
          <DatePicker style={{ width: '100%' }} disabledDate={(day) => day.isAfter(dayjs(), 'day')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** What an early termination leaves: rent through the date (the last period prorated), periods no longer owed. */
export function SettlementView({
  settlement,
  refund,
}: {
  settlement: FinalSettlement;
  refund: ContractDetail['depositRefundRequest'];
}) {
  const { t } = useI18n();
  const final = settlement.finalPeriod;
  const refundStatus = refund ? knownKey(`contract.refund.${refund.status}`) : null;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="contract-settlement">
      <Descriptions
        bordered
        size="small"
        column={1}
        items={[
          { key: 'date', label: t('contract.terminationDate'), children: settlement.terminationDate },
          {
            key: 'final',
            label: t('contract.settlement.finalPeriod', { n: final.index + 1 }),
            children: (
              <span data-testid="contract-settlement-final">
                {t('contract.settlement.finalText', {
                  range: `${final.periodStart} ~ ${final.periodEnd}`,
                  amount: formatFen(final.amountFen),
                  scheduled: formatFen(final.scheduledAmountFen),
                })}
              </span>
            ),
          },
          {
            key: 'through',
            label: t('contract.settlement.rentThrough'),
            children: <Typography.Text strong>{formatFen(settlement.rentThroughTerminationFen)}</Typography.Text>,
          },
          {
            key: 'original',
            label: t('contract.settlement.original'),
            children: formatFen(settlement.originalTotalRentFen),
          },
          {
            key: 'cancelled',
            label: t('contract.settlement.cancelled'),
            children:
              settlement.cancelledPeriods.length === 0
                ? t('common.none')
                : t('contract.settlement.cancelledText', {
                    count: settlement.cancelledPeriods.length,
                    amount: formatFen(
                      settlement.cancelledPeriods.reduce((total, period) => total + BigInt(period.amountFen), 0n),
                    ),
                  }),
          },
          {
            key: 'refund',
            label: t('contract.settlement.refund'),
            children: refund
              ? t('contract.settlement.refundText', {
                  amount: formatFen(refund.amountFen),
                  status: refundStatus ? t(refundStatus) : refund.status,
                })
              : t('common.none'),
          },
        ]}
      />
      <Typography.Text strong>{t('contract.settlement.periods')}</Typography.Text>
      <ScheduleTable periods={settlement.periods} testId="contract-settlement-schedule" />
    </Space>
  );
}

export function TerminateModal({
  contract,
  onClose,
  onDone,
}: {
  contract: Contract | null;
  onClose: () => void;
  /** After the person has seen the settlement. */
  onDone: (detail: ContractDetail) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ terminationDate: Dayjs; reason: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ContractDetail | null>(null);

  async function terminate() {
    if (!contract) return;
    if (result) return onDone(result);
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      setResult(
        await contractsApi.terminate(contract.id, values.terminationDate.format('YYYY-MM-DD'), values.reason.trim()),
      );
    } catch (failure) {
      if (!showFieldErrors(form, failure, ['terminationDate', 'reason'])) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={contract !== null}
      width={result ? 860 : 520}
      title={
        contract &&
        (result
          ? t('contract.terminatedTitle', { number: contract.number })
          : t('contract.terminateTitle', { contract: contractName(contract) }))
      }
      onOk={terminate}
      onCancel={() => (result ? onDone(result) : onClose())}
      okText={result ? t('common.close') : t('contract.terminate')}
      okButtonProps={{ danger: !result, 'data-testid': 'contract-terminate-ok' }}
      cancelButtonProps={result ? { style: { display: 'none' } } : undefined}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => {
        setError(null);
        setResult(null);
      }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {result?.finalSettlement ? (
        <SettlementView settlement={result.finalSettlement} refund={result.depositRefundRequest} />
      ) : (
        contract && (
          <>
            <Typography.Paragraph type="secondary">
              {t('contract.terminateHint', { start: contract.startDate, end: contract.endDate })}
            </Typography.Paragraph>
            <Form form={form} name="terminate" layout="vertical" preserve={false}>
              <Form.Item
                name="terminationDate"
                label={t('contract.terminationDate')}
                rules={[{ required: true, message: t('contract.terminationDateRequired') }]}
              >
                <DatePicker
                  style={{ width: '100%' }}
                  disabledDate={(day) =>
                    !day.isAfter(dayjs(contract.startDate), 'day') || !day.isBefore(dayjs(contract.endDate), 'day')
                  }
                />
              </Form.Item>
              <Form.Item
                name="reason"
                label={t('contract.terminationReason')}
                rules={[{ required: true, whitespace: true, message: t('contract.terminationReasonRequired') }]}
              >
                <Input.TextArea maxLength={1000} autoSize={{ minRows: 3, maxRows: 6 }} />
              </Form.Item>
            </Form>
          </>
        )
      )}
    </Modal>
  );
}

/** The approval steps of a contract, by round, with the levels still to come. */
export function approvalRows(detail: ContractDetail) {
  return detail.approval.steps.map((step) => ({ ...step, key: `${step.round}-${step.level}-${step.decidedAt}` }));
}

export function ApprovalSteps({ detail }: { detail: ContractDetail }) {
  const { t } = useI18n();
  const rows = approvalRows(detail);
  const pending =
    detail.status === 'pending_approval' && detail.approval.nextLevel !== null
      ? Array.from({ length: detail.requiredApprovalLevels - detail.approval.nextLevel + 1 }, (_v, i) => ({
          level: (detail.approval.nextLevel ?? 1) + i,
        }))
      : [];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Text type="secondary">
        {t('contract.approval.required', { levels: detail.requiredApprovalLevels })}
      </Typography.Text>
      <Table
        data-testid="contract-approvals"
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={[
          ...rows,
          ...pending.map((item) => ({
            key: `pending-${item.level}`,
            round: detail.approval.round,
            level: item.level,
            decision: null,
            approverName: null,
            comment: null,
            decidedAt: null,
          })),
        ]}
        locale={{ emptyText: t('contract.approval.none') }}
        columns={[
          { key: 'round', title: t('contract.approval.round'), dataIndex: 'round', width: 90 },
          {
            key: 'level',
            title: t('contract.approval.level'),
            render: (_v, row) => t('contract.approval.levelN', { level: row.level }),
          },
          {
            key: 'decision',
            title: t('contract.approval.decision'),
            render: (_v, row) =>
              row.decision === 'approved' ? (
                <Typography.Text type="success">{t('contract.decision.approved')}</Typography.Text>
              ) : row.decision === 'rejected' ? (
                <Typography.Text type="danger">{t('contract.decision.rejected')}</Typography.Text>
              ) : (
                <Typography.Text type="warning">{t('contract.decision.pending')}</Typography.Text>
              ),
          },
          { key: 'approver', title: t('contract.approval.approver'), render: (_v, row) => row.approverName ?? '-' },
          { key: 'comment', title: t('contract.approval.comment'), render: (_v, row) => row.comment ?? '-' },
          {
            key: 'at',
            title: t('contract.approval.at'),
            render: (_v, row) => (row.decidedAt ? dayjs(row.decidedAt).format('YYYY-MM-DD HH:mm') : '-'),
          },
        ]}
      />
    </Space>
  );
}
