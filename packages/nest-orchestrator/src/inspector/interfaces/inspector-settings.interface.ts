import type {
  MetricsAuthOptions,
  MetricsPublicMetadata,
} from '../../prometheus/interfaces/metrics-auth-options.interface.js';

/** The module options with every default applied and checked once at boot. */
export interface InspectorSettings {
  readonly enabled: boolean;
  readonly path: string;
  readonly recentRuns: number;
  readonly windowMs: number;
  readonly refreshMs: number;
  readonly auth: MetricsAuthOptions | undefined;
  readonly publicMetadata: MetricsPublicMetadata | undefined;
}
