import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { PiiCipher } from './crypto/pii.ts';
import { piiKeyringFor } from './crypto/pii-keys.ts';
import type { Database } from './db/client.ts';
import { installAccessControl, type RouteAccess } from './http/access.ts';
import { installIdempotency } from './http/idempotency.ts';
import { installMetrics } from './http/metrics.ts';
import { AppError, installProblemHandlers, sendProblem } from './http/problem.ts';
import { rateLimitStorage } from './http/rate-limit.ts';
import { Problem } from './http/schemas.ts';
import { installValidators } from './http/validation.ts';
import { assetsRoutes } from './modules/assets/routes.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { createAuthService } from './modules/auth/service.ts';
import { bankStatementsRoutes } from './modules/bank-statements/routes.ts';
import { billingRoutes } from './modules/billing/routes.ts';
import { collectionsRoutes } from './modules/collections/routes.ts';
import { contractsRoutes } from './modules/contracts/routes.ts';
import { lateFeePreviewRoutes, schedulePreviewRoutes } from './modules/contracts/schedule.routes.ts';
import { ledgerRoutes } from './modules/ledger/routes.ts';
import { payLinkKeyFor, payLinkUrl, signPayLink } from './modules/messages/pay-link.ts';
import { messagesRoutes } from './modules/messages/routes.ts';
import { type Senders, sendersFor } from './modules/messages/senders.ts';
import type { MessagingDeps } from './modules/messages/service.ts';
import { noticesRoutes } from './modules/notices/routes.ts';
import { notificationsRoutes } from './modules/notifications/routes.ts';
import { PROVIDERS_MODULES } from './modules/payments/channels/index.ts';
import { notifyRoutes } from './modules/payments/notify.routes.ts';
import { paymentsRoutes } from './modules/payments/routes.ts';
import type { PaymentsDeps } from './modules/payments/service.ts';
import { portalRoutes } from './modules/portal/routes.ts';
import { receiptsRoutes } from './modules/receipts/routes.ts';
import { reconciliationRoutes } from './modules/reconciliation/routes.ts';
import { refundsRoutes } from './modules/refunds/routes.ts';
import { reportsRoutes } from './modules/reports/routes.ts';
import { type DemoState, systemRoutes, VERSION } from './modules/system/routes.ts';
import { tenantsRoutes } from './modules/tenants/routes.ts';
import { usersRoutes } from './modules/users/routes.ts';
import { projectRoot } from './project-root.ts';
import { type FileStore, LocalFileStore } from './storage/file-store.ts';

const webDist = path.join(projectRoot, 'web/dist');

/** Log redaction: secrets and personal data never reach the log. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.idNumber',
  '*.phone',
  '*.contactPhone',
  '*.bankAccount',
];

export interface AppDependencies {
  config: Config;
  database: Database;
  /** Encrypts personal data and computes its blind indexes; from the configured keys when absent. */
  pii?: PiiCipher;
  /** Where uploaded files go; a directory under STORAGE_DIR when absent. */
  files?: FileStore;
  /** Where logs go (standard output when absent); tests read them. */
  logStream?: NodeJS.WritableStream;
  /** Signs the pay links in reminders; PAY_LINK_KEY or the data directory's key when absent. */
  payLinkKey?: Buffer;
  /** Who sends messages to tenants; the configured providers when absent. */
  senders?: Senders;
  /** Where the demo data stands, for /healthz; 'off' when absent. */
  demoState?: () => DemoState;
}

