import { Logger } from '@nestjs/common';
import { validateEnv } from './env.validation.js';

describe('validateEnv', () => {
  const secret = 'x'.repeat(32);
  let warnings: string[];

  beforeEach(() => {
    warnings = [];
    const ignore = () => undefined;
    Logger.overrideLogger({
      log: ignore,
      error: ignore,
      warn: (message) => warnings.push(message),
    });
  });

  it('fills in the documented defaults', () => {
    expect(validateEnv({ JWT_SECRET: secret })).toEqual({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_URL: undefined,
      PGLITE_DATA_DIR: './.data/pglite',
      JWT_SECRET: secret,
      JWT_EXPIRES_IN: 900,
      NOTIFIER_FAIL_RATE: 0,
      NOTIFIER_LATENCY_MS: 0,
      CORS_ORIGINS: [],
      AUTH_RATE_LIMIT: 20,
      AUTH_RATE_WINDOW: 60,
      BODY_LIMIT_BYTES: 102_400,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      IDEMPOTENCY_RETAIN_HOURS: 24,
      IDEMPOTENCY_LEASE_MS: 30_000,
      RECOVERY_INTERVAL_MS: 60_000,
      ORDERS_CREATE_DELAY_MS: 0,
    });
    expect(warnings).toEqual([]);
  });

  it('parses numbers and durations', () => {
    const env = validateEnv({
      JWT_SECRET: secret,
      PORT: '8080',
      JWT_EXPIRES_IN: '2h',
      NOTIFIER_FAIL_RATE: '0.25',
      NOTIFIER_LATENCY_MS: '150',
      DATABASE_URL: 'postgresql://app:pw@db:5432/orders',
    });

    expect(env).toMatchObject({
      PORT: 8080,
      JWT_EXPIRES_IN: 7200,
      NOTIFIER_FAIL_RATE: 0.25,
      NOTIFIER_LATENCY_MS: 150,
      DATABASE_URL: 'postgresql://app:pw@db:5432/orders',
    });
    expect(validateEnv({ JWT_SECRET: secret, JWT_EXPIRES_IN: '45' }).JWT_EXPIRES_IN).toBe(45);
  });

  it('refuses production without JWT_SECRET', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      'JWT_SECRET is required when NODE_ENV=production',
    );
  });

  it('refuses placeholder or repetitive secrets in production, without echoing them', () => {
    for (const placeholder of [
      'x'.repeat(48),
      'change-me-change-me-change-me-change-me',
      'my-super-secret-jwt-key-for-production-2026',
      'abababababababababababababababab',
    ]) {
      const attempt = () => validateEnv({ NODE_ENV: 'production', JWT_SECRET: placeholder });
      expect(attempt).toThrow('JWT_SECRET looks like a placeholder, not a random value');
      expect(attempt).not.toThrow(placeholder);
    }
    const random = 'q8Vx1rJt2L0mZ9kNf3Hd6WsYb4Gc7Ae5Pu-TnK_oRiEw';
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: random }).JWT_SECRET).toBe(random);
  });

  it('refuses a well-known database password in production only', () => {
    const url = 'postgresql://app:secret@localhost:5432/orders';
    const random = 'q8Vx1rJt2L0mZ9kNf3Hd6WsYb4Gc7Ae5Pu-TnK_oRiEw';
    expect(() =>
      validateEnv({ NODE_ENV: 'production', JWT_SECRET: random, DATABASE_URL: url }),
    ).toThrow('DATABASE_URL uses a well-known password');
    expect(validateEnv({ JWT_SECRET: secret, DATABASE_URL: url }).DATABASE_URL).toBe(url);
    expect(
      validateEnv({
        NODE_ENV: 'production',
        JWT_SECRET: random,
        DATABASE_URL: 'postgresql://app:Zr8%2Fq1x@db:5432/orders',
      }).DATABASE_URL,
    ).toBe('postgresql://app:Zr8%2Fq1x@db:5432/orders');
  });

  it('reads CORS origins, the auth rate limit, the body limit and the shutdown timeout', () => {
    expect(
      validateEnv({
        JWT_SECRET: secret,
        CORS_ORIGINS: ' https://app.example.com/, http://localhost:5173 ',
        AUTH_RATE_LIMIT: '5',
        AUTH_RATE_WINDOW: '2m',
        BODY_LIMIT_BYTES: '4096',
        SHUTDOWN_TIMEOUT_MS: '2500',
      }),
    ).toMatchObject({
      CORS_ORIGINS: ['https://app.example.com', 'http://localhost:5173'],
      AUTH_RATE_LIMIT: 5,
      AUTH_RATE_WINDOW: 120,
      BODY_LIMIT_BYTES: 4096,
      SHUTDOWN_TIMEOUT_MS: 2500,
    });
    expect(validateEnv({ JWT_SECRET: secret, CORS_ORIGINS: '*' }).CORS_ORIGINS).toEqual(['*']);
    for (const origins of ['app.example.com', 'https://a.example.com/path', '*,https://a.b']) {
      expect(() => validateEnv({ JWT_SECRET: secret, CORS_ORIGINS: origins })).toThrow(
        'CORS_ORIGINS must be a comma-separated list of origins',
      );
    }
    expect(() => validateEnv({ JWT_SECRET: secret, BODY_LIMIT_BYTES: '10' })).toThrow(
      'BODY_LIMIT_BYTES must be an integer between 1024 and 10485760 (got "10")',
    );
  });

  it('reads the idempotency retention and lease, and refuses values outside their range', () => {
    expect(
      validateEnv({
        JWT_SECRET: secret,
        IDEMPOTENCY_RETAIN_HOURS: '48',
        IDEMPOTENCY_LEASE_MS: '5000',
      }),
    ).toMatchObject({ IDEMPOTENCY_RETAIN_HOURS: 48, IDEMPOTENCY_LEASE_MS: 5000 });
    expect(() =>
      validateEnv({
        JWT_SECRET: secret,
        IDEMPOTENCY_RETAIN_HOURS: '0',
        IDEMPOTENCY_LEASE_MS: '10',
      }),
    ).toThrow(
      /IDEMPOTENCY_RETAIN_HOURS must be an integer between 1 and 8760 \(got "0"\)\n.*IDEMPOTENCY_LEASE_MS must be an integer between 1000 and 600000 \(got "10"\)/,
    );
  });

  it('reads the recovery sweep interval, and refuses values outside its range', () => {
    expect(validateEnv({ JWT_SECRET: secret, RECOVERY_INTERVAL_MS: '500' })).toMatchObject({
      RECOVERY_INTERVAL_MS: 500,
    });
    expect(() => validateEnv({ JWT_SECRET: secret, RECOVERY_INTERVAL_MS: '50' })).toThrow(
      'RECOVERY_INTERVAL_MS must be an integer between 100 and 3600000 (got "50")',
    );
  });

  it('takes the test-only create delay outside production and refuses it in production', () => {
    expect(validateEnv({ JWT_SECRET: secret, ORDERS_CREATE_DELAY_MS: '800' })).toMatchObject({
      ORDERS_CREATE_DELAY_MS: 800,
    });
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'k7Qp2xVb9LmZr4TnW8yHc3JdF6sGa1Ue',
    };
    expect(validateEnv({ ...production, ORDERS_CREATE_DELAY_MS: '0' })).toMatchObject({
      ORDERS_CREATE_DELAY_MS: 0,
    });
    expect(() => validateEnv({ ...production, ORDERS_CREATE_DELAY_MS: '800' })).toThrow(
      'ORDERS_CREATE_DELAY_MS is a test knob and must not be set in production',
    );
  });

  it('refuses a JWT_SECRET shorter than 32 characters, in any environment', () => {
    expect(() => validateEnv({ JWT_SECRET: 'x'.repeat(31) })).toThrow(
      'JWT_SECRET must be at least 32 characters long',
    );
  });

  it('in development, uses a random secret for the whole process and warns about it', () => {
    const first = validateEnv({}).JWT_SECRET;
    const second = validateEnv({ NODE_ENV: 'development' }).JWT_SECRET;

    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    expect(warnings).toHaveLength(2); // once per boot that uses it
    expect(warnings[0]).toContain('JWT_SECRET is not set: using a random secret for this process');
  });

  it('lists every problem in one error', () => {
    const attempt = () =>
      validateEnv({
        NODE_ENV: 'staging',
        PORT: 'eighty',
        DATABASE_URL: 'mysql://localhost/db',
        JWT_EXPIRES_IN: 'soon',
        NOTIFIER_FAIL_RATE: '2',
        NOTIFIER_LATENCY_MS: '-1',
      });

    expect(attempt).toThrow(
      [
        'Invalid environment:',
        '  - NODE_ENV must be one of development, production, test (got "staging")',
        '  - DATABASE_URL must be a postgresql:// URL (leave it unset to use embedded PGlite)',
        '  - JWT_EXPIRES_IN must be a positive duration like 900, 15m, 12h or 7d (got "soon")',
        '  - PORT must be an integer between 0 and 65535 (got "eighty")',
        '  - NOTIFIER_FAIL_RATE must be a number between 0 and 1 (got "2")',
        '  - NOTIFIER_LATENCY_MS must be an integer between 0 and 60000 (got "-1")',
      ].join('\n'),
    );
  });
});
