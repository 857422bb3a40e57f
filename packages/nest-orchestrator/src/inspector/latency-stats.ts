import { OPERATION_OUTCOMES } from '../operation-outcomes.js';
import { OUTCOME_COUNT, WINDOW_SLICES } from './inspector.constants.js';
import type { LatencyFigures } from './interfaces/inspector-snapshot.interface.js';
import { BUCKET_COUNT, bucketOf, percentileOf } from './latency-histogram.js';

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

/**
 * Durations and outcomes of one series (an operation, or whole runs). Row 0 of each array counts
 * since boot, rows 1..WINDOW_SLICES the window's slices; a record writes row 0 and the current
 * slice's row, nothing else, and allocates nothing.
 */
export class LatencyStats {
  readonly counts = new Float64Array(BUCKET_COUNT * (WINDOW_SLICES + 1));
  readonly outcomes = new Float64Array(OUTCOME_COUNT * (WINDOW_SLICES + 1));
  private min = Infinity;
  private max = 0;

  /** `slice` is 1..WINDOW_SLICES; `outcome` an index into `OPERATION_OUTCOMES`. */
  record(durationMs: number, outcome: number, slice: number): void {
    const bucket = bucketOf(durationMs);
    this.counts[bucket]++;
    this.counts[slice * BUCKET_COUNT + bucket]++;
    this.outcomes[outcome]++;
    this.outcomes[slice * OUTCOME_COUNT + outcome]++;
    if (durationMs < this.min) this.min = durationMs;
    if (durationMs > this.max) this.max = durationMs;
  }

  /** Empties a slice before it is reused for the newest part of the window. */
  clearSlice(slice: number): void {
    this.counts.fill(0, slice * BUCKET_COUNT, (slice + 1) * BUCKET_COUNT);
    this.outcomes.fill(0, slice * OUTCOME_COUNT, (slice + 1) * OUTCOME_COUNT);
  }

  sinceBoot(): LatencyFigures {
    return this.figures(
      this.counts.subarray(0, BUCKET_COUNT),
      this.outcomes.subarray(0, OUTCOME_COUNT),
    );
  }

  window(): LatencyFigures {
    const counts = new Float64Array(BUCKET_COUNT);
    const outcomes = new Float64Array(OUTCOME_COUNT);
    for (let slice = 1; slice <= WINDOW_SLICES; slice++) {
      for (let i = 0; i < BUCKET_COUNT; i++) counts[i] += this.counts[slice * BUCKET_COUNT + i];
      for (let i = 0; i < OUTCOME_COUNT; i++)
        outcomes[i] += this.outcomes[slice * OUTCOME_COUNT + i];
    }
    return this.figures(counts, outcomes);
  }

  private figures(counts: Float64Array, outcomes: Float64Array): LatencyFigures {
    let count = 0;
    for (const value of outcomes) count += value;
    // The window has no min and max of its own; the boot ones still bound it.
    const percentile = (q: number) => round(percentileOf(counts, 0, count, q, this.min, this.max));
    return {
      count,
      outcomes: outcomesRecord(outcomes),
      errorRate: count === 0 ? 0 : round((count - outcomes[0]) / count)!,
      p50Ms: percentile(0.5),
      p95Ms: percentile(0.95),
      p99Ms: percentile(0.99),
    };
  }
}

export function outcomesRecord(counts: ArrayLike<number>): LatencyFigures['outcomes'] {
  return Object.fromEntries(
    OPERATION_OUTCOMES.map((outcome, index) => [outcome, counts[index]]),
  ) as LatencyFigures['outcomes'];
}
