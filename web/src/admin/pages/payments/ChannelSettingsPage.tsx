// 支付渠道设置: the org's merchant account at WeChat Pay, Alipay and UnionPay, one card each, saved per provider.
// Settings (ids, public keys, certificates, base URLs) show again; secrets (private keys, the API v3 key) are
// write-only: the card says 已设置 with the key's fingerprint, never the value, and an empty box keeps the saved one.

import { CheckCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, Row, Space, Spin, Switch, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { validValues } from '../../components/form-errors.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { showMappedErrors } from '../billing/billing-labels.ts';
import { formatTime } from './PaymentOrderDrawer.tsx';
import { type MerchantField, PROVIDER_FORMS, PROVIDERS, providerLabel } from './payment-labels.ts';
import { type ChannelSetting, channelSettingsApi, type Provider } from './payments-api.ts';

type Values = { enabled: boolean } & Record<string, string | boolean | undefined>;

const secretName = (field: MerchantField) => `secret_${field.name}`;

/** A fingerprint shortened for a tag: the first and last characters of the hex. */
const shortFingerprint = (fingerprint: string) =>
  fingerprint.length > 20 ? `${fingerprint.slice(0, 8)}…${fingerprint.slice(-8)}` : fingerprint;

function SecretState({ setting, field }: { setting: ChannelSetting | undefined; field: MerchantField }) {
  const { t } = useI18n();
  if (!setting?.secretsSet) {
    return (
      <Tag icon={<ExclamationCircleOutlined />} color="warning" data-testid={`secret-unset-${field.name}`}>
        {t('channelSettings.secretUnset')}
      </Tag>
    );
  }
  const fingerprint = setting.fingerprints?.[field.name];
  return (
    <Tooltip title={fingerprint ? t('channelSettings.fingerprint', { fingerprint }) : undefined}>
      <Tag icon={<CheckCircleOutlined />} color="success" data-testid={`secret-set-${field.name}`}>
        {fingerprint
          ? t('channelSettings.secretSetWith', { fingerprint: shortFingerprint(fingerprint) })
          : t('channelSettings.secretSet')}
      </Tag>
    </Tooltip>
  );
}

function ProviderCard({
  provider,
  setting,
  editable,
  onSaved,
}: {
  provider: Provider;
  setting: ChannelSetting | undefined;
  editable: boolean;
  onSaved: (setting: ChannelSetting) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { settings: settingFields, secrets: secretFields } = PROVIDER_FORMS[provider];
  const configured = setting?.configured ?? Boolean(setting?.settings);
  const secretsSet = Boolean(setting?.secretsSet);

  // The saved settings, and empty secret boxes (a secret is never sent back to the browser). Only when what was saved
  // changes: reading the list again must not wipe what someone is typing in another card.
  const savedText = JSON.stringify(setting ?? null);
  useEffect(() => {
    const setting = JSON.parse(savedText) as ChannelSetting | null;
    form.setFieldsValue({
      enabled: setting?.enabled ?? true,
      ...Object.fromEntries(settingFields.map((field) => [field.name, setting?.settings?.[field.name] ?? ''])),
      ...Object.fromEntries(secretFields.map((field) => [secretName(field), ''])),
    });
  }, [form, savedText, settingFields, secretFields]);

  async function save() {
    const values = await validValues(form);
    if (!values) return;
    const settings = Object.fromEntries(
      settingFields
        .map((field) => [field.name, String(values[field.name] ?? '').trim()] as const)
        .filter(([, value]) => value !== ''),
    );
    const secrets = Object.fromEntries(
      secretFields
        .map((field) => [field.name, String(values[secretName(field)] ?? '').trim()] as const)
        .filter(([, value]) => value !== ''),
    );
    setSaving(true);
    setError(null);
    try {
      const saved = await channelSettingsApi.save(provider, {
        enabled: Boolean(values.enabled),
        settings,
        ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
      });
      message.success(t('channelSettings.saved', { provider: providerLabel(provider, t) }));
      onSaved(saved);
    } catch (failure) {
      const fieldMap = Object.fromEntries([
        ...settingFields.map((field) => [field.name, field.name]),
        ...secretFields.map((field) => [field.name, secretName(field)]),
      ]);
      if (!showMappedErrors(form, failure, fieldMap)) setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  const input = (field: MerchantField, secret: boolean) =>
    field.multiline ? (
      <Input.TextArea
        autoSize={{ minRows: secret ? 3 : 4, maxRows: 10 }}
        spellCheck={false}
        autoComplete="off"
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        placeholder={secret && secretsSet ? t('channelSettings.secretKeepPlaceholder') : field.placeholder}
        disabled={!editable}
        data-testid={`${provider}-${field.name}`}
      />
    ) : secret ? (
      <Input.Password
        autoComplete="new-password"
        visibilityToggle={false}
        placeholder={secretsSet ? t('channelSettings.secretKeepPlaceholder') : field.placeholder}
        disabled={!editable}
        data-testid={`${provider}-${field.name}`}
      />
    ) : (
      <Input
        autoComplete="off"
        placeholder={field.placeholder}
        disabled={!editable}
        data-testid={`${provider}-${field.name}`}
      />
    );

  const rules = (field: MerchantField, secret: boolean) => [
    ...((secret ? !secretsSet : field.required)
      ? [{ required: true, whitespace: true, message: t('channelSettings.fieldRequired', { field: t(field.label) }) }]
      : []),
    ...(field.pattern ? [{ pattern: field.pattern.regex, message: t(field.pattern.message) }] : []),
  ];

  return (
    <Card
      data-testid={`channel-card-${provider}`}
      title={
        <Space>
          <span>{providerLabel(provider, t)}</span>
          {configured ? (
            setting?.enabled ? (
              <Tag color="success">{t('channelSettings.enabled')}</Tag>
            ) : (
              <Tag>{t('channelSettings.disabled')}</Tag>
            )
          ) : (
            <Tag color="warning">{t('channelSettings.notConfigured')}</Tag>
          )}
        </Space>
      }
      extra={
        editable && (
          <Button type="primary" loading={saving} onClick={save} data-testid={`channel-save-${provider}`}>
            {t('common.save')}
          </Button>
        )
      }
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid={`channel-error-${provider}`}
        />
      )}
      <Form<Values> form={form} name={`channel_${provider}`} layout="vertical" autoComplete="off">
        <Form.Item name="enabled" label={t('channelSettings.enabledLabel')} valuePropName="checked">
          <Switch disabled={!editable} data-testid={`${provider}-enabled`} />
        </Form.Item>
        {settingFields.map((field) => (
          <Form.Item key={field.name} name={field.name} label={t(field.label)} rules={rules(field, false)}>
            {input(field, false)}
          </Form.Item>
        ))}
        <Typography.Title level={5} style={{ marginTop: 8 }}>
          {t('channelSettings.secrets')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('channelSettings.secretsHint')}</Typography.Paragraph>
        {secretFields.map((field) => (
          <Form.Item
            key={field.name}
            name={secretName(field)}
            label={
              <Space>
                <span>{t(field.label)}</span>
                <SecretState setting={setting} field={field} />
              </Space>
            }
            rules={rules(field, true)}
          >
            {input(field, true)}
          </Form.Item>
        ))}
      </Form>
      {setting?.updatedAt && (
        <Typography.Text type="secondary">
          {t('channelSettings.updated', { time: formatTime(setting.updatedAt), name: setting.updatedByName ?? '-' })}
        </Typography.Text>
      )}
    </Card>
  );
}

export default function ChannelSettingsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const editable = can('settings:manage');
  const [settings, setSettings] = useState<ChannelSetting[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    void version;
    channelSettingsApi
      .list()
      .then((answer) => {
        if (!live) return;
        setSettings(answer);
        setError(null);
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [version]);

  const saved = useCallback((setting: ChannelSetting) => {
    setSettings((current) => [...(current ?? []).filter((entry) => entry.provider !== setting.provider), setting]);
    // The answer of a save may leave out what the list shows (fingerprints): read the list again.
    setVersion((n) => n + 1);
  }, []);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('channelSettings.title')} description={t('channelSettings.hint')} />
      {error && (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed')}
          description={error}
          action={
            <Button size="small" onClick={() => setVersion((n) => n + 1)}>
              {t('common.retry')}
            </Button>
          }
        />
      )}
      {!settings && !error && <Spin style={{ display: 'block', margin: '80px auto' }} />}
      {settings && (
        <Row gutter={[16, 16]}>
          {PROVIDERS.map((provider) => (
            <Col key={provider} xs={24} xl={8}>
              <ProviderCard
                provider={provider}
                setting={settings.find((entry) => entry.provider === provider)}
                editable={editable}
                onSaved={saved}
              />
            </Col>
          ))}
        </Row>
      )}
    </Space>
  );
}
