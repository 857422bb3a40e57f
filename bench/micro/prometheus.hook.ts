// The "Prometheus observer on" variant: the package's PrometheusObserver on the run's hot path.
import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { METRICS_REGISTRY, OrchestratorMetricsModule } from 'nest-orchestrator/prometheus';
import { Registry } from 'prom-client';

export interface ObserverHook {
  /** Modules the Prometheus application context imports next to OrchestratorModule. */
  readonly imports: (Type<unknown> | DynamicModule)[];
  /** Throws unless the observer really records bench runs (so a row never lies). */
  verify(app: INestApplicationContext, pipelineName: string): Promise<void>;
}

export async function loadPrometheusHook(): Promise<ObserverHook> {
  return {
    // What the bench measures is the observer on the run's hot path: no HTTP server here, no
    // process metrics (their event-loop monitor would only add noise), a registry of its own.
    imports: [
      OrchestratorMetricsModule.forRoot({
        httpMetrics: false,
        defaultMetrics: false,
        registry: new Registry(),
      }),
    ],
    async verify(app, pipelineName) {
      const registry = app.get<Registry>(METRICS_REGISTRY, { strict: false });
      const text = await registry.metrics();
      if (!text.includes(`pipeline="${pipelineName}"`)) {
        throw new Error(`the Prometheus registry has no series for pipeline "${pipelineName}"`);
      }
    },
  };
}
