import type { OperationOutcome } from '../../operation-outcomes.js';

/** Counts and percentiles of one series over one period; percentiles are `null` with no count. */
export interface LatencyFigures {
  readonly count: number;
  /** How many ended with each outcome. */
  readonly outcomes: Readonly<Record<OperationOutcome, number>>;
  /** Share of `count` that did not succeed, 0 to 1. */
  readonly errorRate: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

/** The same figures since the process started and over the rolling window. */
export interface PeriodFigures {
  readonly sinceBoot: LatencyFigures;
  readonly window: LatencyFigures;
}

export interface OperationSnapshot extends PeriodFigures {
  readonly name: string;
  readonly critical: boolean;
  readonly timeoutMs: number | null;
  readonly retry: {
    readonly attempts: number;
    readonly backoff: 'fixed' | 'exponential';
    readonly delayMs: number;
    readonly maxDelayMs: number;
  } | null;
  readonly compensate: string | null;
  readonly after: readonly string[];
  /** Longest chain of `after` before it: 0 for the operations that start with the run. */
  readonly depth: number;
  /** Tries that failed and were retried, since boot. */
  readonly retries: number;
  /** Compensations that ran, by outcome, since boot. */
  readonly compensations: Readonly<Record<OperationOutcome, number>>;
}

/** One operation of a recent run: enough to draw it as a bar of a waterfall. */
export interface RecentOperation {
  readonly name: string;
  readonly startOffsetMs: number;
  readonly durationMs: number;
  readonly outcome: OperationOutcome;
}

export interface RecentRun {
  readonly runId: string;
  /** Wall-clock start, ISO 8601. */
  readonly startedAt: string;
  /** `null` while it runs. */
  readonly durationMs: number | null;
  readonly outcome: OperationOutcome | 'running';
  /** The operations that ended, by start offset. */
  readonly operations: readonly RecentOperation[];
}

export interface PipelineSnapshot {
  readonly name: string;
  readonly description: string | null;
  readonly timeoutMs: number | null;
  /** Whole runs. */
  readonly runs: PeriodFigures;
  readonly operations: readonly OperationSnapshot[];
  /** The last runs, newest first. */
  readonly recentRuns: readonly RecentRun[];
}

/** What `GET <path>/pipelines` answers: names, timings and outcomes, never a context value. */
export interface InspectorSnapshot {
  readonly generatedAt: string;
  /** Length of the rolling window of the `window` figures. */
  readonly windowMs: number;
  readonly pipelines: readonly PipelineSnapshot[];
}
