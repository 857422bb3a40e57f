// The environment the bench boots the starter with, set before any src/ module is imported:
// AppConfigModule decides at import time whether it reads `.env`, and validates at boot.
import { randomBytes } from 'node:crypto';

export interface BenchEnvOptions {
  /** NODE_ENV=production, as a deployment runs (the child process); otherwise left as it is. */
  readonly production: boolean;
}

/**
 * An in-memory PGlite database whatever `.env` says (an empty DATABASE_URL counts as unset and
 * `.env` never overrides a variable that exists), CORS off, a random JWT secret. Returns a
 * function that puts the previous values back.
 */
export function applyBenchEnv({ production }: BenchEnvOptions): () => void {
  const values: Record<string, string> = {
    DATABASE_URL: '',
    PGLITE_DATA_DIR: 'memory://',
    CORS_ORIGINS: '',
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  if (production) values.NODE_ENV = 'production';
  const previous = new Map(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
