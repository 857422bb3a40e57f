import { jest } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import { IDEMPOTENCY_KEY_PREFIX } from './idempotent-answers.js';
import { InMemoryRunStore } from './in-memory-run-store.js';
import type { OperationRun } from './interfaces/operation-run.interface.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import type { RunStore } from './interfaces/run-store.interface.js';
import { RUN_STORE } from './orchestrator.constants.js';
import { OperationError, OrchestratorConfigurationError } from './orchestrator.errors.js';
import { Orchestrator } from './orchestrator.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { runFingerprint } from './run-fingerprint.js';

interface OrderCtx {
  item: string;
  mode?: 'ok' | 'invalid' | 'fail-once' | 'wait';
  orderId?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What ran, and a gate that holds `mode: 'wait'` runs until the test opens it. */
@Injectable()
class Orders {
  readonly created: string[] = [];
  readonly runIds: string[] = [];
  private failures = 0;
  private open!: () => void;
  gate!: Promise<void>;

  constructor() {
    this.close();
  }

  close(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  async create(ctx: OrderCtx, run: OperationRun): Promise<string> {
    this.runIds.push(run.runId);
    if (ctx.mode === 'invalid') throw new OperationError('VALIDATION', 'no such item');
    if (ctx.mode === 'fail-once' && this.failures++ === 0) throw new Error('database restarted');
    if (ctx.mode === 'wait') {
      await new Promise<void>((resolve, reject) => {
        void this.gate.then(resolve);
        run.signal.addEventListener('abort', () => reject(run.signal.reason as Error));
      });
    }
    this.created.push(ctx.item);
    return `order-${this.created.length}`;
  }
}

@Pipeline('orders')
class OrdersPipeline {
  constructor(private readonly orders: Orders) {}

