// The billing dialogs: a one-off charge, a waiver request, void and reissue, and an offline payment (登记收款).
// Amounts are typed in 元 and sent as exact fen; the server's field errors show under the fields they name.

import { Alert, App, DatePicker, Form, type FormInstance, Input, Modal, Select, Spin, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, useEffect, useState } from 'react';
import { fenOfYuanText } from '../../../../../src/domain/decimal-text.ts';
import { formatYuan } from '../../../../../src/domain/money.ts';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { validValues } from '../../components/form-errors.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { contractsApi } from '../contracts/contracts-api.ts';
import { tenantsApi } from '../tenants/tenants-api.ts';
import { type Bill, billsApi, type ChargeItem, type Payment, type PaymentMethod, paymentsApi } from './billing-api.ts';
import {
  CHARGE_ITEMS,
  chargeItemLabel,
  methodEnum,
  optionsOf,
  PAYMENT_METHODS,
  showMappedErrors,
  yuanRule,
} from './billing-labels.ts';

const day = (value: Dayjs) => value.format('YYYY-MM-DD');
const yuanText = (fen: number) => formatYuan(fen, { grouping: false });

interface FormModalProps<Values> {
  open: boolean;
  title: ReactNode;
  okText: string;
  testId: string;
  danger?: boolean;
  /** API field name → form field name, for the server's 400/422 errors. */
  fieldMap: Record<string, string>;
  initialValues?: Partial<Values>;
  onSubmit: (values: Values) => Promise<void>;
  onClose: () => void;
  children: (form: FormInstance<Values>) => ReactNode;
}

/** A dialog around one form: validates, submits, and shows the server's problem under a field or on top. */
function FormModal<Values extends object>({
  open,
  title,
  okText,
  testId,
  danger,
  fieldMap,
  initialValues,
  onSubmit,
  onClose,
  children,
}: FormModalProps<Values>) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      await onSubmit(values);
    } catch (failure) {
      if (!showMappedErrors(form, failure, fieldMap)) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={title}
      onOk={submit}
      onCancel={onClose}
      okText={okText}
      okButtonProps={{ danger, 'data-testid': `${testId}-ok` }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid={`${testId}-error`} />
      )}
      <Form<Values>
        form={form}
        name={testId.replaceAll('-', '_')}
        layout="vertical"
        preserve={false}
        initialValues={initialValues}
        data-testid={testId}
      >
        {children(form)}
      </Form>
    </Modal>
  );
}

