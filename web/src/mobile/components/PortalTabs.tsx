import { useLocation, useNavigate } from 'react-router-dom';

const tabs = [
  { path: '/', label: '待缴账单', testId: 'm-tab-bills' },
  { path: '/payments', label: '缴费记录', testId: 'm-tab-payments' },
  { path: '/refunds', label: '退款', testId: 'm-tab-refunds' },
];

/** The lists a logged-in tenant moves between. */
export function PortalTabs() {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  return (
    <nav style={{ display: 'flex', background: '#fff', borderBottom: '1px solid var(--adm-color-border)' }}>
      {tabs.map((tab) => {
        const active = pathname === tab.path;
        return (
          <button
            key={tab.path}
            type="button"
            onClick={() => navigate(tab.path, { replace: true })}
            data-testid={tab.testId}
            aria-current={active ? 'page' : undefined}
            style={{
              flex: 1,
              padding: '10px 0',
              border: 'none',
              background: 'none',
              fontSize: 15,
              color: active ? 'var(--adm-color-primary)' : 'var(--adm-color-text)',
              fontWeight: active ? 600 : 400,
              borderBottom: `2px solid ${active ? 'var(--adm-color-primary)' : 'transparent'}`,
            }}
          >
            {tab.label}
          </button>
        );
      })}
    </nav>
  );
}
