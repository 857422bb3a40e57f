import { messages } from '../metrics.messages.js';

/** Label values to slot numbers, and back to the label objects prom-client prints. Boot-time only. */
export class SeriesIndex {
  private readonly slots = new Map<string, number>();
  private readonly labelSets: Readonly<Record<string, string>>[] = [];

  constructor(
    private readonly metricName: string,
    readonly labelNames: readonly string[],
  ) {}

  get size(): number {
    return this.labelSets.length;
  }

  /** The slot for these values (in `labelNames` order); `created` tells whether it is new. */
  resolve(labelValues: readonly string[]): { slot: number; created: boolean } {
    if (labelValues.length !== this.labelNames.length) {
      throw new Error(
        messages.wrongLabelCount(this.metricName, this.labelNames, labelValues.length),
      );
    }
    // Label values cannot contain U+0000 in practice, so it separates them unambiguously.
    const key = labelValues.join('\u0000');
    const existing = this.slots.get(key);
    if (existing !== undefined) return { slot: existing, created: false };

    const labels: Record<string, string> = {};
    for (let i = 0; i < this.labelNames.length; i++) labels[this.labelNames[i]] = labelValues[i];
    const slot = this.labelSets.length;
    this.labelSets.push(Object.freeze(labels));
    this.slots.set(key, slot);
    return { slot, created: true };
  }

  /** Label object of a slot; stable, so prom-client's per-object label cache hits on every scrape. */
  labels(slot: number): Readonly<Record<string, string>> {
    return this.labelSets[slot];
  }
}

/** Doubles a typed array's capacity when `needed` elements no longer fit. */
export function grow(data: Float64Array<ArrayBuffer>, needed: number): Float64Array<ArrayBuffer> {
  if (needed <= data.length) return data;
  const next = new Float64Array(Math.max(needed, data.length * 2));
  next.set(data);
  return next;
}
