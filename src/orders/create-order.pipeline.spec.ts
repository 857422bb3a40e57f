import { createPipelineTestingModule, runOperation } from 'nest-orchestrator/testing';
import type { CreateOrderContext } from './create-order.context.js';
import { CreateOrderPipeline } from './create-order.pipeline.js';
import { OrderAnalytics } from './order-analytics.service.js';
import type { OrderNotifier } from './notifier/order-notifier.js';
import type { OrderView } from './order.types.js';
import { OrdersRepository, StockReservationLostError } from './orders.repository.js';
import { StockRepository } from './stock.repository.js';
import { ORDER_NOTIFIER } from './notifier/order-notifier.js';

const order: OrderView = {
  id: '3f1c7a52-9c1e-4b8e-9a53-0f6a2f1d8c11',
  status: 'PENDING',
  totalCents: 3998,
  createdAt: '2026-11-25T09:00:00.000Z',
  updatedAt: '2026-11-25T09:00:00.000Z',
  items: [{ sku: 'SKU-1001', quantity: 2, unitPriceCents: 1999 }],
};

function pipelineWith(
  overrides: {
    repository?: Partial<OrdersRepository>;
    notifier?: Partial<OrderNotifier>;
    stock?: Partial<StockRepository>;
  } = {},
) {
  const analytics = new OrderAnalytics();
  const created: unknown[][] = [];
  const repository = {
    create: async (...args: unknown[]) => {
      created.push(args);
      return order;
    },
    ...overrides.repository,
  } as OrdersRepository;
  const notifier = { orderCreated: async () => undefined, ...overrides.notifier } as OrderNotifier;
  const reserved: unknown[][] = [];
  const released: string[] = [];
  const stock = {
    reserve: async (...args: [string, { sku: string; quantity: number }[], AbortSignal]) => {
      reserved.push(args);
      return args[1].map(({ sku, quantity }) => ({ sku, quantity }));
    },
    release: async (runId: string) => {
      released.push(runId);
      return [];
    },
    ...overrides.stock,
  } as StockRepository;
  return {
    pipeline: new CreateOrderPipeline(repository, notifier, analytics, stock),
    analytics,
    created,
    reserved,
    released,
  };
}

const context = (patch: Partial<CreateOrderContext> = {}): CreateOrderContext => ({
  customerId: 'customer-1',
  items: [
    { sku: 'SKU-1001', quantity: 2, unitPriceCents: 1999 },
    { sku: 'SKU-2002', quantity: 1, unitPriceCents: 500 },
  ],
  ...patch,
});

