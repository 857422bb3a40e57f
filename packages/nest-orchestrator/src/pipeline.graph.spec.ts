import { Injectable, type LoggerService, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import type { OperationRun } from './interfaces/operation-run.interface.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import type { OperationOutcome } from './interfaces/pipeline-result.interface.js';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { PipelineRegistry } from './pipeline.registry.js';
import { createPipelineTestingModule } from './testing/index.js';

/** A promise settled from outside, so a spec decides when an operation finishes. */
class Gate {
  readonly promise: Promise<void>;
  open!: () => void;
  fail!: (error: Error) => void;
  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.open = resolve;
      this.fail = reject;
    });
  }
}

/** Resolves once the event loop has run everything already queued (timers included). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

@Injectable()
class Trace {
  readonly events: string[] = [];
  readonly gates = new Map<string, Gate>();
  readonly signals = new Map<string, AbortSignal>();
  readonly undone: string[] = [];

  gate(name: string): Gate {
    let gate = this.gates.get(name);
    if (gate === undefined) this.gates.set(name, (gate = new Gate()));
    return gate;
  }

  /**
   * Records the start, waits for the spec to open (or fail) the gate, records the end. Stops when
   * its signal aborts, as I/O given `run.signal` does.
   */
  async step(name: string, run: OperationRun): Promise<void> {
    this.events.push(`start ${name}`);
    this.signals.set(name, run.signal);
    const signal = run.signal;
    try {
      await Promise.race([
        this.gate(name).promise,
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
        ),
      ]);
    } catch (error) {
      this.events.push(signal.aborted ? `stopped ${name}` : `failed ${name}`);
      throw error;
    }
    this.events.push(`end ${name}`);
  }
}

class Timeline implements OrchestratorObserver {
  readonly ends: { name: string; outcome: OperationOutcome; offset: number; took: number }[] = [];
  onOperationEnd(
    _pipeline: unknown,
    operation: { name: string },
    outcome: OperationOutcome,
    took: number,
    _error: unknown,
    _runId: string,
    offset: number,
  ): void {
    this.ends.push({ name: operation.name, outcome, offset, took });
  }
}

interface FanCtx {
  order?: string;
  a?: number;
  b?: number;
  c?: number;
  seenByD?: { a?: number; b?: number; c?: number };
}

@Pipeline('fan')
class Fan {
  constructor(private readonly trace: Trace) {}

  @Operation({ compensate: 'undoA' })
  async a(_ctx: FanCtx, run: OperationRun) {
    await this.trace.step('a', run);
    return { a: 1 };
  }

  @Operation({ after: ['a'], critical: false })
  async b(_ctx: FanCtx, run: OperationRun) {
    await this.trace.step('b', run);
    return { b: 2 };
  }

  @Operation({ after: ['a'], compensate: 'undoC' })
  async c(_ctx: FanCtx, run: OperationRun) {
    await this.trace.step('c', run);
    return { c: 3 };
  }

  @Operation({ after: ['b', 'c'] })
  async d(ctx: FanCtx, run: OperationRun) {
    ctx.seenByD = { a: ctx.a, b: ctx.b, c: ctx.c };
    await this.trace.step('d', run);
  }

  undoA() {
    this.trace.undone.push('a');
    this.trace.events.push('undo a');
  }

  undoC() {
    this.trace.undone.push('c');
  }
}

async function fan(providers: Provider[] = []) {
  const timeline = new Timeline();
  const app = await createPipelineTestingModule<Fan, FanCtx>(Fan, {
    providers: [Trace, ...providers],
    orchestrator: { observers: [timeline] },
  });
  return { app, trace: app.module.get(Trace), timeline };
}

