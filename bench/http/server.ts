// Boots the starter once, exactly as `createApp()` builds it (same Fastify adapter, same
// `configureApp`: helmet, request ids, JSON-only bodies, validation, error filter, docs) plus
// the bench-only routes, on 127.0.0.1 and an ephemeral port. Import it only after
// `applyBenchEnv()` (env.ts): src/ modules read the environment when they load.
import 'reflect-metadata';
import { Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createFastifyAdapter } from '../../src/app.setup.js';
import { AppLogger } from '../../src/common/app-logger.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { linkMigrations } from '../migrations-link.js';
import { BenchRoutesModule } from './bench-routes.module.js';
import { BENCH_SKU, BENCH_STOCK } from './constants.js';

/** The starter's root module and the bench routes, side by side. */
@Module({ imports: [AppModule, BenchRoutesModule] })
class BenchAppModule {}

export interface BenchServerOptions {
  /** Serve the Swagger UI assets as main.ts does (default true; false under Jest, see createApp). */
  readonly swaggerUi?: boolean;
  /** Default: the app's own logger, warnings and errors only (a failing operation shows up). */
  readonly logger?: LoggerService | false;
}

export interface BenchServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** The application, for in-process use (profiling, `inject`, tests). */
  readonly app: NestFastifyApplication;
  close(): Promise<void>;
}

export async function bootBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  linkMigrations();
  const app = await NestFactory.create<NestFastifyApplication>(
    BenchAppModule,
    createFastifyAdapter(),
    {
      abortOnError: false,
      logger: options.logger ?? new AppLogger({ logLevels: ['error', 'warn'] }),
    },
  );
  try {
    configureApp(app, { swaggerUi: options.swaggerUi ?? true });
    await app.listen(0, '127.0.0.1');
    await app.get(PrismaService).stock.upsert({
      where: { sku: BENCH_SKU },
      create: { sku: BENCH_SKU, available: BENCH_STOCK },
      update: { available: BENCH_STOCK },
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}
