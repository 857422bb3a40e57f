import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** The validated environment; read it through `ConfigService<AppEnv, true>`. */
export interface AppEnv {
  NODE_ENV: NodeEnv;
  PORT: number;
  HOST: string;
  /** Set: PostgreSQL server through @prisma/adapter-pg. Unset: embedded PGlite. */
  DATABASE_URL?: string;
  /** A folder, or `memory://` for a throwaway in-memory database. */
  PGLITE_DATA_DIR: string;
  JWT_SECRET: string;
  /** Token lifetime in seconds, parsed from `900`, `15m`, `12h`, `7d`... */
  JWT_EXPIRES_IN: number;
  /** Probability (0..1) that the demo notifier fails. */
  NOTIFIER_FAIL_RATE: number;
  /** Delay the demo notifier adds to each call. */
  NOTIFIER_LATENCY_MS: number;
  /** Origins allowed to call the API from a browser; empty (the default) turns CORS off. */
  CORS_ORIGINS: string[];
  /** Requests one client IP may make to each auth route per AUTH_RATE_WINDOW. */
  AUTH_RATE_LIMIT: number;
  /** The auth rate limit's window in seconds, parsed like JWT_EXPIRES_IN. */
  AUTH_RATE_WINDOW: number;
  /** Largest accepted request body; bigger ones get 413. */
  BODY_LIMIT_BYTES: number;
  /** How long SIGTERM waits for in-flight requests before giving up and exiting with 1. */
  SHUTDOWN_TIMEOUT_MS: number;
  /** How long a completed `Idempotency-Key` answers with its stored result. */
  IDEMPOTENCY_RETAIN_HOURS: number;
  /**
   * How long a keyed run holds its key, and a run with compensations its recovery record,
   * without renewing (renewed every third of it): a crashed run is recovered after at most this.
   */
  IDEMPOTENCY_LEASE_MS: number;
  /** Time between two recovery sweeps of this instance (one also runs at boot). */
  RECOVERY_INTERVAL_MS: number;
  /** Test only, refused in production: `create` waits this long before writing the order. */
  ORDERS_CREATE_DELAY_MS: number;
}

export const JWT_SECRET_MIN_LENGTH = 32;
export const DEFAULT_PGLITE_DATA_DIR = './.data/pglite';

// A production secret must look random: a placeholder or a repeated pattern would let anyone
// who read the docs forge tokens. `openssl rand -hex 32` has 16 distinct characters.
const JWT_SECRET_MIN_DISTINCT = 10;
const PLACEHOLDER = /change.?me|example|placeholder|secret|password|default/i;
// Passwords from docs and tutorials (`.env.example` uses `secret`), refused in production.
const WELL_KNOWN_DB_PASSWORDS = new Set([
  'secret',
  'password',
  'postgres',
  'admin',
  'changeme',
  'example',
  'app',
]);
// `https://app.example.com` or `http://localhost:5173`: scheme, host and optional port only.
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
type RawEnv = Record<string, unknown>;

let processSecret: string | undefined;

/**
 * Never a fixed default: a random secret cannot leak from the repository. One per process, so
 * tokens die on restart, which is what a developer restarting the app expects anyway.
 */
function randomProcessSecret(): string {
  processSecret ??= randomBytes(48).toString('base64url');
  return processSecret;
}

/**
 * Checks and types the environment, listing every problem at once so a bad deployment is fixed
 * in one go. Throws instead of starting with a half-valid configuration.
 */
