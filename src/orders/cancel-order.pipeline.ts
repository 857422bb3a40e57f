import { Inject } from '@nestjs/common';
import { Operation, OperationError, Pipeline, type OperationRun } from 'nest-orchestrator';
import type { CancelOrderContext } from './cancel-order.context.js';
import { OrderAnalytics } from './order-analytics.service.js';
import { ORDER_NOTIFIER, type OrderNotifier } from './notifier/order-notifier.js';
import { NOTIFY_TIMEOUT_MS } from './orders.constants.js';
import { OrdersRepository } from './orders.repository.js';

const notFound = () => new OperationError('NOT_FOUND', 'order not found');
const alreadyCancelled = () => new OperationError('CONFLICT', 'order is already cancelled');

/** The read-then-write case: what to write depends on what was read. */
@Pipeline({
  name: 'cancel-order',
  timeoutMs: 5000,
  description: "Cancels one of the customer's pending orders",
})
export class CancelOrderPipeline {
  constructor(
    private readonly orders: OrdersRepository,
    @Inject(ORDER_NOTIFIER) private readonly notifier: OrderNotifier,
    private readonly analytics: OrderAnalytics,
  ) {}

  /** Another customer's order is "not found", so ids cannot be probed. */
  @Operation()
  async load(ctx: CancelOrderContext): Promise<Partial<CancelOrderContext>> {
    const order = await this.orders.findOwned(ctx.orderId, ctx.customerId);
    if (order === undefined) throw notFound();
    return { order };
  }

  @Operation()
  check(ctx: CancelOrderContext): void {
    if (ctx.order!.status !== 'PENDING') throw alreadyCancelled();
  }

  /** Conditional on the status still being PENDING, so two concurrent cancels cannot both win. */
  @Operation()
  async update(ctx: CancelOrderContext, run: OperationRun): Promise<Partial<CancelOrderContext>> {
    run.signal.throwIfAborted();
    const order = await this.orders.cancelPending(ctx.orderId, ctx.customerId);
    if (order === undefined) throw alreadyCancelled();
    return { order };
  }

  // notify and track both need only the cancelled order: they run side by side after it.
  @Operation({ critical: false, timeoutMs: NOTIFY_TIMEOUT_MS, after: ['update'] })
  async notify(ctx: CancelOrderContext, run: OperationRun): Promise<void> {
    await this.notifier.orderCancelled(ctx.customerId, ctx.order!, run.signal);
  }

  @Operation({ critical: false, after: ['update'] })
  track(ctx: CancelOrderContext): void {
    this.analytics.track('order_cancelled', {
      orderId: ctx.order!.id,
      totalCents: ctx.order!.totalCents,
    });
  }
}
