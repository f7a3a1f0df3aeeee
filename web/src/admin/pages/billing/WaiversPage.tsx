// 减免审批: penalty waiver requests by status; an approver (waiver:approve) approves or rejects with a note,
// and never their own request.

import { Alert, App, Button, Form, Input, Modal, Space, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { validValues } from '../../components/form-errors.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { type Waiver, waiversApi } from './billing-api.ts';
import { showMappedErrors, waiverStatusEnum } from './billing-labels.ts';

type Decision = 'approve' | 'reject';

function DecisionModal({
  waiver,
  decision,
  onClose,
  onDone,
}: {
  waiver: Waiver | null;
  decision: Decision;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rejecting = decision === 'reject';

  async function decide() {
    if (!waiver) return;
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      const note = values.note?.trim() || undefined;
      if (rejecting) await waiversApi.reject(waiver.id, note ?? '');
      else await waiversApi.approve(waiver.id, note);
      message.success(t(rejecting ? 'waiver.rejected' : 'waiver.approved', { number: waiver.billNumber }));
      onDone();
    } catch (failure) {
      if (!showMappedErrors(form, failure, { note: 'note' })) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={waiver !== null}
      title={
        waiver &&
        t(rejecting ? 'waiver.rejectTitle' : 'waiver.approveTitle', {
          number: waiver.billNumber,
          amount: formatFen(waiver.amountFen),
        })
      }
      onOk={decide}
      onCancel={onClose}
      okText={rejecting ? t('waiver.reject') : t('waiver.approve')}
      okButtonProps={{ danger: rejecting, 'data-testid': 'waiver-decision-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="waiver-decision-error" />
      )}
      {waiver && (
        <Typography.Paragraph type="secondary">
          {t('waiver.decisionHint', { tenant: waiver.tenantName, reason: waiver.reason })}
        </Typography.Paragraph>
      )}
      <Form form={form} name="waiver_decision" layout="vertical" preserve={false}>
        <Form.Item
          name="note"
          label={rejecting ? t('waiver.rejectNote') : t('waiver.approveNote')}
          rules={rejecting ? [{ required: true, whitespace: true, message: t('waiver.noteRequired') }] : []}
        >
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function WaiversPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const canApprove = can('waiver:approve');
  const list = useRef<ListPageAction>(null);
  const [deciding, setDeciding] = useState<{ waiver: Waiver; decision: Decision } | null>(null);

  const listWaivers: ListRequest<Waiver> = useCallback((query) => waiversApi.list(query), []);
  const columns: ListColumn<Waiver>[] = [
    {
      key: 'billNumber',
      title: t('bill.number'),
      fixed: 'left',
      render: (waiver) => <Link to={`/bills?id=${encodeURIComponent(waiver.billId)}`}>{waiver.billNumber}</Link>,
    },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 180 },
    { key: 'amountFen', title: t('waiver.amount'), render: (waiver) => formatFen(waiver.amountFen) },
    { key: 'reason', title: t('waiver.reason'), dataIndex: 'reason', ellipsis: true, width: 220 },
    {
      key: 'status',
      title: t('waiver.status'),
      dataIndex: 'status',
      valueEnum: waiverStatusEnum(t),
      search: { type: 'select' },
    },
    { key: 'requestedByName', title: t('waiver.requestedBy'), dataIndex: 'requestedByName' },
    { key: 'requestedAt', title: t('waiver.requestedAt'), dataIndex: 'requestedAt', valueType: 'dateTime' },
    { key: 'decidedByName', title: t('waiver.decidedBy'), dataIndex: 'decidedByName' },
    { key: 'decidedAt', title: t('waiver.decidedAt'), dataIndex: 'decidedAt', valueType: 'dateTime' },
    { key: 'decisionNote', title: t('waiver.note'), dataIndex: 'decisionNote', ellipsis: true, width: 160 },
    ...(canApprove
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            fixed: 'right' as const,
            render: (waiver: Waiver) =>
              waiver.status === 'pending' ? (
                <Space size={0}>
                  <Button
                    type="link"
                    size="small"
                    onClick={() => setDeciding({ waiver, decision: 'approve' })}
                    data-testid="waiver-approve"
                  >
                    {t('waiver.approve')}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    danger
                    onClick={() => setDeciding({ waiver, decision: 'reject' })}
                    data-testid="waiver-reject"
                  >
                    {t('waiver.reject')}
                  </Button>
                </Space>
              ) : (
                '-'
              ),
          },
        ]
      : []),
  ];

  return (
    <>
      <ListPage<Waiver>
        title={t('waiver.title')}
        rowKey="id"
        actionRef={list}
        request={listWaivers}
        columns={columns}
      />
      <DecisionModal
        waiver={deciding?.waiver ?? null}
        decision={deciding?.decision ?? 'approve'}
        onClose={() => setDeciding(null)}
        onDone={() => {
          setDeciding(null);
          list.current?.reload();
        }}
      />
    </>
  );
}
