// The refund forms: 多缴退款 (a payment's advance back), 保证金退款 (a deposit back less itemised deductions: rent
// owed on named bills and repairs), and the decisions on a request (批准, 驳回, 登记已退款).

import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Form, Input, Modal, Radio, Select, Space, Table, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { fenOfYuanText } from '../../../../../src/domain/decimal-text.ts';
import { formatYuan } from '../../../../../src/domain/money.ts';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { validValues } from '../../components/form-errors.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { RemoteSelect, searchTenants } from '../billing/BillForms.tsx';
import { billsApi, type Payment, paymentsApi } from '../billing/billing-api.ts';
import { methodLabel, showMappedErrors, yuanRule } from '../billing/billing-labels.ts';
import { providerLabel, suspenseReasonLabel } from '../payments/payment-labels.ts';
import { type SuspenseItem, suspenseApi } from '../payments/payments-api.ts';
import { ONLINE_METHODS, refundKindLabel, refundMethodLabel } from './refund-labels.ts';
import {
  type DepositRefundRequest,
  newIdempotencyKey,
  type Refund,
  type RefundDeduction,
  type RefundMethod,
  refundsApi,
} from './refunds-api.ts';

const yuanText = (fen: number) => formatYuan(fen, { grouping: false });

interface DeductionRow {
  item: string;
  amountYuan: string;
  billId?: string | null;
}

interface RefundValues {
  tenantId?: string;
  paymentId?: string;
  amountYuan?: string;
  deductions?: DeductionRow[];
  method: RefundMethod;
  reason: string;
}

/** The tenant's payments that left an advance (预收款), newest first. */
function usePaymentsWithAdvance(tenantId: string | undefined): Payment[] {
  return useLoaded(tenantId, loadPaymentsWithAdvance, { clearWhileLoading: true }).data ?? [];
}

const loadPaymentsWithAdvance = (tenantId: string) =>
  paymentsApi
    .list({ tenantId, page: 1, pageSize: 100 })
    .then((page) => page.items.filter((payment) => payment.advanceFen > 0));

/** The online payment that paid a deposit bill, if any: only then can the deposit go back the way it came. */
function useDepositPayment(depositBillId: string | null | undefined): Payment | null {
  return useLoaded(depositBillId, loadDepositPayment, { clearWhileLoading: true }).data;
}

async function loadDepositPayment(depositBillId: string): Promise<Payment | null> {
  const bill = await billsApi.get(depositBillId);
  const paymentId = bill.allocations[0]?.paymentId;
  if (!paymentId) return null;
  const found = await paymentsApi.get(paymentId);
  return ONLINE_METHODS.has(found.method) ? found : null;
}

function sumDeductions(rows: DeductionRow[] | undefined): number {
  return (rows ?? []).reduce((sum, row) => sum + (fenOfYuanText(row?.amountYuan) ?? 0), 0);
}

/**
 * 申请退款: `deposit` given → a deposit refund for that ended contract (deductions start as its unpaid bills);
 * otherwise an overpayment refund from a payment's advance.
 */
