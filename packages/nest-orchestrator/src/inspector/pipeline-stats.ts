import type {
  OperationDefinition,
  PipelineDefinition,
} from '../interfaces/pipeline-definition.interface.js';
import { OUTCOME_COUNT } from './inspector.constants.js';
import type {
  OperationSnapshot,
  PipelineSnapshot,
} from './interfaces/inspector-snapshot.interface.js';
import { LatencyStats, outcomesRecord } from './latency-stats.js';
import { RecentRuns } from './recent-runs.js';

/** Everything the inspector keeps about one operation. */
export class OperationStats {
  readonly latency = new LatencyStats();
  readonly compensations = new Float64Array(OUTCOME_COUNT);
  retries = 0;

  constructor(readonly definition: OperationDefinition) {}
}

/** Everything the inspector keeps about one pipeline, indexed like its definition. */
export class PipelineStats {
  readonly runs = new LatencyStats();
  readonly operations: readonly OperationStats[];
  readonly recent: RecentRuns;

  constructor(
    readonly definition: PipelineDefinition,
    recentRuns: number,
  ) {
    this.operations = definition.operations.map((operation) => new OperationStats(operation));
    this.recent = new RecentRuns(recentRuns, definition.operations);
  }

  clearSlice(slice: number): void {
    this.runs.clearSlice(slice);
    for (const operation of this.operations) operation.latency.clearSlice(slice);
  }

  snapshot(): PipelineSnapshot {
    const { definition } = this;
    const depths = depthsOf(definition.operations);
    return {
      name: definition.name,
      description: definition.description ?? null,
      timeoutMs: definition.timeoutMs ?? null,
      runs: { sinceBoot: this.runs.sinceBoot(), window: this.runs.window() },
      operations: this.operations.map((stats) => operationSnapshot(stats, depths)),
      recentRuns: this.recent.list(),
    };
  }
}

function operationSnapshot(
  { definition, latency, retries, compensations }: OperationStats,
  depths: ReadonlyMap<string, number>,
): OperationSnapshot {
  const { retry } = definition;
  return {
    name: definition.name,
    critical: definition.critical,
    timeoutMs: definition.timeoutMs ?? null,
    retry:
      retry === undefined
        ? null
        : {
            attempts: retry.attempts,
            backoff: retry.backoff,
            delayMs: retry.delayMs,
            maxDelayMs: retry.maxDelayMs,
          },
    compensate: definition.compensate ?? null,
    after: [...definition.after],
    depth: depths.get(definition.name) ?? 0,
    sinceBoot: latency.sinceBoot(),
    window: latency.window(),
    retries,
    compensations: outcomesRecord(compensations),
  };
}

/** `after` only names operations declared earlier, so one pass in order settles every depth. */
function depthsOf(operations: readonly OperationDefinition[]): Map<string, number> {
  const depths = new Map<string, number>();
  for (const operation of operations) {
    let depth = 0;
    for (const name of operation.after) depth = Math.max(depth, (depths.get(name) ?? 0) + 1);
    depths.set(operation.name, depth);
  }
  return depths;
}
