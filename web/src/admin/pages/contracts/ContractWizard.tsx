// 新建合同向导: 承租方 → 房源 → 条款 (with the live rent schedule) → 确认, ending in a draft. The same wizard edits a
// draft (a renewal the server prefilled, or one sent back by an approver).

import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Form, Space, Spin, Steps, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { chineseAmount } from '../../../../../src/domain/chinese-amount.ts';
import { ApiError, errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { useI18n } from '../../language.tsx';
import { formatArea } from '../assets/asset-labels.ts';
import { type Tenant, tenantsApi } from '../tenants/tenants-api.ts';
import {
  cycleLabel,
  dueOffsetText,
  escalationText,
  lateFeeText,
  rentFreeText,
  rentText,
  taxRateText,
} from './contract-labels.ts';
import { type ContractDetail, type ContractInput, contractsApi, type SchedulePreview } from './contracts-api.ts';
import { ScheduleTable } from './ScheduleTable.tsx';
import { TenantPicker } from './TenantPicker.tsx';
import { serverFieldErrors, TermsStep, useLivePreview } from './TermsStep.tsx';
import { defaultTermsForm, formOfTerms, type TermsFormValues, termsOfForm, totalArea } from './terms-form.ts';
import { type PickedUnit, UnitPicker } from './UnitPicker.tsx';

const text = (value: string | undefined) => (value?.trim() ? value.trim() : null);

/** The tax rate a unit's tax method suggests: 一般计税 9 %, 简易计税 5 %. */
function suggestedTaxRate(units: readonly PickedUnit[]): string | null {
  const method = units.find((unit) => unit.taxMethod)?.taxMethod;
  if (method === 'simple') return '0.05';
  if (method === 'general') return '0.09';
  return null;
}

export function ContractWizard({
  editing,
  onDone,
  onCancel,
}: {
  /** A draft to edit; absent for a new contract. */
  editing?: ContractDetail | null;
  onDone: (contract: ContractDetail, created: boolean) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<TermsFormValues>();
  const [step, setStep] = useState(0);
  const [tenant, setTenant] = useState<Tenant | null>(null);
  const [units, setUnits] = useState<PickedUnit[]>(
    () => (editing?.assets.map((asset) => ({ ...asset })) as PickedUnit[]) ?? [],
  );
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState<SchedulePreview | null>(null);
  const [stepError, setStepError] = useState<string | null>(null);
  const live = useLivePreview(form);

  const initialValues = useMemo<TermsFormValues>(
    () =>
      editing
        ? {
            ...formOfTerms(editing.terms),
            purpose: editing.purpose ?? undefined,
            tenderAnnouncementNo: editing.tenderAnnouncementNo ?? undefined,
            dealConfirmationNo: editing.dealConfirmationNo ?? undefined,
            remarks: editing.remarks ?? undefined,
          }
        : defaultTermsForm(),
    [editing],
  );

  // A draft's tenant comes as an id and a name; the picker shows the full (masked) record.
  useEffect(() => {
    if (!editing) return;
    let current = true;
    tenantsApi
      .get(editing.tenantId)
      .then((answer) => current && setTenant(answer))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [editing]);

  const unitsArea = totalArea(units.map((unit) => unit.areaSqm));

  function goToTerms() {
    // A new contract takes the units' tax method and area unless the person has typed their own.
    if (!editing) {
      const rate = suggestedTaxRate(units);
      if (rate && !form.isFieldTouched('taxRate')) form.setFieldValue('taxRate', rate);
      if (unitsArea && !form.isFieldTouched('areaSqm')) form.setFieldValue('areaSqm', unitsArea);
    }
    setStep(2);
    void live.run();
  }

  async function next() {
    setStepError(null);
    if (step === 0) {
      if (!tenant) return setStepError(t('contract.wizard.tenantMissing'));
      return setStep(1);
    }
    if (step === 1) {
      if (units.length === 0) return setStepError(t('contract.wizard.unitsMissing'));
      return goToTerms();
    }
    if (step === 2) {
      try {
        await form.validateFields();
      } catch {
        return setStepError(t('contract.wizard.termsInvalid'));
      }
      const preview = await live.run();
      if (!preview) return setStepError(t('contract.wizard.termsInvalid'));
      setConfirmed(preview);
      setSaveError(null);
      return setStep(3);
    }
  }

  async function save() {
    if (!tenant) return;
    const values = form.getFieldsValue(true) as TermsFormValues;
    const input: ContractInput = {
      tenantId: tenant.id,
      assetIds: units.map((unit) => unit.id),
      terms: termsOfForm(values),
      purpose: text(values.purpose),
      tenderAnnouncementNo: text(values.tenderAnnouncementNo),
      dealConfirmationNo: text(values.dealConfirmationNo),
      remarks: text(values.remarks),
    };
    setSaving(true);
    setSaveError(null);
    try {
      const saved = editing ? await contractsApi.update(editing.id, input) : await contractsApi.create(input);
      message.success(t(editing ? 'contract.wizard.saved' : 'contract.wizard.created', { number: saved.number }));
      onDone(saved, !editing);
    } catch (failure) {
      const { fields } = serverFieldErrors(failure);
      if (failure instanceof ApiError && Object.keys(fields).length > 0) {
        // A rule the preview does not know (the org's term limit): back to the terms, under the field.
        live.showErrors(fields, failure.detail);
        setStep(2);
        setStepError(failure.detail);
      } else {
        setSaveError(errorDetail(failure));
      }
    } finally {
      setSaving(false);
    }
  }

  const values = step === 3 ? (form.getFieldsValue(true) as TermsFormValues) : null;
  const terms = values ? termsOfForm(values) : null;
  const annualFen = confirmed ? BigInt(confirmed.monthlyRentFen) * 12n : null;

  const summary = terms && confirmed && tenant && annualFen !== null && values && (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Descriptions
        data-testid="contract-wizard-summary"
        bordered
        size="small"
        column={{ xs: 1, lg: 2 }}
        items={[
          { key: 'tenant', label: t('contract.tenant'), children: `${tenant.name}（${tenant.code}）`, span: 2 },
          {
            key: 'units',
            label: t('contract.units'),
            span: 2,
            children: (
              <Space orientation="vertical" size={0}>
                {units.map((unit) => (
                  <span key={unit.id}>
                    {unit.code} {unit.name} · {formatArea(unit.areaSqm)}
                  </span>
                ))}
                <Typography.Text type="secondary">
                  {t('contract.wizard.unitsArea', { area: formatArea(unitsArea) })}
                </Typography.Text>
              </Space>
            ),
          },
          { key: 'term', label: t('contract.term'), children: `${terms.startDate} ~ ${terms.endDate}` },
          { key: 'rent', label: t('contract.rent'), children: rentText(terms, t) },
          { key: 'monthly', label: t('contract.monthlyRent'), children: formatFen(confirmed.monthlyRentFen) },
          {
            key: 'annual',
            label: t('contract.annualRent'),
            children: (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{formatFen(annualFen)}</Typography.Text>
                <Typography.Text data-testid="contract-wizard-annual-chinese">
                  {t('contract.inWords', { words: chineseAmount(annualFen) })}
                </Typography.Text>
              </Space>
            ),
          },
          { key: 'cycle', label: t('contract.billingCycle'), children: cycleLabel(terms.billingCycleMonths, t) },
          { key: 'due', label: t('contract.dueOffset'), children: dueOffsetText(terms.dueOffsetDays, t) },
          { key: 'rentFree', label: t('contract.rentFree'), children: rentFreeText(terms, t) },
          { key: 'escalation', label: t('contract.escalation'), children: escalationText(terms, t) },
          {
            key: 'deposit',
            label: t('contract.deposit'),
            children: terms.deposit ? formatFen(terms.deposit.amountFen) : t('common.none'),
          },
          { key: 'lateFee', label: t('contract.lateFee'), children: lateFeeText(terms, t) },
          { key: 'tax', label: t('contract.taxRate'), children: taxRateText(terms.taxRate) },
          { key: 'purpose', label: t('contract.purpose'), children: text(values.purpose) ?? '-' },
          {
            key: 'tender',
            label: t('contract.tender'),
            span: 2,
            children:
              text(values.tenderAnnouncementNo) || text(values.dealConfirmationNo)
                ? `${text(values.tenderAnnouncementNo) ?? '-'} / ${text(values.dealConfirmationNo) ?? '-'}`
                : t('contract.tenderNone'),
          },
          {
            key: 'total',
            label: t('contract.totalRent'),
            span: 2,
            children: (
              <Typography.Text strong>
                {formatFen(confirmed.totalRentFen)}（{chineseAmount(confirmed.totalRentFen)}）
              </Typography.Text>
            ),
          },
        ]}
      />
      <ScheduleTable periods={confirmed.periods} testId="contract-wizard-confirm-schedule" />
    </Space>
  );

  const steps = [
    { key: 'tenant', title: t('contract.wizard.stepTenant') },
    { key: 'units', title: t('contract.wizard.stepUnits') },
    { key: 'terms', title: t('contract.wizard.stepTerms') },
    { key: 'confirm', title: t('contract.wizard.stepConfirm') },
  ];

  return (
    <Card
      data-testid="contract-wizard"
      title={
        <Space>
          <Button type="text" icon={<ArrowLeftOutlined />} onClick={onCancel} aria-label={t('common.cancel')} />
          {editing ? t('contract.wizard.editTitle', { number: editing.number }) : t('contract.wizard.title')}
        </Space>
      }
    >
      <Steps current={step} items={steps} style={{ marginBottom: 24 }} />
      {stepError && (
        <Alert
          type="warning"
          showIcon
          title={stepError}
          style={{ marginBottom: 16 }}
          data-testid="contract-wizard-step-error"
        />
      )}
      <div hidden={step !== 0}>
        <TenantPicker
          value={tenant}
          onChange={(next) => {
            setTenant(next);
            setStepError(null);
          }}
        />
      </div>
      <div hidden={step !== 1}>
        {step >= 1 && (
          <UnitPicker
            value={units}
            onChange={(next) => {
              setUnits(next);
              setStepError(null);
            }}
          />
        )}
      </div>
      <div hidden={step !== 2}>
        <TermsStep
          form={form}
          initialValues={initialValues}
          preview={live.state}
          onValuesChange={live.schedule}
          unitsArea={unitsArea}
        />
      </div>
      {step === 3 && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {saveError && <Alert type="error" showIcon title={saveError} data-testid="contract-wizard-error" />}
          {summary ?? <Spin />}
        </Space>
      )}
      <Space style={{ marginTop: 24 }}>
        <Button onClick={onCancel} data-testid="contract-wizard-cancel">
          {t('common.cancel')}
        </Button>
        {step > 0 && (
          <Button
            onClick={() => {
              setStepError(null);
              setStep(step - 1);
            }}
            data-testid="contract-wizard-prev"
          >
            {t('contract.wizard.prev')}
          </Button>
        )}
        {step < 3 ? (
          <Button type="primary" onClick={() => void next()} data-testid="contract-wizard-next">
            {t('contract.wizard.next')}
          </Button>
        ) : (
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="contract-wizard-create">
            {editing ? t('contract.wizard.saveDraft') : t('contract.wizard.createDraft')}
          </Button>
        )}
      </Space>
    </Card>
  );
}
