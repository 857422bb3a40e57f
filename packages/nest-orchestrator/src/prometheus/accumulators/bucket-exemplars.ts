/** An OpenMetrics exemplar as prom-client's registry prints it after a value line. */
export interface ExemplarLine {
  readonly labelSet: Readonly<Record<string, string>>;
  readonly value: number;
  /** Seconds since the epoch, as OpenMetrics and prom-client's own exemplars have it. */
  readonly timestamp: number;
}

/**
 * The most recent traced observation of each bucket of each series, in parallel arrays indexed
 * like the histogram's counters (`slot * buckets + bucket`), so recording one is four stores and
 * no allocation. A bucket that never saw a traced observation has a timestamp of 0.
 */
export class BucketExemplars {
  private traceIds: string[] = [];
  private spanIds: string[] = [];
  private values = new Float64Array(0);
  private timestampsMs = new Float64Array(0);

  /** `buckets` per series: one per upper bound, plus `+Inf`. */
  constructor(private readonly buckets: number) {}

  /** Makes room for `slots` series; boot-time, with the histogram's own `series()`. */
  ensure(slots: number): void {
    const needed = slots * this.buckets;
    if (needed <= this.values.length) return;
    const size = Math.max(needed, this.values.length * 2);
    const values = new Float64Array(size);
    values.set(this.values);
    const timestamps = new Float64Array(size);
    timestamps.set(this.timestampsMs);
    this.values = values;
    this.timestampsMs = timestamps;
    // Filled with strings so the arrays stay packed and of one element kind.
    while (this.traceIds.length < size) {
      this.traceIds.push('');
      this.spanIds.push('');
    }
  }

  /** The hot path when a sampled span is active: the latest observation wins its bucket. */
  record(slot: number, bucket: number, value: number, traceId: string, spanId: string): void {
    const i = slot * this.buckets + bucket;
    this.traceIds[i] = traceId;
    this.spanIds[i] = spanId;
    this.values[i] = value;
    this.timestampsMs[i] = Date.now();
  }

  /** The exemplar of a bucket, or null (what prom-client's buckets carry when there is none). */
  at(slot: number, bucket: number): ExemplarLine | null {
    const i = slot * this.buckets + bucket;
    const timestampMs = this.timestampsMs[i];
    if (timestampMs === 0) return null;
    return {
      labelSet: { trace_id: this.traceIds[i], span_id: this.spanIds[i] },
      value: this.values[i],
      timestamp: timestampMs / 1000,
    };
  }

  clear(): void {
    this.timestampsMs.fill(0);
    this.values.fill(0);
    this.traceIds.fill('');
    this.spanIds.fill('');
  }
}