/** A select whose options come from the server as the person types (tenants, contracts, bills). */
export function RemoteSelect({
  id,
  value,
  onChange,
  search,
  placeholder,
  mode,
  disabled,
}: {
  id?: string;
  value?: string | string[];
  onChange?: (value: string | string[] | undefined) => void;
  search: (keyword: string) => Promise<{ value: string; label: string }[]>;
  placeholder?: string;
  mode?: 'multiple';
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const [keyword, setKeyword] = useState('');
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let live = true;
    setLoading(true);
    const timer = setTimeout(() => {
      search(keyword.trim())
        .then((found) => live && setOptions(found))
        .catch(() => live && setOptions([]))
        .finally(() => live && setLoading(false));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [keyword, search]);

  return (
    <Select<string | string[]>
      id={id}
      mode={mode}
      value={value}
      onChange={(next) => onChange?.(next)}
      disabled={disabled}
      placeholder={placeholder ?? t('common.select')}
      showSearch={{ filterOption: false, onSearch: setKeyword }}
      allowClear
      loading={loading}
      notFoundContent={loading ? <Spin size="small" /> : t('common.none')}
      options={options}
    />
  );
}

export const searchTenants = (keyword: string) =>
  tenantsApi
    .list({ page: 1, pageSize: 50, keyword: keyword || undefined })
    .then((page) => page.items.map((tenant) => ({ value: tenant.id, label: `${tenant.name}（${tenant.code}）` })));

/** Up to 200 tenants for a filter select, loaded once. */
export const loadTenantOptions = () =>
  tenantsApi
    .list({ page: 1, pageSize: 200 })
    .then((page) => page.items.map((tenant) => ({ value: tenant.id, label: `${tenant.name}（${tenant.code}）` })));

export const searchContracts = (keyword: string) =>
  contractsApi
    .list({ page: 1, pageSize: 50, keyword: keyword || undefined })
    .then((page) =>
      page.items.map((contract) => ({ value: contract.id, label: `${contract.number} ${contract.tenantName}` })),
    );

export const searchActiveContracts = (keyword: string) =>
  contractsApi
    .list({ page: 1, pageSize: 50, status: 'active', keyword: keyword || undefined })
    .then((page) =>
      page.items.map((contract) => ({ value: contract.id, label: `${contract.number} ${contract.tenantName}` })),
    );

/** The tenant's unsettled bills, for choosing which ones the money pays; none if they cannot be loaded. */
export function useUnsettledBills(tenantId: string | undefined): Bill[] {
  return useLoaded(tenantId, loadUnsettledBills).data ?? [];
}

const loadUnsettledBills = (tenantId: string) =>
  billsApi
    .list({ tenantId, page: 1, pageSize: 100 })
    .then((page) => page.items.filter((bill) => bill.status === 'open' || bill.status === 'partial'))
    .catch(() => []);

function YuanInput(props: object) {
  const { t } = useI18n();
  return <Input {...props} prefix="¥" suffix={t('asset.yuan')} inputMode="decimal" placeholder="0.00" />;
}

function ReasonInput(props: object) {
  return <Input.TextArea {...props} maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} />;
}

interface ChargeValues {
  contractId: string;
  chargeItem: ChargeItem;
  description: string;
  amountYuan: string;
  dueDate: Dayjs;
  taxRate: string;
}

/** 新增费用: a one-off charge (utilities, property fee, repairs) on an active contract. */
export function ChargeModal({
  open,
  onClose,
  onDone,
}: {
  open: boolean;
  onClose: () => void;
  onDone: (bill: Bill) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<ChargeValues>
      open={open}
      title={t('bill.charge.title')}
      okText={t('bill.charge.submit')}
      testId="bill-charge"
      fieldMap={{
        contractId: 'contractId',
        chargeItem: 'chargeItem',
        description: 'description',
        amountFen: 'amountYuan',
        dueDate: 'dueDate',
        taxRate: 'taxRate',
      }}
      initialValues={{ chargeItem: 'utilities', taxRate: '0', dueDate: dayjs().add(15, 'day') }}
      onClose={onClose}
      onSubmit={async (values) => {
        const bill = await billsApi.createCharge({
          contractId: values.contractId,
          chargeItem: values.chargeItem,
          description: values.description.trim(),
          amountFen: fenOfYuanText(values.amountYuan) ?? 0,
          dueDate: day(values.dueDate),
          taxRate: values.taxRate,
        });
        message.success(t('bill.charge.done', { number: bill.number }));
        onDone(bill);
      }}
    >
      {() => (
        <>
          <Form.Item
            name="contractId"
            label={t('bill.contract')}
            rules={[{ required: true, message: t('bill.form.contractRequired') }]}
          >
            <RemoteSelect search={searchActiveContracts} placeholder={t('bill.form.contractPlaceholder')} />
          </Form.Item>
          <Form.Item name="chargeItem" label={t('bill.chargeItem')} rules={[{ required: true }]}>
            <Select options={CHARGE_ITEMS.map((item) => ({ value: item, label: chargeItemLabel(item, t) }))} />
          </Form.Item>
          <Form.Item
            name="description"
            label={t('bill.description')}
            rules={[{ required: true, whitespace: true, message: t('bill.form.descriptionRequired') }]}
          >
            <Input maxLength={200} placeholder={t('bill.form.descriptionPlaceholder')} />
          </Form.Item>
          <Form.Item name="amountYuan" label={t('bill.amount')} rules={[yuanRule(t, 'bill.form.amountRequired')]}>
            <YuanInput />
          </Form.Item>
          <Form.Item
            name="dueDate"
            label={t('bill.dueDate')}
            rules={[{ required: true, message: t('bill.form.dueDateRequired') }]}
          >
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="taxRate" label={t('bill.taxRate')}>
            <Select
              options={[
                { value: '0', label: t('bill.tax.none') },
                { value: '0.09', label: '9%' },
                { value: '0.06', label: '6%' },
                { value: '0.05', label: '5%' },
                { value: '0.03', label: '3%' },
              ]}
            />
          </Form.Item>
        </>
      )}
    </FormModal>
  );
}

/** 申请减免: part or all of the bill's penalty, with the reason; an approver decides. */
export function WaiverRequestModal({
  bill,
  onClose,
  onDone,
}: {
  bill: Bill | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const waivable = bill ? Math.max(bill.lateFeeFen - bill.lateFeeWaivedFen, 0) : 0;
  return (
    <FormModal<{ amountYuan: string; reason: string }>
      open={bill !== null}
      title={bill && t('bill.waiver.title', { number: bill.number })}
      okText={t('bill.waiver.submit')}
      testId="bill-waiver"
      fieldMap={{ amountFen: 'amountYuan', reason: 'reason' }}
      initialValues={{ amountYuan: waivable > 0 ? yuanText(waivable) : undefined }}
      onClose={onClose}
      onSubmit={async (values) => {
        if (!bill) return;
        await billsApi.requestWaiver(bill.id, {
          amountFen: fenOfYuanText(values.amountYuan) ?? 0,
          reason: values.reason.trim(),
        });
        message.success(t('bill.waiver.done', { number: bill.number }));
        onDone();
      }}
    >
      {() => (
        <>
          {bill && (
            <Typography.Paragraph type="secondary">
              {t('bill.waiver.hint', { penalty: formatFen(bill.lateFeeFen), waived: formatFen(bill.lateFeeWaivedFen) })}
            </Typography.Paragraph>
          )}
          <Form.Item
            name="amountYuan"
            label={t('bill.waiver.amount')}
            rules={[yuanRule(t, 'bill.form.amountRequired')]}
          >
            <YuanInput />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('bill.waiver.reason')}
            rules={[{ required: true, whitespace: true, message: t('bill.form.reasonRequired') }]}
          >
            <ReasonInput />
          </Form.Item>
        </>
      )}
    </FormModal>
  );
}

/** 作废: a bill nothing was paid on, with the reason; its ledger entries are reversed. */
export function VoidModal({
  bill,
  onClose,
  onDone,
}: {
  bill: Bill | null;
  onClose: () => void;
  onDone: (bill: Bill) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ reason: string }>
      open={bill !== null}
      title={bill && t('bill.void.title', { number: bill.number })}
      okText={t('bill.void')}
      danger
      testId="bill-void"
      fieldMap={{ reason: 'reason' }}
      onClose={onClose}
      onSubmit={async (values) => {
        if (!bill) return;
        const voided = await billsApi.void(bill.id, values.reason.trim());
        message.success(t('bill.void.done', { number: bill.number }));
        onDone(voided);
      }}
    >
      {() => (
        <>
          <Typography.Paragraph type="secondary">{t('bill.void.hint')}</Typography.Paragraph>
          <Form.Item
            name="reason"
            label={t('bill.void.reason')}
            rules={[{ required: true, whitespace: true, message: t('bill.form.reasonRequired') }]}
          >
            <ReasonInput />
          </Form.Item>
        </>
      )}
    </FormModal>
  );
}

