// Step 3 of the wizard: the terms, with the rent schedule beside them computed live by the server
// (POST /contracts/schedule-preview). The server's field errors (400/422) show under the inputs they concern.

import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  AutoComplete,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Divider,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import type { MessageKey } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { formatArea } from '../assets/asset-labels.ts';
import { cycleOptions, fenWithChinese, taxRateText } from './contract-labels.ts';
import { contractsApi, type SchedulePreview } from './contracts-api.ts';
import { ScheduleTable } from './ScheduleTable.tsx';
import {
  IncompleteTerms,
  isPercent,
  isYuan,
  type NamePath,
  type TermsFormValues,
  termsFieldOfPath,
  termsOfForm,
} from './terms-form.ts';

/** Field errors from the server, by field key ('monthlyYuan', 'rentFree.1'). */
export type ServerFieldErrors = Record<string, string[]>;

export const fieldKey = (name: NamePath) => (Array.isArray(name) ? name.join('.') : name);

/** The API's field errors placed under the wizard's fields; the rest (no field of ours) listed apart. */
export function serverFieldErrors(failure: unknown): { fields: ServerFieldErrors; other: string[] } {
  const fields: ServerFieldErrors = {};
  const other: string[] = [];
  if (!(failure instanceof ApiError)) return { fields, other };
  for (const { path, message } of failure.errors) {
    const name = termsFieldOfPath(path ?? '');
    if (name === null) {
      other.push(message);
      continue;
    }
    const key = fieldKey(name);
    fields[key] = [...(fields[key] ?? []), message];
  }
  return { fields, other };
}

export interface PreviewState {
  preview: SchedulePreview | null;
  loading: boolean;
  /** A needed field is still empty or malformed: nothing was sent. */
  incomplete: boolean;
  /** Which one, when known. */
  incompleteField: NamePath | null;
  error: string | null;
  otherErrors: string[];
  fieldErrors: ServerFieldErrors;
}

const initialPreview: PreviewState = {
  preview: null,
  loading: false,
  incomplete: true,
  incompleteField: null,
  error: null,
  otherErrors: [],
  fieldErrors: {},
};

/** The live schedule: `schedule()` after each change (debounced), `run()` when the answer is needed now. */
export function useLivePreview(form: FormInstance<TermsFormValues>) {
  const [state, setState] = useState<PreviewState>(initialPreview);
  const controller = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const run = useCallback(async (): Promise<SchedulePreview | null> => {
    clearTimeout(timer.current);
    controller.current?.abort();
    let terms: ReturnType<typeof termsOfForm>;
    try {
      terms = termsOfForm(form.getFieldsValue(true));
    } catch (error) {
      if (!(error instanceof IncompleteTerms)) throw error;
      setState({ ...initialPreview, incompleteField: error.field });
      return null;
    }
    const current = new AbortController();
    controller.current = current;
    setState((previous) => ({ ...previous, loading: true, incomplete: false, incompleteField: null }));
    try {
      const preview = await contractsApi.schedulePreview(terms, current.signal);
      if (current.signal.aborted) return null;
      setState({ ...initialPreview, preview, incomplete: false });
      return preview;
    } catch (failure) {
      if (current.signal.aborted) return null;
      const { fields, other } = serverFieldErrors(failure);
      setState({
        preview: null,
        loading: false,
        incomplete: false,
        incompleteField: null,
        error: errorDetail(failure),
        otherErrors: other,
        fieldErrors: fields,
      });
      return null;
    }
  }, [form]);

  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void run(), 400);
  }, [run]);

  /** Errors the server gave when the contract was saved (the org's term limit, say). */
  const showErrors = useCallback((fields: ServerFieldErrors, detail: string) => {
    setState((previous) => ({ ...previous, error: detail, fieldErrors: fields }));
  }, []);

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      controller.current?.abort();
    },
    [],
  );

  return { state, run, schedule, showErrors };
}

const TERM_YEARS = [1, 2, 3, 5];

/** How the preview names a field still to fill in. */
const FIELD_LABELS: Record<string, MessageKey> = {
  startDate: 'contract.startDate',
  endDate: 'contract.endDate',
  monthlyYuan: 'contract.monthlyRent',
  unitPriceYuan: 'contract.unitPrice',
  areaSqm: 'contract.rentArea',
  billingCycleMonths: 'contract.billingCycle',
  taxRate: 'contract.taxRate',
  rentFree: 'contract.rentFree',
  escalationEveryMonths: 'contract.form.escalationEvery',
  escalationRatePercent: 'contract.form.escalationRate',
  depositYuan: 'contract.deposit',
  lateFeeDailyPercent: 'contract.form.lateFeeDaily',
  lateFeeCapPercent: 'contract.form.lateFeeCap',
};
const PURPOSES = ['办公', '商业', '餐饮', '仓储', '生产', '居住', '停车'];

