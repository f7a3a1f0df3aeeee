import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { LanguageProvider } from './language.tsx';
import { consoleMenu, consoleModules, isSection } from './modules.tsx';
import { FullPageSpin, RequireSession, SessionProvider, useSession } from './session.tsx';

// Each page is its own chunk, so the login page loads without the tables and forms behind it.
const LoginPage = lazy(() => import('./pages/LoginPage.tsx'));
const AdminLayout = lazy(() => import('./layout/AdminLayout.tsx'));
const ModulePage = lazy(() => import('./pages/StatusPages.tsx').then((pages) => ({ default: pages.ModulePage })));
const NotFoundPage = lazy(() => import('./pages/StatusPages.tsx').then((pages) => ({ default: pages.NotFoundPage })));

/** `/system` alone opens the first page of the section the user may see. */
function SectionIndex({ sectionKey }: { sectionKey: string }) {
  const { can } = useSession();
  const section = consoleMenu.filter(isSection).find((entry) => entry.key === sectionKey);
  const first = section?.children.find((module) => can(module.permission)) ?? section?.children[0];
  return <Navigate to={first?.path ?? '/'} replace />;
}

function ConsoleRoutes() {
  const { can } = useSession();
  return (
    <Suspense fallback={<FullPageSpin />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireSession>
              <AdminLayout />
            </RequireSession>
          }
        >
          {consoleModules.map((module) => (
            <Route
              key={module.key}
              path={module.path}
              element={<ModulePage module={module} allowed={can(module.permission)} />}
            />
          ))}
          {consoleMenu.filter(isSection).map((section) => (
            <Route key={section.key} path={`/${section.key}`} element={<SectionIndex sectionKey={section.key} />} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

export function AdminApp() {
  return (
    <LanguageProvider>
      <BrowserRouter>
        <SessionProvider>
          <ConsoleRoutes />
        </SessionProvider>
      </BrowserRouter>
    </LanguageProvider>
  );
}
