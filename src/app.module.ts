import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { AppConfigModule } from './config/app-config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { OrchestratorMetricsModule } from './metrics/index.js';
import { OrchestratorModule } from './orchestrator/index.js';
import { OrdersModule } from './orders/orders.module.js';

@Module({
  imports: [
    AppConfigModule,
    DatabaseModule,
    OrchestratorModule.forRoot({ defaultOperationTimeoutMs: 2_000 }),
    OrchestratorMetricsModule.forRoot({}),
    AuthModule,
    HealthModule,
    OrdersModule,
  ],
})
export class AppModule {}
