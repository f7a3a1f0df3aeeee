import { Spin } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../shared/api.ts';
import { authApi, type StaffUser, whenSessionLost } from './api.ts';

interface SessionContextValue {
  user: StaffUser | null;
  signIn: (username: string, password: string) => Promise<StaffUser>;
  signOut: () => Promise<void>;
  can: (permission: string | undefined) => boolean;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Where /login sends the user back to after signing in. */
export interface LoginRedirectState {
  from?: string;
}

/**
 * The signed-in staff member. The API keeps the session in an httpOnly cookie;
 * here we only remember who it belongs to (from /auth/me on load).
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<StaffUser | null>(null);
  const [loading, setLoading] = useState(true);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    let cancelled = false;
    authApi
      .me()
      .then(({ user }) => !cancelled && setUser(user))
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.warn('GET /api/v1/auth/me failed', error);
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, []);

  const currentPath = `${location.pathname}${location.search}`;
  useEffect(() => {
    whenSessionLost(() => {
      setUser(null);
      if (location.pathname !== '/login') {
        navigate('/login', { replace: true, state: { from: currentPath } satisfies LoginRedirectState });
      }
    });
  }, [navigate, location.pathname, currentPath]);

  const signIn = useCallback(async (username: string, password: string) => {
    const { user } = await authApi.login(username, password);
    setUser(user);
    return user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch (error) {
      console.warn('POST /api/v1/auth/logout failed', error);
    }
    setUser(null);
    navigate('/login', { replace: true });
  }, [navigate]);

  const value = useMemo<SessionContextValue>(
    () => ({
      user,
      signIn,
      signOut,
      can: (permission) => permission === undefined || (user?.permissions.includes(permission) ?? false),
    }),
    [user, signIn, signOut],
  );

  if (loading) return <FullPageSpin />;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function FullPageSpin() {
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh' }}>
      <Spin size="large" />
    </div>
  );
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** The signed-in user; only for pages rendered under <RequireSession>. */
export function useStaffUser(): StaffUser {
  const { user } = useSession();
  if (!user) throw new Error('useStaffUser needs a signed-in user');
  return user;
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (!user) {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/login" replace state={(from === '/' ? {} : { from }) satisfies LoginRedirectState} />;
  }
  return children;
}
