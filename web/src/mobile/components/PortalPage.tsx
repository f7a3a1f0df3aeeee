import { NavBar, SpinLoading } from 'antd-mobile';
import type { CSSProperties, ReactNode } from 'react';

interface PortalPageProps {
  title: ReactNode;
  /** Where the back arrow goes; no arrow when absent. */
  onBack?: () => void;
  right?: ReactNode;
  children: ReactNode;
  style?: CSSProperties;
  'data-testid'?: string;
}

/** Every portal page: a white title bar over the grey page background, readable from 320 px up. */
export function PortalPage({ title, onBack, right, children, style, 'data-testid': testId }: PortalPageProps) {
  return (
    <div
      style={{ minHeight: '100vh', background: 'var(--adm-color-background-secondary, #f5f5f5)', ...style }}
      data-testid={testId}
    >
      <NavBar back={onBack ? '' : null} onBack={onBack} right={right} style={{ background: '#fff' }}>
        {title}
      </NavBar>
      {children}
    </div>
  );
}

export function PageLoading() {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 96 }} data-testid="m-loading">
      <SpinLoading color="primary" />
    </div>
  );
}
