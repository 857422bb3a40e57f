import type { FactoryProvider } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import type { AnyRegistry } from './accumulators/metric-object.js';
import type { MetricsSettings } from './interfaces/metrics-settings.interface.js';
import { METRICS_REGISTRY, METRICS_SETTINGS } from './metrics.constants.js';

const withDefaultMetrics = new WeakSet<AnyRegistry>();

/**
 * prom-client refuses to register its default metrics twice in one registry, which happens with
 * two apps in one process (tests) or an app that collects them itself: collect them only once.
 */
function collectDefaultMetricsOnce(registry: AnyRegistry): void {
  if (withDefaultMetrics.has(registry)) return;
  withDefaultMetrics.add(registry);
  if (registry.getSingleMetric('process_cpu_user_seconds_total') !== undefined) return;
  collectDefaultMetrics({ register: registry });
}

/** The registry everything here registers in, with the default metrics when asked for. */
export const metricsRegistryProvider: FactoryProvider<AnyRegistry> = {
  provide: METRICS_REGISTRY,
  inject: [METRICS_SETTINGS],
  useFactory: (settings: MetricsSettings) => {
    if (settings.defaultMetrics) collectDefaultMetricsOnce(settings.registry);
    return settings.registry;
  },
};
