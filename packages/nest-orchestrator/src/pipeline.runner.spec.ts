import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import type { OperationRun } from './interfaces/operation-run.interface.js';
import { OperationError } from './orchestrator.errors.js';
import { createPipelineTestingModule, type PipelineTestingApp } from './testing/index.js';

interface Ctx {
  value: number;
  trail?: string[];
  doubled?: number;
  note?: string;
}

/** Resolves after `ms`, or never when `ms` is Infinity. */
const sleep = (ms: number) =>
  new Promise<void>((resolve) => ms !== Infinity && setTimeout(resolve, ms));

@Injectable()
class Journal {
  readonly started: string[] = [];
  readonly signals: Record<string, AbortSignal> = {};
  readonly deadlines: Record<string, number | undefined> = {};
}

describe('PipelineRunner semantics', () => {
  describe('the happy path', () => {
    @Pipeline()
    class Doubling {
      constructor(private readonly journal: Journal) {}

      @Operation()
      start(ctx: Ctx) {
        this.journal.started.push('start');
        ctx.trail = ['start'];
      }

      @Operation()
      async double(ctx: Ctx) {
        this.journal.started.push('double');
        // 2 ms, not 1: libuv arms a timer from its cached loop time, so a 1 ms timer can fire
        // after less than 1 ms of real time, and the assertion below is about real time.
        await sleep(2);
        return { doubled: ctx.value * 2 };
      }

      @Operation(false)
      finish(ctx: Ctx): Ctx {
        this.journal.started.push('finish');
        return { ...ctx, note: 'done' };
      }
    }

    let app: PipelineTestingApp<Doubling, Ctx>;
    beforeAll(async () => {
      app = await createPipelineTestingModule(Doubling, { providers: [Journal] });
    });
    afterAll(() => app.close());

    it('runs operations in declaration order and returns the final context', async () => {
      const input = { value: 21 };
      const result = await app.run(input);
      expect(app.module.get(Journal).started).toEqual(['start', 'double', 'finish']);
      expect(result).toMatchObject({
        success: true,
        data: { value: 21, trail: ['start'], doubled: 42, note: 'done' },
        errors: [],
      });
      expect(result.error).toBeUndefined();
      expect(input).toEqual({ value: 21 });
    });

    it('times every operation with sub-millisecond precision', async () => {
      const result = await app.run({ value: 1 });
      expect(Object.keys(result.metrics)).toEqual(['start', 'double', 'finish']);
      for (const ms of Object.values(result.metrics)) expect(ms).toBeGreaterThan(0);
      expect(result.metrics.start).toBeLessThan(1);
      expect(Number.isInteger(result.metrics.start)).toBe(false);
      expect(result.metrics.double).toBeGreaterThanOrEqual(0.9);
      const sum = Object.values(result.metrics).reduce((a, b) => a + b, 0);
      expect(result.duration).toBeGreaterThanOrEqual(sum);
    });
  });

  it('does not put synchronous operations behind an extra await', async () => {
    let microtaskRan = false;
    @Pipeline()
    class SyncOnly {
      @Operation()
      first(_ctx: Ctx) {
        queueMicrotask(() => (microtaskRan = true));
      }

      @Operation()
      second(_ctx: Ctx) {
        return { note: microtaskRan ? 'awaited' : 'same tick' };
      }
    }
    const app = await createPipelineTestingModule(SyncOnly);
    const result = await app.run({ value: 0 });
    expect(result.data?.note).toBe('same tick');
    await app.close();
  });

  describe('failures', () => {
    @Pipeline()
    class Failing {
      constructor(private readonly journal: Journal) {}

      @Operation({ critical: false })
      flaky(ctx: Ctx) {
        this.journal.started.push('flaky');
        if (ctx.value === 1) throw new Error('notifier down');
      }

      @Operation()
      async charge(ctx: Ctx) {
        this.journal.started.push('charge');
        if (ctx.value === 2)
          throw new OperationError('PAYMENT_DECLINED', 'Card declined', { retry: false });
        if (ctx.value === 3) return Promise.reject(new Error('gateway said no'));
        if (ctx.value === 4) throw 'a bare string';
        if (ctx.value === 5) throw { weird: true };
        if (ctx.value === 6) return 42 as unknown as Ctx;
        return { note: 'charged' };
      }

      @Operation()
      ship() {
        this.journal.started.push('ship');
      }
    }

    let app: PipelineTestingApp<Failing, Ctx>;
    let journal: Journal;
    beforeEach(async () => {
      app = await createPipelineTestingModule(Failing, { providers: [Journal] });
      journal = app.module.get(Journal);
    });
    afterEach(() => app.close());

    it('records a non-critical failure and goes on', async () => {
      const result = await app.run({ value: 1 });
      expect(result.success).toBe(true);
      expect(result.errors).toEqual([
        { operation: 'flaky', message: 'notifier down', code: 'OPERATION_FAILED', critical: false },
      ]);
      expect(journal.started).toEqual(['flaky', 'charge', 'ship']);
      expect(Object.keys(result.metrics)).toEqual(['flaky', 'charge', 'ship']);
    });

    it('stops at a critical failure: no later operation starts', async () => {
      const result = await app.run({ value: 2 });
      expect(result.success).toBe(false);
      expect(result.data).toBeUndefined();
      expect(result.error).toEqual({
        operation: 'charge',
        message: 'Card declined',
        code: 'PAYMENT_DECLINED',
        details: { retry: false },
      });
      expect(journal.started).toEqual(['flaky', 'charge']);
      expect(Object.keys(result.metrics)).toEqual(['flaky', 'charge']);
      expect(result.metrics.charge).toBeGreaterThan(0);
    });

    it('keeps the thrown value as a hidden cause that never reaches JSON', async () => {
      const result = await app.run({ value: 2 });
      expect(result.error?.cause).toBeInstanceOf(OperationError);
      expect(JSON.stringify(result)).not.toContain('cause');
    });

    it.each([
      [3, 'gateway said no'],
      [4, 'a bare string'],
      [5, 'Operation threw a non-Error value: [object Object]'],
      [
        6,
        'Failing@charge returned number: an operation returns the context, a partial of it, or nothing.',
      ],
    ])(
      'handles rejections, non-Error throws and bad returns alike (case %i)',
      async (value, message) => {
        const result = await app.run({ value });
        expect(result.success).toBe(false);
        expect(result.error).toMatchObject({
          operation: 'charge',
          code: 'OPERATION_FAILED',
          message,
        });
        expect(journal.started).not.toContain('ship');
      },
    );
  });

  describe('timeouts and aborts', () => {
    let release: (value: Partial<Ctx>) => void = () => undefined;

    @Pipeline({ timeoutMs: 150 })
    class Slow {
      constructor(private readonly journal: Journal) {}

      @Operation({ critical: false, timeoutMs: 20 })
      async notify(ctx: Ctx, run: OperationRun) {
        this.journal.started.push('notify');
        this.journal.signals.notify = run.signal;
        this.journal.deadlines.notify = run.deadline;
        if (ctx.value === 1) await sleep(Infinity);
        return { note: 'notified' };
      }

      @Operation({ timeoutMs: 40 })
      async create(ctx: Ctx, run: OperationRun) {
        this.journal.started.push('create');
        this.journal.signals.create = run.signal;
        if (ctx.value === 2) return new Promise<Partial<Ctx>>((resolve) => (release = resolve));
        if (ctx.value === 3) await sleep(Infinity);
        return { doubled: ctx.value * 2 };
      }

      @Operation()
      async wait(ctx: Ctx, run: OperationRun) {
        this.journal.started.push('wait');
        this.journal.signals.wait = run.signal;
        this.journal.deadlines.wait = run.deadline;
        if (ctx.value === 4) await sleep(Infinity);
      }

      @Operation()
      after() {
        this.journal.started.push('after');
      }
    }

    let app: PipelineTestingApp<Slow, Ctx>;
    let journal: Journal;
    beforeEach(async () => {
      app = await createPipelineTestingModule(Slow, { providers: [Journal] });
      journal = app.module.get(Journal);
    });
    afterEach(() => app.close());

    it('records a non-critical timeout, aborts its signal and goes on', async () => {
      const result = await app.run({ value: 1 });
      expect(result.success).toBe(true);
      expect(result.errors).toEqual([
        {
          operation: 'notify',
          message: 'Operation "notify" timed out after 20 ms.',
          code: 'TIMEOUT',
          critical: false,
        },
      ]);
      expect(journal.signals.notify.aborted).toBe(true);
      expect((journal.signals.notify.reason as Error).name).toBe('TimeoutError');
      expect(result.metrics.notify).toBeGreaterThanOrEqual(19);
      expect(result.metrics.notify).toBeLessThan(100);
      expect(journal.started).toEqual(['notify', 'create', 'wait', 'after']);
    });

    it('ends the run at a critical timeout, and a late result starts nothing', async () => {
      const result = await app.run({ value: 2 });
      expect(result.success).toBe(false);
      expect(result.error).toMatchObject({ operation: 'create', code: 'TIMEOUT' });
      expect(journal.signals.create.aborted).toBe(true);
      release({ doubled: 99 });
      await sleep(20);
      expect(journal.started).toEqual(['notify', 'create']);
    });

    it('ends the run when the pipeline budget runs out, whatever the operation', async () => {
      const started = performance.now();
      const result = await app.run({ value: 4 });
      const took = performance.now() - started;
      expect(result.error).toEqual({
        operation: 'wait',
        code: 'TIMEOUT',
        message: 'Pipeline "Slow" timed out after 150 ms (during "wait").',
      });
      expect(took).toBeGreaterThanOrEqual(145);
      expect(took).toBeLessThan(400);
      expect(journal.signals.wait.aborted).toBe(true);
      expect(journal.started).not.toContain('after');
    });

    it('lets a caller override the budget per run', async () => {
      const result = await app.run({ value: 4 }, { timeoutMs: 30 });
      expect(result.error?.message).toBe('Pipeline "Slow" timed out after 30 ms (during "wait").');
    });

    it('gives operations a deadline from their own or the run budget', async () => {
      const before = performance.timeOrigin + performance.now();
      await app.run({ value: 0 });
      expect(journal.deadlines.notify).toBeGreaterThanOrEqual(before + 19);
      expect(journal.deadlines.notify).toBeLessThanOrEqual(before + 25);
      expect(journal.deadlines.wait).toBeGreaterThan(before + 100);
    });

    it('ends the run at once when the caller aborts', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      const result = await app.run({ value: 4 }, { signal: controller.signal });
      expect(result.success).toBe(false);
      expect(result.error).toMatchObject({ operation: 'wait', code: 'ABORTED' });
      expect(journal.signals.wait.aborted).toBe(true);
      expect(result.metrics.wait).toBeLessThan(100);
      expect(journal.started).not.toContain('after');
    });

    it('starts nothing when the caller signal is already aborted', async () => {
      const result = await app.run({ value: 0 }, { signal: AbortSignal.abort() });
      expect(result.error).toMatchObject({ operation: 'notify', code: 'ABORTED' });
      expect(result.metrics).toEqual({});
      expect(journal.started).toEqual([]);
    });

    it('aborts the signal it handed out once the run has ended', async () => {
      const result = await app.run({ value: 0 });
      expect(result.success).toBe(true);
      expect(journal.signals.wait.aborted).toBe(true);
    });
  });

  it('has no deadline for an unbounded run', async () => {
    let seen: number | undefined = 0;
    @Pipeline()
    class Unbounded {
      @Operation()
      look(_ctx: Ctx, run: OperationRun) {
        seen = run.deadline;
        expect(run.signal.aborted).toBe(false);
      }
    }
    const app = await createPipelineTestingModule(Unbounded);
    expect((await app.run({ value: 0 })).success).toBe(true);
    expect(seen).toBeUndefined();
    await app.close();
  });
});

