// 登记 / 编辑资产: the parent choice follows the type (domain rules), the area is a decimal string with
// at most 2 places, and the book value is typed in 元 and sent as integer fen read exactly from the text.

import { Alert, Col, DatePicker, Form, Input, Modal, Row, Select, Spin } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  ALLOWED_PARENTS,
  ASSET_TYPES,
  type AssetType,
  MANUAL_STATUSES,
  type ManualStatus,
  type TaxMethod,
} from '../../../../../src/domain/asset-rules.ts';
import { fenOfYuanText, hundredthsOf, normalizeArea } from '../../../../../src/domain/decimal-text.ts';
import { formatYuan } from '../../../../../src/domain/money.ts';
import { ApiError, errorDetail } from '../../../shared/api.ts';
import { showFieldErrors, validValues } from '../../components/form-errors.ts';
import { useI18n } from '../../language.tsx';
import { assetName, statusLabel, type Translate, taxMethodOptions, typeLabel } from './asset-labels.ts';
import { type Asset, type AssetInput, assetsApi } from './assets-api.ts';

/** Area: up to 10 integer digits and 2 decimals (numeric(12,2)), as the API's AreaText. */
const AREA = /^\d{1,10}(\.\d{1,2})?$/;

interface AssetFormValues {
  code: string;
  name: string;
  type: AssetType;
  parentId?: string | null;
  status?: ManualStatus;
  areaSqm?: string;
  /** 元, as typed ("1,234,567.89" or "1234567.8"). */
  bookValueYuan?: string;
  address?: string;
  propertyCertificateNo?: string;
  acquisitionDate?: Dayjs | null;
  taxMethod?: TaxMethod | null;
  remarks?: string;
}

const FORM_FIELDS = [
  'code',
  'name',
  'type',
  'parentId',
  'status',
  'areaSqm',
  'bookValueYuan',
  'address',
  'propertyCertificateNo',
  'acquisitionDate',
  'taxMethod',
  'remarks',
] as const;

const text = (value: string | undefined) => (value?.trim() ? value.trim() : null);

function toInput(values: AssetFormValues): AssetInput {
  const area = values.areaSqm?.trim();
  const yuan = values.bookValueYuan?.trim();
  return {
    code: values.code.trim(),
    name: values.name.trim(),
    type: values.type,
    parentId: values.parentId ?? null,
    areaSqm: area ? normalizeArea(area) : null,
    bookValueFen: yuan ? fenOfYuanText(yuan) : null,
    address: text(values.address),
    propertyCertificateNo: text(values.propertyCertificateNo),
    acquisitionDate: values.acquisitionDate ? values.acquisitionDate.format('YYYY-MM-DD') : null,
    taxMethod: values.taxMethod ?? null,
    remarks: text(values.remarks),
  };
}

function initialValues(asset: Asset | null): Partial<AssetFormValues> {
  if (!asset) return { status: 'vacant' };
  return {
    code: asset.code,
    name: asset.name,
    type: asset.type,
    parentId: asset.parentId,
    areaSqm: asset.areaSqm ?? undefined,
    bookValueYuan: asset.bookValueFen === null ? undefined : formatYuan(asset.bookValueFen, { grouping: false }),
    address: asset.address ?? undefined,
    propertyCertificateNo: asset.propertyCertificateNo ?? undefined,
    acquisitionDate: asset.acquisitionDate ? dayjs(asset.acquisitionDate) : null,
    taxMethod: asset.taxMethod,
    remarks: asset.remarks ?? undefined,
  };
}

/** The API names fields by their API names; the form keeps the book value in 元 under its own name. */
function formFieldError(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const errors = error.errors.map((item) => ({
    ...item,
    path: item.path.replace(/bookValueFen$/, 'bookValueYuan'),
  }));
  // A taken code comes back without a field; it belongs under the code.
  if (error.code === 'asset_code_taken' && errors.length === 0)
    errors.push({ path: 'body/code', message: error.detail });
  return new ApiError(error.status, error.detail, error.code, errors);
}

interface ParentOption {
  value: string;
  label: string;
}