describe('operations side by side (after)', () => {
  it('starts an operation once everything it comes after has finished, siblings at once', async () => {
    const { app, trace } = await fan();
    const running = app.run({});
    await settle();
    expect(trace.events).toEqual(['start a']);
    trace.gate('a').open();
    await settle();
    // b and c both wait for a only: they run side by side, started in declaration order.
    expect(trace.events).toEqual(['start a', 'end a', 'start b', 'start c']);
    trace.gate('c').open();
    await settle();
    expect(trace.events).not.toContain('start d'); // d also waits for b
    trace.gate('b').open();
    await settle();
    expect(trace.events.slice(-1)).toEqual(['start d']);
    trace.gate('d').open();
    const result = await running;
    expect(result.success).toBe(true);
    expect(Object.keys(result.metrics)).toEqual(['a', 'b', 'c', 'd']);
    await app.close();
  });

  it('starts ready operations in declaration order, not in the order they became ready', async () => {
    // `late` waits for nothing but is declared after `next`, which waits for `first`: when
    // `first` ends, both are ready, and `next` (declared earlier) starts first.
    @Pipeline({ name: 'declared-order' })
    class DeclaredOrder {
      readonly started: string[] = [];

      @Operation({ after: [] })
      first() {
        this.started.push('first');
      }

      @Operation({ after: ['first'] })
      next() {
        this.started.push('next');
      }

      @Operation({ after: [] })
      late() {
        this.started.push('late');
      }
    }
    const app = await createPipelineTestingModule<DeclaredOrder, object>(DeclaredOrder);
    expect((await app.run({})).success).toBe(true);
    expect(app.module.get(DeclaredOrder).started).toEqual(['first', 'next', 'late']);
    await app.close();
  });

  it('merges each partial as it lands: an operation sees everything it comes after', async () => {
    const { app, trace } = await fan();
    for (const name of ['a', 'b', 'c', 'd']) trace.gate(name).open();
    const result = await app.run({});
    expect(result.data?.seenByD).toEqual({ a: 1, b: 2, c: 3 });
    await app.close();
  });

  it('gives observers each start offset, so side-by-side operations overlap on a waterfall', async () => {
    const { app, trace, timeline } = await fan();
    const running = app.run({});
    trace.gate('a').open();
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    trace.gate('b').open();
    trace.gate('c').open();
    trace.gate('d').open();
    const result = await running;
    const by = Object.fromEntries(timeline.ends.map((end) => [end.name, end]));
    // The run's wall time covers its last operation's end.
    expect(result.duration).toBeGreaterThanOrEqual(by.d.offset + by.d.took - 0.5);
    expect(by.a.offset).toBeLessThan(by.b.offset);
    expect(by.b.offset).toBeGreaterThanOrEqual(by.a.offset + by.a.took - 0.5);
    // b and c started together and ran for the same ~20 ms.
    expect(Math.abs(by.b.offset - by.c.offset)).toBeLessThan(5);
    expect(by.b.took).toBeGreaterThanOrEqual(19);
    expect(by.c.took).toBeGreaterThanOrEqual(19);
    expect(by.d.offset).toBeGreaterThanOrEqual(by.b.offset + by.b.took - 0.5);
    await app.close();
  });

  it('lets the dependents of a non-critical failure run, and records the failure', async () => {
    const { app, trace } = await fan();
    trace.gate('a').open();
    trace.gate('b').fail(new Error('mail down'));
    trace.gate('c').open();
    trace.gate('d').open();
    const result = await app.run({});
    expect(result.success).toBe(true);
    expect(result.errors).toEqual([
      { operation: 'b', message: 'mail down', code: 'OPERATION_FAILED', critical: false },
    ]);
    expect(trace.events).toContain('end d');
    expect(result.data?.seenByD).toEqual({ a: 1, b: undefined, c: 3 });
    await app.close();
  });

  it('ends the run on a critical failure: aborts running siblings, starts nothing, compensates', async () => {
    const { app, trace, timeline } = await fan();
    const running = app.run({});
    trace.gate('a').open();
    await settle();
    trace.gate('c').fail(new Error('card declined'));
    const result = await running;

    expect(result.success).toBe(false);
    expect(result.error).toMatchObject({ operation: 'c', message: 'card declined' });
    expect(trace.signals.get('b')?.aborted).toBe(true); // b was still running
    expect(trace.events).not.toContain('start d');
    expect(timeline.ends.map((end) => [end.name, end.outcome])).toEqual([
      ['a', 'success'],
      ['c', 'failure'],
      ['b', 'aborted'],
    ]);
    expect(result.errors).toEqual([]); // a stopped sibling is not a failure of its own
    expect(Object.keys(result.metrics).sort()).toEqual(['a', 'b', 'c']);
    expect(trace.undone).toEqual(['a']);
    expect(result.compensation).toEqual({ a: 'done' });
    // Compensation waited for the aborted sibling to stop.
    expect(trace.events.indexOf('stopped b')).toBeGreaterThan(-1);
    expect(trace.events.indexOf('stopped b')).toBeLessThan(trace.events.indexOf('undo a'));
    await app.close();
  });

  it('compensates what succeeded in reverse order of completion', async () => {
    @Pipeline('reverse')
    class Reverse {
      constructor(private readonly trace: Trace) {}

      @Operation({ after: [], compensate: 'undoSlow' })
      async slow(_ctx: object, run: OperationRun) {
        await this.trace.step('slow', run);
      }

      @Operation({ after: [], compensate: 'undoFast' })
      async fast(_ctx: object, run: OperationRun) {
        await this.trace.step('fast', run);
      }

      @Operation({ after: ['slow', 'fast'] })
      last() {
        throw new Error('no');
      }

      undoSlow() {
        this.trace.undone.push('slow');
      }

      undoFast() {
        this.trace.undone.push('fast');
      }
    }
    const app = await createPipelineTestingModule(Reverse, { providers: [Trace] });
    const trace = app.module.get(Trace);
    const running = app.run({});
    await settle();
    trace.gate('fast').open();
    await settle();
    trace.gate('slow').open();
    const result = await running;
    expect(result.error?.operation).toBe('last');
    // fast finished first, so it is undone last.
    expect(trace.undone).toEqual(['slow', 'fast']);
    await app.close();
  });

  it('applies per-operation timeouts and the run deadline to operations side by side', async () => {
    @Pipeline({ name: 'budgets', timeoutMs: 150 })
    class Budgets {
      constructor(private readonly trace: Trace) {}

      @Operation({ after: [], critical: false, timeoutMs: 20 })
      async quick(_ctx: object, run: OperationRun) {
        await this.trace.step('quick', run);
      }

      @Operation({ after: [] })
      async long(_ctx: object, run: OperationRun) {
        await this.trace.step('long', run);
      }

      @Operation({ after: ['quick'] })
      async afterQuick(_ctx: object, run: OperationRun) {
        await this.trace.step('afterQuick', run);
      }
    }
    const app = await createPipelineTestingModule(Budgets, { providers: [Trace] });
    const trace = app.module.get(Trace);
    trace.gate('afterQuick').open();
    const result = await app.run({});

    expect(result.errors).toEqual([
      expect.objectContaining({ operation: 'quick', code: 'TIMEOUT' }),
    ]);
    expect(trace.events).toContain('end afterQuick'); // a timed-out non-critical still counts as finished
    expect(result.success).toBe(false);
    expect(result.error).toMatchObject({ operation: 'long', code: 'TIMEOUT' });
    expect(trace.signals.get('long')?.aborted).toBe(true);
    await app.close();
  });

  it("reports the run's wall time as its duration, with no deadline or signal as well", async () => {
    @Pipeline('wall-time')
    class WallTime {
      @Operation()
      async first() {
        await new Promise((resolve) => setTimeout(resolve, 30));
      }

      @Operation({ after: [] })
      async second() {
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    }
    const app = await createPipelineTestingModule(WallTime);
    const result = await app.run({});
    // Side by side: as long as the longer one, not their sum, and not nothing.
    expect(result.duration).toBeGreaterThanOrEqual(
      Math.max(result.metrics.first, result.metrics.second) - 0.5,
    );
    expect(result.duration).toBeLessThan(result.metrics.first + result.metrics.second);
    await app.close();
  });

  it('lists every operation with its resolved after', async () => {
    const { app } = await fan();
    const [definition] = app.module.get(PipelineRegistry).list();
    expect(definition.operations.map((op) => [op.name, op.after])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
      ['d', ['b', 'c']],
    ]);
    await app.close();
  });
});