export async function buildApp({
  config,
  database,
  pii,
  files,
  logStream,
  payLinkKey,
  senders,
  demoState = () => 'off',
}: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      ...(logStream ? { stream: logStream } : {}),
    },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    // A pay-link token in the path is about 180 characters (find-my-way allows 100 by default).
    routerOptions: { maxParamLength: 500 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const db = database.orm;
  const auth = createAuthService(db, { sessionIdleMinutes: config.sessionIdleMinutes });
  const fileStore = files ?? new LocalFileStore(config.storageDir);
  const piiCipher = pii ?? new PiiCipher(piiKeyringFor(config));
  const messaging: MessagingDeps = {
    pii: piiCipher,
    payLinkKey: payLinkKey ?? payLinkKeyFor(config),
    publicBaseUrl: config.publicBaseUrl,
    senders: senders ?? sendersFor(config.messaging, app.log),
  };

  const payments: PaymentsDeps = {
    db,
    pii: piiCipher,
    providers: PROVIDERS_MODULES,
    payLinkKey: messaging.payLinkKey,
    publicBaseUrl: config.publicBaseUrl,
    payments: config.payments,
    simulators: config.simulators,
    env: config.env,
    log: app.log,
  };

  installValidators(app);
  installProblemHandlers(app, config.bodyLimitBytes);
  app.addSchema(Problem);
  const metrics = installMetrics(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Ant Design writes its styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", 'https:', 'http:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(cookie);
  // Shared by every instance through Redis when REDIS_URL is set (src/http/rate-limit.ts).
  const rateLimits = await rateLimitStorage(config, app.log);
  app.addHook('onClose', () => rateLimits.close());
  await app.register(rateLimit, {
    ...rateLimits.options,
    global: false,
    errorResponseBuilder: (_request, context) => new AppError(429, 'too_many_requests', { after: context.after }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'AssetPay 国有资产租赁缴费平台 API',
        version: VERSION,
        description: '金额均为整数“分”（字段名以 Fen 结尾）；错误为 RFC 9457 problem+json。',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'assetpay_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  const routeAccess = installAccessControl(app, auth);
  installIdempotency(app, db);

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(systemRoutes, { database, metrics, demoState });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { auth, loginRateLimitPerMinute: config.loginRateLimitPerMinute });
      await api.register(usersRoutes, { db });
      await api.register(auditRoutes, { db });
      await api.register(schedulePreviewRoutes);
      await api.register(lateFeePreviewRoutes);
      await api.register(assetsRoutes, { db, files: fileStore });
      await api.register(tenantsRoutes, { db, pii: piiCipher });
      await api.register(contractsRoutes, { db, pii: piiCipher, files: fileStore });
      await api.register(notificationsRoutes, { db });
      await api.register(billingRoutes, { db });
      await api.register(messagesRoutes, { db, messaging });
      await api.register(ledgerRoutes, { db });
      await api.register(noticesRoutes, {
        db,
        payLinkFor: (bill) =>
          payLinkUrl(
            messaging.publicBaseUrl,
            signPayLink(messaging.payLinkKey, { billId: bill.id, orgId: bill.orgId }),
          ),
      });
      await api.register(collectionsRoutes, { db });
      await api.register(paymentsRoutes, { payments });
      await api.register(refundsRoutes, { payments });
      await api.register(reconciliationRoutes, { payments });
      await api.register(bankStatementsRoutes, { db, pii: piiCipher });
      await api.register(receiptsRoutes, { db, publicBaseUrl: config.publicBaseUrl });
      await api.register(reportsRoutes, { db, pii: piiCipher });
      await api.register(portalRoutes, {
        db,
        auth,
        pii: piiCipher,
        messaging,
        loginRateLimitPerMinute: config.loginRateLimitPerMinute,
      });
    },
    { prefix: '/api/v1' },
  );
  // Channel notifications: outside /api/v1 (their paths are the notify URLs given to the channels).
  await app.register(notifyRoutes, { payments, maxInFlight: config.payments.notifyMaxInFlight });

  await registerWeb(app);
  app.decorate('auth', auth);
  app.decorate('routeAccess', routeAccess);
  app.decorate('messaging', messaging);
  app.decorate('payments', payments);
  return app;
}

/** Serves the built admin console at / and the tenant H5 at /m/, with client-side routes falling back to each index. */
async function registerWeb(app: FastifyInstance) {
  const built = fs.existsSync(path.join(webDist, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: true,
      index: ['index.html'],
      allowedPath: (pathName) => !pathName.startsWith('/api/'),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    // A pay link's token has a dot in it (payload.signature): under /m/pay/ every path is the page.
    const isPage =
      request.method === 'GET' &&
      !/^\/(api|notify|_sim)\//.test(url) &&
      (!path.extname(url) || url.startsWith('/m/pay/'));
    if (built && isPage) {
      return reply.sendFile(url === '/m' || url.startsWith('/m/') ? 'm/index.html' : 'index.html');
    }
    return sendProblem(request, reply, new AppError(404, 'route_not_found', { method: request.method, url }));
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: ReturnType<typeof createAuthService>;
    routeAccess: RouteAccess[];
    /** The pay-link key and message senders, for the reminder jobs. */
    messaging: MessagingDeps;
  }
}