describe('a timed-out operation that settles later', () => {
  @Pipeline('late')
  class Late {
    @Operation({ critical: false, timeoutMs: 10 })
    async slow() {
      await sleep(40);
      return { slow: 'late' };
    }

    @Operation()
    async next() {
      await sleep(100);
      return { next: 'own' };
    }
  }

  it('is dropped: the operation waited for meanwhile keeps its own result and time', async () => {
    const app = await createPipelineTestingModule(Late);
    const result = await app.run({});
    expect(result.success).toBe(true);
    expect(result.errors).toEqual([
      expect.objectContaining({ operation: 'slow', code: 'TIMEOUT' }),
    ]);
    expect(result.data).toEqual({ next: 'own' });
    expect(result.metrics.next).toBeGreaterThanOrEqual(90);
    await app.close();
  });
});

describe('the async context of a run', () => {
  const requests = new AsyncLocalStorage<string>();

  @Pipeline('context')
  class InContext {
    @Operation({ critical: false, timeoutMs: 10 })
    async slow() {
      await sleep(60);
    }

    @Operation()
    after() {
      return { request: requests.getStore() };
    }
  }

  it("stays the caller's after an operation times out, whichever run armed the shared timer", async () => {
    const app = await createPipelineTestingModule(InContext);
    const [a, b] = await Promise.all([
      requests.run('a', () => app.run({})),
      requests.run('b', () => app.run({})),
    ]);
    expect(a.errors).toEqual([expect.objectContaining({ operation: 'slow', code: 'TIMEOUT' })]);
    expect(a.data).toEqual({ request: 'a' });
    expect(b.data).toEqual({ request: 'b' });
    await app.close();
  });
});

describe('an operation that returns a thenable of its own', () => {
  @Pipeline('thenables')
  class Thenables {
    @Operation()
    eager() {
      // Calls back at once, and twice: only a real promise's first settlement may count.
      return {
        then(resolve: (value: object) => void) {
          resolve({ eager: 1 });
          resolve({ eager: 2 });
        },
      };
    }

    @Operation()
    next(ctx: { eager?: number }) {
      return { next: ctx.eager };
    }
  }

  it('is adopted like a promise: one result, then the next operation', async () => {
    const app = await createPipelineTestingModule(Thenables);
    const result = await app.run({});
    expect(result.success).toBe(true);
    expect(result.data).toEqual({ eager: 1, next: 1 });
    expect(Object.keys(result.metrics)).toEqual(['eager', 'next']);
    await app.close();
  });
});
