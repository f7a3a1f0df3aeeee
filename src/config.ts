import path from 'node:path';
import type { PiiKey } from './crypto/pii.ts';
import { parsePiiKey } from './crypto/pii-keys.ts';

/** Everything the server reads from its environment, in one place (see the README's configuration table). */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  /** postgres://… selects PostgreSQL; absent selects the embedded PGlite in dataDir. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema for all tables (tests use a fresh one per run). */
  databaseSchema: string | undefined;
  /** Seeds the 政鑫公司 demo organisation on start; never in production. */
  demo: boolean;
  sessionIdleMinutes: number;
  logLevel: string;
  trustProxy: boolean;
  bodyLimitBytes: number;
  loginRateLimitPerMinute: number;
  /** REDIS_URL: redis://… keeps the login rate limits in Redis, shared by every instance; absent: per process. */
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX (default `assetpay:`): every key AssetPay writes to Redis starts with it. */
  redisKeyPrefix: string;
  jobs: boolean;
  /** AES-256-GCM keys for personal data (PII_KEYS), the first encrypts; absent outside production: see DATA_DIR/secrets.json. */
  piiKeys: PiiKey[] | undefined;
  /** HMAC key of the blind indexes for exact search on personal data (PII_INDEX_KEY). */
  piiIndexKey: Buffer | undefined;
  /** Uploaded attachments (STORAGE_DIR, default DATA_DIR/storage). */
  storageDir: string;
  /** Where tenants reach the server, for the links in messages (PUBLIC_BASE_URL, no trailing slash). */
  publicBaseUrl: string;
  /** HMAC key of the pay links (PAY_LINK_KEY, base64 of at least 32 bytes); absent: generated into DATA_DIR. */
  payLinkKey: Buffer | undefined;
  /** How reminders are sent (see the README's configuration table). */
  messaging: MessagingConfig;
  payments: PaymentsConfig;
  /** The channel simulators (src/simulators): the demo's WeChat Pay, Alipay and UnionPay; never in production. */
  simulators: SimulatorsConfig;
}

export interface PaymentsConfig {
  /** PAYMENT_ORDER_MINUTES: how long a payment order may be paid before it is closed (default 30). */
  orderMinutes: number;
  /** NOTIFY_BASE_URL: where channels post notifications (default PUBLIC_BASE_URL), no trailing slash. */
  notifyBaseUrl: string;
  /**
   * NOTIFY_MAX_IN_FLIGHT: channel notifications worked on at once by this instance (default 32); one more is refused
   * at once with 503, and the channel sends it again later.
   */
  notifyMaxInFlight: number;
}

export interface SimulatorsConfig {
  /** SIMULATORS=true|false; default: on with the demo, never in production. */
  enabled: boolean;
  /** SIM_PORT, default 3001. */
  port: number;
  /** SIM_PUBLIC_URL: where browsers and the adapters reach the simulators (default http://localhost:SIM_PORT). */
  publicUrl: string;
  /** SIM_TIME_SCALE: notification retry delays are multiplied by it (default 1; 0.01 makes 15 s into 150 ms). */
  timeScale: number;
}

export interface MessagingConfig {
  /** SMS_PROVIDER: dev records only; aliyun or tencent send. */
  smsProvider: 'dev' | 'aliyun' | 'tencent';
  /** WECHAT_PROVIDER: dev records only; mp sends template messages through the Official Account. */
  wechatProvider: 'dev' | 'mp';
  aliyun: {
    endpoint: string;
    accessKeyId: string;
    accessKeySecret: string;
    signName: string;
    /** The reminders' template (SMS_…); the login code and the payment confirmation have their own. */
    templateCode: string;
    templateCodeLoginCode: string;
    templateCodePaymentReceived: string;
    templateCodeRefundPaid: string;
    templateCodeRefundApproved: string;
  };
  tencent: {
    endpoint: string;
    secretId: string;
    secretKey: string;
    region: string;
    sdkAppId: string;
    signName: string;
    /** The reminders' template; the login code and the payment confirmation have their own. */
    templateId: string;
    templateIdLoginCode: string;
    templateIdPaymentReceived: string;
    templateIdRefundPaid: string;
    templateIdRefundApproved: string;
  };
  wechat: { apiBase: string; appId: string; appSecret: string; templateId: string };
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`配置项 ${name} 必须是正整数，当前为 "${value}"`);
  }
  return parsed;
}

