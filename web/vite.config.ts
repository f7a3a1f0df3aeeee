// Two single-page apps from one build: the admin console at / and the tenant H5 portal at /m/.

import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { type Connect, defineConfig, type Plugin } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const apiServer = 'http://localhost:3000';

/**
 * Vite's own SPA fallback answers every unknown path with /index.html (the admin console);
 * deep links under /m/ (e.g. /m/login) must get the H5 page instead. The API server does the
 * same in production.
 */
function portalHistoryFallback(): Plugin {
  const rewrite: Connect.NextHandleFunction = (request, _response, next) => {
    const path = request.url?.split('?')[0] ?? '';
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    // A pay link's token has a dot in it (payload.signature): under /m/pay/ every path is the page.
    const isFile = /\.[a-z0-9]+$/i.test(path) && !path.startsWith('/m/pay/');
    if (wantsPage && (path === '/m' || (path.startsWith('/m/') && !isFile))) {
      request.url = '/m/index.html';
    }
    next();
  };
  return {
    name: 'assetpay-portal-history-fallback',
    configureServer: (server) => void server.middlewares.use(rewrite),
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
}

const proxy = Object.fromEntries(
  ['/api', '/healthz', '/docs', '/openapi.json'].map((path) => [path, { target: apiServer, changeOrigin: false }]),
);

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react(), portalHistoryFallback()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        admin: fileURLToPath(new URL('./index.html', import.meta.url)),
        portal: fileURLToPath(new URL('./m/index.html', import.meta.url)),
      },
      output: {
        // React is the only code both apps share; a named chunk keeps it cached across them.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/ },
          ],
        },
      },
    },
  },
  server: { proxy },
  preview: { proxy },
});
