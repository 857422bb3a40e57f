// The starter's run store as the app builds it: its AppConfigModule, DatabaseModule (one
// PrismaService, PGlite migrated at boot) and RunsModule (PrismaRunStore on that client), in a
// Nest application context with nothing else. Import it only after the environment is set
// (run.ts does): src/ modules read the environment when they load.
import 'reflect-metadata';
import { Module, type LogLevel } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppConfigModule } from '../../src/config/app-config.module.js';
import type { AppEnv } from '../../src/config/env.validation.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { PrismaRunStore } from '../../src/runs/prisma-run-store.js';
import { RunsModule } from '../../src/runs/runs.module.js';

@Module({ imports: [AppConfigModule, DatabaseModule, RunsModule] })
class StoreBenchModule {}

export interface StoreApp {
  readonly prisma: PrismaService;
  readonly store: PrismaRunStore;
  /** The starter's idempotency settings (IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_RETAIN_HOURS). */
  readonly leaseMs: number;
  readonly retainMs: number;
  /** `server_version` as the database reports it. */
  readonly serverVersion: string;
  /** `fsync` and `synchronous_commit`: whether each commit waits for its WAL to reach the disk. */
  readonly durability: string;
  close(): Promise<void>;
}

export async function bootStoreApp(logger: LogLevel[] | false): Promise<StoreApp> {
  const app = await NestFactory.createApplicationContext(StoreBenchModule, {
    abortOnError: false,
    logger,
  });
  try {
    await app.init();
    const prisma = app.get(PrismaService);
    const config = app.get<ConfigService<AppEnv, true>>(ConfigService);
    const [server] = await prisma.$queryRaw<{ version: string; fsync: string; sync: string }[]>`
      SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
             current_setting('synchronous_commit') AS sync`;
    return {
      prisma,
      store: app.get(PrismaRunStore),
      leaseMs: config.get('IDEMPOTENCY_LEASE_MS', { infer: true }),
      retainMs: config.get('IDEMPOTENCY_RETAIN_HOURS', { infer: true }) * 3_600_000,
      serverVersion: server.version,
      durability: `fsync ${server.fsync}, synchronous_commit ${server.sync}`,
      close: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}
