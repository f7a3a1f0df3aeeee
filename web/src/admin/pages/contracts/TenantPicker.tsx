// Step 1 of the wizard: the tenant, searched on the server by name, code or credit code.

import { Alert, Descriptions, Select, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../language.tsx';
import { tenantName } from '../tenants/TenantDrawer.tsx';
import { type Tenant, tenantsApi } from '../tenants/tenants-api.ts';

export function TenantPicker({ value, onChange }: { value: Tenant | null; onChange: (tenant: Tenant | null) => void }) {
  const { t } = useI18n();
  const [keyword, setKeyword] = useState('');
  const [options, setOptions] = useState<Tenant[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let live = true;
    setLoading(true);
    const timer = setTimeout(() => {
      tenantsApi
        .list({ page: 1, pageSize: 50, keyword: keyword.trim() || undefined })
        .then((page) => live && setOptions(page.items))
        .catch(() => live && setOptions([]))
        .finally(() => live && setLoading(false));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [keyword]);

  const shown = value && !options.some((tenant) => tenant.id === value.id) ? [value, ...options] : options;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('contract.wizard.tenantHint')}</Typography.Text>
      <Select<string>
        id="contract_tenant"
        data-testid="contract-tenant"
        style={{ width: '100%', maxWidth: 560 }}
        size="large"
        value={value?.id}
        placeholder={t('contract.wizard.tenantPlaceholder')}
        showSearch={{ filterOption: false, onSearch: setKeyword }}
        allowClear
        loading={loading}
        notFoundContent={loading ? <Spin size="small" /> : t('common.none')}
        onChange={(id) => onChange(shown.find((tenant) => tenant.id === id) ?? null)}
        options={shown.map((tenant) => ({
          value: tenant.id,
          label: (
            <Space size={6}>
              <span>{tenantName(tenant)}</span>
              <Tag color={tenant.kind === 'individual' ? 'blue' : 'purple'}>
                {tenant.kind === 'individual' ? t('tenant.kind.individual') : t('tenant.kind.enterprise')}
              </Tag>
              <Typography.Text type="secondary">{tenant.phone}</Typography.Text>
            </Space>
          ),
        }))}
      />
      {value ? (
        <Descriptions
          data-testid="contract-tenant-summary"
          bordered
          size="small"
          column={{ xs: 1, md: 2 }}
          style={{ maxWidth: 800 }}
          items={[
            { key: 'name', label: t('tenant.name'), children: value.name },
            { key: 'code', label: t('tenant.code'), children: value.code },
            {
              key: 'document',
              label: value.kind === 'individual' ? t('tenant.idNumber') : t('tenant.creditCode'),
              children: (value.kind === 'individual' ? value.idNumber : value.creditCode) ?? '-',
            },
            { key: 'phone', label: t('tenant.phone'), children: value.phone },
            { key: 'contact', label: t('tenant.contactName'), children: value.contactName ?? '-' },
            { key: 'address', label: t('tenant.address'), children: value.address ?? '-' },
          ]}
        />
      ) : (
        <Alert type="info" showIcon title={t('contract.wizard.tenantMissing')} style={{ maxWidth: 800 }} />
      )}
    </Space>
  );
}
