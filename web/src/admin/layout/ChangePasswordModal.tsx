import { Alert, App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ApiError, errorDetail } from '../../shared/api.ts';
import { authApi } from '../api.ts';
import { showFieldErrors, validValues } from '../components/form-errors.ts';
import { useI18n } from '../language.tsx';
import { passwordParams, passwordPolicyRule } from '../password-policy.ts';

interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export function ChangePasswordModal({
  open,
  username,
  onClose,
}: {
  open: boolean;
  username: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordChange>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    const values = await validValues(form);
    if (!values) return;
    const { currentPassword, newPassword } = values;
    setSaving(true);
    setError(null);
    try {
      await authApi.changePassword(currentPassword, newPassword);
      message.success(t('password.changed'));
      onClose();
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'wrong_current_password') {
        form.setFields([{ name: 'currentPassword', errors: [failure.detail] }]);
      } else if (!showFieldErrors(form, failure, ['currentPassword', 'newPassword'])) {
        setError(errorDetail(failure));
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      title={t('password.title')}
      open={open}
      onOk={save}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => {
        form.resetFields();
        setError(null);
      }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} name="changePassword" layout="vertical" preserve={false}>
        <Form.Item
          name="currentPassword"
          label={t('password.current')}
          rules={[{ required: true, message: t('password.required') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('password.new')}
          extra={t('password.hint', passwordParams)}
          rules={[{ required: true, message: t('password.required') }, passwordPolicyRule(t, () => username)]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t('password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('password.required') },
            ({ getFieldValue }) => ({
              validator: async (_rule, value) => {
                if (value && value !== getFieldValue('newPassword')) throw new Error(t('password.mismatch'));
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