describe('after at boot', () => {
  async function boot(pipeline: new (...args: never[]) => unknown, logger?: LoggerService) {
    const module = await Test.createTestingModule({
      imports: [OrchestratorModule.forRoot({ logFailures: false })],
      providers: [pipeline],
    }).compile();
    if (logger !== undefined) module.useLogger(logger);
    return module.init();
  }

  it('refuses an unknown name, naming Class@method and what it could have been', async () => {
    @Pipeline()
    class Unknown {
      @Operation()
      reserve() {}

      @Operation({ after: ['reserv'] })
      charge() {}
    }
    const booting = boot(Unknown);
    await expect(booting).rejects.toThrow(OrchestratorConfigurationError);
    await expect(boot(Unknown)).rejects.toThrow(
      `Unknown@charge has after: ['reserv'], but no operation of its pipeline is named "reserv" (operations declared before it: reserve).`,
    );
  });

  it('refuses an operation that waits for itself', async () => {
    @Pipeline()
    class Itself {
      @Operation({ after: ['loop'] })
      loop() {}
    }
    await expect(boot(Itself)).rejects.toThrow(
      'Itself@loop lists itself in after: an operation cannot wait for itself.',
    );
  });

  it('refuses an operation declared later, so the order stays the one you read', async () => {
    @Pipeline()
    class Later {
      @Operation({ after: ['second'] })
      first() {}

      @Operation()
      second() {}
    }
    await expect(boot(Later)).rejects.toThrow(
      `Later@first has after: ['second'], but "second" is declared after it`,
    );
  });

  it('warns when operations that can run side by side share a compensation', async () => {
    @Pipeline('shared')
    class Shared {
      @Operation({ compensate: 'undo' })
      first() {}

      @Operation({ after: [], compensate: 'undo' })
      second() {}

      @Operation({ compensate: 'undo' })
      third() {}

      undo() {}
    }
    const lines: string[] = [];
    const logger: LoggerService = {
      log: () => undefined,
      error: () => undefined,
      warn: (message: string) => lines.push(message),
    };
    const module = await boot(Shared, logger);
    // first and second are independent; third comes after second, which came after nothing,
    // so it can overlap first too. second and third are ordered: no warning for them.
    expect(lines).toEqual([
      `@Pipeline Shared: operations "first" and "second" can run side by side and both compensate with Shared@undo; its undo must cope with either one's context, and both may run.`,
      `@Pipeline Shared: operations "first" and "third" can run side by side and both compensate with Shared@undo; its undo must cope with either one's context, and both may run.`,
    ]);
    await module.close();
  });
});
