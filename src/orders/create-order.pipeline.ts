import { Inject, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Operation,
  OperationError,
  Pipeline,
  type CompensationRun,
  type OperationRun,
} from 'nest-orchestrator';
import type { CreateOrderContext } from './create-order.context.js';
import { OrderAnalytics } from './order-analytics.service.js';
import { ORDER_NOTIFIER, type OrderNotifier } from './notifier/order-notifier.js';
import { NOTIFY_TIMEOUT_MS, ORDER_LIMITS, ORDERS_CREATE_DELAY_MS } from './orders.constants.js';
import { OrdersRepository, StockReservationLostError } from './orders.repository.js';
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
    // Test only (ORDERS_CREATE_DELAY_MS, refused in production): widens the window between
    // `reserve` and `create`, where a crash strands stock, so the recovery proof can hit it.
    @Optional() @Inject(ORDERS_CREATE_DELAY_MS) private readonly createDelayMs = 0,
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

  /**
   * Takes tracked stock before writing the order, recorded under the run id; undone by
   * `releaseStock` if a later critical step fails, or by a recovery sweep if the process dies.
   */
  @Operation({ compensate: 'releaseStock' })
  async reserve(ctx: CreateOrderContext, run: OperationRun): Promise<Partial<CreateOrderContext>> {
    run.signal.throwIfAborted();
    return { reservation: await this.stock.reserve(run.runId, ctx.items, run.signal) };
  }

  @Operation()
  async create(ctx: CreateOrderContext, run: OperationRun): Promise<Partial<CreateOrderContext>> {
    // A client that went away before the write gets no order.
    run.signal.throwIfAborted();
    if (this.createDelayMs > 0) await sleep(this.createDelayMs, undefined, { signal: run.signal });
    try {
      const order = await this.orders.create(
        ctx.customerId,
        ctx.totalCents as number,
        ctx.items,
        { runId: run.runId, reservation: ctx.reservation ?? [] },
        run.signal,
      );
      return { order };
    } catch (error) {
      if (error instanceof StockReservationLostError) {
        throw new OperationError(
          'CONFLICT',
          'the reserved stock was released: place the order again',
        );
      }
      throw error;
    }
  }

  // notify and track both need only the order: they run side by side once it exists.
  @Operation({ critical: false, timeoutMs: NOTIFY_TIMEOUT_MS, after: ['create'] })
  async notify(ctx: CreateOrderContext, run: OperationRun): Promise<void> {
    await this.notifier.orderCreated(ctx.customerId, ctx.order!, run.signal);
  }

  /**
   * Compensation of `reserve`, not an operation: runs when the order was not created, in this
   * process or, after a crash, in a recovery sweep (`run.recovery`) with the recorded context.
   * Exact and idempotent: it gives back what the database says this run still holds, so a
   * second release, a run that never reserved or one whose order exists gives nothing back.
   */
  async releaseStock(_ctx: CreateOrderContext, run: CompensationRun): Promise<void> {
    await this.stock.release(run.runId);
  }

  @Operation({ critical: false, after: ['create'] })
  track(ctx: CreateOrderContext): void {
    this.analytics.track('order_created', {
      orderId: ctx.order!.id,
      totalCents: ctx.order!.totalCents,
    });
  }
}
