import { Inject, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PipelineObserver } from '../decorators/pipeline-observer.decorator.js';
import type { OrchestratorObserver } from '../interfaces/orchestrator-observer.interface.js';
import type {
  OperationDefinition,
  PipelineDefinition,
} from '../interfaces/pipeline-definition.interface.js';
import type { OperationOutcome, PipelineResult } from '../interfaces/pipeline-result.interface.js';
import { PipelineRegistry } from '../pipeline.registry.js';
import { outcomeIndex } from '../operation-outcomes.js';
import { INSPECTOR_SETTINGS, WINDOW_SLICES } from './inspector.constants.js';
import type { InspectorSnapshot } from './interfaces/inspector-snapshot.interface.js';
import type { InspectorSettings } from './interfaces/inspector-settings.interface.js';
import { PipelineStats, type OperationStats } from './pipeline-stats.js';

/** How often the observer reads the wall clock and checks whether a window slice aged out. */
const CLOCK_TICK_MS = 1_000;

/**
 * Keeps, per pipeline, latency histograms and the last runs, from the hooks' names, timings and
 * outcomes only: the `error` and `result` arguments are never read past the outcome and duration,
 * so no context value can reach the page. Each hook is a Map hit (skipped when the pipeline is the
 * last one seen), an array index by `order` and a few typed-array increments.
 */
@PipelineObserver()
export class InspectorObserver
  implements OrchestratorObserver, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly byPipeline = new Map<PipelineDefinition, PipelineStats>();
  private lastPipeline: PipelineDefinition | undefined;
  private lastStats: PipelineStats | undefined;
  /** Row of the window's current slice, 1..WINDOW_SLICES. */
  private slice = 1;
  /**
   * Wall-clock ms, to the second: a run's start time comes from here, since `Date.now()` on
   * every run cost more than all of its operations' records together.
   */
  private now = Date.now();
  private nextRotation = Infinity;
  private clock: NodeJS.Timeout | undefined;

  constructor(
    @Inject(INSPECTOR_SETTINGS) private readonly settings: InspectorSettings,
    @Inject(PipelineRegistry) private readonly pipelines: PipelineRegistry,
  ) {}

  /** The registry is filled in OrchestratorModule's `onModuleInit`, so this is the first safe point. */
  onApplicationBootstrap(): void {
    for (const pipeline of this.pipelines.list()) this.statsOf(pipeline);
    const sliceMs = this.settings.windowMs / WINDOW_SLICES;
    this.nextRotation = this.now + sliceMs;
    this.clock = setInterval(() => this.tick(sliceMs), CLOCK_TICK_MS);
    this.clock.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.clock);
  }

  private tick(sliceMs: number): void {
    this.now = Date.now();
    // A loop blocked for longer than a slice still drops every slice that aged out.
    for (let aged = 0; this.now >= this.nextRotation && aged < WINDOW_SLICES; aged++) {
      this.rotate();
      this.nextRotation += sliceMs;
    }
    if (this.now >= this.nextRotation) this.nextRotation = this.now + sliceMs;
  }

  /** Starts the window's next slice, dropping the oldest one. */
  rotate(): void {
    this.slice = this.slice === WINDOW_SLICES ? 1 : this.slice + 1;
    for (const stats of this.byPipeline.values()) stats.clearSlice(this.slice);
  }

  onRunStart(pipeline: PipelineDefinition, runId: string): void {
    this.statsOf(pipeline).recent.start(runId, this.now);
  }

  onOperationEnd(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
    durationMs: number,
    _error: unknown,
    runId: string,
    startOffsetMs: number,
  ): void {
    const stats = this.statsOf(pipeline);
    const index = outcomeIndex(outcome);
    const slots = operationOf(stats, operation);
    if (slots !== undefined) slots.latency.record(durationMs, index, this.slice);
    stats.recent.operationEnded(runId, operation.order, index, durationMs, startOffsetMs);
  }

  onOperationRetry(pipeline: PipelineDefinition, operation: OperationDefinition): void {
    const slots = operationOf(this.statsOf(pipeline), operation);
    if (slots !== undefined) slots.retries++;
  }

  onCompensationEnd(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
  ): void {
    const slots = operationOf(this.statsOf(pipeline), operation);
    if (slots !== undefined) slots.compensations[outcomeIndex(outcome)]++;
  }

  onRunEnd(
    pipeline: PipelineDefinition,
    outcome: OperationOutcome,
    result: PipelineResult<unknown>,
  ): void {
    const stats = this.statsOf(pipeline);
    const index = outcomeIndex(outcome);
    stats.runs.record(result.duration, index, this.slice);
    stats.recent.ended(result.runId, index, result.duration);
  }

  /** Every registered pipeline, in the registry's order, with its figures now. */
  snapshot(): InspectorSnapshot {
    return {
      generatedAt: new Date().toISOString(),
      windowMs: this.settings.windowMs,
      pipelines: this.pipelines.list().map((pipeline) => this.statsOf(pipeline).snapshot()),
    };
  }

  private statsOf(pipeline: PipelineDefinition): PipelineStats {
    if (pipeline === this.lastPipeline) return this.lastStats as PipelineStats;
    let stats = this.byPipeline.get(pipeline);
    if (stats === undefined) {
      stats = new PipelineStats(pipeline, this.settings.recentRuns);
      this.byPipeline.set(pipeline, stats);
    }
    this.lastPipeline = pipeline;
    this.lastStats = stats;
    return stats;
  }
}

/** `undefined` for a definition this pipeline's stats were not built from. */
function operationOf(
  stats: PipelineStats,
  operation: OperationDefinition,
): OperationStats | undefined {
  const slots = stats.operations[operation.order];
  return slots !== undefined && slots.definition === operation ? slots : undefined;
}
