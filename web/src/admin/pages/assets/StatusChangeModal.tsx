// 变更状态: a person may set any status but 已出租 (only an active contract sets it); a leased asset's status
// belongs to its contract, and 已处置 is final. The reason goes into the status history.

import { Alert, App, Form, Input, Modal, Radio } from 'antd';
import { useState } from 'react';
import { MANUAL_STATUSES, type ManualStatus } from '../../../../../src/domain/asset-rules.ts';
import { errorDetail } from '../../../shared/api.ts';
import { showFieldErrors, validValues } from '../../components/form-errors.ts';
import { useI18n } from '../../language.tsx';
import { assetName, statusLabel } from './asset-labels.ts';
import { type Asset, assetsApi } from './assets-api.ts';

interface StatusValues {
  status: ManualStatus;
  statusReason?: string;
}

export function StatusChangeModal({
  asset,
  onClose,
  onChanged,
}: {
  asset: Asset | null;
  onClose: () => void;
  onChanged: (asset: Asset) => void;
}) {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const [form] = Form.useForm<StatusValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const locked = asset?.status === 'leased' || asset?.status === 'disposed';

  async function submit(target: Asset, values: StatusValues) {
    setSaving(true);
    setError(null);
    try {
      onChanged(await assetsApi.changeStatus(target.id, values.status, values.statusReason?.trim() || undefined));
    } catch (failure) {
      if (!showFieldErrors(form, failure, ['status', 'statusReason'])) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  async function save() {
    if (!asset || locked) return;
    const values = await validValues(form);
    if (!values) return;
    if (values.status === 'disposed') {
      // Disposal cannot be undone: name the asset before doing it.
      modal.confirm({
        title: t('asset.disposeTitle', { asset: assetName(asset) }),
        content: t('asset.disposeContent'),
        okButtonProps: { danger: true },
        okText: t('common.ok'),
        cancelText: t('common.cancel'),
        onOk: () => submit(asset, values),
      });
      return;
    }
    await submit(asset, values);
  }

  return (
    <Modal
      title={asset ? t('asset.statusTitle', { asset: assetName(asset) }) : ''}
      open={asset !== null}
      onOk={save}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: locked }}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {asset && locked && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={asset.status === 'leased' ? t('asset.leasedLocked') : t('asset.disposedFinal')}
        />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {asset && !locked && (
        <Form<StatusValues>
          form={form}
          name="assetStatus"
          layout="vertical"
          preserve={false}
          initialValues={{ status: asset.status as ManualStatus }}
        >
          <Form.Item label={t('asset.currentStatus')}>{statusLabel(asset.status, t)}</Form.Item>
          <Form.Item
            name="status"
            label={t('asset.newStatus')}
            extra={t('asset.form.leasedByContract')}
            rules={[
              { required: true, message: t('asset.form.statusRequired') },
              {
                validator: async (_rule, value: ManualStatus) => {
                  if (value === asset.status) throw new Error(t('asset.form.statusUnchanged'));
                },
              },
            ]}
          >
            <Radio.Group
              optionType="button"
              options={MANUAL_STATUSES.map((value) => ({ value, label: statusLabel(value, t) }))}
              data-testid="asset-status-options"
            />
          </Form.Item>
          <Form.Item name="statusReason" label={t('asset.statusReason')}>
            <Input.TextArea maxLength={200} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
