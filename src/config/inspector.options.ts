import type { ConfigService } from '@nestjs/config';
import type { OrchestratorInspectorModuleOptions } from 'nest-orchestrator/inspector';
import { IS_PUBLIC_KEY } from '../auth/auth.constants.js';
import type { AppEnv } from './env.validation.js';

/** Where the starter serves the pipelines page; the JSON is under it at `/pipelines`. */
export const INSPECTOR_PATH = '/orchestrator';

/** The page is for a developer's own machine: on in development only, off in test and production. */
export function inspectorEnabled(config: ConfigService<AppEnv, true>): boolean {
  return config.get('NODE_ENV', { infer: true }) === 'development';
}

export function inspectorOptions(
  config: ConfigService<AppEnv, true>,
): OrchestratorInspectorModuleOptions {
  return {
    enabled: inspectorEnabled(config),
    path: INSPECTOR_PATH,
    // A browser cannot send the API's bearer token to a page: public, like /metrics and /health.
    publicMetadata: { key: IS_PUBLIC_KEY, value: true },
  };
}