function piiKeys(value: string | undefined): PiiKey[] | undefined {
  if (!value) return undefined;
  const keys = value.split(',').map((text) => parsePiiKey(text.trim()));
  const problems = keys.filter((key): key is string => typeof key === 'string');
  if (problems.length > 0) throw new Error(`配置项 PII_KEYS 无效：${problems.join('；')}`);
  const valid = keys as PiiKey[];
  if (new Set(valid.map((key) => key.id)).size !== valid.length) throw new Error('配置项 PII_KEYS 中的密钥编号重复');
  return valid;
}

function indexKey(value: string | undefined): Buffer | undefined {
  if (!value) return undefined;
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32)
    throw new Error(`配置项 PII_INDEX_KEY 解码后为 ${key.length} 字节，应为 base64 编码的 32 字节`);
  return key;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`配置项 ${name} 只能是 ${allowed.join('、')}，当前为 "${value}"`);
  }
  return value as T;
}

function redisUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!/^rediss?:\/\//.test(value)) {
    throw new Error(`REDIS_URL 必须以 redis:// 或 rediss:// 开头，当前为 "${value.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  return value;
}

function payLinkKey(value: string | undefined): Buffer | undefined {
  if (!value) return undefined;
  const key = Buffer.from(value, 'base64');
  if (key.length < 32)
    throw new Error(`配置项 PAY_LINK_KEY 解码后为 ${key.length} 字节，应为 base64 编码的至少 32 字节`);
  return key;
}

function messaging(environment: NodeJS.ProcessEnv): MessagingConfig {
  const text = (name: string, fallback = '') => environment[name] || fallback;
  return {
    smsProvider: oneOf('SMS_PROVIDER', environment.SMS_PROVIDER, ['dev', 'aliyun', 'tencent'] as const, 'dev'),
    wechatProvider: oneOf('WECHAT_PROVIDER', environment.WECHAT_PROVIDER, ['dev', 'mp'] as const, 'dev'),
    aliyun: {
      endpoint: text('ALIYUN_SMS_ENDPOINT', 'https://dysmsapi.aliyuncs.com'),
      accessKeyId: text('ALIYUN_SMS_ACCESS_KEY_ID'),
      accessKeySecret: text('ALIYUN_SMS_ACCESS_KEY_SECRET'),
      signName: text('ALIYUN_SMS_SIGN_NAME'),
      templateCode: text('ALIYUN_SMS_TEMPLATE_CODE'),
      templateCodeLoginCode: text('ALIYUN_SMS_TEMPLATE_CODE_LOGIN_CODE'),
      templateCodePaymentReceived: text('ALIYUN_SMS_TEMPLATE_CODE_PAYMENT_RECEIVED'),
      templateCodeRefundPaid: text('ALIYUN_SMS_TEMPLATE_CODE_REFUND_PAID'),
      templateCodeRefundApproved: text('ALIYUN_SMS_TEMPLATE_CODE_REFUND_APPROVED'),
    },
    tencent: {
      endpoint: text('TENCENT_SMS_ENDPOINT', 'https://sms.tencentcloudapi.com'),
      secretId: text('TENCENT_SMS_SECRET_ID'),
      secretKey: text('TENCENT_SMS_SECRET_KEY'),
      region: text('TENCENT_SMS_REGION', 'ap-guangzhou'),
      sdkAppId: text('TENCENT_SMS_SDK_APP_ID'),
      signName: text('TENCENT_SMS_SIGN_NAME'),
      templateId: text('TENCENT_SMS_TEMPLATE_ID'),
      templateIdLoginCode: text('TENCENT_SMS_TEMPLATE_ID_LOGIN_CODE'),
      templateIdPaymentReceived: text('TENCENT_SMS_TEMPLATE_ID_PAYMENT_RECEIVED'),
      templateIdRefundPaid: text('TENCENT_SMS_TEMPLATE_ID_REFUND_PAID'),
      templateIdRefundApproved: text('TENCENT_SMS_TEMPLATE_ID_REFUND_APPROVED'),
    },
    wechat: {
      apiBase: text('WECHAT_MP_API_BASE', 'https://api.weixin.qq.com'),
      appId: text('WECHAT_MP_APP_ID'),
      appSecret: text('WECHAT_MP_APP_SECRET'),
      templateId: text('WECHAT_MP_TEMPLATE_ID'),
    },
  };
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const env =
    environment.NODE_ENV === 'production' ? 'production' : environment.NODE_ENV === 'test' ? 'test' : 'development';
  const databaseUrl = environment.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`DATABASE_URL 必须以 postgres:// 开头，当前为 "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  const dataDir = path.resolve(environment.DATA_DIR || './data');
  return {
    env,
    host: environment.HOST || '0.0.0.0',
    port: integer('PORT', environment.PORT, 3000),
    dataDir,
    databaseUrl,
    databaseSchema: environment.DATABASE_SCHEMA || undefined,
    demo: env !== 'production' && environment.DEMO !== 'false',
    sessionIdleMinutes: integer('SESSION_IDLE_MINUTES', environment.SESSION_IDLE_MINUTES, 30),
    logLevel: environment.LOG_LEVEL || (env === 'test' ? 'silent' : 'info'),
    trustProxy: environment.TRUST_PROXY === 'true',
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', environment.BODY_LIMIT_BYTES, 1024 * 1024),
    loginRateLimitPerMinute: integer('LOGIN_RATE_LIMIT_PER_MINUTE', environment.LOGIN_RATE_LIMIT_PER_MINUTE, 20),
    redisUrl: redisUrl(environment.REDIS_URL),
    redisKeyPrefix: environment.REDIS_KEY_PREFIX || 'assetpay:',
    jobs: environment.JOBS !== 'false',
    piiKeys: piiKeys(environment.PII_KEYS),
    piiIndexKey: indexKey(environment.PII_INDEX_KEY),
    storageDir: path.resolve(environment.STORAGE_DIR || path.join(dataDir, 'storage')),
    publicBaseUrl: (environment.PUBLIC_BASE_URL || 'http://localhost:3000').replace(/\/+$/, ''),
    payLinkKey: payLinkKey(environment.PAY_LINK_KEY),
    messaging: messaging(environment),
    payments: {
      orderMinutes: integer('PAYMENT_ORDER_MINUTES', environment.PAYMENT_ORDER_MINUTES, 30),
      notifyBaseUrl: (environment.NOTIFY_BASE_URL || environment.PUBLIC_BASE_URL || 'http://localhost:3000').replace(
        /\/+$/,
        '',
      ),
      notifyMaxInFlight: integer('NOTIFY_MAX_IN_FLIGHT', environment.NOTIFY_MAX_IN_FLIGHT, 32),
    },
    simulators: simulators(environment, env),
  };
}

function simulators(environment: NodeJS.ProcessEnv, env: Config['env']): SimulatorsConfig {
  const port = integer('SIM_PORT', environment.SIM_PORT, 3001);
  const wanted = environment.SIMULATORS ? environment.SIMULATORS === 'true' : environment.DEMO !== 'false';
  const timeScale = environment.SIM_TIME_SCALE ? Number(environment.SIM_TIME_SCALE) : 1;
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new Error(`配置项 SIM_TIME_SCALE 必须是正数，当前为 "${environment.SIM_TIME_SCALE}"`);
  }
  return {
    enabled: env !== 'production' && wanted,
    port,
    publicUrl: (environment.SIM_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    timeScale,
  };
}
