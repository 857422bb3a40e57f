import { Module, type DynamicModule } from '@nestjs/common';
import type { AnyRegistry } from './accumulators/metric-object.js';
import { HttpMetricsCollector } from './http-metrics.collector.js';
import type { MetricsSettings } from './interfaces/metrics-settings.interface.js';
import { METRICS_REGISTRY, METRICS_SETTINGS } from './metrics.constants.js';
import { createMetricsController } from './metrics.controller.js';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  METRICS_MODULE_OPTIONS,
  OPTIONS_TYPE,
} from './metrics.module-definition.js';
import { MetricsAuthGuard } from './metrics-auth.guard.js';
import { metricsRegistryProvider } from './metrics-registry.provider.js';
import { configureControllerRoute } from './controller-route.configurer.js';
import { messages } from './metrics.messages.js';
import { resolveSettings } from './metrics.settings.js';
import { OrchestratorMetrics } from './orchestrator.metrics.js';
import { PrometheusObserver } from './prometheus.observer.js';

const METRICS_ROUTE = Symbol('METRICS_ROUTE');

/**
 * Prometheus metrics for the orchestrator and HTTP routes, served at `GET /metrics`. Import it
 * once in the root module, next to `OrchestratorModule.forRoot({...})`; apps that do not import it
 * pay nothing for metrics.
 *
 * @example
 * ```ts
 * imports: [OrchestratorModule.forRoot({}), OrchestratorMetricsModule.forRoot({ path: '/metrics' })]
 * ```
 */
@Module({})
export class OrchestratorMetricsModule extends ConfigurableModuleClass {
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withMetrics(super.forRoot(options), options.path !== false);
  }

  /**
   * Whether a route is served is decided here, before any factory runs (Nest maps controllers
   * from the module's definition): pass `path: false` beside `useFactory` to serve none.
   */
  static override forRootAsync(
    options: typeof ASYNC_OPTIONS_TYPE & { path?: false },
  ): DynamicModule {
    const { path, ...async } = options;
    return withMetrics(super.forRootAsync(async), path !== false);
  }
}

function withMetrics(definition: DynamicModule, serve: boolean): DynamicModule {
  const controller = createMetricsController();
  return {
    ...definition,
    controllers: serve ? [controller] : [],
    providers: [
      ...(definition.providers ?? []),
      { provide: METRICS_SETTINGS, inject: [METRICS_MODULE_OPTIONS], useFactory: resolveSettings },
      metricsRegistryProvider,
      {
        provide: METRICS_ROUTE,
        inject: [METRICS_SETTINGS],
        useFactory: (settings: MetricsSettings) => {
          if (!serve) return false;
          if (settings.path === false) throw new Error(messages.asyncPathFalse);
          return configureControllerRoute(controller, settings.path, settings.publicMetadata, [
            'scrape',
          ]);
        },
      },
      {
        provide: OrchestratorMetrics,
        inject: [METRICS_REGISTRY, METRICS_SETTINGS],
        useFactory: (registry: AnyRegistry, settings: MetricsSettings) =>
          new OrchestratorMetrics(registry, settings.buckets),
      },
      MetricsAuthGuard,
      PrometheusObserver,
      HttpMetricsCollector,
    ],
    exports: [METRICS_REGISTRY, OrchestratorMetrics, PrometheusObserver],
  };
}
