// Resolving a difference: finance explains it (说明原因, resolved at once) or proposes to book the channel's money
// (入账处理, waits for an approver); an approver other than the proposer approves or rejects. A note every time.

import { Alert, App, Button, Descriptions, Form, Input, Modal, Radio, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { validValues } from '../../components/form-errors.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { showMappedErrors } from '../billing/billing-labels.ts';
import { providerLabel } from '../payments/payment-labels.ts';
import { differencesApi, type ReconciliationDifference, type ResolveAction } from './reconciliation-api.ts';
import { actionsFor, differenceKindLabel, resolveActionLabel } from './reconciliation-labels.ts';

type Mode = 'resolve' | 'approve' | 'reject';

const fenOrDash = (fen: number | null | undefined) => (fen === null || fen === undefined ? '-' : formatFen(fen));

function DifferenceSummary({ difference }: { difference: ReconciliationDifference }) {
  const { t } = useI18n();
  return (
    <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
      <Descriptions.Item label={t('reconciliation.kindTitle')} span={2}>
        {differenceKindLabel(difference.kind, t)}
      </Descriptions.Item>
      {difference.channel && (
        <Descriptions.Item label={t('reconciliation.channel')}>
          {providerLabel(difference.channel, t)}
        </Descriptions.Item>
      )}
      {difference.date && <Descriptions.Item label={t('reconciliation.date')}>{difference.date}</Descriptions.Item>}
      <Descriptions.Item label={t('paymentOrder.orderNo')}>
        {difference.orderNo ?? difference.refundNo ?? '-'}
      </Descriptions.Item>
      <Descriptions.Item label={t('paymentOrder.transactionId')}>{difference.transactionId ?? '-'}</Descriptions.Item>
      <Descriptions.Item label={t('reconciliation.channelAmount')}>
        {fenOrDash(difference.channelAmountFen)}
      </Descriptions.Item>
      <Descriptions.Item label={t('reconciliation.ourAmount')}>{fenOrDash(difference.ourAmountFen)}</Descriptions.Item>
      {difference.status === 'awaiting_approval' && (
        <Descriptions.Item label={t('reconciliation.proposal')} span={2}>
          {[difference.action && resolveActionLabel(difference.action, t), difference.proposedByName, difference.note]
            .filter(Boolean)
            .join(' · ')}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

function DifferenceModal({
  difference,
  mode,
  onClose,
  onDone,
}: {
  difference: ReconciliationDifference | null;
  mode: Mode;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ action?: ResolveAction; note?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const action = Form.useWatch('action', form);
  const noteRequired = mode !== 'approve';

  async function submit() {
    if (!difference) return;
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    const note = values.note?.trim() ?? '';
    try {
      if (mode === 'resolve') {
        const answer = await differencesApi.resolve(difference.id, { action: values.action ?? 'acknowledge', note });
        message.success(
          t(answer.status === 'awaiting_approval' ? 'reconciliation.proposed' : 'reconciliation.resolved'),
        );
      } else if (mode === 'approve') {
        await differencesApi.approve(difference.id, note || undefined);
        message.success(t('reconciliation.approved'));
      } else {
        await differencesApi.reject(difference.id, note);
        message.success(t('reconciliation.rejected'));
      }
      onDone();
    } catch (failure) {
      if (!showMappedErrors(form, failure, { note: 'note', action: 'action' })) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  const title: Record<Mode, string> = {
    resolve: t('reconciliation.resolveTitle'),
    approve: t('reconciliation.approveTitle'),
    reject: t('reconciliation.rejectTitle'),
  };
  const allowed = difference ? actionsFor(difference) : [];
  return (
    <Modal
      open={difference !== null}
      title={title[mode]}
      onOk={submit}
      onCancel={onClose}
      okText={
        mode === 'resolve'
          ? t('reconciliation.resolveSubmit')
          : mode === 'approve'
            ? t('reconciliation.approve')
            : t('reconciliation.reject')
      }
      okButtonProps={{ danger: mode === 'reject', 'data-testid': 'difference-modal-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      width={640}
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="difference-modal-error" />
      )}
      {difference && <DifferenceSummary difference={difference} />}
      <Form
        form={form}
        name="difference_decision"
        layout="vertical"
        preserve={false}
        initialValues={{ action: 'acknowledge' }}
      >
        {mode === 'resolve' && (
          <Form.Item name="action" label={t('reconciliation.actionTitle')} extra={actionHint(action, t)}>
            <Radio.Group data-testid="difference-action">
              {allowed.map((code) => (
                <Radio key={code} value={code} data-testid={`difference-action-${code}`}>
                  {resolveActionLabel(code, t)}
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
        )}
        <Form.Item
          name="note"
          label={mode === 'approve' ? t('reconciliation.approveNote') : t('reconciliation.note')}
          rules={noteRequired ? [{ required: true, whitespace: true, message: t('reconciliation.noteRequired') }] : []}
        >
          <Input.TextArea
            maxLength={500}
            autoSize={{ minRows: 2, maxRows: 5 }}
            placeholder={mode === 'resolve' ? t('reconciliation.notePlaceholder') : undefined}
            data-testid="difference-note"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function actionHint(action: ResolveAction | undefined, t: ReturnType<typeof useI18n>['t']): ReactNode {
  return (
    <Typography.Text type="secondary">
      {action === 'settle' ? t('reconciliation.settleHint') : t('reconciliation.acknowledgeHint')}
    </Typography.Text>
  );
}

/** The buttons a difference offers this user, and the modal they open. */
export function useDifferenceActions(onDone: () => void) {
  const { t } = useI18n();
  const { can } = useSession();
  const [open, setOpen] = useState<{ difference: ReconciliationDifference; mode: Mode } | null>(null);
  const canWrite = can('reconciliation:write');
  const canApprove = can('reconciliation:approve');

  function buttons(difference: ReconciliationDifference): ReactNode {
    const shown: ReactNode[] = [];
    if (difference.status === 'open' && canWrite) {
      shown.push(
        <Button
          key="resolve"
          type="link"
          size="small"
          onClick={() => setOpen({ difference, mode: 'resolve' })}
          data-testid="difference-resolve"
        >
          {t('reconciliation.resolve')}
        </Button>,
      );
    }
    if (difference.status === 'awaiting_approval' && canApprove) {
      shown.push(
        <Button
          key="approve"
          type="link"
          size="small"
          onClick={() => setOpen({ difference, mode: 'approve' })}
          data-testid="difference-approve"
        >
          {t('reconciliation.approve')}
        </Button>,
        <Button
          key="reject"
          type="link"
          size="small"
          danger
          onClick={() => setOpen({ difference, mode: 'reject' })}
          data-testid="difference-reject"
        >
          {t('reconciliation.reject')}
        </Button>,
      );
    }
    return shown.length > 0 ? <Space size={0}>{shown}</Space> : '-';
  }

  const modal = (
    <DifferenceModal
      difference={open?.difference ?? null}
      mode={open?.mode ?? 'resolve'}
      onClose={() => setOpen(null)}
      onDone={() => {
        setOpen(null);
        onDone();
      }}
    />
  );
  return { buttons, modal };
}
