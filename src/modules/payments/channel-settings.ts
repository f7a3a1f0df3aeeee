// 支付渠道设置: the merchant account an org holds with each channel. Settings (ids, public keys, base URLs) are kept in
// clear; secrets (private keys, the API v3 key) encrypted like personal data, never logged and never answered — a
// reader sees that they are set and their fingerprints, enough to tell which key is in use.

import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { Executor } from '../../db/client.ts';
import { uniqueViolation } from '../../db/errors.ts';
import { PROVIDERS, type Provider } from '../../db/schema.ts';
import type { MessageKey } from '../../http/messages.ts';
import { AppError, type FieldProblem } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import type { ChannelAdapter, MerchantAccount } from './channels/types.ts';
import { type ChannelSettingsRow, paymentsRepository as repo } from './repository.ts';
import type { PaymentsDeps } from './service.ts';

type FieldKind = 'text' | 'url' | 'public_key' | 'certificate' | 'private_key' | 'api_v3_key';

interface MerchantField {
  name: string;
  /** How a person knows the field (商户平台 wording), in problems. */
  label: string;
  kind: FieldKind;
  optional?: boolean;
}

/** The fields of each provider's settings and secrets (channels/types.ts). */
export const MERCHANT_FIELDS: Record<Provider, { settings: MerchantField[]; secrets: MerchantField[] }> = {
  wechatpay: {
    settings: [
      { name: 'mchid', label: '商户号 mchid', kind: 'text' },
      { name: 'appid', label: 'AppID', kind: 'text' },
      { name: 'merchantSerialNo', label: '商户API证书序列号', kind: 'text' },
      { name: 'baseUrl', label: '接口地址 baseUrl', kind: 'url' },
      { name: 'platformPublicKeyId', label: '微信支付公钥 ID', kind: 'text' },
      { name: 'platformPublicKeyPem', label: '微信支付公钥', kind: 'public_key' },
    ],
    secrets: [
      { name: 'merchantPrivateKeyPem', label: '商户API私钥', kind: 'private_key' },
      { name: 'apiV3Key', label: 'APIv3 密钥', kind: 'api_v3_key' },
    ],
  },
  alipay: {
    settings: [
      { name: 'appId', label: '应用 APPID', kind: 'text' },
      { name: 'gateway', label: '网关地址 gateway', kind: 'url' },
      { name: 'alipayPublicKeyPem', label: '支付宝公钥', kind: 'public_key' },
      { name: 'sellerId', label: '商户 PID（2088…）', kind: 'text', optional: true },
    ],
    secrets: [{ name: 'appPrivateKeyPem', label: '应用私钥', kind: 'private_key' }],
  },
  unionpay: {
    settings: [
      { name: 'merId', label: '商户代码 merId', kind: 'text' },
      { name: 'baseUrl', label: '网关地址 baseUrl', kind: 'url' },
      { name: 'certId', label: '签名证书 certId', kind: 'text' },
      { name: 'rootCertPem', label: '银联根证书', kind: 'certificate' },
      { name: 'middleCertPem', label: '银联中级证书', kind: 'certificate' },
    ],
    secrets: [{ name: 'signPrivateKeyPem', label: '商户签名私钥', kind: 'private_key' }],
  },
};

export const PROVIDER_NAME_KEYS: Record<Provider, MessageKey> = {
  wechatpay: 'provider_wechatpay',
  alipay: 'provider_alipay',
  unionpay: 'provider_unionpay',
};
/** A provider's name in the caller's language, as a message parameter. */
export const providerParam = (provider: Provider): MessageKey[] => [PROVIDER_NAME_KEYS[provider]];

const fingerprintOf = (der: Buffer) => `SHA256:${createHash('sha256').update(der).digest('hex')}`;

