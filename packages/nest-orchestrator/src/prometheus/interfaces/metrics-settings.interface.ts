import type { Registry, RegistryContentType } from 'prom-client';
import type {
  MetricsAuthOptions,
  MetricsPublicMetadata,
} from './metrics-module-options.interface.js';

/** The module options with every default applied and checked once at boot. */
export interface MetricsSettings {
  readonly path: string | false;
  readonly buckets: readonly number[];
  readonly defaultMetrics: boolean;
  readonly httpMetrics: boolean;
  readonly auth: MetricsAuthOptions | undefined;
  readonly publicMetadata: MetricsPublicMetadata | undefined;
  readonly registry: Registry<RegistryContentType>;
}
