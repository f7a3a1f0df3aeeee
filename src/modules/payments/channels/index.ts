// The channel adapters by provider: what the payment service asks for an org's merchant account.

import { alipayModule } from './alipay.ts';
import type { ChannelAdapter, MerchantAccount, Provider, ProviderModule } from './types.ts';
import { unionpayModule } from './unionpay.ts';
import { wechatpayModule } from './wechatpay.ts';

export const PROVIDERS_MODULES: { [P in Provider]: ProviderModule<P> } = {
  wechatpay: wechatpayModule,
  alipay: alipayModule,
  unionpay: unionpayModule,
};

export interface AdapterOptions {
  /** Defaults to global fetch; tests may pass one that records traffic. */
  fetchImpl?: typeof fetch;
  /** Deadline of one call to the channel (default 10 s). */
  timeoutMs?: number;
}

/** The adapter speaking `provider`'s protocol for one merchant account. */
export function adapterFor<P extends Provider>(
  provider: P,
  account: MerchantAccount<P>,
  options?: AdapterOptions,
): ChannelAdapter {
  return (PROVIDERS_MODULES[provider] as ProviderModule<P>).adapter(account, options);
}

export { AlipayAdapter, alipayModule } from './alipay.ts';
export * from './types.ts';
export { UnionpayAdapter, unionpayModule } from './unionpay.ts';
export { WechatpayAdapter, wechatpayModule } from './wechatpay.ts';
export { DEFAULT_TIMEOUT_MS } from './wire.ts';
