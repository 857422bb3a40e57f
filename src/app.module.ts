import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IS_PUBLIC_KEY } from './auth/auth.constants.js';
import { AuthModule } from './auth/auth.module.js';
import { AppConfigModule } from './config/app-config.module.js';
import type { AppEnv } from './config/env.validation.js';
import { inspectorOptions } from './config/inspector.options.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { OrchestratorInspectorModule } from 'nest-orchestrator/inspector';
import { OrchestratorMetricsModule } from 'nest-orchestrator/prometheus';
import { OrchestratorModule } from 'nest-orchestrator';
import { OrdersModule } from './orders/orders.module.js';
import { PrismaRunStore } from './runs/prisma-run-store.js';
import { RunsModule } from './runs/runs.module.js';

@Module({
  imports: [
    AppConfigModule,
    DatabaseModule,
    // Idempotency keys and recovery records live in the app's database, so they hold across
    // instances and survive a crash: any instance's sweep undoes what a killed one left.
    OrchestratorModule.forRootAsync({
      imports: [RunsModule],
      inject: [PrismaRunStore, ConfigService],
      useFactory: (runStore: PrismaRunStore, config: ConfigService<AppEnv, true>) => ({
        defaultOperationTimeoutMs: 2_000,
        runStore,
        idempotency: {
          leaseMs: config.get('IDEMPOTENCY_LEASE_MS', { infer: true }),
          retainMs: config.get('IDEMPOTENCY_RETAIN_HOURS', { infer: true }) * 3_600_000,
        },
        recovery: { intervalMs: config.get('RECOVERY_INTERVAL_MS', { infer: true }) },
      }),
    }),
    // /metrics is open to scrapers; set `auth` to guard it in production (README, Observability).
    OrchestratorMetricsModule.forRoot({ publicMetadata: { key: IS_PUBLIC_KEY, value: true } }),
    // The live pipelines page at /orchestrator, in development only (README, Try it).
    OrchestratorInspectorModule.forRootAsync({
      inject: [ConfigService],
      useFactory: inspectorOptions,
    }),
    AuthModule,
    HealthModule,
    OrdersModule,
  ],
})
export class AppModule {}
