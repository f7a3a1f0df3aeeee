// 在线缴费: what online payment needs from the app, and its use cases in one place for the routes, the jobs and the
// demo — channel settings, payment orders, posting what a channel confirmed, suspense items (挂账) and the backstop.

import type { Config, PaymentsConfig, SimulatorsConfig } from '../../config.ts';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Orm } from '../../db/client.ts';
import type { Provider } from '../../db/schema.ts';
import { adapterForOrg, channelSettingsService } from './channel-settings.ts';
import type { ProviderModule } from './channels/types.ts';
import { ordersService, runPaymentOrdersBackstop } from './orders.ts';
import { postChannelPayment } from './posting.ts';
import { suspenseService } from './suspense.ts';

/** The three provider modules (channels/index.ts), one per provider. */
export type ProviderModules = { [P in Provider]: ProviderModule<P> };

/** A logger that takes structured fields first (pino's, Fastify's). */
export interface PaymentsLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface PaymentsDeps {
  db: Orm;
  pii: PiiCipher;
  /** The channels' protocol modules; tests may hand in their own. */
  providers: ProviderModules;
  /** Signs and checks pay links (缴费链接): the tenant's credential when paying without logging in. */
  payLinkKey: Buffer;
  /** Where tenants reach AssetPay: the result pages channels send the browser back to. */
  publicBaseUrl: string;
  payments: PaymentsConfig;
  simulators: SimulatorsConfig;
  env: Config['env'];
  /** How adapters reach the channels; global fetch when absent. */
  fetchImpl?: typeof fetch;
  log?: PaymentsLog;
}

export const paymentsService = {
  channelSettings: channelSettingsService,
  adapterForOrg,
  orders: ordersService,
  suspense: suspenseService,
  postChannelPayment,
  runBackstop: runPaymentOrdersBackstop,
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Online payment's dependencies, for the jobs (backstop) and the demo. */
    payments: PaymentsDeps;
  }
}
