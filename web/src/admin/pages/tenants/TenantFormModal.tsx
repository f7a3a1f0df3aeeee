// 登记 / 编辑承租方: an individual has an ID card number, an enterprise a unified social credit code and a legal
// representative. The form checks each number's shape as it is typed; the server checks the check digit and
// duplicates, and its message appears under the same field.

import { Alert, Col, Form, Input, Modal, Radio, Row } from 'antd';
import { useState } from 'react';
import { CREDIT_CODE_ALPHABET, normalizeCreditCode } from '../../../../../src/domain/credit-code.ts';
import { mobileProblem, phoneProblem } from '../../../../../src/domain/phone.ts';
import { normalizeResidentId } from '../../../../../src/domain/resident-id.ts';
import { ApiError, errorDetail } from '../../../shared/api.ts';
import { showFieldErrors, validValues } from '../../components/form-errors.ts';
import type { MessageKey, MessageParams } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { type Tenant, type TenantChanges, type TenantKind, tenantsApi } from './tenants-api.ts';

type Translate = (key: MessageKey, params?: MessageParams) => string;

interface TenantFormValues {
  kind: TenantKind;
  name: string;
  idNumber?: string;
  creditCode?: string;
  legalRepresentative?: string;
  phone?: string;
  contactName?: string;
  contactPhone?: string;
  address?: string;
  bankName?: string;
  bankAccount?: string;
  remarks?: string;
}

const FORM_FIELDS = [
  'kind',
  'name',
  'idNumber',
  'creditCode',
  'legalRepresentative',
  'phone',
  'contactName',
  'contactPhone',
  'address',
  'bankName',
  'bankAccount',
  'remarks',
] as const;

/** Fields shown in clear that a person may clear when editing. */
const PLAIN_FIELDS = ['legalRepresentative', 'contactName', 'address', 'bankName', 'remarks'] as const;
/** Personal fields: they come masked, so an empty input when editing means “unchanged”. */
const PERSONAL_FIELDS = ['idNumber', 'phone', 'contactPhone', 'bankAccount'] as const;

type Check = (value: string) => string | null;

/** The shape of an ID card number (18 characters: 17 digits and a digit or X); the check digit is the server's. */
const idNumberShape =
  (t: Translate): Check =>
  (value) => {
    const id = normalizeResidentId(value);
    if (/^\d{15}$/.test(id)) return t('tenant.form.idNumberOld');
    if (id.length !== 18) return t('tenant.form.idNumberLength', { length: id.length });
    if (!/^\d{17}[\dX]$/.test(id)) return t('tenant.form.idNumberCharacters');
    return null;
  };

/** The shape of a credit code (18 characters of its alphabet); the check character is the server's. */
const creditCodeShape =
  (t: Translate): Check =>
  (value) => {
    const code = normalizeCreditCode(value);
    if (code.length !== 18) return t('tenant.form.creditCodeLength', { length: code.length });
    const wrong = [...code].findIndex((character) => !CREDIT_CODE_ALPHABET.includes(character));
    if (wrong >= 0) return t('tenant.form.creditCodeCharacter', { position: wrong + 1, character: code[wrong] ?? '' });
    return null;
  };

const mobileShape =
  (t: Translate): Check =>
  (value) =>
    mobileProblem(value) ? t('tenant.form.mobileFormat') : null;

const contactPhoneShape =
  (t: Translate): Check =>
  (value) =>
    phoneProblem(value) ? t('tenant.form.phoneFormat') : null;

const bankAccountShape =
  (t: Translate): Check =>
  (value) =>
    /^\d{8,30}$/.test(value.replace(/[\s-]/g, '')) ? null : t('tenant.form.bankAccountFormat');

/** An antd rule from a check; empty values are left to `required`. */
const ruleOf = (check: Check) => ({
  validator: async (_rule: unknown, value: string | undefined) => {
    if (!value?.trim()) return;
    const problem = check(value);
    if (problem) throw new Error(problem);
  },
});

const trimmed = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** Duplicates come back as a 409 without a field; they belong under the number that is taken. */
function withDuplicateField(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.errors.length > 0) return error;
  const field = { tenant_id_number_taken: 'idNumber', tenant_credit_code_taken: 'creditCode' }[error.code ?? ''];
  return field
    ? new ApiError(error.status, error.detail, error.code, [{ path: `body/${field}`, message: error.detail }])
    : error;
}

function changesOf(tenant: Tenant, values: TenantFormValues): TenantChanges {
  const changes: TenantChanges = {};
  if (values.name.trim() !== tenant.name) changes.name = values.name.trim();
  for (const field of PERSONAL_FIELDS) {
    const value = trimmed(values[field]);
    if (value) changes[field] = value;
  }
  if (tenant.kind === 'enterprise') {
    const code = trimmed(values.creditCode);
    if (code && normalizeCreditCode(code) !== tenant.creditCode) changes.creditCode = code;
  }
  for (const field of PLAIN_FIELDS) {
    const value = trimmed(values[field]) ?? null;
    if (value !== tenant[field]) changes[field] = value;
  }
  return changes;
}

