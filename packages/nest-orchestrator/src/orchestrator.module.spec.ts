import { Inject, Injectable, Logger, Module, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Operation } from './decorators/operation.decorator.js';
import { PipelineObserver } from './decorators/pipeline-observer.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import type {
  OperationDefinition,
  PipelineDefinition,
} from './interfaces/pipeline-definition.interface.js';
import type { OperationOutcome, PipelineResult } from './interfaces/pipeline-result.interface.js';
import { Orchestrator } from './orchestrator.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { PipelineRegistry } from './pipeline.registry.js';

interface Ctx {
  fail?: 'notify' | 'create';
}

@Pipeline('orders')
class OrdersPipeline {
  @Operation()
  create(ctx: Ctx) {
    if (ctx.fail === 'create') throw new Error('insert failed');
  }

  @Operation(false)
  notify(ctx: Ctx) {
    if (ctx.fail === 'notify') throw new Error('smtp down');
  }
}

class RecordingObserver implements OrchestratorObserver {
  readonly events: string[] = [];

  onRunStart(pipeline: PipelineDefinition) {
    this.events.push(`start ${pipeline.name}`);
  }

  onOperationEnd(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
    durationMs: number,
    error?: unknown,
  ) {
    expect(durationMs).toBeGreaterThan(0);
    const reason = error instanceof Error ? ` (${error.message})` : '';
    this.events.push(`${pipeline.name}.${operation.name} ${outcome}${reason}`);
  }

  onRunEnd(
    pipeline: PipelineDefinition,
    outcome: OperationOutcome,
    result: PipelineResult<unknown>,
  ) {
    this.events.push(`end ${pipeline.name} ${outcome} success=${result.success}`);
  }
}

@PipelineObserver()
class DiscoveredObserver extends RecordingObserver {}

class BrokenObserver implements OrchestratorObserver {
  onRunStart(): void {
    throw new Error('observer bug');
  }
  onOperationEnd(): void {
    throw new Error('observer bug');
  }
}

const durationIn = (line: string) => /after (\d+\.\d{3}) ms/.exec(line)?.[1];

class CollectingLogger implements LoggerService {
  readonly lines: string[] = [];
  log() {}
  error(message: string) {
    this.lines.push(`error ${message}`);
  }
  warn(message: string) {
    this.lines.push(`warn ${message}`);
  }
}

describe('OrchestratorModule', () => {
  it('reports every run to observers given in options and to @PipelineObserver providers', async () => {
    const fromOptions = new RecordingObserver();
    const module = await Test.createTestingModule({
      imports: [OrchestratorModule.forRoot({ observers: [fromOptions], logFailures: false })],
      providers: [OrdersPipeline, DiscoveredObserver],
    }).compile();
    await module.init();
    const orchestrator = module.get(Orchestrator);
    await orchestrator.run(OrdersPipeline, { fail: 'notify' });
    await orchestrator.run(OrdersPipeline, { fail: 'create' });

    const expected = [
      'start orders',
      'orders.create success',
      'orders.notify failure (smtp down)',
      'end orders success success=true',
      'start orders',
      'orders.create failure (insert failed)',
      'end orders failure success=false',
    ];
    expect(fromOptions.events).toEqual(expected);
    expect(module.get(DiscoveredObserver).events).toEqual(expected);
    await module.close();
  });

  it('never lets a throwing observer change a run', async () => {
    const logger = new CollectingLogger();
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({ observers: [new BrokenObserver()], logFailures: false }),
      ],
      providers: [OrdersPipeline],
    }).compile();
    module.useLogger(logger);
    await module.init();
    const result = await module.get(Orchestrator).run(OrdersPipeline, {});
    expect(result.success).toBe(true);
    expect(logger.lines).toContain(
      'error Observer BrokenObserver.onRunStart threw; the run goes on.',
    );
    await module.close();
  });

  it('logs failed operations through Nest Logger by default', async () => {
    const logger = new CollectingLogger();
    const module = await Test.createTestingModule({
      imports: [OrchestratorModule.forRoot()],
      providers: [OrdersPipeline],
    }).compile();
    module.useLogger(logger);
    await module.init();
    const first = await module.get(Orchestrator).run(OrdersPipeline, { fail: 'notify' });
    const second = await module.get(Orchestrator).run(OrdersPipeline, { fail: 'create' });
    expect(first.runId).not.toBe(second.runId);
    // Each line names the run it belongs to, the same id as in the result.
    expect(logger.lines).toEqual([
      `warn orders.notify failure after ${durationIn(logger.lines[0])} ms: smtp down (run ${first.runId})`,
      `error orders.create failure after ${durationIn(logger.lines[1])} ms: insert failed (run ${second.runId})`,
    ]);
    expect(logger.lines[0]).toMatch(/after \d+\.\d{3} ms/);
    await module.close();
    Logger.overrideLogger(false);
  });

  it('takes its options from forRootAsync and serves feature modules globally', async () => {
    const TIMEOUTS = Symbol('timeouts');

    @Module({
      providers: [{ provide: TIMEOUTS, useValue: { operation: 321 } }],
      exports: [TIMEOUTS],
    })
    class SettingsModule {}

    @Injectable()
    class OrdersService {
      constructor(readonly orchestrator: Orchestrator) {}
    }

    // Imports nothing from the orchestrator: the global module provides it.
    @Module({ providers: [OrdersPipeline, OrdersService] })
    class OrdersModule {}

    const module = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRootAsync({
          imports: [SettingsModule],
          inject: [TIMEOUTS],
          useFactory: (timeouts: { operation: number }) => ({
            defaultOperationTimeoutMs: timeouts.operation,
            logFailures: false,
          }),
        }),
        OrdersModule,
      ],
    }).compile();
    await module.init();
    expect(module.get(PipelineRegistry).get('orders')?.operations[0].timeoutMs).toBe(321);
    const result = await module.get(OrdersService).orchestrator.run(OrdersPipeline, {});
    expect(result.success).toBe(true);
    await module.close();
  });

  it('can be registered as a non-global module', async () => {
    @Injectable()
    class NeedsOrchestrator {
      constructor(@Inject(Orchestrator) readonly orchestrator: Orchestrator) {}
    }
    @Module({ providers: [NeedsOrchestrator] })
    class Isolated {}
    const compile = Test.createTestingModule({
      imports: [OrchestratorModule.forRoot({ isGlobal: false }), Isolated],
    }).compile();
    await expect(compile).rejects.toThrow(/can't resolve dependencies of the NeedsOrchestrator/);
  });
});