describe('CreateOrderPipeline', () => {
  describe('validate', () => {
    it('computes the total on the server', async () => {
      const { pipeline } = pipelineWith();
      const result = await runOperation(pipeline, 'validate', context());
      expect(result.data?.totalCents).toBe(4498);
    });

    it('accepts a client total that agrees', async () => {
      const { pipeline } = pipelineWith();
      const result = await runOperation(
        pipeline,
        'validate',
        context({ expectedTotalCents: 4498 }),
      );
      expect(result.success).toBe(true);
    });

    it.each<[string, Partial<CreateOrderContext>, string]>([
      ['no items', { items: [] }, 'an order needs at least one item'],
      ['a total that disagrees', { expectedTotalCents: 1 }, 'totalCents does not match the items'],
      [
        'a duplicated SKU',
        {
          items: [
            { sku: 'A', quantity: 1, unitPriceCents: 1 },
            { sku: 'A', quantity: 2, unitPriceCents: 1 },
          ],
        },
        'items[1].sku A appears twice: merge the quantities',
      ],
      [
        'a bad SKU',
        { items: [{ sku: 'lower case', quantity: 1, unitPriceCents: 1 }] },
        'items[0].sku is not a valid SKU',
      ],
      [
        'a zero quantity',
        { items: [{ sku: 'A', quantity: 0, unitPriceCents: 1 }] },
        'items[0].quantity must be a whole number from 1 to 1000',
      ],
      [
        'a fractional price',
        { items: [{ sku: 'A', quantity: 1, unitPriceCents: 9.99 }] },
        'items[0].unitPriceCents must be whole cents from 1 to 10000000',
      ],
      [
        'a total past the database column',
        {
          items: Array.from({ length: 30 }, (_, i) => ({
            sku: `S${i}`,
            quantity: 1000,
            unitPriceCents: 10_000_000,
          })),
        },
        'the order total is too large',
      ],
    ])('refuses %s', async (_case, patch, message) => {
      const { pipeline } = pipelineWith();
      const result = await runOperation(pipeline, 'validate', context(patch));
      expect(result.error).toMatchObject({ operation: 'validate', code: 'VALIDATION', message });
    });
  });

  describe('reserve', () => {
    it('takes the stock under the run id and keeps what it took in the context', async () => {
      const { pipeline, reserved } = pipelineWith();
      const result = await runOperation(pipeline, 'reserve', context());
      expect(result.data?.reservation).toEqual([
        { sku: 'SKU-1001', quantity: 2 },
        { sku: 'SKU-2002', quantity: 1 },
      ]);
      expect(reserved).toEqual([[result.runId, context().items, expect.any(AbortSignal)]]);
    });

    it('releaseStock releases by run id: what the database holds, not what the context says', async () => {
      const { pipeline, released } = pipelineWith();
      await pipeline.releaseStock(context({ reservation: [{ sku: 'SKU-1001', quantity: 2 }] }), {
        pipeline: 'create-order',
        operation: 'reserve',
        runId: 'run-42',
        signal: new AbortController().signal,
        deadline: undefined,
        attempt: 1,
        recovery: true,
      });
      expect(released).toEqual(['run-42']);
    });
  });

  describe('create', () => {
    it("writes the order with the computed total, consuming the run's reservation", async () => {
      const { pipeline, created } = pipelineWith();
      const reservation = [{ sku: 'SKU-1001', quantity: 2 }];
      const result = await runOperation(
        pipeline,
        'create',
        context({ totalCents: 4498, reservation }),
      );
      expect(result.data?.order).toBe(order);
      expect(created).toEqual([
        [
          'customer-1',
          4498,
          context().items,
          { runId: result.runId, reservation },
          expect.any(AbortSignal),
        ],
      ]);
    });

    it('refuses with CONFLICT when the reservation was released before the write', async () => {
      const { pipeline } = pipelineWith({
        repository: {
          create: () => Promise.reject(new StockReservationLostError('run-1')),
        },
      });
      const result = await runOperation(pipeline, 'create', context({ totalCents: 4498 }));
      expect(result.error).toMatchObject({
        operation: 'create',
        code: 'CONFLICT',
        message: 'the reserved stock was released: place the order again',
      });
    });

    it('writes nothing once the client has gone', async () => {
      const { pipeline, created } = pipelineWith();
      const result = await runOperation(pipeline, 'create', context({ totalCents: 4498 }), {
        signal: AbortSignal.abort(),
      });
      expect(result.error?.code).toBe('ABORTED');
      expect(created).toEqual([]);
    });
  });

  describe('notify', () => {
    it('is non-critical: a failing notifier is recorded and the run succeeds', async () => {
      const { pipeline } = pipelineWith({
        notifier: { orderCreated: async () => Promise.reject(new Error('smtp down')) },
      });
      const result = await runOperation(pipeline, 'notify', context({ order }));
      expect(result.success).toBe(true);
      expect(result.errors).toEqual([
        { operation: 'notify', code: 'OPERATION_FAILED', message: 'smtp down', critical: false },
      ]);
    });

    it('stops a hanging notifier at its 200 ms budget through the signal', async () => {
      let aborted = false;
      const { pipeline } = pipelineWith({
        notifier: {
          orderCreated: (_c, _o, signal) =>
            new Promise((_resolve, reject) =>
              signal.addEventListener('abort', () => {
                aborted = true;
                reject(signal.reason);
              }),
            ),
        },
      });
      const result = await runOperation(pipeline, 'notify', context({ order }));
      expect(result.errors[0]).toMatchObject({ operation: 'notify', code: 'TIMEOUT' });
      expect(aborted).toBe(true);
      expect(result.duration).toBeLessThan(400);
    });
  });

  it('track counts the order', async () => {
    const { pipeline, analytics } = pipelineWith();
    await runOperation(pipeline, 'track', context({ order }));
    expect(analytics.count('order_created')).toBe(1);
  });

  it('runs notify and track side by side once the order exists', async () => {
    const { pipeline, analytics } = pipelineWith();
    let finishNotify!: () => void;
    let trackedWhileNotifying = -1;
    const app = await createPipelineTestingModule(CreateOrderPipeline, {
      providers: [
        { provide: OrdersRepository, useValue: Reflect.get(pipeline, 'orders') },
        { provide: StockRepository, useValue: Reflect.get(pipeline, 'stock') },
        { provide: OrderAnalytics, useValue: analytics },
        {
          provide: ORDER_NOTIFIER,
          useValue: {
            orderCreated: () =>
              new Promise<void>((resolve) => {
                finishNotify = () => {
                  trackedWhileNotifying = analytics.count('order_created');
                  resolve();
                };
                setTimeout(() => finishNotify(), 20);
              }),
          },
        },
      ],
    });
    const result = await app.run(context());
    await app.close();

    expect(result.success).toBe(true);
    // track did not wait for the 20 ms notification: it had counted the order before that ended.
    expect(trackedWhileNotifying).toBe(1);
    expect(result.metrics.track).toBeLessThan(result.metrics.notify);
  });
});
