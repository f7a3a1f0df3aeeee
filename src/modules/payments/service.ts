// 在线缴费: what online payment needs from the app, and its use cases in one place for the routes, the jobs and the
// demo — channel settings, payment orders, posting what a channel confirmed, suspense items (挂账) and the backstop.

import type { Config, PaymentsConfig, SimulatorsConfig } from '../../config.ts';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Executor, Orm } from '../../db/client.ts';
import type { PaymentOrderStatus, Provider } from '../../db/schema.ts';
import { adapterForOrg, channelSettingsService } from './channel-settings.ts';
import type { ProviderModule } from './channels/types.ts';
import { ordersService, runPaymentOrdersBackstop } from './orders.ts';
import { postChannelPayment } from './posting.ts';
import { type NewSuspenseItemRow, paymentsRepository } from './repository.ts';
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

  // What refunds (refunds/service.ts) need of online payment: the order a payment came by, its refund status, the
  // tenant to tell, and a suspense item given back to its payer.

  /** A payment order by its number (ours, the channel's out_trade_no). */
  order: (db: Executor, orderNo: string) => paymentsRepository.order(db, orderNo),
  /** The same, locked for the caller's transaction. */
  lockOrder: (tx: Executor, orderNo: string) => paymentsRepository.lockOrder(tx, orderNo),
  /** A succeeded order refunding while a refund of it is under way, refunded once paid back, succeeded again if not. */
  setOrderStatus: (
    tx: Executor,
    orderId: string,
    status: Extract<PaymentOrderStatus, 'succeeded' | 'refunding' | 'refunded'>,
  ) => paymentsRepository.updateOrder(tx, orderId, { status }),
  /** A tenant's name and encrypted mobile, for a message. */
  tenantContact: (db: Executor, orgId: string, tenantId: string) => paymentsRepository.tenant(db, orgId, tenantId),
  /** A suspense item locked for the caller's transaction. */
  lockSuspenseItem: (tx: Executor, orgId: string, id: string) => paymentsRepository.lockSuspense(tx, orgId, id),
  /** A suspense item held by a refund (refunding), back to open, or resolved as refunded. */
  markSuspenseItem: (
    tx: Executor,
    id: string,
    changes: Pick<
      NewSuspenseItemRow,
      'status' | 'resolution' | 'refundId' | 'resolutionNote' | 'resolvedBy' | 'resolvedByName' | 'resolvedAt'
    >,
  ) => paymentsRepository.updateSuspense(tx, id, changes),
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Online payment's dependencies, for the jobs (backstop) and the demo. */
    payments: PaymentsDeps;
  }
}
