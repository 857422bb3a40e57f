import { Injectable, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import type { OperationRun } from './interfaces/operation-run.interface.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import { NonRetryableError, OperationError } from './orchestrator.errors.js';
import { Orchestrator } from './orchestrator.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { PipelineRegistry } from './pipeline.registry.js';
import { createPipelineTestingModule } from './testing/index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

@Injectable()
class Flaky {
  calls = 0;
  attempts: number[] = [];
  /** Fails the first `failures` calls, and any call listed in `failCalls`, with `error()`. */
  failures = 0;
  failCalls: number[] = [];
  error: () => unknown = () => new Error('connection reset');

  async call(run: OperationRun): Promise<string> {
    this.calls++;
    this.attempts.push(run.attempt);
    if (this.calls <= this.failures || this.failCalls.includes(this.calls)) throw this.error();
    return 'ok';
  }
}

interface Ctx {
  answer?: string;
}

describe('retries', () => {
  @Pipeline()
  class Retrying {
    constructor(private readonly flaky: Flaky) {}

    @Operation({ retry: { attempts: 3, delayMs: 5, jitter: false } })
    async fetch(_ctx: Ctx, run: OperationRun) {
      return { answer: await this.flaky.call(run) };
    }

    @Operation(false)
    after() {}
  }

  async function setUp(failures: number, error?: () => unknown) {
    const retries: string[] = [];
    const observer: OrchestratorObserver = {
      onOperationRetry: (pipeline, operation, attempt, delayMs) =>
        retries.push(`${pipeline.name}.${operation.name} #${attempt} +${delayMs}ms`),
    };
    const app = await createPipelineTestingModule(Retrying, {
      providers: [Flaky],
      orchestrator: { observers: [observer] },
    });
    const flaky = app.module.get(Flaky);
    flaky.failures = failures;
    if (error) flaky.error = error;
    return { app, flaky, retries };
  }

  it('retries a failing operation with a fresh attempt number and reports the tries', async () => {
    const { app, flaky, retries } = await setUp(2);
    const result = await app.run({});
    expect(result).toMatchObject({ success: true, data: { answer: 'ok' }, attempts: { fetch: 3 } });
    expect(flaky.attempts).toEqual([1, 2, 3]);
    expect(Object.keys(result.metrics)).toEqual(['fetch', 'after']);
    expect(result.metrics.fetch).toBeGreaterThanOrEqual(14); // waits of 5 + 10 ms
    expect(retries).toEqual(['Retrying.fetch #1 +5ms', 'Retrying.fetch #2 +10ms']);
    await app.close();
  });

  it('fails with the last error once the attempts are used up', async () => {
    const { app, flaky } = await setUp(10);
    const result = await app.run({});
    expect(result).toMatchObject({
      success: false,
      error: { operation: 'fetch', message: 'connection reset' },
      attempts: { fetch: 3 },
    });
    expect(flaky.calls).toBe(3);
    await app.close();
  });

  it.each([
    ['NonRetryableError', () => new NonRetryableError('card reported stolen', 'CARD_STOLEN')],
    ['a validation error', () => new OperationError('VALIDATION', 'sku is unknown')],
  ])('never retries %s', async (_label, error) => {
    const { app, flaky } = await setUp(10, error);
    const result = await app.run({});
    expect(result.success).toBe(false);
    expect(flaky.calls).toBe(1);
    expect(result.attempts).toBeUndefined();
    await app.close();
  });

  it('asks retryOn whether an error is worth another try', async () => {
    @Pipeline()
    class Picky {
      constructor(private readonly flaky: Flaky) {}

      @Operation({
        retry: { attempts: 5, delayMs: 1, retryOn: (e) => (e as Error).message === 'busy' },
      })
      async fetch(_ctx: Ctx, run: OperationRun) {
        await this.flaky.call(run);
      }
    }
    const app = await createPipelineTestingModule(Picky, { providers: [Flaky] });
    const flaky = app.module.get(Flaky);
    flaky.failures = 10;
    flaky.error = () => new Error(flaky.calls < 3 ? 'busy' : 'gone');
    expect((await app.run({})).error?.message).toBe('gone');
    expect(flaky.calls).toBe(3);
    await app.close();
  });

  it('bounds all attempts by the operation budget: no retry that would start after it', async () => {
    @Pipeline()
    class Bounded {
      constructor(private readonly flaky: Flaky) {}

      @Operation({
        timeoutMs: 60,
        retry: { attempts: 10, backoff: 'fixed', delayMs: 40, jitter: false },
      })
      async fetch(_ctx: Ctx, run: OperationRun) {
        await this.flaky.call(run);
      }
    }
    const app = await createPipelineTestingModule(Bounded, { providers: [Flaky] });
    const flaky = app.module.get(Flaky);
    flaky.failures = 10;
    const result = await app.run({});
    expect(result.error).toMatchObject({ operation: 'fetch', message: 'connection reset' });
    // A third try would start at ~400 ms, past the 300 ms budget, so it never starts.
    expect(flaky.calls).toBe(2);
    await app.close();
  });

  it('ends the wait between attempts at once when the caller aborts, and tries no more', async () => {
    @Pipeline()
    class Patient {
      constructor(private readonly flaky: Flaky) {}

      @Operation({ retry: { attempts: 3, backoff: 'fixed', delayMs: 300, jitter: false } })
      async fetch(_ctx: Ctx, run: OperationRun) {
        await this.flaky.call(run);
      }
    }
    const app = await createPipelineTestingModule(Patient, { providers: [Flaky] });
    const flaky = app.module.get(Flaky);
    flaky.failures = 10;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await app.run({}, { signal: controller.signal });
    expect(result.error).toMatchObject({ operation: 'fetch', code: 'ABORTED' });
    expect(result.duration).toBeLessThan(150);
    await sleep(350);
    expect(flaky.calls).toBe(1);
    await app.close();
  });

  it('applies the module default, which an operation can turn off', async () => {
    @Pipeline()
    class Defaults {
      constructor(private readonly flaky: Flaky) {}

      @Operation()
      async first(_ctx: Ctx, run: OperationRun) {
        await this.flaky.call(run);
      }

      @Operation({ retry: false })
      async second(_ctx: Ctx, run: OperationRun) {
        await this.flaky.call(run);
      }
    }
    const app = await createPipelineTestingModule(Defaults, {
      providers: [Flaky],
      orchestrator: { defaultRetry: { attempts: 2, delayMs: 1 } },
    });
    const flaky = app.module.get(Flaky);
    flaky.failCalls = [1, 3];
    const result = await app.run({});
    expect(result.error?.operation).toBe('second');
    expect(result.attempts).toEqual({ first: 2 });
    expect(flaky.calls).toBe(3);
    await app.close();
  });
});

describe('module default budgets', () => {
  @Pipeline({ name: 'budgets', timeoutMs: false })
  class Budgets {
    @Operation({ timeoutMs: false })
    async unbounded(_ctx: object, run: OperationRun) {
      await sleep(60);
      return { unboundedDeadline: run.deadline ?? 'none', unboundedAborted: run.signal.aborted };
    }

    @Operation({ critical: false })
    async bounded() {
      await sleep(60);
    }
  }

  it('apply to every operation and run unless one declares `timeoutMs: false`', async () => {
    const app = await createPipelineTestingModule(Budgets, {
      orchestrator: { defaultOperationTimeoutMs: 20, defaultPipelineTimeoutMs: 30 },
    });
    const definition = app.module.get(PipelineRegistry).get('budgets');
    expect(definition?.timeoutMs).toBeUndefined();
    expect(definition?.operations.map((operation) => operation.timeoutMs)).toEqual([undefined, 20]);

    // 60 ms, past both defaults, then the operation that kept its budget is cut at 20 ms.
    const result = await app.run({});
    expect(result.success).toBe(true);
    expect(result.data).toEqual({ unboundedDeadline: 'none', unboundedAborted: false });
    expect(result.errors).toEqual([
      expect.objectContaining({ operation: 'bounded', code: 'TIMEOUT' }),
    ]);
    expect(result.metrics.unbounded).toBeGreaterThanOrEqual(55);
    await app.close();
  });

  it('leave an operation that opts out bounded by its run, and its compensation by 5 s', async () => {
    @Pipeline({ name: 'bounded-run', timeoutMs: 30 })
    class BoundedRun {
      @Operation({ timeoutMs: false, compensate: 'undo' })
      async long() {
        await sleep(200);
      }

      undo() {}
    }
    const app = await createPipelineTestingModule(BoundedRun, {
      orchestrator: { defaultOperationTimeoutMs: 20 },
    });
    const [operation] = app.module.get(PipelineRegistry).get('bounded-run')!.operations;
    expect(operation.compensationTimeoutMs).toBe(5000);
    const result = await app.run({});
    expect(result.error).toEqual(expect.objectContaining({ operation: 'long', code: 'TIMEOUT' }));
    // Ended by the run's 30 ms, not by the operation's 200 ms.
    expect(result.duration).toBeLessThan(150);
    await app.close();
  });

  it('still refuses a budget that is neither a positive number nor `false`', async () => {
    @Pipeline()
    class Wrong {
      @Operation({ timeoutMs: true as unknown as number })
      only() {}
    }
    await expect(createPipelineTestingModule(Wrong)).rejects.toThrow(
      'Wrong@only has an invalid timeout (true): use a positive finite number of milliseconds, or false for none.',
    );
  });
});

@Injectable()
class Ledger {
  readonly entries: string[] = [];
  readonly signals: AbortSignal[] = [];
}

interface OrderCtx {
  sku: string;
  fail?: 'charge' | 'refund' | 'hang';
  reservation?: string;
  charge?: string;
}

class CollectingLogger implements LoggerService {
  readonly errors: string[] = [];
  log() {}
  warn() {}
  error(message: string) {
    this.errors.push(message);
  }
}

describe('compensation', () => {
  @Pipeline({ timeoutMs: 500 })
  class PlaceOrder {
    constructor(private readonly ledger: Ledger) {}

    @Operation({ compensate: 'releaseStock' })
    reserve(ctx: OrderCtx) {
      this.ledger.entries.push(`reserve ${ctx.sku}`);
      return { reservation: `r-${ctx.sku}` };
    }

    @Operation({ critical: false })
    notifyWarehouse() {
      this.ledger.entries.push('notify');
    }

    @Operation({ critical: false, compensate: 'forgetAudit' })
    audit() {
      this.ledger.entries.push('audit');
    }

    @Operation({ compensate: 'refund', compensationTimeoutMs: 50 })
    async charge(_ctx: OrderCtx) {
      this.ledger.entries.push('charge');
      return { charge: 'c-1' };
    }

    @Operation()
    async confirm(ctx: OrderCtx, run: OperationRun) {
      if (ctx.fail === 'hang')
        await new Promise((resolve) => run.signal.addEventListener('abort', resolve));
      if (ctx.fail) throw new Error('warehouse refused');
      this.ledger.entries.push('confirm');
    }

    releaseStock(ctx: OrderCtx, run: OperationRun) {
      this.ledger.signals.push(run.signal);
      this.ledger.entries.push(`release ${ctx.reservation} (charge=${ctx.charge ?? 'none'})`);
    }

    forgetAudit() {
      this.ledger.entries.push('forget audit');
    }

    async refund(ctx: OrderCtx, run: OperationRun) {
      this.ledger.signals.push(run.signal);
      if (ctx.fail === 'refund') throw new Error('refund service down');
      if (ctx.fail === 'hang') await new Promise((resolve) => setTimeout(resolve, 200));
      this.ledger.entries.push(`refund ${ctx.charge}`);
    }
  }

  async function setUp() {
    const logger = new CollectingLogger();
    const app = await createPipelineTestingModule(PlaceOrder, { providers: [Ledger] });
    app.module.useLogger(logger);
    return { app, ledger: app.module.get(Ledger), logger };
  }

  it('undoes the succeeded steps in reverse order, each with the context as it was then', async () => {
    const { app, ledger } = await setUp();
    const result = await app.run({ sku: 'A-1', fail: 'charge' });
    expect(result.success).toBe(false);
    expect(result.error).toMatchObject({ operation: 'confirm', message: 'warehouse refused' });
    expect(result.compensation).toEqual({ charge: 'done', audit: 'done', reserve: 'done' });
    expect(ledger.entries).toEqual([
      'reserve A-1',
      'notify',
      'audit',
      'charge',
      'refund c-1',
      'forget audit',
      'release r-A-1 (charge=none)',
    ]);
    await app.close();
  });

  it('records a failing compensation, logs it, and still runs the others', async () => {
    const { app, ledger, logger } = await setUp();
    const result = await app.run({ sku: 'B-2', fail: 'refund' });
    expect(result.compensation).toEqual({ charge: 'failed', audit: 'done', reserve: 'done' });
    expect(ledger.entries.slice(-2)).toEqual(['forget audit', 'release r-B-2 (charge=none)']);
    expect(logger.errors).toContain(
      `Compensation of PlaceOrder.charge failure: refund service down; the other compensations still run. (run ${result.runId})`,
    );
    await app.close();
  });

  it('compensates a timed-out run with fresh signals and bounds each compensation', async () => {
    const { app, ledger } = await setUp();
    const result = await app.run({ sku: 'C-3', fail: 'hang' }, { timeoutMs: 30 });
    expect(result.error).toMatchObject({ operation: 'confirm', code: 'TIMEOUT' });
    // refund sleeps 200 ms against a 50 ms budget; release still gets its turn.
    expect(result.compensation).toEqual({ charge: 'failed', audit: 'done', reserve: 'done' });
    expect(ledger.signals).toHaveLength(2);
    expect((ledger.signals[0].reason as Error).name).toBe('TimeoutError');
    expect(ledger.entries).toContain('release r-C-3 (charge=none)');
    expect(result.duration).toBeLessThan(200);
    await app.close();
  });

  it('runs nothing and reports nothing when the run succeeds', async () => {
    const { app, ledger } = await setUp();
    const result = await app.run({ sku: 'D-4' });
    expect(result.success).toBe(true);
    expect(result.compensation).toBeUndefined();
    expect(ledger.entries).toEqual(['reserve D-4', 'notify', 'audit', 'charge', 'confirm']);
    await app.close();
  });

  it.each([
    ['missing', 'names compensation "missing", which is not a method of Broken'],
    ['other', 'names compensation "other", which is itself an @Operation'],
  ])('refuses at boot a compensation that is %s', async (compensate, message) => {
    @Pipeline()
    class Broken {
      @Operation({ compensate })
      step() {}

      @Operation()
      other() {}
    }
    const compile = Test.createTestingModule({
      imports: [OrchestratorModule.forRoot({ logFailures: false })],
      providers: [Broken],
    }).compile();
    await expect(compile.then((m) => m.init())).rejects.toThrow(`Broken@step ${message}`);
  });

  it('is reported to observers', async () => {
    const seen: string[] = [];
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({
          logFailures: false,
          observers: [
            {
              onCompensationEnd: (_p, operation, outcome) =>
                seen.push(`${operation.name} ${outcome}`),
            },
          ],
        }),
      ],
      providers: [PlaceOrder, Ledger],
    }).compile();
    module.useLogger(false);
    await module.init();
    await module.get(Orchestrator).run(PlaceOrder, { sku: 'E-5', fail: 'refund' });
    expect(seen).toEqual(['charge failure', 'audit success', 'reserve success']);
    await module.close();
  });
});