/** 重开: voids the bill and issues a new revision with the corrected amount and due date. */
export function ReissueModal({
  bill,
  onClose,
  onDone,
}: {
  bill: Bill | null;
  onClose: () => void;
  onDone: (bill: Bill) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ reason: string; amountYuan: string; dueDate: Dayjs; description?: string }>
      open={bill !== null}
      title={bill && t('bill.reissue.title', { number: bill.number })}
      okText={t('bill.reissue')}
      testId="bill-reissue"
      fieldMap={{ reason: 'reason', amountFen: 'amountYuan', dueDate: 'dueDate', description: 'description' }}
      initialValues={
        bill
          ? { amountYuan: yuanText(bill.amountFen), dueDate: dayjs(bill.dueDate), description: bill.description ?? '' }
          : {}
      }
      onClose={onClose}
      onSubmit={async (values) => {
        if (!bill) return;
        const next = await billsApi.reissue(bill.id, {
          reason: values.reason.trim(),
          amountFen: fenOfYuanText(values.amountYuan) ?? 0,
          dueDate: day(values.dueDate),
          description: values.description?.trim() || undefined,
        });
        message.success(t('bill.reissue.done', { number: next.number }));
        onDone(next);
      }}
    >
      {() => (
        <>
          <Typography.Paragraph type="secondary">{t('bill.reissue.hint')}</Typography.Paragraph>
          <Form.Item name="amountYuan" label={t('bill.amount')} rules={[yuanRule(t, 'bill.form.amountRequired')]}>
            <YuanInput />
          </Form.Item>
          <Form.Item
            name="dueDate"
            label={t('bill.dueDate')}
            rules={[{ required: true, message: t('bill.form.dueDateRequired') }]}
          >
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="description" label={t('bill.description')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('bill.reissue.reason')}
            rules={[{ required: true, whitespace: true, message: t('bill.form.reasonRequired') }]}
          >
            <ReasonInput />
          </Form.Item>
        </>
      )}
    </FormModal>
  );
}