function PreviewPanel({ state }: { state: PreviewState }) {
  const { t } = useI18n();
  const { preview } = state;
  const field = state.incompleteField;
  const missing = field === null ? undefined : FIELD_LABELS[Array.isArray(field) ? String(field[0]) : field];
  return (
    <Card
      size="small"
      title={t('contract.wizard.previewTitle')}
      data-testid="contract-wizard-preview"
      style={{ position: 'sticky', top: 16 }}
    >
      {state.incomplete && (
        <Alert
          type="info"
          showIcon
          title={t('contract.wizard.previewIncomplete')}
          description={missing && t('contract.wizard.previewMissing', { field: t(missing) })}
        />
      )}
      {state.error && (
        <Alert
          type="error"
          showIcon
          data-testid="contract-wizard-preview-error"
          title={state.error}
          description={
            state.otherErrors.length > 0 ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {state.otherErrors.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            ) : undefined
          }
          style={{ marginBottom: 12 }}
        />
      )}
      {preview && (
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 12 }}
          items={[
            {
              key: 'monthly',
              label: t('contract.monthlyRent'),
              children: <span data-testid="contract-wizard-monthly">{formatFen(preview.monthlyRentFen)}</span>,
            },
            {
              key: 'annual',
              label: t('contract.annualRent'),
              children: formatFen(BigInt(preview.monthlyRentFen) * 12n),
            },
            {
              key: 'total',
              label: t('contract.totalRent'),
              children: (
                <Typography.Text strong data-testid="contract-wizard-total">
                  {fenWithChinese(preview.totalRentFen)}
                </Typography.Text>
              ),
            },
            {
              key: 'deposit',
              label: t('contract.deposit'),
              children: preview.deposit
                ? t('contract.depositDue', {
                    amount: formatFen(preview.deposit.amountFen),
                    date: preview.deposit.dueDate,
                  })
                : t('common.none'),
            },
          ]}
        />
      )}
      {(preview || state.loading) && (
        <ScheduleTable periods={preview?.periods ?? []} loading={state.loading} testId="contract-wizard-schedule" />
      )}
    </Card>
  );
}