/** What a key field holds, as a fingerprint: of the public key (for a private key, of its public half). */
function fingerprint(kind: FieldKind, value: string): string | undefined {
  try {
    switch (kind) {
      case 'public_key':
        return fingerprintOf(createPublicKey(value).export({ type: 'spki', format: 'der' }));
      case 'private_key':
        return fingerprintOf(createPublicKey(createPrivateKey(value)).export({ type: 'spki', format: 'der' }));
      case 'certificate':
        return `SHA256:${new X509Certificate(value).fingerprint256.replaceAll(':', '').toLowerCase()}`;
      case 'api_v3_key':
        // A symmetric key has no public half: a short digest, enough to tell two keys apart and no help in guessing.
        return `SHA256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function fieldProblem(field: MerchantField, value: string | undefined, path: string): FieldProblem | undefined {
  const params = { field: field.label };
  if (!value) return field.optional ? undefined : { path, key: 'channel_setting_required', params };
  const invalid = (key: MessageKey): FieldProblem => ({ path, key, params });
  switch (field.kind) {
    case 'url':
      return /^https?:\/\/\S+$/.test(value) ? undefined : invalid('channel_url_invalid');
    case 'api_v3_key':
      return /^[\x21-\x7e]{32}$/.test(value) ? undefined : invalid('channel_api_v3_key_invalid');
    case 'public_key':
    case 'private_key':
    case 'certificate':
      return fingerprint(field.kind, value) ? undefined : invalid('channel_key_invalid');
    default:
      return undefined;
  }
}

/** Only the provider's own fields, trimmed; empty ones left out. */
function pick(fields: MerchantField[], values: Record<string, unknown> | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const field of fields) {
    const value = values?.[field.name];
    if (typeof value === 'string' && value.trim()) picked[field.name] = value.trim();
  }
  return picked;
}

export interface ChannelSettingsInput {
  enabled?: boolean;
  settings: Record<string, unknown>;
  /** Only the secrets being replaced; those left out are kept. */
  secrets?: Record<string, unknown>;
}

export interface ChannelSettingsView {
  provider: Provider;
  /** Set up at all (settings and secrets saved). */
  configured: boolean;
  enabled: boolean;
  settings: Record<string, string> | null;
  secretsSet: boolean;
  /** SHA-256 fingerprints of the keys and certificates, by field name; secrets never appear. */
  fingerprints: Record<string, string>;
  /** What notifications name to find this account (WeChat public key id, Alipay app_id, UnionPay merId). */
  notifyIdentity: string | null;
  updatedAt: string | null;
  updatedByName: string | null;
}

function fingerprintsOf(provider: Provider, settings: Record<string, string>, secrets: Record<string, string>) {
  const result: Record<string, string> = {};
  const { settings: settingFields, secrets: secretFields } = MERCHANT_FIELDS[provider];
  for (const [fields, values] of [
    [settingFields, settings],
    [secretFields, secrets],
  ] as const) {
    for (const field of fields) {
      const value = values[field.name];
      const print = value ? fingerprint(field.kind, value) : undefined;
      if (print) result[field.name] = print;
    }
  }
  return result;
}

export const channelSettingsService = {
  decryptSecrets(deps: Pick<PaymentsDeps, 'pii'>, row: ChannelSettingsRow): Record<string, string> {
    return JSON.parse(deps.pii.decrypt('channel_secrets', row.secretsEnc)) as Record<string, string>;
  },

  view(deps: Pick<PaymentsDeps, 'pii'>, provider: Provider, row: ChannelSettingsRow | undefined): ChannelSettingsView {
    if (!row) {
      return {
        provider,
        configured: false,
        enabled: false,
        settings: null,
        secretsSet: false,
        fingerprints: {},
        notifyIdentity: null,
        updatedAt: null,
        updatedByName: null,
      };
    }
    const secrets = this.decryptSecrets(deps, row);
    return {
      provider,
      configured: true,
      enabled: row.enabled,
      settings: row.settings,
      secretsSet: MERCHANT_FIELDS[provider].secrets.every((field) => Boolean(secrets[field.name])),
      fingerprints: fingerprintsOf(provider, row.settings, secrets),
      notifyIdentity: row.notifyIdentity,
      updatedAt: row.updatedAt.toISOString(),
      updatedByName: row.updatedByName,
    };
  },

  /** Every provider, set up or not, in a fixed order. */
  async list(deps: Pick<PaymentsDeps, 'db' | 'pii'>, orgId: string): Promise<ChannelSettingsView[]> {
    const rows = await repo.settingsOfOrg(deps.db, orgId);
    return PROVIDERS.map((provider) =>
      this.view(
        deps,
        provider,
        rows.find((row) => row.provider === provider),
      ),
    );
  },

  /**
   * Saves one provider's settings (secrets left out are kept; all of them are needed the first time), audited with
   * fingerprints only. A merchant identity another org already uses is refused (notifications would be ambiguous).
   */
  async save(
    deps: Pick<PaymentsDeps, 'db' | 'pii' | 'providers'>,
    actor: Actor & { orgId: string },
    provider: Provider,
    input: ChannelSettingsInput,
  ): Promise<ChannelSettingsView> {
    const fields = MERCHANT_FIELDS[provider];
    const settings = pick(fields.settings, input.settings);
    const given = pick(fields.secrets, input.secrets);
    const existing = await repo.settingsOf(deps.db, actor.orgId, provider);
    const kept = existing ? this.decryptSecrets(deps, existing) : {};
    const secrets = { ...pick(fields.secrets, kept), ...given };
    const missingSecrets = fields.secrets.filter((field) => !secrets[field.name]);
    if (!existing && missingSecrets.length > 0) {
      throw new AppError(422, 'channel_secrets_required', {
        provider: providerParam(provider),
        fields: missingSecrets.map((field) => field.label).join('、'),
      });
    }
    const problems = [
      ...fields.settings.map((field) => fieldProblem(field, settings[field.name], `body/settings/${field.name}`)),
      ...fields.secrets.map((field) => fieldProblem(field, secrets[field.name], `body/secrets/${field.name}`)),
    ].filter((problem): problem is FieldProblem => problem !== undefined);
    const [first] = problems;
    if (first) throw new AppError(422, first.key, first.params, problems);

    const module = deps.providers[provider] as { notifyIdentity(settings: unknown): string };
    const notifyIdentity = module.notifyIdentity(settings);
    const before = existing ? this.view(deps, provider, existing) : null;
    try {
      const saved = await deps.db.transaction(async (tx) => {
        const row = await repo.saveSettings(tx, {
          orgId: actor.orgId,
          provider,
          enabled: input.enabled ?? existing?.enabled ?? true,
          settings,
          secretsEnc: deps.pii.encrypt('channel_secrets', JSON.stringify(secrets)),
          notifyIdentity,
          updatedBy: actor.kind === 'staff' ? actor.id : null,
          updatedByName: actor.name,
        });
        const after = this.view(deps, provider, row);
        await auditService.record(tx, actor, {
          action: 'channel_settings.update',
          entityType: 'channel_settings',
          entityId: actor.orgId,
          before: before && {
            provider,
            enabled: before.enabled,
            settings: before.settings,
            fingerprints: before.fingerprints,
          },
          after: {
            provider,
            enabled: after.enabled,
            settings: after.settings,
            fingerprints: after.fingerprints,
            secretsReplaced: Object.keys(given),
          },
        });
        return row;
      });
      return this.view(deps, provider, saved);
    } catch (error) {
      if (uniqueViolation(error) === 'channel_settings_identity_key') {
        throw new AppError(409, 'channel_identity_taken', {
          provider: providerParam(provider),
          identity: notifyIdentity,
        });
      }
      throw error;
    }
  },

  /** The org's merchant account at a provider, secrets decrypted; undefined when not set up or switched off. */
  async accountOf(
    deps: Pick<PaymentsDeps, 'pii'>,
    db: Executor,
    orgId: string,
    provider: Provider,
  ): Promise<MerchantAccount | undefined> {
    const row = await repo.settingsOf(db, orgId, provider);
    if (!row?.enabled) return undefined;
    return { settings: row.settings, secrets: this.decryptSecrets(deps, row) } as unknown as MerchantAccount;
  },
};

/** The channel adapter of an org's account at a provider; 409 when the org has not set it up or switched it off. */
export async function adapterForOrg(
  deps: Pick<PaymentsDeps, 'db' | 'pii' | 'providers' | 'fetchImpl'>,
  orgId: string,
  provider: Provider,
): Promise<ChannelAdapter> {
  const account = await channelSettingsService.accountOf(deps, deps.db, orgId, provider);
  if (!account) throw new AppError(409, 'payment_channel_unavailable', { provider: providerParam(provider) });
  return adapterOf(deps, provider, account);
}

export function adapterOf(
  deps: Pick<PaymentsDeps, 'providers' | 'fetchImpl'>,
  provider: Provider,
  account: MerchantAccount,
): ChannelAdapter {
  const module = deps.providers[provider] as {
    adapter(account: MerchantAccount, options?: { fetchImpl?: typeof fetch }): ChannelAdapter;
  };
  return module.adapter(account, deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {});
}
