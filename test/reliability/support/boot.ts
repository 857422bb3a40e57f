import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/app.setup.js';
import { AppLogger } from '../../../src/common/app-logger.js';
import { PrismaService } from '../../../src/database/prisma.service.js';
import { bootTestApp, type TestApp } from '../../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

/**
 * The knobs these suites turn, at their defaults. bootTestApp writes process.env and leaves it
 * so; passing them all on every boot keeps one block's settings out of the next block's app.
 * The auth rate limit is lifted: these suites register many users from one IP (its own test
 * puts it back).
 */
const KNOBS: Record<string, string | undefined> = {
  CORS_ORIGINS: undefined,
  BODY_LIMIT_BYTES: undefined,
  AUTH_RATE_LIMIT: '10000',
  AUTH_RATE_WINDOW: undefined,
  NOTIFIER_FAIL_RATE: undefined,
  NOTIFIER_LATENCY_MS: undefined,
};

export function bootApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  return bootTestApp({ env: { ...KNOBS, ...env } });
}

export interface LoggedApp {
  app: NestFastifyApplication;
  baseUrl: string;
  prisma: PrismaService;
  database: TestDatabase;
  jwtSecret: string;
  /** Every line the app logged, as printed. */
  lines: string[];
  close(): Promise<void>;
}

/**
 * The app as main.ts builds it, with its real logger (AppLogger) writing into `lines` instead
 * of the console, to check what ends up in logs.
 */
export async function bootAppWithLogs(
  env: Record<string, string | undefined> = {},
): Promise<LoggedApp> {
  const database = await createTestDatabase();
  const jwtSecret = randomBytes(32).toString('hex');
  for (const [name, value] of Object.entries({
    ...KNOBS,
    JWT_SECRET: jwtSecret,
    ...database.env,
    ...env,
  })) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const lines: string[] = [];
  // With forceConsole the logger prints through console.log/error: capture them.
  /* eslint-disable no-console */
  const console_ = { log: console.log, error: console.error };
  console.log = console.error = (...args: unknown[]) => lines.push(args.join(' '));
  /* eslint-enable no-console */

  let app: NestFastifyApplication;
  try {
    app = await createApp({
      logger: new AppLogger({ forceConsole: true, colors: false }),
      swaggerUi: false,
    });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    Object.assign(console, console_);
    await database.drop();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    prisma: app.get(PrismaService),
    database,
    jwtSecret,
    lines,
    close: async () => {
      try {
        await app.close();
      } finally {
        Object.assign(console, console_);
        await database.drop();
      }
    },
  };
}
