import { jest } from '@jest/globals';
import type {
  OperationDefinition,
  PipelineDefinition,
} from '../interfaces/pipeline-definition.interface.js';
import type { PipelineRegistry } from '../pipeline.registry.js';
import { resolveInspectorSettings } from './inspector.settings.js';
import { InspectorObserver } from './inspector.observer.js';

const operation = (name: string, order: number): OperationDefinition => ({
  name,
  method: name,
  critical: true,
  timeoutMs: undefined,
  order,
  retry: undefined,
  compensate: undefined,
  compensationTimeoutMs: undefined,
  after: order === 0 ? [] : [`op${order - 1}`],
});
const pipeline: PipelineDefinition = {
  name: 'p',
  target: class {},
  description: undefined,
  timeoutMs: undefined,
  operations: [operation('op0', 0), operation('op1', 1)],
};
const registry = { list: () => [pipeline] } as unknown as PipelineRegistry;

function observe(observer: InspectorObserver, runId: string, durationMs: number): void {
  observer.onRunStart(pipeline, runId);
  for (const op of pipeline.operations)
    observer.onOperationEnd(pipeline, op, 'success', durationMs, undefined, runId, 0);
  observer.onRunEnd(pipeline, 'success', {
    success: true,
    runId,
    duration: durationMs * 2,
    metrics: {},
    errors: [],
  });
}

describe('InspectorObserver', () => {
  afterEach(() => jest.useRealTimers());

  it('stamps runs from a clock read once a second, and ages window slices out on it', () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T10:00:00.000Z') });
    const observer = new InspectorObserver(
      resolveInspectorSettings({ enabled: true, windowMs: 50_000 }, 'development'),
      registry,
    );
    observer.onApplicationBootstrap();
    jest.advanceTimersByTime(3_500);
    observe(observer, 'run-1', 4);
    let [stats] = observer.snapshot().pipelines;
    expect(stats.recentRuns[0].startedAt).toBe('2026-01-01T10:00:03.000Z');
    expect(stats.operations[0].window.count).toBe(1);

    // Five 10 s slices: the run leaves the window between 40 and 50 s after it.
    jest.advanceTimersByTime(40_000);
    [stats] = observer.snapshot().pipelines;
    expect(stats.operations[0].window.count).toBe(1);
    jest.advanceTimersByTime(10_000);
    [stats] = observer.snapshot().pipelines;
    expect(stats.operations[0].window).toMatchObject({ count: 0, p95Ms: null });
    expect(stats.operations[0].sinceBoot).toMatchObject({ count: 1, p50Ms: 4, p99Ms: 4 });
    observer.onModuleDestroy();
  });

  it('records the operations of interleaved runs into their own rows', () => {
    const observer = new InspectorObserver(
      resolveInspectorSettings({ enabled: true, recentRuns: 4 }, 'development'),
      registry,
    );
    observer.onApplicationBootstrap();
    const [first, second] = pipeline.operations;
    observer.onRunStart(pipeline, 'a');
    observer.onRunStart(pipeline, 'b');
    observer.onOperationEnd(pipeline, first, 'success', 1, undefined, 'a', 0);
    observer.onOperationEnd(pipeline, first, 'timeout', 2, undefined, 'b', 0.5);
    observer.onOperationEnd(pipeline, second, 'failure', 3, undefined, 'a', 1);
    const [stats] = observer.snapshot().pipelines;
    expect(
      stats.recentRuns.map(({ runId, outcome, operations }) => ({ runId, outcome, operations })),
    ).toEqual([
      {
        runId: 'b',
        outcome: 'running',
        operations: [{ name: 'op0', startOffsetMs: 0.5, durationMs: 2, outcome: 'timeout' }],
      },
      {
        runId: 'a',
        outcome: 'running',
        operations: [
          { name: 'op0', startOffsetMs: 0, durationMs: 1, outcome: 'success' },
          { name: 'op1', startOffsetMs: 1, durationMs: 3, outcome: 'failure' },
        ],
      },
    ]);
    observer.onModuleDestroy();
  });
});
