import { Alert, Card, Space, Table, Tag, Tooltip } from 'antd';
import { errorDetail } from '../../../shared/api.ts';
import type { Role } from '../../api.ts';
import { knownKey } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { roleName, useRoles } from '../../roles.ts';

/** The built-in roles and what each may do (read only). */
export default function RolesPage() {
  const { t, language } = useI18n();
  const { roles, error } = useRoles();

  const permissionLabel = (code: string) => {
    const key = knownKey(`perm.${code}`);
    return key ? t(key) : code;
  };

  return (
    <Card title={t('roles.title')}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Alert type="info" showIcon title={t('roles.readOnly')} />
        {error !== null && (
          <Alert type="error" showIcon title={t('common.loadFailed')} description={errorDetail(error)} />
        )}
        <Table<Role>
          rowKey="code"
          dataSource={roles}
          loading={roles.length === 0 && error === null}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              key: 'name',
              title: t('roles.name'),
              render: (_value, role) => <strong>{roleName(role.code, roles, language, t)}</strong>,
            },
            { key: 'code', title: t('roles.code'), dataIndex: 'code', render: (code: string) => <code>{code}</code> },
            { key: 'description', title: t('roles.description'), dataIndex: 'description' },
            {
              key: 'permissions',
              title: t('roles.permissions'),
              render: (_value, role) => (
                <Space size={[4, 4]} wrap style={{ maxWidth: 560 }}>
                  {role.permissions.map((permission) => (
                    <Tooltip key={permission} title={permission}>
                      <Tag>{permissionLabel(permission)}</Tag>
                    </Tooltip>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Space>
    </Card>
  );
}
