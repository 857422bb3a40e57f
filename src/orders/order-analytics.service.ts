import { Injectable, Logger } from '@nestjs/common';

export type OrderEvent = 'order_created' | 'order_cancelled';

/** Counts order events in memory; a stand-in for an analytics client, fine to lose. */
@Injectable()
export class OrderAnalytics {
  private readonly logger = new Logger('OrderAnalytics');
  private readonly counts = new Map<OrderEvent, number>();

  track(event: OrderEvent, properties: { orderId: string; totalCents: number }): void {
    this.counts.set(event, (this.counts.get(event) ?? 0) + 1);
    this.logger.debug(`${event} ${properties.orderId} ${properties.totalCents}`);
  }

  count(event: OrderEvent): number {
    return this.counts.get(event) ?? 0;
  }
}
