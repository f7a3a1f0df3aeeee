import type { ReactNode } from 'react';
import { lazy, Suspense, useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useNavigate } from 'react-router-dom';
import { PageLoading } from './components/PortalPage.tsx';
import { portalToken, whenPortalSessionLost } from './portal-api.ts';

// Each page is its own chunk: a tenant opening a pay link or a receipt's QR code downloads only that page.
const LoginPage = lazy(() => import('./pages/LoginPage.tsx'));
const BillsPage = lazy(() => import('./pages/BillsPage.tsx'));
const PaymentsPage = lazy(() => import('./pages/PaymentsPage.tsx'));
const RefundsPage = lazy(() => import('./pages/RefundsPage.tsx'));
const OrderPage = lazy(() => import('./pages/OrderPage.tsx'));
const PayLinkPage = lazy(() => import('./pages/PayLinkPage.tsx'));
const ReceiptVerifyPage = lazy(() => import('./pages/ReceiptVerifyPage.tsx'));

function RequireToken({ children }: { children: ReactNode }) {
  return portalToken.get() ? children : <Navigate to="/login" replace />;
}

function PortalRoutes() {
  const navigate = useNavigate();
  useEffect(() => whenPortalSessionLost(() => navigate('/login', { replace: true })), [navigate]);
  const tenantOnly = (page: ReactNode) => <RequireToken>{page}</RequireToken>;
  return (
    <Suspense fallback={<PageLoading />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        {/* A reminder's pay link: no login, the signed token is the credential (for its orders too). */}
        <Route path="/pay/:token" element={<PayLinkPage />} />
        <Route path="/pay/:token/orders/:orderNo" element={<OrderPage />} />
        {/* The QR code on a receipt: anyone may check it. */}
        <Route path="/receipts/:verifyCode" element={<ReceiptVerifyPage />} />
        <Route path="/" element={tenantOnly(<BillsPage />)} />
        <Route path="/payments" element={tenantOnly(<PaymentsPage />)} />
        <Route path="/refunds" element={tenantOnly(<RefundsPage />)} />
        <Route path="/orders/:orderNo" element={tenantOnly(<OrderPage />)} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Suspense>
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
