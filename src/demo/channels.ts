// The demo's payment channels: merchant keys and simulator keys made on the first start into
// DATA_DIR/channel-keys.json (owner-readable only, never in the repo) and reused after, so orders, notifications and
// the demo org's saved settings keep verifying across restarts. The simulators may listen elsewhere on another start
// (tests pick free ports): the merchant settings' base URLs follow the simulators' current address.

import fs from 'node:fs';
import path from 'node:path';
import { PROVIDERS, type Provider } from '../db/schema.ts';
import { systemActor } from '../modules/audit/service.ts';
import { channelSettingsService } from '../modules/payments/channel-settings.ts';
import type { MerchantAccounts } from '../modules/payments/channels/types.ts';
import type { PaymentsDeps } from '../modules/payments/service.ts';
import { type ChannelKeys, generateChannelKeys } from '../simulators/keys.ts';

export const CHANNEL_KEYS_FILE = 'channel-keys.json';

/** The keys of DATA_DIR/channel-keys.json, made on first use; base URLs pointed at `simulatorUrl`. */
export function demoChannelKeys(dataDir: string, simulatorUrl: string): ChannelKeys {
  const file = path.join(dataDir, CHANNEL_KEYS_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      // 'wx': if another process wrote it first, theirs wins and is read below.
      fs.writeFileSync(file, JSON.stringify(generateChannelKeys(simulatorUrl)), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const keys = JSON.parse(fs.readFileSync(file, 'utf8')) as ChannelKeys;
  return { ...keys, accounts: atSimulator(keys.accounts, simulatorUrl) };
}

/** The accounts with each base URL's origin replaced by the simulators' (paths kept). */
export function atSimulator(accounts: MerchantAccounts, simulatorUrl: string): MerchantAccounts {
  const rebase = (url: string) => {
    const parsed = new URL(url);
    return `${simulatorUrl.replace(/\/+$/, '')}${parsed.pathname}`;
  };
  return {
    wechatpay: {
      ...accounts.wechatpay,
      settings: { ...accounts.wechatpay.settings, baseUrl: rebase(accounts.wechatpay.settings.baseUrl) },
    },
    alipay: {
      ...accounts.alipay,
      settings: { ...accounts.alipay.settings, gateway: rebase(accounts.alipay.settings.gateway) },
    },
    unionpay: {
      ...accounts.unionpay,
      settings: { ...accounts.unionpay.settings, baseUrl: rebase(accounts.unionpay.settings.baseUrl) },
    },
  };
}

/**
 * Sets the demo org's three channels to the simulators' merchant accounts: on the first start, and again only when
 * the simulators moved (a changed base URL), so a restart writes nothing and audits nothing.
 */
export async function connectDemoChannels(
  deps: Pick<PaymentsDeps, 'db' | 'pii' | 'providers'>,
  orgId: string,
  accounts: MerchantAccounts,
): Promise<Provider[]> {
  const actor = { ...systemActor, orgId, name: 'demo' };
  const current = await channelSettingsService.list(deps, orgId);
  const connected: Provider[] = [];
  for (const provider of PROVIDERS) {
    const wanted = accounts[provider].settings as unknown as Record<string, string>;
    const saved = current.find((view) => view.provider === provider);
    const same =
      saved?.configured &&
      saved.secretsSet &&
      Object.entries(wanted).every(([name, value]) => saved.settings?.[name] === value);
    if (same) continue;
    await channelSettingsService.save(deps, actor, provider, {
      enabled: true,
      settings: wanted,
      secrets: accounts[provider].secrets as unknown as Record<string, string>,
    });
    connected.push(provider);
  }
  return connected;
}
