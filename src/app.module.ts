import { Module } from '@nestjs/common';
import { IS_PUBLIC_KEY } from './auth/auth.constants.js';
import { AuthModule } from './auth/auth.module.js';
import { AppConfigModule } from './config/app-config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { OrchestratorMetricsModule } from 'nest-orchestrator/prometheus';
import { OrchestratorModule } from 'nest-orchestrator';
import { OrdersModule } from './orders/orders.module.js';

@Module({
  imports: [
    AppConfigModule,
    DatabaseModule,
    OrchestratorModule.forRoot({ defaultOperationTimeoutMs: 2_000 }),
    // /metrics is open to scrapers; set `auth` to guard it in production (README, Observability).
    OrchestratorMetricsModule.forRoot({ publicMetadata: { key: IS_PUBLIC_KEY, value: true } }),
    AuthModule,
    HealthModule,
    OrdersModule,
  ],
})
export class AppModule {}
