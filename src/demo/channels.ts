// The demo's payment channels: merchant keys and simulator keys made on the first start into
// DATA_DIR/channel-keys.json (owner-readable only, never in the repo) and reused after, so orders, notifications and
// the demo org's saved settings keep verifying across restarts. The simulators may listen elsewhere on another start
// (tests pick free ports): the merchant settings' base URLs follow the simulators' current address.

import fs from 'node:fs';
import path from 'node:path';
import type { MerchantAccounts } from '../modules/payments/channels/types.ts';
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