export function RequestRefundModal({
  open,
  deposit,
  onClose,
  onDone,
}: {
  open: boolean;
  deposit: DepositRefundRequest | null;
  onClose: () => void;
  onDone: (refund: Refund) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<RefundValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = useRef(newIdempotencyKey());
  const kind = deposit ? 'deposit' : 'overpayment';

  const tenantId = Form.useWatch('tenantId', form);
  const paymentId = Form.useWatch('paymentId', form);
  const deductions = Form.useWatch('deductions', form);
  const payments = usePaymentsWithAdvance(deposit ? undefined : tenantId);
  const chosenPayment = payments.find((payment) => payment.id === paymentId);
  const depositPayment = useDepositPayment(deposit?.depositBillId);
  const online = deposit ? depositPayment !== null : chosenPayment ? ONLINE_METHODS.has(chosenPayment.method) : false;
  const deductedFen = sumDeductions(deductions);
  const depositRefundFen = deposit ? deposit.depositPaidFen - deductedFen : 0;

  useEffect(() => {
    if (open) key.current = newIdempotencyKey();
  }, [open]);

  // A method the payment cannot take goes back to offline.
  useEffect(() => {
    if (!online && form.getFieldValue('method') === 'original_channel') form.setFieldValue('method', 'offline');
  }, [online, form]);

  const initialValues = useMemo<Partial<RefundValues>>(
    () =>
      deposit
        ? {
            method: 'offline',
            reason: t('refund.depositReasonDefault', { contract: deposit.contractNo }),
            deductions: deposit.unpaidBills.map((bill) => ({
              item: t('refund.unpaidBillItem', { bill: bill.billNo, period: bill.period ?? '' }).trim(),
              amountYuan: yuanText(bill.outstandingFen),
              billId: bill.id,
            })),
          }
        : { method: 'offline' },
    [deposit, t],
  );

  async function submit() {
    const values = await validValues(form);
    if (!values) return;
    if (deposit && depositRefundFen <= 0) {
      setError(t('refund.nothingLeft'));
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const refund = await refundsApi.create(
        deposit
          ? {
              kind: 'deposit',
              depositBillId: deposit.depositBillId ?? undefined,
              ...(values.method === 'original_channel' && depositPayment ? { paymentId: depositPayment.id } : {}),
              deductions: (values.deductions ?? []).map(
                (row): RefundDeduction => ({
                  item: row.item.trim(),
                  amountFen: fenOfYuanText(row.amountYuan) ?? 0,
                  ...(row.billId ? { billId: row.billId } : {}),
                }),
              ),
              method: values.method,
              reason: values.reason.trim(),
            }
          : {
              kind: 'overpayment',
              paymentId: values.paymentId,
              amountFen: fenOfYuanText(values.amountYuan) ?? 0,
              method: values.method,
              reason: values.reason.trim(),
            },
        key.current,
      );
      message.success(t('refund.requested', { number: refund.refundNo, amount: formatFen(refund.amountFen) }));
      onDone(refund);
    } catch (failure) {
      const mapped = showMappedErrors(form, failure, {
        paymentId: 'paymentId',
        amountFen: 'amountYuan',
        method: 'method',
        reason: 'reason',
      });
      if (!mapped) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={deposit ? t('refund.depositTitle', { contract: deposit.contractNo }) : t('refund.overpaymentTitle')}
      onOk={submit}
      onCancel={onClose}
      okText={t('refund.requestSubmit')}
      okButtonProps={{ 'data-testid': 'refund-request-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      width={720}
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="refund-request-error" />
      )}
      {deposit && (
        <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('bill.tenant')}>{deposit.tenantName}</Descriptions.Item>
          <Descriptions.Item label={t('refund.contract')}>{deposit.contractNo}</Descriptions.Item>
          <Descriptions.Item label={t('refund.depositPaid')}>
            <span data-testid="refund-deposit-paid">{formatFen(deposit.depositPaidFen)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('refund.kindTitle')}>{refundKindLabel(kind, t)}</Descriptions.Item>
        </Descriptions>
      )}
      <Form<RefundValues>
        form={form}
        name="refund_request"
        layout="vertical"
        preserve={false}
        initialValues={initialValues}
      >
        {!deposit && (
          <>
            <Form.Item
              name="tenantId"
              label={t('bill.tenant')}
              rules={[{ required: true, message: t('payment.tenantRequired') }]}
            >
              <RemoteSelect
                search={searchTenants}
                onChange={() => form.setFieldsValue({ paymentId: undefined, amountYuan: undefined })}
                placeholder={t('suspense.tenantPlaceholder')}
              />
            </Form.Item>
            <Form.Item
              name="paymentId"
              label={t('refund.payment')}
              rules={[{ required: true, message: t('refund.paymentRequired') }]}
              extra={tenantId && payments.length === 0 ? t('refund.noAdvance') : t('refund.paymentHint')}
            >
              <Select
                disabled={!tenantId}
                placeholder={t('common.select')}
                onChange={(id: string) => {
                  const payment = payments.find((item) => item.id === id);
                  if (payment) form.setFieldValue('amountYuan', yuanText(payment.advanceFen));
                }}
                options={payments.map((payment) => ({
                  value: payment.id,
                  label: `${payment.number} · ${payment.receivedOn} · ${methodLabel(payment.method, t)} · ${t(
                    'refund.advanceOf',
                    { amount: formatFen(payment.advanceFen) },
                  )}`,
                }))}
              />
            </Form.Item>
            <Form.Item
              name="amountYuan"
              label={t('refund.amount')}
              rules={[yuanRule(t, 'refund.amountRequired')]}
              extra={chosenPayment && t('refund.amountHint', { amount: formatFen(chosenPayment.advanceFen) })}
            >
              <Input prefix="¥" suffix={t('asset.yuan')} inputMode="decimal" placeholder="0.00" />
            </Form.Item>
          </>
        )}
        {deposit && (
          <div style={{ marginBottom: 16 }}>
            <Typography.Text strong>{t('refund.deductions')}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {t('refund.deductionsHint')}
            </Typography.Paragraph>
            <Form.List name="deductions">
              {(fields, { add, remove }) => (
                <Space orientation="vertical" style={{ width: '100%' }} data-testid="refund-deductions">
                  {fields.map((field) => (
                    <Space key={field.key} align="baseline" style={{ width: '100%' }} data-testid="refund-deduction">
                      <Form.Item
                        name={[field.name, 'item']}
                        rules={[{ required: true, whitespace: true, message: t('refund.itemRequired') }]}
                        style={{ width: 360, marginBottom: 0 }}
                      >
                        <Input placeholder={t('refund.itemPlaceholder')} maxLength={200} data-testid="deduction-item" />
                      </Form.Item>
                      <Form.Item
                        name={[field.name, 'amountYuan']}
                        rules={[yuanRule(t, 'refund.amountRequired')]}
                        style={{ width: 180, marginBottom: 0 }}
                      >
                        <Input prefix="¥" inputMode="decimal" placeholder="0.00" data-testid="deduction-amount" />
                      </Form.Item>
                      <Form.Item name={[field.name, 'billId']} hidden>
                        <Input />
                      </Form.Item>
                      <Button
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label={t('common.delete')}
                        onClick={() => remove(field.name)}
                      />
                    </Space>
                  ))}
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => add({ item: '', amountYuan: '' })}
                    data-testid="refund-add-deduction"
                  >
                    {t('refund.addDeduction')}
                  </Button>
                </Space>
              )}
            </Form.List>
            <Descriptions size="small" column={3} style={{ marginTop: 12 }}>
              <Descriptions.Item label={t('refund.depositPaid')}>{formatFen(deposit.depositPaidFen)}</Descriptions.Item>
              <Descriptions.Item label={t('refund.deducted')}>{formatFen(deductedFen)}</Descriptions.Item>
              <Descriptions.Item label={t('refund.toRefund')}>
                <Typography.Text strong type={depositRefundFen > 0 ? undefined : 'danger'} data-testid="refund-net">
                  {formatFen(depositRefundFen)}
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          </div>
        )}
        <Form.Item
          name="method"
          label={t('refund.methodTitle')}
          extra={online ? t('refund.methodHintOnline') : t('refund.methodHintOffline')}
        >
          <Radio.Group>
            <Radio value="original_channel" disabled={!online} data-testid="refund-method-original_channel">
              {refundMethodLabel('original_channel', t)}
            </Radio>
            <Radio value="offline" data-testid="refund-method-offline">
              {refundMethodLabel('offline', t)}
            </Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('refund.reason')}
          rules={[{ required: true, whitespace: true, message: t('refund.reasonRequired') }]}
        >
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} data-testid="refund-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 挂账退款: money that matched no bill goes back, whole, to whoever paid it (through its channel). */
export function SuspenseRefundModal({
  open,
  onClose,
  onDone,
}: {
  open: boolean;
  onClose: () => void;
  onDone: (refund: Refund) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ suspenseItemId: string; method: RefundMethod; reason: string }>();
  const [items, setItems] = useState<SuspenseItem[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = useRef(newIdempotencyKey());

  useEffect(() => {
    if (!open) return;
    key.current = newIdempotencyKey();
    let live = true;
    suspenseApi
      .list({ status: 'open', page: 1, pageSize: 100 })
      .then((page) => live && setItems(page.items))
      .catch(() => live && setItems([]));
    return () => {
      live = false;
    };
  }, [open]);

  async function submit() {
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      const refund = await refundsApi.create(
        {
          kind: 'suspense',
          suspenseItemId: values.suspenseItemId,
          method: values.method,
          reason: values.reason.trim(),
        },
        key.current,
      );
      message.success(t('refund.requested', { number: refund.refundNo, amount: formatFen(refund.amountFen) }));
      onDone(refund);
    } catch (failure) {
      const mapped = showMappedErrors(form, failure, {
        suspenseItemId: 'suspenseItemId',
        method: 'method',
        reason: 'reason',
      });
      if (!mapped) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('refund.suspenseTitle')}
      onOk={submit}
      onCancel={onClose}
      okText={t('refund.requestSubmit')}
      okButtonProps={{ 'data-testid': 'refund-suspense-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      width={640}
      afterClose={() => setError(null)}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">{t('refund.suspenseHint')}</Typography.Paragraph>
      <Form
        form={form}
        name="refund_suspense"
        layout="vertical"
        preserve={false}
        initialValues={{ method: 'original_channel' }}
      >
        <Form.Item
          name="suspenseItemId"
          label={t('refund.suspenseItem')}
          rules={[{ required: true, message: t('refund.suspenseItemRequired') }]}
          extra={items.length === 0 ? t('refund.noSuspense') : undefined}
        >
          <Select
            placeholder={t('common.select')}
            options={items.map((item) => ({
              value: item.id,
              label: [
                item.number,
                providerLabel(item.provider, t),
                formatFen(item.amountFen),
                suspenseReasonLabel(item.reason, t),
                item.tenantName,
              ]
                .filter(Boolean)
                .join(' · '),
            }))}
          />
        </Form.Item>
        <Form.Item name="method" label={t('refund.methodTitle')}>
          <Radio.Group>
            {(['original_channel', 'offline'] as const).map((method) => (
              <Radio key={method} value={method}>
                {refundMethodLabel(method, t)}
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('refund.reason')}
          rules={[{ required: true, whitespace: true, message: t('refund.reasonRequired') }]}
        >
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export type RefundDecision = 'approve' | 'reject' | 'paid';

/** 批准 / 驳回 (an approver, not the requester) and 登记已退款 (finance, after paying offline). */
export function RefundDecisionModal({
  refund,
  decision,
  onClose,
  onDone,
}: {
  refund: Refund | null;
  decision: RefundDecision;
  onClose: () => void;
  onDone: (refund: Refund) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    if (!refund) return;
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    const note = values.note?.trim() || undefined;
    try {
      const answer =
        decision === 'approve'
          ? await refundsApi.approve(refund.id, note)
          : decision === 'reject'
            ? await refundsApi.reject(refund.id, note ?? '')
            : await refundsApi.recordPaid(refund.id, note);
      message.success(
        t(decision === 'approve' ? 'refund.approved' : decision === 'reject' ? 'refund.rejected' : 'refund.paidDone', {
          number: refund.refundNo,
        }),
      );
      onDone(answer);
    } catch (failure) {
      if (!showMappedErrors(form, failure, { note: 'note', reference: 'note' })) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  const titles: Record<RefundDecision, string> = {
    approve: t('refund.approveTitle'),
    reject: t('refund.rejectTitle'),
    paid: t('refund.paidTitle'),
  };
  const labels: Record<RefundDecision, string> = {
    approve: t('refund.approveNote'),
    reject: t('refund.rejectNote'),
    paid: t('refund.paidReference'),
  };
  return (
    <Modal
      open={refund !== null}
      title={refund && `${titles[decision]} ${refund.refundNo}`}
      onOk={submit}
      onCancel={onClose}
      okText={
        decision === 'approve' ? t('refund.approve') : decision === 'reject' ? t('refund.reject') : t('common.ok')
      }
      okButtonProps={{ danger: decision === 'reject', 'data-testid': 'refund-decision-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="refund-decision-error" />
      )}
      {refund && (
        <Typography.Paragraph type="secondary">
          {t('refund.decisionHint', {
            tenant: refund.tenantName ?? '-',
            kind: refundKindLabel(refund.kind, t),
            amount: formatFen(refund.amountFen),
            method: refundMethodLabel(refund.method, t),
          })}
        </Typography.Paragraph>
      )}
      {refund && refund.deductions.length > 0 && <DeductionsTable refund={refund} />}
      <Form form={form} name="refund_decision" layout="vertical" preserve={false}>
        <Form.Item
          name="note"
          label={labels[decision]}
          rules={decision === 'reject' ? [{ required: true, whitespace: true, message: t('refund.noteRequired') }] : []}
        >
          {decision === 'paid' ? (
            <Input maxLength={100} placeholder={t('payment.referencePlaceholder')} data-testid="refund-decision-note" />
          ) : (
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} data-testid="refund-decision-note" />
          )}
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 已收保证金 − each deduction = 退还金额. */
export function DeductionsTable({ refund }: { refund: Refund }) {
  const { t } = useI18n();
  const deducted = refund.deductions.reduce((sum, row) => sum + row.amountFen, 0);
  return (
    <Table<RefundDeduction>
      size="small"
      rowKey={(row) => `${row.item}-${row.amountFen}-${row.billId ?? ''}`}
      pagination={false}
      data-testid="refund-deduction-table"
      dataSource={refund.deductions}
      style={{ marginBottom: 16 }}
      columns={[
        { key: 'item', title: t('refund.deductionItem'), dataIndex: 'item' },
        {
          key: 'bill',
          title: t('refund.deductionKind'),
          render: (_v, row) => (row.billId ? t('refund.deductionBill') : t('refund.deductionOther')),
        },
        { key: 'amount', title: t('refund.amount'), align: 'right', render: (_v, row) => formatFen(row.amountFen) },
      ]}
      summary={() => (
        <>
          {refund.depositPaidFen !== null && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>
                {t('refund.depositPaid')}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                {formatFen(refund.depositPaidFen)}
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )}
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={2}>
              {t('refund.deducted')}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right">
              {formatFen(deducted)}
            </Table.Summary.Cell>
          </Table.Summary.Row>
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={2}>
              <Typography.Text strong>{t('refund.toRefund')}</Typography.Text>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right">
              <Typography.Text strong>{formatFen(refund.amountFen)}</Typography.Text>
            </Table.Summary.Cell>
          </Table.Summary.Row>
        </>
      )}
    />
  );
}
