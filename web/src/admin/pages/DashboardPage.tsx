// 首页: who is signed in; then, for those who may read reports, the dashboard's charts (ECharts, loaded with them
// alone), and for everyone else the modules they may open.

import { Card, Col, Descriptions, Row, Space, Tag, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useNavigate } from 'react-router-dom';
import { knownKey } from '../i18n.ts';
import { useI18n } from '../language.tsx';
import { consoleModules } from '../modules.tsx';
import { useSession, useStaffUser } from '../session.tsx';

const DashboardCharts = lazy(() => import('./reports/DashboardCharts.tsx'));

export default function DashboardPage() {
  const { t } = useI18n();
  const user = useStaffUser();
  const { can } = useSession();
  const navigate = useNavigate();

  const roleNames = user.roles.map((code) => {
    const key = knownKey(`role.${code}`);
    return key ? t(key) : code;
  });
  // Paths with a parameter (/reports/:name) are routes, not modules to open from here.
  const modules = consoleModules.filter(
    (module) => module.path !== '/' && !module.path.includes(':') && can(module.permission),
  );
  const readsReports = can('report:read');

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card data-testid="dashboard">
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('dashboard.welcome', { name: user.displayName })}
        </Typography.Title>
        <Descriptions
          column={{ xs: 1, md: 3 }}
          items={[
            { key: 'username', label: t('dashboard.username'), children: user.username },
            {
              key: 'org',
              label: t('dashboard.org'),
              children: <span data-testid="dashboard-org">{user.orgName}</span>,
            },
            {
              key: 'roles',
              label: t('dashboard.roles'),
              children: (
                <span data-testid="dashboard-roles">
                  {roleNames.length ? roleNames.map((name) => <Tag key={name}>{name}</Tag>) : t('common.none')}
                </span>
              ),
            },
          ]}
        />
      </Card>

      {readsReports && (
        <Suspense fallback={<Card loading />}>
          <DashboardCharts />
        </Suspense>
      )}

      {readsReports ? null : (
        <div>
          <Typography.Title level={5}>{t('dashboard.modules')}</Typography.Title>
          <Row gutter={[16, 16]}>
            {modules.map((module) => (
              <Col key={module.key} xs={24} sm={12} lg={8} xl={6}>
                <Card
                  hoverable
                  data-testid={`module-card-${module.key}`}
                  onClick={() => navigate(module.path)}
                  title={
                    <Space>
                      {module.icon}
                      {t(module.label)}
                    </Space>
                  }
                  extra={module.page ? <Tag color="blue">{t('common.open')}</Tag> : <Tag>{t('common.comingSoon')}</Tag>}
                  style={{ height: '100%' }}
                >
                  <Typography.Text type="secondary">{module.description ? t(module.description) : ''}</Typography.Text>
                </Card>
              </Col>
            ))}
          </Row>
        </div>
      )}
    </Space>
  );
}
