import { jest } from '@jest/globals';
import { Injectable, Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { COMPENSATION_KEY_PREFIX, type CompensationRecord } from './compensation-journal.js';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import { InMemoryRunStore } from './in-memory-run-store.js';
import type { CompensationRun, OperationRun } from './interfaces/operation-run.interface.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { Orchestrator } from './orchestrator.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { RECOVERY_SWEEP_KEY, RecoverySweeper } from './recovery-sweeper.js';

interface StockCtx {
  item: string;
  reservationId?: string;
  undo?: 'fail';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  for (const end = Date.now() + ms; !check(); await sleep(5)) {
    if (Date.now() > end) throw new Error('condition not met in time');
  }
}

/** What one app did: its operations, and every compensation with the run it was given. */
@Injectable()
class Ledger {
  readonly done: string[] = [];
  readonly undone: Array<{ operation: string; context: unknown; run: CompensationRun }> = [];
  shipping: Promise<void> = new Promise(() => undefined);
}

@Pipeline('stock')
class StockPipeline {
  constructor(private readonly ledger: Ledger) {}

  @Operation({ compensate: 'release' })
  reserve(_ctx: StockCtx, run: OperationRun) {
    this.ledger.done.push(`reserve ${run.runId}`);
    return { reservationId: 'r-1' };
  }

  @Operation({ compensate: 'refund' })
  async charge() {
    this.ledger.done.push('charge');
    // Never ends: the process "dies" here.
    await this.ledger.shipping;
  }

  release(context: StockCtx, run: CompensationRun) {
    this.ledger.undone.push({ operation: 'reserve', context, run });
  }

  refund(context: StockCtx, run: CompensationRun) {
    this.ledger.undone.push({ operation: 'charge', context, run });
    if (context.undo === 'fail') throw new Error('payment provider down');
  }
}

class RecoveryCounter implements OrchestratorObserver {
  readonly seen: string[] = [];
  onRecoveryEnd(pipeline: { name: string }, operation: { name: string }, outcome: string): void {
    this.seen.push(`${pipeline.name}.${operation.name} ${outcome}`);
  }
}

/** A record as a run leaves it when its process dies: claimed, recorded, lease run out. */
/** A record left by a run whose process died: written under a live lease, then left to expire. */
async function crashed(store: InMemoryRunStore, runId: string, record: CompensationRecord | null) {
  const key = COMPENSATION_KEY_PREFIX + runId;
  // Long enough that a loaded machine cannot let it lapse between the claim and the record.
  const leaseMs = 50;
  expect(await store.claim(key, record?.pipeline ?? 'stock', runId, leaseMs)).toEqual({
    status: 'claimed',
  });
  if (record !== null) expect(await store.record(key, runId, record, leaseMs)).toBe(true);
  await sleep(leaseMs + 10);
}

const stockRecord = (undo?: 'fail'): CompensationRecord => ({
  pipeline: 'stock',
  entries: [
    { operation: 'reserve', context: { item: 'x' } },
    { operation: 'charge', context: { item: 'x', reservationId: 'r-1', undo } },
  ],
});

describe('RecoverySweeper: undoing what crashed runs left', () => {
  const apps: TestingModule[] = [];
  let warn: jest.SpiedFunction<Logger['warn']>;
  let error: jest.SpiedFunction<Logger['error']>;

  async function boot(store: InMemoryRunStore, options: OrchestratorModuleOptions = {}) {
    const ledger = new Ledger();
    const counter = new RecoveryCounter();
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({
          logFailures: false,
          runStore: store,
          observers: [counter],
          recovery: { intervalMs: 60_000 },
          ...options,
        }),
      ],
      providers: [{ provide: Ledger, useValue: ledger }, StockPipeline],
    }).compile();
    apps.push(module);
    await module.init();
    return { module, ledger, counter, sweeper: module.get(RecoverySweeper) };
  }

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it("compensates a crashed run in another app, once, with the recorded contexts and the run's id", async () => {
    const store = new InMemoryRunStore();
    // The first app runs until `charge` started, then stops renewing anything: it "died".
    const first = await boot(store, { idempotency: { leaseMs: 60 } });
    void first.module.get(Orchestrator).run(StockPipeline, { item: 'x' });
    await eventually(() => first.ledger.done.length === 2);
    const runId = first.ledger.done[0].split(' ')[1];
    await first.module.close();
    apps.splice(apps.indexOf(first.module), 1);

    // Two survivors sweep the same store, often: only one of them undoes the run.
    const options = { recovery: { intervalMs: 10 }, idempotency: { leaseMs: 60 } };
    const second = await boot(store, options);
    const third = await boot(store, options);
    await eventually(() => second.ledger.undone.length + third.ledger.undone.length === 2);
    await sleep(150);
    const undone = [...second.ledger.undone, ...third.ledger.undone];
    expect(undone.map(({ operation, context }) => [operation, context])).toEqual([
      ['charge', { item: 'x', reservationId: 'r-1' }],
      ['reserve', { item: 'x' }],
    ]);
    expect(undone.map(({ run }) => [run.runId, run.recovery, run.pipeline])).toEqual([
      [runId, true, 'stock'],
      [runId, true, 'stock'],
    ]);
    expect(first.ledger.undone).toEqual([]);
    expect([...second.counter.seen, ...third.counter.seen]).toEqual([
      'stock.charge success',
      'stock.reserve success',
    ]);
    expect(warn).toHaveBeenCalledWith(
      `Recovered run ${runId} of stock after its process stopped: charge undone, reserve undone.`,
    );
    await eventually(() => store.size === 0);
  });

  it('sweeps only while it holds the sweep lease', async () => {
    const store = new InMemoryRunStore();
    await store.claim(RECOVERY_SWEEP_KEY, RECOVERY_SWEEP_KEY, 'another-instance', 60_000);
    await crashed(store, 'run-1', stockRecord());
    const { sweeper, ledger } = await boot(store);
    expect(await sweeper.sweep()).toBe(0);
    expect(ledger.undone).toEqual([]);
    expect(await store.listExpired(Date.now(), 10)).toEqual([
      expect.objectContaining({ key: `${COMPENSATION_KEY_PREFIX}run-1` }),
    ]);

    await store.release(RECOVERY_SWEEP_KEY, 'another-instance');
    expect(await sweeper.sweep()).toBe(1);
    expect(ledger.undone).toHaveLength(2);
    expect(store.size).toBe(0);
  });

  it('leaves alone a run still going on in its own process, even when its lease ran out', async () => {
    const store = new InMemoryRunStore();
    // Renewals fail (say the database is slow), so the running run's lease runs out.
    store.renew = () => Promise.reject(new Error('timeout'));
    const { module, sweeper, ledger } = await boot(store, { idempotency: { leaseMs: 30 } });
    void module.get(Orchestrator).run(StockPipeline, { item: 'x' });
    await eventually(() => ledger.done.length === 2);
    await sleep(60);
    expect(await store.listExpired(Date.now(), 10)).toHaveLength(1);
    expect(await sweeper.sweep()).toBe(0);
    expect(ledger.undone).toEqual([]);
  });

  it('sweeps at boot, in the background, at most batchSize runs a sweep', async () => {
    const store = new InMemoryRunStore();
    for (const runId of ['run-1', 'run-2', 'run-3']) await crashed(store, runId, stockRecord());
    const { sweeper, ledger } = await boot(store, { recovery: { batchSize: 2 } });
    await eventually(() => ledger.undone.length === 4);
    await sleep(20);
    expect(ledger.undone).toHaveLength(4);
    expect(await sweeper.sweep()).toBe(1);
    expect(ledger.undone.map(({ run }) => run.runId)).toEqual([
      'run-1',
      'run-1',
      'run-2',
      'run-2',
      'run-3',
      'run-3',
    ]);
  });

  it('logs, counts and releases a compensation that fails: it is not retried forever', async () => {
    const store = new InMemoryRunStore();
    await crashed(store, 'run-1', stockRecord('fail'));
    const { sweeper, ledger, counter } = await boot(store, { recovery: false });
    expect(await sweeper.sweep()).toBe(0);
    // `recovery: false` means no sweep at all; turned on, it recovers the run.
    const on = await boot(store);
    await eventually(() => on.ledger.undone.length === 2);
    expect(ledger.undone).toEqual([]);
    expect(counter.seen).toEqual([]);
    expect(on.counter.seen).toEqual(['stock.charge failure', 'stock.reserve success']);
    await eventually(() => error.mock.calls.length > 0);
    expect(error).toHaveBeenCalledWith(
      'Recovered run run-1 of stock after its process stopped: charge failure (payment provider down), reserve undone.',
    );
    expect(await on.sweeper.sweep()).toBe(0);
    expect(on.ledger.undone).toHaveLength(2);
    expect(store.size).toBe(0);
  });

  it('releases records it cannot act on, saying what to undo by hand', async () => {
    const store = new InMemoryRunStore();
    await crashed(store, 'run-1', { pipeline: 'gone', entries: [{ operation: 'a', context: {} }] });
    await crashed(store, 'run-2', {
      pipeline: 'stock',
      entries: [
        { operation: 'renamed', context: { item: 'y' } },
        { operation: 'reserve', context: { item: 'y' } },
      ],
    });
    await crashed(store, 'run-3', null);
    const { ledger } = await boot(store);
    await eventually(() => store.size === 0);
    expect(ledger.undone.map(({ operation, run }) => [operation, run.runId])).toEqual([
      ['reserve', 'run-2'],
    ]);
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('Cannot recover run run-1: pipeline "gone" is not registered here'),
    );
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('Cannot recover stock.renamed of run run-2'),
    );
    expect(error).toHaveBeenCalledWith(
      'Recovered run run-2 of stock after its process stopped: reserve undone, renamed skipped.',
    );
  });

  it.each([
    ['yes', /recovery must be an object/],
    [null, /recovery must be an object/],
    [{ intervalMs: 0 }, /recovery\.intervalMs is invalid \(0\)/],
    [{ intervalMs: 2 ** 31 }, /recovery\.intervalMs is invalid/],
    [{ batchSize: 1.5 }, /recovery\.batchSize is invalid \(1\.5\)/],
    [{ batchSize: 0 }, /recovery\.batchSize is invalid \(0\)/],
  ])('refuses recovery: %j at boot', async (recovery, message) => {
    const booting = boot(new InMemoryRunStore(), {
      recovery: recovery as OrchestratorModuleOptions['recovery'],
    });
    await expect(booting).rejects.toThrow(OrchestratorConfigurationError);
    await expect(booting).rejects.toThrow(message);
  });
});
