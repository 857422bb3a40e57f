import type {
  MetricsAuthOptions,
  MetricsPublicMetadata,
} from '../../prometheus/interfaces/metrics-auth-options.interface.js';

export interface OrchestratorInspectorModuleOptions {
  /**
   * Serve the page and record runs. Nothing is recorded or served without it; with `false` from
   * a `forRootAsync` factory the routes answer 404 and the observer records nothing.
   */
  enabled: boolean;
  /**
   * With NODE_ENV=production the inspector refuses to start unless this is `true`: it shows the
   * pipelines' inner workings. Set `auth` too, as for `/metrics`.
   * @defaultValue `false`
   */
  allowInProduction?: boolean;
  /**
   * Route of the page; the JSON is at `<path>/pipelines`. A global prefix applies to it too.
   * @defaultValue `'/orchestrator'`
   */
  path?: string;
  /**
   * Runs kept per pipeline for the waterfall (1 to 1000), in a ring buffer allocated at boot.
   * @defaultValue `20`
   */
  recentRuns?: number;
  /**
   * Length of the rolling window of the `window` figures, in ms (10 s to 1 h).
   * @defaultValue `300_000` (five minutes)
   */
  windowMs?: number;
  /**
   * How often the page fetches the figures again, in ms (250 to 60 000).
   * @defaultValue `2_000`
   */
  refreshMs?: number;
  /** Credentials the page and JSON need, exactly as the `auth` option of `/metrics`. */
  auth?: MetricsAuthOptions;
  /**
   * Metadata set on the routes so the app's global auth guard lets a browser through (a browser
   * cannot send the app's bearer token to a page), as the `publicMetadata` option of `/metrics`.
   * @defaultValue none: the app's guards apply
   */
  publicMetadata?: MetricsPublicMetadata | false;
}