  @Operation()
  async create(ctx: OrderCtx, run: OperationRun) {
    return { orderId: await this.orders.create(ctx, run) };
  }
}

/** One app: another process, as far as the store can tell, when two share one store. */
async function boot(options: OrchestratorModuleOptions = {}): Promise<TestingModule> {
  const module = await Test.createTestingModule({
    imports: [OrchestratorModule.forRoot({ logFailures: false, ...options })],
    providers: [Orders, OrdersPipeline],
  }).compile();
  await module.init();
  return module;
}

describe('idempotent runs', () => {
  let store: InMemoryRunStore;
  let app: TestingModule;
  let orchestrator: Orchestrator;
  let orders: Orders;

  beforeEach(async () => {
    store = new InMemoryRunStore();
    app = await boot({ runStore: store });
    orchestrator = app.get(Orchestrator);
    orders = app.get(Orders);
  });
  afterEach(() => app.close());

  const run = (input: OrderCtx, key = 'key-1', options = {}) =>
    orchestrator.run(OrdersPipeline, input, { idempotencyKey: key, ...options });

  it('runs the first call and answers the next from the store, marked as a replay', async () => {
    const first = await run({ item: 'book' });
    expect(first).toMatchObject({ success: true, data: { orderId: 'order-1' } });
    expect(first.replayed).toBeUndefined();
    expect(orders.runIds).toEqual([first.runId]);

    const again = await run({ item: 'book' });
    expect(again).toMatchObject({ success: true, replayed: true, runId: first.runId });
    expect(again.data).toEqual(first.data);
    expect(orders.created).toEqual(['book']);
  });

  it('runs again under another key', async () => {
    await run({ item: 'book' }, 'key-1');
    const other = await run({ item: 'book' }, 'key-2');
    expect(other.replayed).toBeUndefined();
    expect(orders.created).toEqual(['book', 'book']);
  });

  it('shares one run between concurrent calls with one key in this process', async () => {
    const claim = jest.spyOn(store, 'claim');
    const calls = [1, 2, 3].map(() => run({ item: 'pen', mode: 'wait' }));
    await sleep(5);
    orders.release();
    const [a, b, c] = await Promise.all(calls);
    expect(a).toBe(b);
    expect(a).toBe(c);
    expect(a.success).toBe(true);
    expect(orders.created).toEqual(['pen']);
    expect(claim).toHaveBeenCalledTimes(1);
  });

  it('shares one run on the default store, which it calls without awaits', async () => {
    const take = jest.spyOn(store, 'takeKeyed');
    const calls = [1, 2, 3].map(() => run({ item: 'pen', mode: 'wait' }));
    const mismatch = await run({ item: 'ink', mode: 'wait' });
    expect(mismatch.error?.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    await sleep(5);
    orders.release();
    const [a, b, c] = await Promise.all(calls);
    expect(a).toBe(b);
    expect(a).toBe(c);
    expect(a.success).toBe(true);
    expect(orders.created).toEqual(['pen']);
    expect(take).toHaveBeenCalledTimes(4);
    const replay = await run({ item: 'pen', mode: 'wait' });
    expect(replay).toMatchObject({ replayed: true, runId: a.runId });
  });

  it('refuses the key with another input, while running and once completed', async () => {
    const first = run({ item: 'pen', mode: 'wait' });
    const during = await run({ item: 'ink', mode: 'wait' });
    expect(during).toMatchObject({
      success: false,
      error: { code: 'IDEMPOTENCY_KEY_MISMATCH', operation: '' },
    });
    orders.release();
    await first;
    const after = await run({ item: 'ink' });
    expect(after.error?.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    expect(after.error?.message).toMatch(/already used with another request/);
    expect(orders.created).toEqual(['pen']);
  });

  it('compares the caller’s own fingerprint instead of the input when given', async () => {
    await run({ item: 'pen' }, 'key-1', { fingerprint: 'user-7 POST /orders' });
    const replay = await run({ item: 'other' }, 'key-1', { fingerprint: 'user-7 POST /orders' });
    expect(replay.replayed).toBe(true);
    const refused = await run({ item: 'pen' }, 'key-1', { fingerprint: 'user-8 POST /orders' });
    expect(refused.error?.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    expect(orders.created).toEqual(['pen']);
  });

  it('answers "in progress" to another process while the first holds the key, then replays', async () => {
    const other = await boot({ runStore: store });
    try {
      const first = run({ item: 'pen', mode: 'wait' });
      await sleep(5);
      const busy = await other
        .get(Orchestrator)
        .run(OrdersPipeline, { item: 'pen', mode: 'wait' }, { idempotencyKey: 'key-1' });
      expect(busy).toMatchObject({
        success: false,
        error: { code: 'IDEMPOTENCY_IN_PROGRESS', operation: '' },
      });
      expect(busy.runId).not.toBe('');
      orders.release();
      const done = await first;
      const replay = await other
        .get(Orchestrator)
        .run(OrdersPipeline, { item: 'pen', mode: 'wait' }, { idempotencyKey: 'key-1' });
      expect(replay).toMatchObject({ success: true, replayed: true, runId: done.runId });
      expect(other.get(Orders).created).toEqual([]);
      expect(orders.created).toEqual(['pen']);
    } finally {
      await other.close();
    }
  });

  it('keeps a business refusal as the key’s answer', async () => {
    const refused = await run({ item: 'unicorn', mode: 'invalid' });
    expect(refused.error?.code).toBe('VALIDATION');
    const again = await run({ item: 'unicorn', mode: 'invalid' });
    expect(again).toMatchObject({ replayed: true, runId: refused.runId });
    expect(again.error?.code).toBe('VALIDATION');
    expect(orders.runIds).toEqual([refused.runId]);
  });

  it('releases the key after an unexpected failure, so a retry runs again', async () => {
    const failed = await run({ item: 'pen', mode: 'fail-once' });
    expect(failed.error?.code).toBe('OPERATION_FAILED');
    const retried = await run({ item: 'pen', mode: 'fail-once' });
    expect(retried).toMatchObject({ success: true, data: { orderId: 'order-1' } });
    expect(retried.replayed).toBeUndefined();
    expect(orders.runIds).toEqual([failed.runId, retried.runId]);
  });

  it('releases the key after a timeout, so a retry runs again', async () => {
    const timedOut = await run({ item: 'pen', mode: 'wait' }, 'key-1', { timeoutMs: 10 });
    expect(timedOut.error?.code).toBe('TIMEOUT');
    orders.release();
    const retried = await run({ item: 'pen', mode: 'wait' });
    expect(retried.success).toBe(true);
    expect(retried.replayed).toBeUndefined();
    expect(orders.runIds).toHaveLength(2);
  });

  it('releases the key after an abort, so a retry runs again', async () => {
    const controller = new AbortController();
    const pending = run({ item: 'pen', mode: 'wait' }, 'key-1', { signal: controller.signal });
    await sleep(5);
    controller.abort();
    expect((await pending).error?.code).toBe('ABORTED');
    orders.release();
    const retried = await run({ item: 'pen', mode: 'wait' });
    expect(retried.success).toBe(true);
    expect(retried.replayed).toBeUndefined();
  });

  it('touches neither the store nor the fingerprint without a key', async () => {
    const claim = jest.spyOn(store, 'claim');
    const result = await orchestrator.run(OrdersPipeline, { item: 'pen' });
    const again = await orchestrator.run(OrdersPipeline, { item: 'pen' });
    expect(claim).not.toHaveBeenCalled();
    expect(result.replayed).toBeUndefined();
    expect(again.runId).not.toBe(result.runId);
    expect(orders.created).toEqual(['pen', 'pen']);
  });

  it('rejects an empty key or fingerprint as a programming error', async () => {
    await expect(run({ item: 'pen' }, '')).rejects.toThrow(/idempotencyKey must be a non-empty/);
    await expect(run({ item: 'pen' }, 'key-1', { fingerprint: '' })).rejects.toThrow(
      /fingerprint must be a non-empty/,
    );
    expect(orders.runIds).toEqual([]);
  });

  it('answers IDEMPOTENCY_UNAVAILABLE without running when the store cannot claim', async () => {
    jest.spyOn(store, 'claim').mockRejectedValueOnce(new Error('connection refused'));
    const result = await run({ item: 'pen' });
    expect(result.error?.code).toBe('IDEMPOTENCY_UNAVAILABLE');
    expect(orders.runIds).toEqual([]);
  });
});

describe('idempotency leases', () => {
  it('frees the key of a crashed holder once its lease runs out, and lists it until then', async () => {
    const store = new InMemoryRunStore();
    const app = await boot({ runStore: store, idempotency: { leaseMs: 40 } });
    try {
      const input = { item: 'pen' };
      const key = IDEMPOTENCY_KEY_PREFIX + 'key-1';
      // A process that claimed the key and died: nobody completes, releases or renews it.
      await store.claim(key, runFingerprint('orders', input), 'crashed-run', 40);
      const orchestrator = app.get(Orchestrator);
      const busy = await orchestrator.run(OrdersPipeline, input, { idempotencyKey: 'key-1' });
      expect(busy.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
      expect(await store.listExpired(Date.now(), 10)).toEqual([]);

      await sleep(50);
      expect(await store.listExpired(Date.now(), 10)).toEqual([
        expect.objectContaining({ key, holder: 'crashed-run' }),
      ]);
      const taken = await orchestrator.run(OrdersPipeline, input, { idempotencyKey: 'key-1' });
      expect(taken.success).toBe(true);
      expect(app.get(Orders).created).toEqual(['pen']);
      expect(await store.listExpired(Date.now(), 10)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('renews the lease of a long run on a shared store, so its key stays held, and stops at the end', async () => {
    const store = new InMemoryRunStore();
    // A spied `claim` makes it any store to the runner: the path a database store takes.
    jest.spyOn(store, 'claim');
    const renew = jest.spyOn(store, 'renew');
    // Leases long enough that a loaded machine's event-loop lag cannot cost one.
    const app = await boot({ runStore: store, idempotency: { leaseMs: 300 } });
    const other = await boot({ runStore: store, idempotency: { leaseMs: 300 } });
    try {
      const input: OrderCtx = { item: 'pen', mode: 'wait' };
      const first = app.get(Orchestrator).run(OrdersPipeline, input, { idempotencyKey: 'k' });
      await sleep(1000); // over three leases
      // Bounded: had the lease been lost, this call would run the waiting pipeline itself.
      const busy = await other
        .get(Orchestrator)
        .run(OrdersPipeline, input, { idempotencyKey: 'k', timeoutMs: 2000 });
      expect(busy.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
      expect(renew.mock.calls.length).toBeGreaterThanOrEqual(3);
      app.get(Orders).release();
      await first;
      const renewals = renew.mock.calls.length;
      await sleep(400);
      expect(renew.mock.calls.length).toBe(renewals);
    } finally {
      app.get(Orders).release();
      await app.close();
      await other.close();
    }
  });

  it("holds a long run's key on the default store for as long as the run lasts, with no lease to renew", async () => {
    const store = new InMemoryRunStore();
    const renew = jest.spyOn(store, 'renew');
    const app = await boot({ runStore: store, idempotency: { leaseMs: 50 } });
    try {
      const input: OrderCtx = { item: 'pen', mode: 'wait' };
      const orchestrator = app.get(Orchestrator);
      const first = orchestrator.run(OrdersPipeline, input, { idempotencyKey: 'k' });
      await sleep(200); // four leases
      const shared = orchestrator.run(OrdersPipeline, input, { idempotencyKey: 'k' });
      expect(await store.listExpired(Date.now(), 10)).toEqual([]);
      app.get(Orders).release();
      const result = await first;
      expect(result.success).toBe(true);
      // The second call shared the first run: one order, one run id.
      expect(await shared).toBe(result);
      expect(app.get(Orders).created).toEqual(['pen']);
      expect(renew).not.toHaveBeenCalled();
    } finally {
      app.get(Orders).release();
      await app.close();
    }
  });
});

describe('idempotency options', () => {
  it('uses one InMemoryRunStore by default and exposes the store as RUN_STORE', async () => {
    const app = await boot();
    expect(app.get(RUN_STORE)).toBeInstanceOf(InMemoryRunStore);
    await app.close();
    const store = new InMemoryRunStore();
    const custom = await boot({ runStore: store });
    expect(custom.get(RUN_STORE)).toBe(store);
    await custom.close();
  });

  it('takes a store built with dependencies through forRootAsync', async () => {
    const store = new InMemoryRunStore();
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRootAsync({
          useFactory: () => ({ logFailures: false, runStore: store as RunStore }),
        }),
      ],
      providers: [Orders, OrdersPipeline],
    }).compile();
    await module.init();
    await module.get(Orchestrator).run(OrdersPipeline, { item: 'pen' }, { idempotencyKey: 'k' });
    expect(await store.claim(IDEMPOTENCY_KEY_PREFIX + 'k', 'fp', 'x', 10)).toMatchObject({
      status: 'mismatch',
    });
    await module.close();
  });

  it.each([
    [{ idempotency: { leaseMs: 0 } }, /idempotency\.leaseMs is invalid \(0\)/],
    [{ idempotency: { retainMs: Number.NaN } }, /idempotency\.retainMs is invalid \(NaN\)/],
    [{ idempotency: { leaseMs: '5000' } }, /idempotency\.leaseMs is invalid \(5000\)/],
    [{ runStore: {} }, /runStore is not a RunStore: it has no claim\(\) method/],
    [
      { runStore: { claim() {}, renew() {}, complete() {}, release() {} } },
      /it has no record\(\) method/,
    ],
    [
      { runStore: { claim() {}, renew() {}, record() {}, complete() {}, release() {} } },
      /it has no listExpired\(\) method/,
    ],
  ])('refuses %j at boot', async (options, message) => {
    const booting = boot(options as unknown as OrchestratorModuleOptions);
    await expect(booting).rejects.toThrow(OrchestratorConfigurationError);
    await expect(booting).rejects.toThrow(message);
  });
});
