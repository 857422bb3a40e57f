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
}

export const JWT_SECRET_MIN_LENGTH = 32;
export const DEFAULT_PGLITE_DATA_DIR = './.data/pglite';

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

  const expiresIn = text('JWT_EXPIRES_IN') ?? '15m';
  const expiresMatch = /^(\d+)\s*([smhd]?)$/.exec(expiresIn);
  const expiresInSeconds = expiresMatch
    ? Number(expiresMatch[1]) * DURATION_UNITS[expiresMatch[2] || 's']
    : 0;
  if (expiresInSeconds <= 0) {
    problems.push(
      `JWT_EXPIRES_IN must be a positive duration like 900, 15m, 12h or 7d (got "${expiresIn}")`,
    );
  }

  let jwtSecret = text('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < JWT_SECRET_MIN_LENGTH) {
    problems.push(`JWT_SECRET must be at least ${JWT_SECRET_MIN_LENGTH} characters long`);
  } else if (jwtSecret === undefined && nodeEnv === 'production') {
    problems.push('JWT_SECRET is required when NODE_ENV=production');
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
  };

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