export function TenantFormModal({
  open,
  tenant,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null: a new tenant. */
  tenant: Tenant | null;
  onClose: () => void;
  onSaved: (tenant: Tenant, created: boolean) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<TenantFormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const watchedKind = Form.useWatch('kind', form);
  const kind: TenantKind = tenant?.kind ?? watchedKind ?? 'individual';
  const editing = tenant !== null;

  async function save() {
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      if (tenant) {
        const changes = changesOf(tenant, values);
        onSaved(Object.keys(changes).length > 0 ? await tenantsApi.update(tenant.id, changes) : tenant, false);
      } else {
        const individual = values.kind === 'individual';
        onSaved(
          await tenantsApi.create({
            kind: values.kind,
            name: values.name.trim(),
            idNumber: individual ? trimmed(values.idNumber) : undefined,
            creditCode: individual ? undefined : trimmed(values.creditCode),
            legalRepresentative: individual ? undefined : trimmed(values.legalRepresentative),
            phone: values.phone?.trim() ?? '',
            contactName: trimmed(values.contactName),
            contactPhone: trimmed(values.contactPhone),
            address: trimmed(values.address),
            bankName: trimmed(values.bankName),
            bankAccount: trimmed(values.bankAccount),
            remarks: trimmed(values.remarks),
          }),
          true,
        );
      }
    } catch (failure) {
      if (!showFieldErrors(form, withDuplicateField(failure), FORM_FIELDS)) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  /** When editing, a masked field left empty stays as it is; the placeholder shows what is there. */
  const keepHint = (masked: string | null | undefined) =>
    editing ? t('tenant.form.keepMasked', { masked: masked ?? t('common.none') }) : undefined;

  const initialValues: Partial<TenantFormValues> = tenant
    ? {
        kind: tenant.kind,
        name: tenant.name,
        creditCode: tenant.creditCode ?? undefined,
        legalRepresentative: tenant.legalRepresentative ?? undefined,
        contactName: tenant.contactName ?? undefined,
        address: tenant.address ?? undefined,
        bankName: tenant.bankName ?? undefined,
        remarks: tenant.remarks ?? undefined,
      }
    : { kind: 'individual' };

  return (
    <Modal
      title={tenant ? t('tenant.editTitle', { tenant: `${tenant.name}（${tenant.code}）` }) : t('tenant.createTitle')}
      open={open}
      onOk={save}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'tenant-form-save' }}
      confirmLoading={saving}
      width={760}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="tenant-form-error" />
      )}
      <Form<TenantFormValues>
        form={form}
        name="tenant"
        layout="vertical"
        preserve={false}
        autoComplete="off"
        initialValues={initialValues}
      >
        <Form.Item name="kind" label={t('tenant.kind')} extra={editing ? t('tenant.form.kindFixed') : undefined}>
          <Radio.Group
            optionType="button"
            disabled={editing}
            options={[
              { value: 'individual', label: t('tenant.kind.individual') },
              { value: 'enterprise', label: t('tenant.kind.enterprise') },
            ]}
            data-testid="tenant-form-kind"
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="name"
              label={kind === 'individual' ? t('tenant.personName') : t('tenant.companyName')}
              rules={[
                { required: true, whitespace: true, message: t('tenant.form.nameRequired') },
                { max: 100, message: t('tenant.form.tooLong', { max: 100 }) },
              ]}
            >
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          {kind === 'individual' ? (
            <Col xs={24} md={12}>
              <Form.Item
                name="idNumber"
                label={t('tenant.idNumber')}
                validateFirst
                rules={[
                  { required: !editing, whitespace: true, message: t('tenant.form.idNumberRequired') },
                  ruleOf(idNumberShape(t)),
                ]}
              >
                <Input maxLength={30} placeholder={keepHint(tenant?.idNumber)} />
              </Form.Item>
            </Col>
          ) : (
            <>
              <Col xs={24} md={12}>
                <Form.Item
                  name="creditCode"
                  label={t('tenant.creditCode')}
                  validateFirst
                  rules={[
                    { required: true, whitespace: true, message: t('tenant.form.creditCodeRequired') },
                    ruleOf(creditCodeShape(t)),
                  ]}
                  normalize={(value: string) => value.toUpperCase()}
                >
                  <Input maxLength={30} />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="legalRepresentative" label={t('tenant.legalRepresentative')}>
                  <Input maxLength={50} />
                </Form.Item>
              </Col>
            </>
          )}
          <Col xs={24} md={12}>
            <Form.Item
              name="phone"
              label={t('tenant.phone')}
              extra={editing ? undefined : t('tenant.form.phoneHint')}
              validateFirst
              rules={[
                { required: !editing, whitespace: true, message: t('tenant.form.phoneRequired') },
                ruleOf(mobileShape(t)),
              ]}
            >
              <Input maxLength={30} inputMode="tel" placeholder={keepHint(tenant?.phone)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="contactName" label={t('tenant.contactName')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="contactPhone" label={t('tenant.contactPhone')} rules={[ruleOf(contactPhoneShape(t))]}>
              <Input
                maxLength={30}
                inputMode="tel"
                placeholder={editing && tenant?.contactPhone ? keepHint(tenant.contactPhone) : '023-49881234'}
              />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="address" label={t('tenant.address')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="bankName" label={t('tenant.bankName')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="bankAccount" label={t('tenant.bankAccount')} rules={[ruleOf(bankAccountShape(t))]}>
              <Input
                maxLength={40}
                inputMode="numeric"
                placeholder={editing && tenant?.bankAccount ? keepHint(tenant.bankAccount) : undefined}
              />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="remarks" label={t('tenant.remarks')}>
              <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
