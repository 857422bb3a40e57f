import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppEnv } from '../config/env.validation.js';
import { CancelOrderPipeline } from './cancel-order.pipeline.js';
import { CreateOrderPipeline } from './create-order.pipeline.js';
import { ORDER_NOTIFIER } from './notifier/order-notifier.js';
import { SimulatedNotifier } from './notifier/simulated-notifier.js';
import { OrderAnalytics } from './order-analytics.service.js';
import { ORDERS_CREATE_DELAY_MS } from './orders.constants.js';
import { OrdersController } from './orders.controller.js';
import { OrdersRepository } from './orders.repository.js';
import { StockRepository } from './stock.repository.js';

@Module({
  controllers: [OrdersController],
  providers: [
    CreateOrderPipeline,
    CancelOrderPipeline,
    OrdersRepository,
    StockRepository,
    OrderAnalytics,
    { provide: ORDER_NOTIFIER, useClass: SimulatedNotifier },
    {
      provide: ORDERS_CREATE_DELAY_MS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppEnv, true>) =>
        config.get('ORDERS_CREATE_DELAY_MS', { infer: true }),
    },
  ],
})
export class OrdersModule {}
