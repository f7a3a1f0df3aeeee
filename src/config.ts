import path from 'node:path';

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
  jobs: boolean;
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`配置项 ${name} 必须是正整数，当前为 "${value}"`);
  }
  return parsed;
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const env =
    environment.NODE_ENV === 'production' ? 'production' : environment.NODE_ENV === 'test' ? 'test' : 'development';
  const databaseUrl = environment.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`DATABASE_URL 必须以 postgres:// 开头，当前为 "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  return {
    env,
    host: environment.HOST || '0.0.0.0',
    port: integer('PORT', environment.PORT, 3000),
    dataDir: path.resolve(environment.DATA_DIR || './data'),
    databaseUrl,
    databaseSchema: environment.DATABASE_SCHEMA || undefined,
    demo: env !== 'production' && environment.DEMO !== 'false',
    sessionIdleMinutes: integer('SESSION_IDLE_MINUTES', environment.SESSION_IDLE_MINUTES, 30),
    logLevel: environment.LOG_LEVEL || (env === 'test' ? 'silent' : 'info'),
    trustProxy: environment.TRUST_PROXY === 'true',
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', environment.BODY_LIMIT_BYTES, 1024 * 1024),
    loginRateLimitPerMinute: integer('LOGIN_RATE_LIMIT_PER_MINUTE', environment.LOGIN_RATE_LIMIT_PER_MINUTE, 20),
    jobs: environment.JOBS !== 'false',
  };
}
