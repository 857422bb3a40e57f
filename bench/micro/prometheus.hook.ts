// The "Prometheus observer on" variant. `src/metrics/` (issue 4) is being written alongside this
// bench; until it exports `OrchestratorMetricsModule`, the variant's rows print as skipped and
// say why. tsconfig.bench.json lists `src/metrics/index.ts`, so the compiled bench picks the
// module up as soon as it exists, with no change here unless its API differs from the guess below.
import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';

export interface ObserverHook {
  readonly available: boolean;
  /** Why the variant is skipped, when it is. */
  readonly reason?: string;
  /** Modules the Prometheus application context imports next to OrchestratorModule. */
  readonly imports: (Type<unknown> | DynamicModule)[];
  /** Throws unless the observer really records bench runs (so a row never lies). */
  verify(app: INestApplicationContext, pipelineName: string): Promise<void>;
}

interface MetricsExports {
  OrchestratorMetricsModule?: Type<unknown> & { forRoot?: (options?: object) => DynamicModule };
  METRICS_REGISTRY?: symbol;
}

const unavailable = (reason: string): ObserverHook => ({
  available: false,
  reason,
  imports: [],
  verify: async () => undefined,
});

/**
 * Loads `src/metrics/index.js` next to this compiled file (dist-bench/src/metrics/), or the `.ts`
 * source under ts-jest. `metricsUrl` is for tests.
 */
export async function loadPrometheusHook(
  metricsUrl = new URL('../../src/metrics/index.js', import.meta.url),
): Promise<ObserverHook> {
  const js = fileURLToPath(metricsUrl);
  const ts = js.replace(/\.js$/, '.ts');
  if (!existsSync(js) && !existsSync(ts)) {
    return unavailable('src/metrics/index.ts does not exist yet (issue 4)');
  }
  let metrics: MetricsExports;
  try {
    // A computed specifier: tsc must not require the module to exist when the bench compiles.
    const specifier: string = existsSync(js)
      ? metricsUrl.href
      : `${metricsUrl.href.slice(0, -3)}.ts`;
    metrics = (await import(specifier)) as MetricsExports;
  } catch (error) {
    return unavailable(`src/metrics/index could not be loaded: ${(error as Error).message}`);
  }
  const module = metrics.OrchestratorMetricsModule;
  if (module === undefined) {
    return unavailable('src/metrics/index does not export OrchestratorMetricsModule');
  }
  const registryToken = metrics.METRICS_REGISTRY;
  return {
    available: true,
    // What the bench measures is the observer on the run's hot path: no HTTP server here, no
    // process metrics (their event-loop monitor would only add noise), a registry of its own.
    imports: [
      typeof module.forRoot === 'function'
        ? module.forRoot({ httpMetrics: false, defaultMetrics: false, registry: new Registry() })
        : module,
    ],
    async verify(app, pipelineName) {
      if (registryToken === undefined) return;
      const registry = app.get<{ metrics(): Promise<string> }>(registryToken, { strict: false });
      const text = await registry.metrics();
      if (!text.includes(`pipeline="${pipelineName}"`)) {
        throw new Error(`the Prometheus registry has no series for pipeline "${pipelineName}"`);
      }
    },
  };
}
