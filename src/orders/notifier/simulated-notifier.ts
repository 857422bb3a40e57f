import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppEnv } from '../../config/env.validation.js';
import type { OrderView } from '../order.types.js';
import type { OrderNotifier } from './order-notifier.js';

/**
 * Stands in for a mail service, with latency and failure rate from the environment
 * (NOTIFIER_LATENCY_MS, NOTIFIER_FAIL_RATE), so the non-critical path can be shown and tested.
 */
@Injectable()
export class SimulatedNotifier implements OrderNotifier {
  private readonly logger = new Logger('OrderNotifier');
  private readonly latencyMs: number;
  private readonly failRate: number;

  constructor(config: ConfigService<AppEnv, true>) {
    this.latencyMs = config.get('NOTIFIER_LATENCY_MS', { infer: true });
    this.failRate = config.get('NOTIFIER_FAIL_RATE', { infer: true });
  }

  orderCreated(customerId: string, order: OrderView, signal: AbortSignal): Promise<void> {
    return this.send(`order ${order.id} placed for ${customerId}`, signal);
  }

  orderCancelled(customerId: string, order: OrderView, signal: AbortSignal): Promise<void> {
    return this.send(`order ${order.id} cancelled for ${customerId}`, signal);
  }

  private async send(message: string, signal: AbortSignal): Promise<void> {
    // The signal ends the wait when the operation times out: a slow notifier stops, not just lingers.
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal });
    if (this.failRate > 0 && Math.random() < this.failRate) {
      throw new Error('notification service unavailable');
    }
    this.logger.debug(message);
  }
}
