import { grow, SeriesIndex } from './series-index.js';
import type { AnyRegistry, MetricValueLine, PromMetricObject } from './metric-object.js';
import { registerIn } from './metric-object.js';

export interface AccumulatedScalarConfig {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
}

/** One number per series in a Float64Array; what counters and gauges share. */
abstract class AccumulatedScalar {
  abstract readonly type: 'counter' | 'gauge';
  readonly aggregator = 'sum';
  /** Writable: an OpenMetrics registry strips `_total` from counter names while printing. */
  name: string;
  readonly help: string;
  private readonly index: SeriesIndex;
  protected data: Float64Array<ArrayBuffer> = new Float64Array(16);

  constructor(config: AccumulatedScalarConfig, registry?: AnyRegistry) {
    this.name = config.name;
    this.help = config.help;
    this.index = new SeriesIndex(config.name, config.labelNames);
    if (registry !== undefined) registerIn(registry, this);
  }

  /** Slot of a series, created at zero if new. Boot-time or cached by the caller. */
  series(labelValues: readonly string[]): number {
    const { slot } = this.index.resolve(labelValues);
    this.data = grow(this.data, slot + 1);
    return slot;
  }

  value(slot: number): number {
    return this.data[slot];
  }

  /** Zeroes every series; they stay listed, as they exist from boot. */
  reset(): void {
    this.data.fill(0);
  }

  /** What prom-client's `Counter.get()` / `Gauge.get()` returns for the same values. */
  async get(): Promise<PromMetricObject> {
    const values: MetricValueLine[] = [];
    for (let slot = 0; slot < this.index.size; slot++) {
      values.push({ value: this.data[slot], labels: this.index.labels(slot) });
    }
    return {
      help: this.help,
      name: this.name,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }
}

export class AccumulatedCounter extends AccumulatedScalar {
  readonly type = 'counter';

  inc(slot: number): void {
    this.data[slot]++;
  }
}

export class AccumulatedGauge extends AccumulatedScalar {
  readonly type = 'gauge';

  inc(slot: number): void {
    this.data[slot]++;
  }

  dec(slot: number): void {
    this.data[slot]--;
  }
}