/** Candidate parents of the allowed types, searched on the server by code or name. */
function ParentSelect({
  types,
  current,
  disabled,
  id,
  value,
  onChange,
}: {
  types: AssetType[];
  current: ParentOption | null;
  disabled: boolean;
  id?: string;
  value?: string | null;
  onChange?: (value: string | null) => void;
}) {
  const { t } = useI18n();
  const [options, setOptions] = useState<ParentOption[]>([]);
  const [loading, setLoading] = useState(false);
  const [keyword, setKeyword] = useState('');
  const typesKey = types.join(',');

  useEffect(() => {
    if (disabled || typesKey === '') {
      setOptions([]);
      return;
    }
    let live = true;
    setLoading(true);
    const timer = setTimeout(() => {
      assetsApi
        .list({ page: 1, pageSize: 50, type: typesKey.split(',') as AssetType[], keyword: keyword || undefined })
        .then((page) => {
          if (live) setOptions(page.items.map((asset) => ({ value: asset.id, label: assetName(asset) })));
        })
        .catch(() => live && setOptions([]))
        .finally(() => live && setLoading(false));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [typesKey, keyword, disabled]);

  const shown = current && !options.some((option) => option.value === current.value) ? [current, ...options] : options;
  return (
    <Select<string>
      id={id}
      value={value ?? undefined}
      onChange={(next) => onChange?.(next ?? null)}
      disabled={disabled}
      allowClear
      showSearch={{ filterOption: false, onSearch: setKeyword }}
      options={shown}
      loading={loading}
      notFoundContent={loading ? <Spin size="small" /> : t('common.none')}
      placeholder={disabled ? t('asset.form.noParent') : t('asset.form.parentPlaceholder')}
      data-testid="asset-form-parent"
    />
  );
}

function allowedParentsHint(type: AssetType | undefined, t: Translate): string | undefined {
  if (!type) return undefined;
  const allowed = ALLOWED_PARENTS[type];
  const types = allowed.filter((parent): parent is AssetType => parent !== null).map((parent) => typeLabel(parent, t));
  if (types.length === 0) return t('asset.form.topLevelOnly', { type: typeLabel(type, t) });
  const list = types.join(t('common.listSeparator'));
  return allowed.includes(null)
    ? t('asset.form.parentOptional', { types: list })
    : t('asset.form.parentRequired', { types: list });
}

export function AssetFormModal({
  open,
  asset,
  presetParent,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null: a new asset. */
  asset: Asset | null;
  /** For a new asset registered from another's drawer (添加下级): its parent. */
  presetParent?: Asset | null;
  onClose: () => void;
  onSaved: (asset: Asset, created: boolean) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<AssetFormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const type = Form.useWatch('type', form);
  const lastType = useRef<AssetType | undefined>(undefined);

  const allowed = type ? ALLOWED_PARENTS[type] : [];
  const parentTypes = allowed.filter((parent): parent is AssetType => parent !== null);
  const parentRequired = type !== undefined && !allowed.includes(null);

  const currentParent = useMemo<ParentOption | null>(() => {
    if (asset?.parentId) return { value: asset.parentId, label: `${asset.parentCode ?? ''} ${asset.parentName ?? ''}` };
    if (presetParent) return { value: presetParent.id, label: assetName(presetParent) };
    return null;
  }, [asset, presetParent]);

  // A new type may not allow the chosen parent; clear it rather than send a pairing the server refuses.
  useEffect(() => {
    if (lastType.current !== undefined && type !== lastType.current) {
      form.setFieldValue('parentId', undefined);
    }
    lastType.current = type;
  }, [type, form]);

  async function save() {
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      const input = toInput(values);
      const saved = asset
        ? await assetsApi.update(asset.id, input)
        : await assetsApi.create({ ...input, status: values.status ?? 'vacant' });
      onSaved(saved, asset === null);
    } catch (failure) {
      if (!showFieldErrors(form, formFieldError(failure), FORM_FIELDS)) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  const presetType = presetParent ? childTypeOf(presetParent.type) : undefined;
  const initial = asset
    ? initialValues(asset)
    : { ...initialValues(null), ...(presetParent ? { parentId: presetParent.id, type: presetType } : {}) };

  return (
    <Modal
      title={asset ? t('asset.editTitle', { asset: assetName(asset) }) : t('asset.createTitle')}
      open={open}
      onOk={save}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'asset-form-save' }}
      confirmLoading={saving}
      width={760}
      destroyOnHidden
      afterClose={() => {
        setError(null);
        lastType.current = undefined;
      }}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="asset-form-error" />
      )}
      <Form<AssetFormValues>
        form={form}
        name="asset"
        layout="vertical"
        preserve={false}
        autoComplete="off"
        initialValues={initial}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="code"
              label={t('asset.code')}
              rules={[
                { required: true, whitespace: true, message: t('asset.form.codeRequired') },
                { max: 50, message: t('asset.form.tooLong', { max: 50 }) },
              ]}
            >
              <Input maxLength={50} placeholder={t('asset.form.codePlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="name"
              label={t('asset.name')}
              rules={[
                { required: true, whitespace: true, message: t('asset.form.nameRequired') },
                { max: 100, message: t('asset.form.tooLong', { max: 100 }) },
              ]}
            >
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="type"
              label={t('asset.type')}
              rules={[{ required: true, message: t('asset.form.typeRequired') }]}
            >
              <Select
                options={ASSET_TYPES.map((value) => ({ value, label: typeLabel(value, t) }))}
                placeholder={t('common.select')}
                data-testid="asset-form-type"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="parentId"
              label={t('asset.parent')}
              extra={allowedParentsHint(type, t)}
              dependencies={['type']}
              rules={[{ required: parentRequired, message: t('asset.form.parentMissing') }]}
            >
              <ParentSelect types={parentTypes} current={currentParent} disabled={parentTypes.length === 0} />
            </Form.Item>
          </Col>
          {!asset && (
            <Col xs={24} md={12}>
              <Form.Item name="status" label={t('asset.initialStatus')} extra={t('asset.form.leasedByContract')}>
                <Select options={MANUAL_STATUSES.map((value) => ({ value, label: statusLabel(value, t) }))} />
              </Form.Item>
            </Col>
          )}
          <Col xs={24} md={12}>
            <Form.Item
              name="areaSqm"
              label={t('asset.area')}
              rules={[{ pattern: AREA, message: t('asset.form.areaInvalid') }]}
              normalize={(value: string) => value.replace(/\s/g, '')}
            >
              <Input
                suffix="㎡"
                inputMode="decimal"
                placeholder="120.50"
                onBlur={(event) => {
                  // Show the canonical two places the server will answer with.
                  const area = normalizeArea(event.target.value);
                  if (area && AREA.test(event.target.value)) form.setFieldValue('areaSqm', area);
                }}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="bookValueYuan"
              label={t('asset.bookValue')}
              rules={[
                {
                  validator: async (_rule, value: string | undefined) => {
                    if (!value?.trim()) return;
                    if (hundredthsOf(value) === null) throw new Error(t('asset.form.bookValueInvalid'));
                  },
                },
              ]}
            >
              <Input prefix="¥" suffix={t('asset.yuan')} inputMode="decimal" placeholder="1234567.89" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="acquisitionDate" label={t('asset.acquisitionDate')}>
              <DatePicker style={{ width: '100%' }} disabledDate={(day) => day.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="taxMethod" label={t('asset.taxMethod')}>
              <Select allowClear options={taxMethodOptions(t)} placeholder={t('common.select')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="propertyCertificateNo" label={t('asset.propertyCertificateNo')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="address" label={t('asset.address')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="remarks" label={t('asset.remarks')}>
              <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

const USUAL_CHILD: Partial<Record<AssetType, AssetType>> = { project: 'building', building: 'floor', floor: 'unit' };

/** The usual child of an asset (添加下级 preselects it): a project's buildings, a building's floors, a floor's units. */
export function childTypeOf(parentType: AssetType): AssetType | undefined {
  return USUAL_CHILD[parentType];
}