export function TermsStep({
  form,
  initialValues,
  preview,
  onValuesChange,
  unitsArea,
}: {
  form: FormInstance<TermsFormValues>;
  initialValues: TermsFormValues;
  preview: PreviewState;
  onValuesChange: () => void;
  /** The chosen units' area in all (for per-area rent). */
  unitsArea: string | null;
}) {
  const { t } = useI18n();
  const rentMode = Form.useWatch('rentMode', form);
  const escalationEnabled = Form.useWatch('escalationEnabled', form);
  const lateFeeEnabled = Form.useWatch('lateFeeEnabled', form);
  const startDate = Form.useWatch('startDate', form) as Dayjs | null | undefined;
  const taxRate = Form.useWatch('taxRate', form);

  /** The server's error under a field (it replaces the field's own message until the next preview). */
  const server = (name: NamePath) => {
    const errors = preview.fieldErrors[fieldKey(name)];
    return errors ? { validateStatus: 'error' as const, help: errors.join('；') } : {};
  };

  const yuanRule = {
    validator: async (_rule: unknown, value: string | undefined) => {
      if (!isYuan(value)) throw new Error(t('contract.form.yuanInvalid'));
    },
  };
  const percentRule = {
    validator: async (_rule: unknown, value: string | undefined) => {
      if (!isPercent(value)) throw new Error(t('contract.form.percentInvalid'));
    },
  };
  const required = (message: string) => ({ required: true, message });

  const taxOptions = [
    { value: '0.09', label: t('contract.tax.general') },
    { value: '0.05', label: t('contract.tax.simple') },
    ...(taxRate && !['0.09', '0.05'].includes(taxRate) ? [{ value: taxRate, label: taxRateText(taxRate) }] : []),
  ];

  const setTerm = (years: number) => {
    if (!startDate) return;
    form.setFieldValue('endDate', startDate.add(years, 'year').subtract(1, 'day'));
    onValuesChange();
  };

  return (
    <Row gutter={24}>
      <Col xs={24} xl={12}>
        <Form<TermsFormValues>
          form={form}
          name="terms"
          layout="vertical"
          autoComplete="off"
          initialValues={initialValues}
          onValuesChange={onValuesChange}
        >
          <Divider titlePlacement="start" style={{ marginTop: 0 }}>
            {t('contract.section.term')}
          </Divider>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item
                name="startDate"
                label={t('contract.startDate')}
                rules={[required(t('contract.form.startRequired'))]}
                {...server('startDate')}
              >
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="endDate"
                label={t('contract.endDate')}
                rules={[required(t('contract.form.endRequired'))]}
                extra={
                  <Space size={4} wrap>
                    {t('contract.form.termQuick')}
                    {TERM_YEARS.map((years) => (
                      <Button
                        key={years}
                        size="small"
                        type="link"
                        style={{ padding: '0 4px' }}
                        disabled={!startDate}
                        onClick={() => setTerm(years)}
                      >
                        {t('contract.form.years', { years })}
                      </Button>
                    ))}
                  </Space>
                }
                {...server('endDate')}
              >
                <DatePicker
                  style={{ width: '100%' }}
                  disabledDate={(day) => (startDate ? !day.isAfter(startDate, 'day') : false)}
                />
              </Form.Item>
            </Col>
          </Row>

          <Divider titlePlacement="start">{t('contract.section.rent')}</Divider>
          <Form.Item name="rentMode" label={t('contract.rentMode')} {...server('rentMode')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'fixed', label: t('contract.rent.fixed') },
                { value: 'per_area', label: t('contract.rent.perArea') },
              ]}
            />
          </Form.Item>
          {rentMode === 'per_area' ? (
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item
                  name="unitPriceYuan"
                  label={t('contract.unitPrice')}
                  rules={[required(t('contract.form.unitPriceRequired')), yuanRule]}
                  {...server('unitPriceYuan')}
                >
                  <Input prefix="¥" suffix={t('contract.form.perSqmMonth')} inputMode="decimal" placeholder="45.50" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  name="areaSqm"
                  label={t('contract.rentArea')}
                  rules={[
                    required(t('contract.form.areaRequired')),
                    { pattern: /^\d{1,10}(\.\d{1,2})?$/, message: t('asset.form.areaInvalid') },
                  ]}
                  extra={
                    unitsArea && (
                      <Button
                        type="link"
                        size="small"
                        style={{ padding: 0 }}
                        onClick={() => {
                          form.setFieldValue('areaSqm', unitsArea);
                          onValuesChange();
                        }}
                      >
                        {t('contract.form.useUnitsArea', { area: formatArea(unitsArea) })}
                      </Button>
                    )
                  }
                  {...server('areaSqm')}
                >
                  <Input suffix="㎡" inputMode="decimal" placeholder="120.50" />
                </Form.Item>
              </Col>
            </Row>
          ) : (
            <Form.Item
              name="monthlyYuan"
              label={t('contract.monthlyRentInput')}
              rules={[required(t('contract.form.monthlyRequired')), yuanRule]}
              {...server('monthlyYuan')}
            >
              <Input prefix="¥" suffix={t('contract.form.perMonth')} inputMode="decimal" placeholder="3500.00" />
            </Form.Item>
          )}
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="billingCycleMonths" label={t('contract.billingCycle')} {...server('billingCycleMonths')}>
                <Radio.Group optionType="button" options={cycleOptions(t)} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="dueOffsetDays"
                label={t('contract.dueOffset')}
                extra={t('contract.form.dueOffsetHint')}
                {...server('dueOffsetDays')}
              >
                <InputNumber
                  precision={0}
                  min={-365}
                  max={365}
                  suffix={t('contract.form.days')}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="taxRate"
                label={t('contract.taxRate')}
                rules={[required(t('contract.form.taxRequired'))]}
                {...server('taxRate')}
              >
                <Select options={taxOptions} />
              </Form.Item>
            </Col>
          </Row>

          <Divider titlePlacement="start">{t('contract.section.rentFree')}</Divider>
          <Form.List name="rentFree">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="start" style={{ display: 'flex' }}>
                    <Form.Item
                      name={field.name}
                      rules={[{ required: true, message: t('contract.form.rentFreeRequired') }]}
                      {...server(['rentFree', field.name])}
                    >
                      <DatePicker.RangePicker
                        placeholder={[t('contract.rentFreeFrom'), t('contract.rentFreeTo')]}
                        data-testid={`contract-rent-free-${field.name}`}
                      />
                    </Form.Item>
                    <Button
                      icon={<DeleteOutlined />}
                      aria-label={t('common.delete')}
                      onClick={() => {
                        remove(field.name);
                        onValuesChange();
                      }}
                    />
                  </Space>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add()}
                  style={{ marginBottom: 16 }}
                  data-testid="contract-rent-free-add"
                >
                  {t('contract.form.addRentFree')}
                </Button>
              </>
            )}
          </Form.List>

          <Divider titlePlacement="start">{t('contract.section.escalation')}</Divider>
          <Form.Item name="escalationEnabled" valuePropName="checked" label={t('contract.form.escalationEnabled')}>
            <Switch />
          </Form.Item>
          {escalationEnabled && (
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item
                  name="escalationEveryMonths"
                  label={t('contract.form.escalationEvery')}
                  rules={[required(t('contract.form.escalationEveryRequired'))]}
                  {...server('escalationEveryMonths')}
                >
                  <InputNumber
                    precision={0}
                    min={1}
                    max={240}
                    suffix={t('contract.form.months')}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  name="escalationRatePercent"
                  label={t('contract.form.escalationRate')}
                  rules={[required(t('contract.form.rateRequired')), percentRule]}
                  {...server('escalationRatePercent')}
                >
                  <Input suffix="%" inputMode="decimal" placeholder="3" />
                </Form.Item>
              </Col>
            </Row>
          )}

          <Divider titlePlacement="start">{t('contract.section.depositAndPenalty')}</Divider>
          <Form.Item
            name="depositYuan"
            label={t('contract.deposit')}
            rules={[yuanRule]}
            extra={t('contract.form.depositHint')}
            {...server('depositYuan')}
          >
            <Input prefix="¥" suffix={t('asset.yuan')} inputMode="decimal" placeholder="7000.00" />
          </Form.Item>
          <Form.Item name="lateFeeEnabled" valuePropName="checked" label={t('contract.form.lateFeeEnabled')}>
            <Switch />
          </Form.Item>
          {lateFeeEnabled && (
            <Row gutter={16}>
              <Col xs={24} md={8}>
                <Form.Item
                  name="lateFeeDailyPercent"
                  label={t('contract.form.lateFeeDaily')}
                  rules={[required(t('contract.form.rateRequired')), percentRule]}
                  extra={t('contract.form.lateFeeDailyHint')}
                  {...server('lateFeeDailyPercent')}
                >
                  <Input suffix={t('contract.form.percentPerDay')} inputMode="decimal" placeholder="0.05" />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="lateFeeGraceDays" label={t('contract.form.graceDays')} {...server('lateFeeGraceDays')}>
                  <InputNumber
                    precision={0}
                    min={0}
                    max={365}
                    suffix={t('contract.form.days')}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item
                  name="lateFeeCapPercent"
                  label={t('contract.form.lateFeeCap')}
                  rules={[percentRule]}
                  extra={t('contract.form.lateFeeCapHint')}
                  {...server('lateFeeCapPercent')}
                >
                  <Input suffix="%" inputMode="decimal" placeholder="30" />
                </Form.Item>
              </Col>
            </Row>
          )}

          <Divider titlePlacement="start">{t('contract.section.other')}</Divider>
          <Form.Item name="purpose" label={t('contract.purpose')} {...server('purpose')}>
            <AutoComplete
              options={PURPOSES.map((value) => ({ value }))}
              placeholder={t('contract.form.purposePlaceholder')}
              maxLength={100}
            />
          </Form.Item>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item
                name="tenderAnnouncementNo"
                label={t('contract.tenderAnnouncementNo')}
                extra={t('contract.form.tenderHint')}
                {...server('tenderAnnouncementNo')}
              >
                <Input maxLength={100} placeholder="YCGZ-2026-018" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="dealConfirmationNo"
                label={t('contract.dealConfirmationNo')}
                {...server('dealConfirmationNo')}
              >
                <Input maxLength={100} placeholder="CJQR-2026-018" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="remarks" label={t('contract.remarks')} {...server('remarks')}>
            <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 5 }} />
          </Form.Item>
        </Form>
      </Col>
      <Col xs={24} xl={12}>
        <PreviewPanel state={preview} />
      </Col>
    </Row>
  );
}
