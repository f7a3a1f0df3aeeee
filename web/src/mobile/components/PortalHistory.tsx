// A tenant's history page (payments, refunds): the portal tabs, pull to refresh, an error with a retry, an empty
// state, and one card per item.
import { Button, ErrorBlock, PullToRefresh } from 'antd-mobile';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorDetail } from '../../shared/api.ts';
import { logOut } from '../logout.ts';
import { portalTenant } from '../portal-api.ts';
import { PageLoading, PortalPage } from './PortalPage.tsx';
import { PortalTabs } from './PortalTabs.tsx';

export function PortalHistory<T extends { id: string }>(props: {
  /** The page's title when the tenant's name is not known. */
  title: string;
  testId: string;
  load: () => Promise<{ items: T[] }>;
  failedTitle: string;
  empty: { title: string; description: string };
  card: (item: T) => ReactNode;
}) {
  const { load: fetchItems } = props;
  const navigate = useNavigate();
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tenant = portalTenant.get();

  const load = useCallback(async () => {
    try {
      setItems((await fetchItems()).items);
      setError(null);
    } catch (failure) {
      setError(errorDetail(failure));
    }
  }, [fetchItems]);

  useEffect(() => {
    void load();
  }, [load]);

  async function logout() {
    await logOut();
    navigate('/login', { replace: true });
  }

  return (
    <PortalPage
      title={tenant?.name ?? props.title}
      right={
        <Button size="mini" fill="none" onClick={() => void logout()} data-testid="m-logout">
          退出
        </Button>
      }
      data-testid={props.testId}
    >
      <PortalTabs />
      <PullToRefresh onRefresh={load}>
        <div style={{ minHeight: 'calc(100vh - 90px)', paddingBottom: 24 }}>
          {error ? (
            <ErrorBlock status="default" title={props.failedTitle} description={error} data-testid="m-error">
              <Button color="primary" size="small" onClick={() => void load()} data-testid="m-retry">
                重试
              </Button>
            </ErrorBlock>
          ) : items === null ? (
            <PageLoading />
          ) : items.length === 0 ? (
            <ErrorBlock status="empty" title={props.empty.title} description={props.empty.description} />
          ) : (
            items.map((item) => <div key={item.id}>{props.card(item)}</div>)
          )}
        </div>
      </PullToRefresh>
    </PortalPage>
  );
}
