import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import {
  App as AntApp,
  Avatar,
  Button,
  Dropdown,
  Layout,
  Menu,
  type MenuProps,
  Space,
  Spin,
  Typography,
  theme,
} from 'antd';
import { Suspense, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import type { MessageKey } from '../i18n.ts';
import { useI18n } from '../language.tsx';
import { type ConsoleMenuEntry, consoleMenu, isSection, moduleOfPath, sectionOfModule } from '../modules.tsx';
import { useSession, useStaffUser } from '../session.tsx';
import { ChangePasswordModal } from './ChangePasswordModal.tsx';

type MenuItem = Required<MenuProps>['items'][number];

/** The side menu: modules the user may open; a section with none left is hidden. */
function menuItems(
  entries: ConsoleMenuEntry[],
  can: (permission?: string) => boolean,
  t: (key: MessageKey) => string,
): MenuItem[] {
  return entries.flatMap<MenuItem>((entry) => {
    if (isSection(entry)) {
      const children = menuItems(entry.children, can, t);
      return children.length ? [{ key: entry.key, icon: entry.icon, label: t(entry.label), children }] : [];
    }
    return can(entry.permission) ? [{ key: entry.path, icon: entry.icon, label: t(entry.label) }] : [];
  });
}

export default function AdminLayout() {
  const { t } = useI18n();
  const user = useStaffUser();
  const { can, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const { token } = theme.useToken();
  const [collapsed, setCollapsed] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);

  const current = moduleOfPath(location.pathname);
  const section = sectionOfModule(current);

  const userMenu: MenuProps['items'] = [
    {
      key: 'password',
      icon: <KeyOutlined />,
      label: <span data-testid="change-password">{t('header.changePassword')}</span>,
      onClick: () => setChangingPassword(true),
    },
    { type: 'divider' },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: <span data-testid="logout">{t('header.logout')}</span>,
      onClick: () => void signOut(),
    },
  ];

  // AntApp (message, modal) lives here rather than at the root: the login page does not need it.
  return (
    <AntApp>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} breakpoint="lg" width={208}>
          <div
            style={{
              height: 64,
              padding: '0 16px',
              display: 'flex',
              flexDirection: 'column',
              justifyContent: 'center',
              alignItems: collapsed ? 'center' : 'flex-start',
              color: '#fff',
              overflow: 'hidden',
              whiteSpace: 'nowrap',
            }}
          >
            <div style={{ fontWeight: 600, fontSize: collapsed ? 14 : 18, lineHeight: 1.3 }}>
              {collapsed ? 'AP' : 'AssetPay'}
            </div>
            {!collapsed && (
              <div
                style={{ fontSize: 12, opacity: 0.65, maxWidth: '100%', overflow: 'hidden', textOverflow: 'ellipsis' }}
              >
                {t('app.shortTitle')}
              </div>
            )}
          </div>
          <Menu
            theme="dark"
            mode="inline"
            items={menuItems(consoleMenu, can, t)}
            selectedKeys={current ? [current.path] : []}
            defaultOpenKeys={section ? [section.key] : []}
            onClick={({ key }) => navigate(key)}
          />
        </Layout.Sider>
        <Layout>
          <Layout.Header
            style={{
              background: token.colorBgContainer,
              padding: '0 24px',
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'space-between',
              gap: 16,
              borderBottom: `1px solid ${token.colorBorderSecondary}`,
            }}
          >
            <Typography.Text strong ellipsis data-testid="org-name">
              {user.orgName}
            </Typography.Text>
            <Space size="middle">
              <LanguageSwitch />
              <Dropdown menu={{ items: userMenu }} trigger={['click']} placement="bottomRight">
                <Button type="text" data-testid="user-menu" aria-label={t('header.userMenu')} style={{ height: 40 }}>
                  <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: token.colorPrimary }} />
                  <span data-testid="user-display-name">{user.displayName}</span>
                </Button>
              </Dropdown>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ margin: 24 }}>
            <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
              <Outlet />
            </Suspense>
          </Layout.Content>
        </Layout>
        <ChangePasswordModal
          open={changingPassword}
          username={user.username}
          onClose={() => setChangingPassword(false)}
        />
      </Layout>
    </AntApp>
  );
}
