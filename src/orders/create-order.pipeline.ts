import { Inject } from '@nestjs/common';
import { Operation, OperationError, Pipeline, type OperationRun } from 'nest-orchestrator';
import type { CreateOrderContext } from './create-order.context.js';
import { OrderAnalytics } from './order-analytics.service.js';
import { ORDER_NOTIFIER, type OrderNotifier } from './notifier/order-notifier.js';
import { NOTIFY_TIMEOUT_MS, ORDER_LIMITS } from './orders.constants.js';
import { OrdersRepository } from './orders.repository.js';
import { StockRepository } from './stock.repository.js';

function refuse(message: string, details?: unknown): never {
  throw new OperationError('VALIDATION', message, details);
}

@Pipeline({
  name: 'create-order',
  timeoutMs: 5000,
  description: 'Places an order for the signed-in customer',
})
export class CreateOrderPipeline {
  constructor(
    private readonly orders: OrdersRepository,
    @Inject(ORDER_NOTIFIER) private readonly notifier: OrderNotifier,
    private readonly analytics: OrderAnalytics,
    private readonly stock: StockRepository,
  ) {}

  /** Business rules on top of the DTO's shape checks; the total is always computed here. */
  @Operation()
  validate(ctx: CreateOrderContext): Partial<CreateOrderContext> {
    const { items } = ctx;
    if (items.length === 0) refuse('an order needs at least one item');
    if (items.length > ORDER_LIMITS.maxItems)
      refuse(`an order has at most ${ORDER_LIMITS.maxItems} items`);
    const skus = new Set<string>();
    let totalCents = 0;
    for (const [index, item] of items.entries()) {
      if (!ORDER_LIMITS.skuPattern.test(item.sku)) refuse(`items[${index}].sku is not a valid SKU`);
      if (skus.has(item.sku))
        refuse(`items[${index}].sku ${item.sku} appears twice: merge the quantities`);
      skus.add(item.sku);
      if (
        !Number.isInteger(item.quantity) ||
        item.quantity < 1 ||
        item.quantity > ORDER_LIMITS.maxQuantity
      ) {
        refuse(
          `items[${index}].quantity must be a whole number from 1 to ${ORDER_LIMITS.maxQuantity}`,
        );
      }
      if (
        !Number.isInteger(item.unitPriceCents) ||
        item.unitPriceCents < 1 ||
        item.unitPriceCents > ORDER_LIMITS.maxUnitPriceCents
      ) {
        refuse(
          `items[${index}].unitPriceCents must be whole cents from 1 to ${ORDER_LIMITS.maxUnitPriceCents}`,
        );
      }
      totalCents += item.quantity * item.unitPriceCents;
    }
    if (totalCents > ORDER_LIMITS.maxTotalCents) refuse('the order total is too large');
    if (ctx.expectedTotalCents !== undefined && ctx.expectedTotalCents !== totalCents) {
      refuse('totalCents does not match the items', { expectedTotalCents: totalCents });
    }
    return { totalCents };
  }

  /** Takes tracked stock before writing the order; undone by `releaseStock` if a later critical step fails. */
  @Operation({ compensate: 'releaseStock' })
  async reserve(ctx: CreateOrderContext, run: OperationRun): Promise<Partial<CreateOrderContext>> {
    run.signal.throwIfAborted();
    return { reservation: await this.stock.reserve(ctx.items, run.signal) };
  }

  @Operation()
  async create(ctx: CreateOrderContext, run: OperationRun): Promise<Partial<CreateOrderContext>> {
    // A client that went away before the write gets no order.
    run.signal.throwIfAborted();
    return {
      order: await this.orders.create(
        ctx.customerId,
        ctx.totalCents as number,
        ctx.items,
        run.signal,
      ),
    };
  }

  @Operation({ critical: false, timeoutMs: NOTIFY_TIMEOUT_MS })
  async notify(ctx: CreateOrderContext, run: OperationRun): Promise<void> {
    await this.notifier.orderCreated(ctx.customerId, ctx.order!, run.signal);
  }

  /** Compensation of `reserve`, not an operation: runs only when the order was not created. */
  async releaseStock(ctx: CreateOrderContext): Promise<void> {
    await this.stock.release(ctx.reservation ?? []);
  }

  @Operation(false)
  track(ctx: CreateOrderContext): void {
    this.analytics.track('order_created', {
      orderId: ctx.order!.id,
      totalCents: ctx.order!.totalCents,
    });
  }
}