export function validateEnv(raw: RawEnv): AppEnv {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = raw[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const number = (name: string, fallback: number, min: number, max: number, integer: boolean) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (
      !Number.isFinite(parsed) ||
      (integer && !Number.isInteger(parsed)) ||
      parsed < min ||
      parsed > max
    ) {
      const kind = integer ? 'an integer' : 'a number';
      problems.push(`${name} must be ${kind} between ${min} and ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  };

  const nodeEnv = (text('NODE_ENV') ?? 'development') as NodeEnv;
  if (!NODE_ENVS.includes(nodeEnv)) {
    problems.push(`NODE_ENV must be one of ${NODE_ENVS.join(', ')} (got "${nodeEnv}")`);
  }

  const databaseUrl = text('DATABASE_URL');
  if (
    databaseUrl !== undefined &&
    !(/^postgres(ql)?:\/\//.test(databaseUrl) && URL.canParse(databaseUrl))
  ) {
    problems.push(
      'DATABASE_URL must be a postgresql:// URL (leave it unset to use embedded PGlite)',
    );
  }

  const duration = (name: string, fallback: string): number => {
    const value = text(name) ?? fallback;
    const match = /^(\d+)\s*([smhd]?)$/.exec(value);
    const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : 0;
    if (seconds <= 0) {
      problems.push(
        `${name} must be a positive duration like 900, 15m, 12h or 7d (got "${value}")`,
      );
    }
    return seconds;
  };
  const expiresInSeconds = duration('JWT_EXPIRES_IN', '15m');
  const production = nodeEnv === 'production';

  // Never echo a secret back in a message: these lines end up in deployment logs.
  let jwtSecret = text('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < JWT_SECRET_MIN_LENGTH) {
    problems.push(`JWT_SECRET must be at least ${JWT_SECRET_MIN_LENGTH} characters long`);
  } else if (jwtSecret === undefined && production) {
    problems.push('JWT_SECRET is required when NODE_ENV=production');
  } else if (
    jwtSecret !== undefined &&
    production &&
    (new Set(jwtSecret).size < JWT_SECRET_MIN_DISTINCT || PLACEHOLDER.test(jwtSecret))
  ) {
    problems.push(
      'JWT_SECRET looks like a placeholder, not a random value: generate one with `openssl rand -base64 48`',
    );
  }

  if (databaseUrl !== undefined && production && URL.canParse(databaseUrl)) {
    const password = new URL(databaseUrl).password;
    if (WELL_KNOWN_DB_PASSWORDS.has(safeDecode(password).toLowerCase())) {
      problems.push(
        'DATABASE_URL uses a well-known password; set a real one before running in production',
      );
    }
  }

  const corsOrigins = (text('CORS_ORIGINS') ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter((origin) => origin !== '');
  const badOrigins = corsOrigins.filter((origin) => origin !== '*' && !ORIGIN.test(origin));
  if (badOrigins.length > 0 || (corsOrigins.includes('*') && corsOrigins.length > 1)) {
    problems.push(
      'CORS_ORIGINS must be a comma-separated list of origins like https://app.example.com, ' +
        `or * alone (got "${text('CORS_ORIGINS')}")`,
    );
  }

  const env: AppEnv = {
    NODE_ENV: nodeEnv,
    PORT: number('PORT', 3000, 0, 65535, true),
    HOST: text('HOST') ?? '0.0.0.0',
    DATABASE_URL: databaseUrl,
    PGLITE_DATA_DIR: text('PGLITE_DATA_DIR') ?? DEFAULT_PGLITE_DATA_DIR,
    JWT_SECRET: '',
    JWT_EXPIRES_IN: expiresInSeconds,
    NOTIFIER_FAIL_RATE: number('NOTIFIER_FAIL_RATE', 0, 0, 1, false),
    NOTIFIER_LATENCY_MS: number('NOTIFIER_LATENCY_MS', 0, 0, 60_000, true),
    CORS_ORIGINS: corsOrigins,
    AUTH_RATE_LIMIT: number('AUTH_RATE_LIMIT', 20, 1, 100_000, true),
    AUTH_RATE_WINDOW: duration('AUTH_RATE_WINDOW', '60s'),
    BODY_LIMIT_BYTES: number('BODY_LIMIT_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024, true),
    SHUTDOWN_TIMEOUT_MS: number('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 120_000, true),
    IDEMPOTENCY_RETAIN_HOURS: number('IDEMPOTENCY_RETAIN_HOURS', 24, 1, 24 * 365, true),
    IDEMPOTENCY_LEASE_MS: number('IDEMPOTENCY_LEASE_MS', 30_000, 1_000, 600_000, true),
    RECOVERY_INTERVAL_MS: number('RECOVERY_INTERVAL_MS', 60_000, 100, 3_600_000, true),
    ORDERS_CREATE_DELAY_MS: number('ORDERS_CREATE_DELAY_MS', 0, 0, 1_500, true),
  };
  if (production && env.ORDERS_CREATE_DELAY_MS > 0) {
    problems.push('ORDERS_CREATE_DELAY_MS is a test knob and must not be set in production');
  }

  if (problems.length > 0) {
    throw new Error(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }

  if (jwtSecret === undefined) {
    jwtSecret = randomProcessSecret();
    if (nodeEnv === 'development') {
      new Logger('Config').warn(
        'JWT_SECRET is not set: using a random secret for this process (tokens stop working on restart).',
      );
    }
  }
  return { ...env, JWT_SECRET: jwtSecret };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
