import type { Metric, Registry, RegistryContentType } from 'prom-client';
import type { ExemplarLine } from './bucket-exemplars.js';

/** Any prom-client registry, whatever its content type. */
export type AnyRegistry = Registry<RegistryContentType>;

/** One line of a metric as prom-client's registry reads it (`MetricValue` plus its extras). */
export interface MetricValueLine {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
  /** Histogram series labels that the registry prints after `labels` without copying them. */
  sharedLabels?: Readonly<Record<string, string>>;
  /** Printed only by an OpenMetrics registry; null on a bucket with none, as prom-client has it. */
  exemplar?: ExemplarLine | null;
}

/** The shape `Registry.metrics()` and `getMetricsAsJSON()` read from a metric. */
export interface PromMetricObject {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: MetricValueLine[];
  aggregator: 'sum';
}

interface RegistrableMetric {
  readonly name: string;
  get(): Promise<PromMetricObject>;
  reset(): void;
}

/**
 * Adds a metric of ours to a prom-client registry. The registry only calls `name`, `get()` (or
 * `getForPromString()`) and `reset()`; its typings name prom-client's own classes, hence the cast.
 */
export function registerIn(registry: AnyRegistry, metric: RegistrableMetric): void {
  registry.registerMetric(metric as unknown as Metric);
}

/** Removes a metric from a registry, unless another one has taken its name since. */
export function unregisterFrom(registry: AnyRegistry, metric: RegistrableMetric): void {
  if (registry.getSingleMetric(metric.name) === (metric as unknown as Metric)) {
    registry.removeSingleMetric(metric.name);
  }
}