interface PaymentValues {
  tenantId: string;
  amountYuan: string;
  method: PaymentMethod;
  receivedOn: Dayjs;
  reference?: string;
  billIds?: string[];
  remarks?: string;
}

/** 登记收款: an offline payment (bank transfer, cash, POS), applied to the chosen bills or oldest first. */
export function PaymentModal({
  open,
  bill,
  onClose,
  onDone,
}: {
  open: boolean;
  /** Recording for this bill: its tenant, the bill and what is payable today are filled in. */
  bill?: Bill | null;
  onClose: () => void;
  onDone: (payment: Payment) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  // One key per opened dialog: pressing 登记 twice (or a retry after a lost answer) records one payment.
  const [key, setKey] = useState(paymentsApi.newKey);
  useEffect(() => {
    if (open) setKey(paymentsApi.newKey());
  }, [open]);

  return (
    <FormModal<PaymentValues>
      open={open}
      title={bill ? t('payment.recordFor', { number: bill.number }) : t('payment.record')}
      okText={t('payment.recordSubmit')}
      testId="payment-record"
      fieldMap={{
        tenantId: 'tenantId',
        amountFen: 'amountYuan',
        method: 'method',
        receivedOn: 'receivedOn',
        reference: 'reference',
        billIds: 'billIds',
        remarks: 'remarks',
      }}
      initialValues={{
        method: 'bank_transfer',
        receivedOn: dayjs(),
        ...(bill
          ? { tenantId: bill.tenantId, billIds: [bill.id], amountYuan: yuanText(Math.max(bill.payableFen, 0)) }
          : {}),
      }}
      onClose={onClose}
      onSubmit={async (values) => {
        const payment = await paymentsApi.record(
          {
            tenantId: values.tenantId,
            amountFen: fenOfYuanText(values.amountYuan) ?? 0,
            receivedOn: day(values.receivedOn),
            method: values.method,
            reference: values.reference?.trim() || undefined,
            billIds: values.billIds?.length ? values.billIds : undefined,
            remarks: values.remarks?.trim() || undefined,
          },
          key,
        );
        message.success(t('payment.recorded', { number: payment.number, amount: formatFen(payment.amountFen) }));
        onDone(payment);
      }}
    >
      {(form) => <PaymentFields form={form} fixedBill={bill ?? null} />}
    </FormModal>
  );
}

function PaymentFields({ form, fixedBill }: { form: FormInstance<PaymentValues>; fixedBill: Bill | null }) {
  const { t } = useI18n();
  const tenantId = Form.useWatch('tenantId', form);
  const billOptions = useUnsettledBills(tenantId).map((bill) => ({
    value: bill.id,
    label: `${bill.number} · ${bill.dueDate} · ${formatFen(bill.payableFen)}`,
  }));
  if (fixedBill && !billOptions.some((option) => option.value === fixedBill.id)) {
    billOptions.unshift({
      value: fixedBill.id,
      label: `${fixedBill.number} · ${fixedBill.dueDate} · ${formatFen(fixedBill.payableFen)}`,
    });
  }

  return (
    <>
      <Form.Item
        name="tenantId"
        label={t('bill.tenant')}
        rules={[{ required: true, message: t('payment.tenantRequired') }]}
      >
        <RemoteSelect search={searchTenants} disabled={fixedBill !== null} />
      </Form.Item>
      <Form.Item name="amountYuan" label={t('payment.amount')} rules={[yuanRule(t, 'bill.form.amountRequired')]}>
        <YuanInput />
      </Form.Item>
      <Form.Item name="method" label={t('payment.method')} rules={[{ required: true }]}>
        <Select
          options={optionsOf(methodEnum(t)).filter((option) => PAYMENT_METHODS.includes(option.value as PaymentMethod))}
        />
      </Form.Item>
      <Form.Item
        name="receivedOn"
        label={t('payment.receivedOn')}
        rules={[{ required: true, message: t('payment.receivedOnRequired') }]}
      >
        <DatePicker style={{ width: '100%' }} disabledDate={(date) => date.isAfter(dayjs(), 'day')} />
      </Form.Item>
      <Form.Item name="reference" label={t('payment.reference')}>
        <Input maxLength={100} placeholder={t('payment.referencePlaceholder')} />
      </Form.Item>
      <Form.Item name="billIds" label={t('payment.bills')} extra={t('payment.billsHint')}>
        <Select mode="multiple" allowClear options={billOptions} placeholder={t('payment.billsPlaceholder')} />
      </Form.Item>
      <Form.Item name="remarks" label={t('payment.remarks')}>
        <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
      </Form.Item>
    </>
  );
}
