import { register } from 'prom-client';
import type { OrchestratorMetricsModuleOptions } from './interfaces/metrics-module-options.interface.js';
import type { MetricsSettings } from './interfaces/metrics-settings.interface.js';
import {
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_METRICS_PATH,
  DEFAULT_PUBLIC_METADATA_KEY,
} from './metrics.constants.js';
import { messages } from './metrics.messages.js';
import { checkAuthOptions } from './metrics-auth.options.js';

/** Applies defaults and refuses bad options at boot rather than on the first scrape. */
export function resolveSettings(options: OrchestratorMetricsModuleOptions): MetricsSettings {
  const path = options.path ?? DEFAULT_METRICS_PATH;
  if (path !== false && (typeof path !== 'string' || !path.startsWith('/')))
    throw new Error(messages.invalidPath(path));
  const auth = options.auth;
  checkAuthOptions(auth);
  return Object.freeze({
    path,
    // Checked by the histograms themselves, which name the metric in their error.
    buckets: options.buckets ?? DEFAULT_DURATION_BUCKETS,
    defaultMetrics: options.defaultMetrics ?? true,
    httpMetrics: options.httpMetrics ?? true,
    auth,
    publicMetadata:
      options.publicMetadata === false
        ? undefined
        : (options.publicMetadata ?? { key: DEFAULT_PUBLIC_METADATA_KEY, value: true }),
    registry: options.registry ?? register,
  });
}
