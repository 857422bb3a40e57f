import { BucketExemplars, type ExemplarLine } from './bucket-exemplars.js';
import { grow, SeriesIndex } from './series-index.js';
import type { AnyRegistry, MetricValueLine, PromMetricObject } from './metric-object.js';
import { registerIn } from './metric-object.js';
import { messages } from '../metrics.messages.js';

export interface AccumulatedHistogramConfig {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Upper bounds, strictly ascending and finite; `+Inf` is implied. */
  readonly buckets: readonly number[];
}

/**
 * A histogram whose series live in one pre-allocated Float64Array. `observe()` only bumps a
 * bucket, the sum and the count of a slot found once at boot, instead of prom-client's
 * per-call label validation and hashing (~0.5 µs). At scrape time `get()` returns exactly what
 * a prom-client `Histogram` fed the same values would, so the exposition text is identical.
 *
 * An observation made inside a trace also leaves its trace and span id on its bucket, beside the
 * counter; only an OpenMetrics scrape (`getForOpenMetrics()`) prints them, as exemplars.
 */
export class AccumulatedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** Writable, as on prom-client's metrics: an OpenMetrics registry may rewrite names. */
  name: string;
  readonly help: string;
  private readonly index: SeriesIndex;
  private readonly upperBounds: readonly number[];
  private readonly bounds: Float64Array;
  /** Per slot: one non-cumulative count per bound, then the sum, then the count. */
  private readonly stride: number;
  private data: Float64Array<ArrayBuffer>;
  private readonly exemplars: BucketExemplars;

  constructor(config: AccumulatedHistogramConfig, registry?: AnyRegistry) {
    this.name = config.name;
    this.help = config.help;
    this.index = new SeriesIndex(config.name, config.labelNames);
    this.upperBounds = checkBuckets(config.name, config.buckets);
    this.bounds = Float64Array.from(this.upperBounds);
    this.stride = this.bounds.length + 2;
    this.data = new Float64Array(this.stride * 8);
    this.exemplars = new BucketExemplars(this.bounds.length + 1);
    if (registry !== undefined) registerIn(registry, this);
  }

  /** Slot of a series, created with zero values if new. Boot-time or cached by the caller. */
  series(labelValues: readonly string[]): number {
    const { slot } = this.index.resolve(labelValues);
    this.data = grow(this.data, (slot + 1) * this.stride);
    this.exemplars.ensure(slot + 1);
    return slot;
  }

  /**
   * The hot path: `seconds` must come from a clock, a NaN is dropped rather than poison the sum.
   * With a trace id (of a sampled span), the observation becomes its bucket's exemplar.
   */
  observe(slot: number, seconds: number, traceId?: string, spanId?: string): void {
    if (seconds !== seconds) return;
    const data = this.data;
    const bounds = this.bounds;
    const size = bounds.length;
    const base = slot * this.stride;
    let i = 0;
    while (i < size && seconds > bounds[i]) i++;
    // Above the last bound a value only counts in `+Inf`, which is the count.
    if (i < size) data[base + i]++;
    data[base + size] += seconds;
    data[base + size + 1]++;
    if (traceId !== undefined) this.exemplars.record(slot, i, seconds, traceId, spanId ?? '');
  }

  count(slot: number): number {
    return this.data[slot * this.stride + this.bounds.length + 1];
  }

  sum(slot: number): number {
    return this.data[slot * this.stride + this.bounds.length];
  }

  /** Zeroes every series; unlike prom-client's `reset()` the series stay, as they exist from boot. */
  reset(): void {
    this.data.fill(0);
    this.exemplars.clear();
  }

  /** What prom-client's `Histogram.get()` returns: labels merged, `le` first. */
  async get(): Promise<PromMetricObject> {
    return this.snapshot(true, false);
  }

  /** What prom-client's registry prefers for text: series labels shared, not copied per line. */
  async getForPromString(): Promise<PromMetricObject> {
    return this.snapshot(false, false);
  }

  /** As `getForPromString()`, with each bucket's exemplar: for an OpenMetrics scrape only. */
  async getForOpenMetrics(): Promise<PromMetricObject> {
    return this.snapshot(false, true);
  }

  private snapshot(splay: boolean, withExemplars: boolean): PromMetricObject {
    const values: MetricValueLine[] = [];
    const bucketName = `${this.name}_bucket`;
    const sumName = `${this.name}_sum`;
    const countName = `${this.name}_count`;
    const size = this.bounds.length;
    const data = this.data;
    for (let slot = 0; slot < this.index.size; slot++) {
      const shared = this.index.labels(slot);
      const base = slot * this.stride;
      // Same keys and exemplar values (null on buckets, undefined on sum and count) as prom-client.
      const line = (
        labels: Record<string, string | number>,
        value: number,
        metricName: string,
        exemplar: ExemplarLine | null | undefined,
      ): MetricValueLine =>
        splay
          ? { value, metricName, exemplar, labels: Object.assign(labels, shared) }
          : { labels, sharedLabels: shared, value, metricName, exemplar };
      const exemplar = (bucket: number) => (withExemplars ? this.exemplars.at(slot, bucket) : null);
      let cumulative = 0;
      for (let i = 0; i < size; i++) {
        cumulative += data[base + i];
        values.push(line({ le: this.upperBounds[i] }, cumulative, bucketName, exemplar(i)));
      }
      values.push(line({ le: '+Inf' }, data[base + size + 1], bucketName, exemplar(size)));
      values.push(line({}, data[base + size], sumName, undefined));
      values.push(line({}, data[base + size + 1], countName, undefined));
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }
}

function checkBuckets(name: string, buckets: readonly number[]): readonly number[] {
  const ok =
    buckets.length > 0 &&
    buckets.every(
      (b, i) => typeof b === 'number' && Number.isFinite(b) && (i === 0 || b > buckets[i - 1]),
    );
  if (!ok) {
    throw new Error(messages.invalidBuckets(name, buckets));
  }
  return Object.freeze([...buckets]);
}
