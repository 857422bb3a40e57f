import type { Registry, RegistryContentType } from 'prom-client';
import type {
  MetricsAuthOptions,
  MetricsPublicMetadata,
} from './metrics-auth-options.interface.js';

export type { MetricsAuthOptions, MetricsPublicMetadata };

export interface OrchestratorMetricsModuleOptions {
  /**
   * Route of the scrape endpoint. A global prefix applies to it too; keep Prometheus' usual
   * `/metrics` with `app.setGlobalPrefix('api', { exclude: ['metrics'] })`. `false` serves no
   * route: the collectors are only registered in `registry`, for an app whose `/metrics` is
   * served by something else (`@willsoto/nestjs-prometheus`'s `PrometheusModule`, say).
   * @defaultValue `'/metrics'`
   */
  path?: string | false;
  /**
   * Upper bounds in seconds of every duration histogram (pipelines, operations, HTTP requests),
   * strictly ascending; `+Inf` is implied.
   * @defaultValue `DEFAULT_DURATION_BUCKETS`: 0.5 ms to 10 s
   */
  buckets?: readonly number[];
  /**
   * prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC...).
   * @defaultValue `true`
   */
  defaultMetrics?: boolean;
  /**
   * `http_request_duration_seconds` for every response, recorded from a Fastify `onResponse`
   * hook so 404s and errors count too. Ignored on other HTTP adapters (a warning says so).
   * @defaultValue `true`
   */
  httpMetrics?: boolean;
  /**
   * Credentials Prometheus must send; without this option the route is open, which suits a
   * private network. In production, prefer reading the secret from configuration:
   *
   * @example
   * ```ts
   * OrchestratorMetricsModule.forRootAsync({
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({
   *     auth: { type: 'bearer', token: config.getOrThrow('METRICS_TOKEN') },
   *   }),
   * })
   * ```
   */
  auth?: MetricsAuthOptions;
  /**
   * Metadata set on the metrics route so a global JWT guard skips it (its own `auth` guard, if
   * any, still applies). Matches the app's `@Public()`; `false` sets none.
   * @defaultValue `{ key: 'isPublic', value: true }`
   */
  publicMetadata?: MetricsPublicMetadata | false;
  /**
   * Registry the metrics are registered in and `GET /metrics` serves.
   * @defaultValue prom-client's global `register`, where `new Counter(...)` without `registers`
   * and `@willsoto/nestjs-prometheus`'s `makeCounterProvider()` put metrics, so an app's own
   * metrics are served too.
   */
  registry?: Registry<RegistryContentType>;
}
