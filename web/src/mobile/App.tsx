import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useNavigate } from 'react-router-dom';
import BillsPage from './pages/BillsPage.tsx';
import LoginPage from './pages/LoginPage.tsx';
import PayLinkPage from './pages/PayLinkPage.tsx';
import { portalToken, whenPortalSessionLost } from './portal-api.ts';

function RequireToken({ children }: { children: ReactNode }) {
  return portalToken.get() ? children : <Navigate to="/login" replace />;
}

function PortalRoutes() {
  const navigate = useNavigate();
  useEffect(() => whenPortalSessionLost(() => navigate('/login', { replace: true })), [navigate]);
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      {/* A reminder's pay link: no login, the signed token is the credential. */}
      <Route path="/pay/:token" element={<PayLinkPage />} />
      <Route
        path="/"
        element={
          <RequireToken>
            <BillsPage />
          </RequireToken>
        }
      />
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

/** The tenant H5 portal, served under /m/. */
export function PortalApp() {
  return (
    <BrowserRouter basename="/m">
      <PortalRoutes />
    </BrowserRouter>
  );
}
