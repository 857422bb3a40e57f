import { jest } from '@jest/globals';
import { Injectable, Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { COMPENSATION_KEY_PREFIX, type CompensationRecord } from './compensation-journal.js';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import { InMemoryRunStore } from './in-memory-run-store.js';
import type { CompensationRun, OperationRun } from './interfaces/operation-run.interface.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import type { ClaimOutcome } from './interfaces/run-store.interface.js';
import { Orchestrator } from './orchestrator.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { RECOVERY_SWEEP_KEY } from './recovery-sweeper.js';

interface StockCtx {
  item: string;
  failAt?: 'ship';
  reservationId?: string;
  paymentId?: string;
}

/** Every store call but the sweep's, in the same log as the operations and compensations. */
class LoggingStore extends InMemoryRunStore {
  readonly payloads: CompensationRecord[] = [];
  failOn: 'claim' | 'record' | 'second record' | 'refuse record' | undefined;

  constructor(private readonly log: string[]) {
    super();
  }

  override claim(key: string, fp: string, holder: string, leaseMs: number): Promise<ClaimOutcome> {
    if (key !== RECOVERY_SWEEP_KEY) this.log.push(`claim ${key}`);
    if (this.failOn === 'claim') return Promise.reject(new Error('database down'));
    return super.claim(key, fp, holder, leaseMs);
  }

  override record(key: string, holder: string, payload: unknown, leaseMs: number) {
    const record = payload as CompensationRecord;
    this.log.push(`record ${record.entries.map((entry) => entry.operation).join(',')}`);
    this.payloads.push(record);
    if (this.failOn === 'record' || (this.failOn === 'second record' && this.payloads.length > 1))
      return Promise.reject(new Error('database down'));
    if (this.failOn === 'refuse record') return Promise.resolve(false);
    return super.record(key, holder, payload, leaseMs);
  }

  override release(key: string, holder: string) {
    if (key !== RECOVERY_SWEEP_KEY) this.log.push(`release ${key}`);
    return super.release(key, holder);
  }
}

@Injectable()
class Ledger {
  readonly log: string[] = [];
  readonly runs: CompensationRun[] = [];
  readonly store = new LoggingStore(this.log);
}

@Pipeline('stock')
class StockPipeline {
  constructor(private readonly ledger: Ledger) {}

  @Operation()
  check() {
    this.ledger.log.push('check');
  }

  @Operation({ compensate: 'release' })
  reserve() {
    this.ledger.log.push('reserve');
    return { reservationId: 'r-1' };
  }

  @Operation({ compensate: 'refund' })
  async charge(_ctx: StockCtx, run: OperationRun) {
    this.ledger.log.push(`charge ${run.runId}`);
    return { paymentId: 'p-1' };
  }

  @Operation()
  ship(ctx: StockCtx) {
    this.ledger.log.push('ship');
    if (ctx.failAt === 'ship') throw new Error('carrier down');
  }

  release(_ctx: StockCtx, run: CompensationRun) {
    this.ledger.runs.push(run);
    this.ledger.log.push('undo reserve');
  }

  refund(_ctx: StockCtx, run: CompensationRun) {
    this.ledger.runs.push(run);
    this.ledger.log.push('undo charge');
  }
}

@Pipeline('quote')
class QuotePipeline {
  @Operation()
  price() {
    return { price: 3 };
  }
}

describe('CompensationJournal: what a run records for crash recovery', () => {
  let module: TestingModule;
  let ledger: Ledger;
  let orchestrator: Orchestrator;

  async function boot(options: OrchestratorModuleOptions = {}): Promise<void> {
    ledger = new Ledger();
    module = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({
          logFailures: false,
          runStore: ledger.store,
          recovery: { intervalMs: 60_000 },
          ...options,
        }),
      ],
      providers: [{ provide: Ledger, useValue: ledger }, StockPipeline, QuotePipeline],
    }).compile();
    await module.init();
    orchestrator = module.get(Orchestrator);
  }

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await module?.close();
  });

  it('records each compensable operation before it starts and releases the record on success', async () => {
    await boot();
    const result = await orchestrator.run(StockPipeline, { item: 'x' });
    expect(result.success).toBe(true);
    const key = `${COMPENSATION_KEY_PREFIX}${result.runId}`;
    expect(ledger.log).toEqual([
      'check',
      `claim ${key}`,
      'record reserve',
      'reserve',
      'record reserve,charge',
      `charge ${result.runId}`,
      'ship',
      `release ${key}`,
    ]);
    // Each entry keeps the context as its operation started, as JSON.
    expect(ledger.store.payloads.at(-1)).toEqual({
      pipeline: 'stock',
      entries: [
        { operation: 'reserve', context: { item: 'x' } },
        { operation: 'charge', context: { item: 'x', reservationId: 'r-1' } },
      ],
    });
    expect(ledger.store.size).toBe(0);
  });

  it('releases the record of a failed run only after its compensations ran', async () => {
    await boot();
    const result = await orchestrator.run(StockPipeline, { item: 'x', failAt: 'ship' });
    expect(result.compensation).toEqual({ charge: 'done', reserve: 'done' });
    expect(ledger.log.slice(-4)).toEqual([
      'ship',
      'undo charge',
      'undo reserve',
      `release ${COMPENSATION_KEY_PREFIX}${result.runId}`,
    ]);
    expect(ledger.runs.map((run) => [run.recovery, run.runId])).toEqual([
      [false, result.runId],
      [false, result.runId],
    ]);
    expect(ledger.store.size).toBe(0);
  });

  it('makes no store call for a pipeline without compensations', async () => {
    await boot();
    expect((await orchestrator.run(QuotePipeline, {})).success).toBe(true);
    expect(ledger.log).toEqual([]);
  });

  it('records nothing with recovery: false', async () => {
    await boot({ recovery: false });
    expect((await orchestrator.run(StockPipeline, { item: 'x' })).success).toBe(true);
    expect(ledger.log).toEqual(['check', 'reserve', expect.stringMatching(/^charge /), 'ship']);
  });

  it.each(['claim', 'record', 'refuse record'] as const)(
    'does not start an operation whose record failed (%s)',
    async (failOn) => {
      await boot();
      ledger.store.failOn = failOn;
      const result = await orchestrator.run(StockPipeline, { item: 'x' });
      expect(result.success).toBe(false);
      expect(result.error).toMatchObject({ operation: 'reserve', code: 'RECOVERY_UNAVAILABLE' });
      expect(ledger.log).not.toContain('reserve');
      expect(ledger.log.filter((line) => line.startsWith('undo'))).toEqual([]);
      expect(result.metrics).toEqual({ check: expect.any(Number) });
      expect(Logger.prototype.error).toHaveBeenCalledWith(
        expect.stringContaining('Could not record stock.reserve before it started'),
        expect.any(String),
      );
    },
  );

  it('undoes what already ran when a later record fails, then releases', async () => {
    await boot();
    ledger.store.failOn = 'second record';
    const result = await orchestrator.run(StockPipeline, { item: 'x' });
    expect(result.error).toMatchObject({ operation: 'charge', code: 'RECOVERY_UNAVAILABLE' });
    expect(result.compensation).toEqual({ reserve: 'done' });
    expect(ledger.log.slice(-4)).toEqual([
      'reserve',
      'record reserve,charge',
      'undo reserve',
      `release ${COMPENSATION_KEY_PREFIX}${result.runId}`,
    ]);
    expect(ledger.store.size).toBe(0);
  });

  it('fails a keyed run refused this way so that a retry runs again', async () => {
    await boot();
    ledger.store.failOn = 'record';
    const first = await orchestrator.run(StockPipeline, { item: 'x' }, { idempotencyKey: 'k' });
    expect(first.error?.code).toBe('RECOVERY_UNAVAILABLE');
    ledger.store.failOn = undefined;
    const second = await orchestrator.run(StockPipeline, { item: 'x' }, { idempotencyKey: 'k' });
    expect(second.success).toBe(true);
    expect(second.replayed).toBeUndefined();
  });
});
