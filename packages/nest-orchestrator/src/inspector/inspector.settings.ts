import { checkAuthOptions } from '../prometheus/metrics-auth.options.js';
import {
  DEFAULT_INSPECTOR_PATH,
  DEFAULT_RECENT_RUNS,
  DEFAULT_REFRESH_MS,
  DEFAULT_WINDOW_MS,
} from './inspector.constants.js';
import { messages } from './inspector.messages.js';
import type { InspectorSettings } from './interfaces/inspector-settings.interface.js';
import type { OrchestratorInspectorModuleOptions } from './interfaces/inspector-module-options.interface.js';

/** Applies defaults and refuses bad options at boot, before any route is served. */
export function resolveInspectorSettings(
  options: OrchestratorInspectorModuleOptions,
  nodeEnv = process.env.NODE_ENV,
): InspectorSettings {
  if (typeof options !== 'object' || options === null)
    throw new Error(messages.notAnObject(options));
  if (typeof options.enabled !== 'boolean')
    throw new Error(messages.invalidEnabled(options.enabled));
  if (options.enabled && nodeEnv === 'production' && options.allowInProduction !== true)
    throw new Error(messages.productionOptIn);
  const path = options.path ?? DEFAULT_INSPECTOR_PATH;
  if (typeof path !== 'string' || !/^\/[^\s?#]*[^\s?#/]$/.test(path))
    throw new Error(messages.invalidPath(path));
  checkAuthOptions(options.auth, 'OrchestratorInspectorModule');
  return Object.freeze({
    enabled: options.enabled,
    path,
    recentRuns: integerIn('recentRuns', options.recentRuns, DEFAULT_RECENT_RUNS, 1, 1_000),
    windowMs: integerIn('windowMs', options.windowMs, DEFAULT_WINDOW_MS, 10_000, 3_600_000),
    refreshMs: integerIn('refreshMs', options.refreshMs, DEFAULT_REFRESH_MS, 250, 60_000),
    auth: options.auth,
    publicMetadata: options.publicMetadata === false ? undefined : options.publicMetadata,
  });
}

function integerIn(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(messages.outOfRange(name, value, min, max));
  return value;
}
