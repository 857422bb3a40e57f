import { runOperation } from 'nest-orchestrator/testing';
import { CancelOrderPipeline } from './cancel-order.pipeline.js';
import type { CancelOrderContext } from './cancel-order.context.js';
import { OrderAnalytics } from './order-analytics.service.js';
import type { OrderNotifier } from './notifier/order-notifier.js';
import type { OrderView } from './order.types.js';
import type { OrdersRepository } from './orders.repository.js';

const pending: OrderView = {
  id: '3f1c7a52-9c1e-4b8e-9a53-0f6a2f1d8c11',
  status: 'PENDING',
  totalCents: 500,
  createdAt: '2026-11-25T09:00:00.000Z',
  updatedAt: '2026-11-25T09:00:00.000Z',
  items: [{ sku: 'SKU-1', quantity: 1, unitPriceCents: 500 }],
};
const cancelled: OrderView = { ...pending, status: 'CANCELLED' };

function pipelineWith(repository: Partial<OrdersRepository>) {
  const notifier = { orderCancelled: async () => undefined } as unknown as OrderNotifier;
  return new CancelOrderPipeline(repository as OrdersRepository, notifier, new OrderAnalytics());
}

const ctx = (patch: Partial<CancelOrderContext> = {}): CancelOrderContext => ({
  orderId: pending.id,
  customerId: 'customer-1',
  ...patch,
});

describe('CancelOrderPipeline', () => {
  it('load finds the order only for its owner', async () => {
    const seen: unknown[] = [];
    const pipeline = pipelineWith({
      findOwned: async (id, customerId) => {
        seen.push([id, customerId]);
        return customerId === 'customer-1' ? pending : undefined;
      },
    });
    expect((await runOperation(pipeline, 'load', ctx())).data?.order).toBe(pending);
    const other = await runOperation(pipeline, 'load', ctx({ customerId: 'customer-2' }));
    expect(other.error).toMatchObject({ code: 'NOT_FOUND', message: 'order not found' });
    expect(seen).toEqual([
      [pending.id, 'customer-1'],
      [pending.id, 'customer-2'],
    ]);
  });

  it('check refuses an order that is already cancelled', async () => {
    const result = await runOperation(pipelineWith({}), 'check', ctx({ order: cancelled }));
    expect(result.error).toMatchObject({ code: 'CONFLICT', message: 'order is already cancelled' });
  });

  it('update cancels, and loses a race with a clear conflict', async () => {
    const won = pipelineWith({ cancelPending: async () => cancelled });
    expect((await runOperation(won, 'update', ctx({ order: pending }))).data?.order).toBe(
      cancelled,
    );
    const lost = pipelineWith({ cancelPending: async () => undefined });
    expect((await runOperation(lost, 'update', ctx({ order: pending }))).error?.code).toBe(
      'CONFLICT',
    );
  });
});
