// The tenant's detail drawer: personal data masked; 查看明文 (only with pii:reveal) asks why, warns that the
// reveal is audited, and shows the plain values until the drawer closes.

import { EyeInvisibleOutlined, EyeOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Drawer, Form, Input, Modal, Space, Spin, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { type RevealedPii, type Tenant, tenantsApi } from './tenants-api.ts';

const formatTime = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm');

/** “宋志强（CZ000001）”: how titles and confirmations name a tenant. */
export const tenantName = (tenant: Pick<Tenant, 'name' | 'code'>) => `${tenant.name}（${tenant.code}）`;

/** Asks for a reason, says the reveal is audited, and calls the reveal endpoint. */
export function RevealModal({
  tenant,
  onClose,
  onRevealed,
}: {
  tenant: Tenant | null;
  onClose: () => void;
  onRevealed: (plain: RevealedPii) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function reveal() {
    if (!tenant) return;
    setBusy(true);
    setError(null);
    try {
      const reason = (form.getFieldValue('reason') as string | undefined)?.trim();
      onRevealed(await tenantsApi.reveal(tenant.id, reason || undefined));
    } catch (failure) {
      setError(errorDetail(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      title={tenant ? t('tenant.revealTitle', { tenant: tenantName(tenant) }) : ''}
      open={tenant !== null}
      onOk={reveal}
      onCancel={onClose}
      okText={t('tenant.revealOk')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'tenant-reveal-confirm' }}
      confirmLoading={busy}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      <Alert
        type="warning"
        showIcon
        icon={<SafetyCertificateOutlined />}
        title={t('tenant.revealAudited')}
        description={t('tenant.revealAuditedDetail')}
        style={{ marginBottom: 16 }}
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} name="reveal" layout="vertical" preserve={false}>
        <Form.Item name="reason" label={t('tenant.revealReason')}>
          <Input maxLength={200} placeholder={t('tenant.revealReasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function TenantDrawer({
  tenantId,
  version,
  canWrite,
  canReveal,
  revealOnOpen,
  onClose,
  onEdit,
}: {
  tenantId: string | null;
  /** Bumped by the page after an edit, so the drawer reloads. */
  version: number;
  canWrite: boolean;
  canReveal: boolean;
  /** Opened from the row's 查看明文: ask for the reveal at once. */
  revealOnOpen: boolean;
  onClose: () => void;
  onEdit: (tenant: Tenant) => void;
}) {
  const { t } = useI18n();
  const { data: tenant, error } = useLoaded(tenantId, tenantsApi.get, { version });
  const [plain, setPlain] = useState<RevealedPii | null>(null);
  const [asking, setAsking] = useState(false);

  // Values in clear are shown for one load only: another tenant, or a reload, shows them masked again.
  useEffect(() => {
    void version;
    setPlain(null);
    if (!tenantId) setAsking(false);
  }, [tenantId, version]);

  useEffect(() => {
    if (tenantId && revealOnOpen && canReveal) setAsking(true);
  }, [tenantId, revealOnOpen, canReveal]);

  const shown = tenant && tenant.id === tenantId ? tenant : null;
  const revealed = plain && shown && plain.id === shown.id ? plain : null;

  /** A personal value: masked, or in clear (tagged 明文) after a reveal. */
  const personal = (masked: string | null, clear: string | null | undefined, testId: string) => {
    if (revealed) {
      return (
        <Space size={6}>
          <Typography.Text copyable={clear ? { text: clear } : false} data-testid={`${testId}-plain`}>
            {clear ?? '-'}
          </Typography.Text>
          {clear && <Tag color="orange">{t('tenant.plainTag')}</Tag>}
        </Space>
      );
    }
    return <span data-testid={testId}>{masked ?? '-'}</span>;
  };

  const items = shown
    ? [
        { key: 'code', label: t('tenant.code'), children: shown.code },
        {
          key: 'kind',
          label: t('tenant.kind'),
          children: shown.kind === 'individual' ? t('tenant.kind.individual') : t('tenant.kind.enterprise'),
        },
        {
          key: 'name',
          label: shown.kind === 'individual' ? t('tenant.personName') : t('tenant.companyName'),
          children: shown.name,
        },
        ...(shown.kind === 'individual'
          ? [
              {
                key: 'idNumber',
                label: t('tenant.idNumber'),
                children: personal(shown.idNumber, revealed?.idNumber, 'tenant-id-number'),
              },
            ]
          : [
              { key: 'creditCode', label: t('tenant.creditCode'), children: shown.creditCode ?? '-' },
              {
                key: 'legalRepresentative',
                label: t('tenant.legalRepresentative'),
                children: shown.legalRepresentative ?? '-',
              },
            ]),
        { key: 'phone', label: t('tenant.phone'), children: personal(shown.phone, revealed?.phone, 'tenant-phone') },
        { key: 'contactName', label: t('tenant.contactName'), children: shown.contactName ?? '-' },
        {
          key: 'contactPhone',
          label: t('tenant.contactPhone'),
          children: personal(shown.contactPhone, revealed?.contactPhone, 'tenant-contact-phone'),
        },
        { key: 'address', label: t('tenant.address'), children: shown.address ?? '-' },
        { key: 'bankName', label: t('tenant.bankName'), children: shown.bankName ?? '-' },
        {
          key: 'bankAccount',
          label: t('tenant.bankAccount'),
          children: personal(shown.bankAccount, revealed?.bankAccount, 'tenant-bank-account'),
        },
        { key: 'remarks', label: t('tenant.remarks'), children: shown.remarks ?? '-' },
        { key: 'createdAt', label: t('tenant.createdAt'), children: formatTime(shown.createdAt) },
        { key: 'updatedAt', label: t('tenant.updatedAt'), children: formatTime(shown.updatedAt) },
      ]
    : [];

  return (
    <Drawer
      title={shown ? tenantName(shown) : t('tenant.detailTitle')}
      open={tenantId !== null}
      onClose={onClose}
      size="large"
      data-testid="tenant-drawer"
      extra={
        shown && (
          <Space>
            {canReveal &&
              (revealed ? (
                <Button icon={<EyeInvisibleOutlined />} onClick={() => setPlain(null)} data-testid="tenant-hide">
                  {t('tenant.hide')}
                </Button>
              ) : (
                <Button icon={<EyeOutlined />} onClick={() => setAsking(true)} data-testid="tenant-reveal">
                  {t('tenant.reveal')}
                </Button>
              ))}
            {canWrite && (
              <Button type="primary" onClick={() => onEdit(shown)} data-testid="tenant-edit">
                {t('common.edit')}
              </Button>
            )}
          </Space>
        )
      }
    >
      {error && <Alert type="error" showIcon title={error} />}
      {!error && !shown && <Spin style={{ display: 'block', margin: '80px auto' }} />}
      {shown && (
        <>
          {revealed && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('tenant.revealedNotice')}
              data-testid="tenant-revealed-notice"
            />
          )}
          <Descriptions data-testid="tenant-fields" column={1} size="small" bordered items={items} />
        </>
      )}
      <RevealModal
        tenant={asking ? shown : null}
        onClose={() => setAsking(false)}
        onRevealed={(answer) => {
          setAsking(false);
          setPlain(answer);
        }}
      />
    </Drawer>
  );
}
