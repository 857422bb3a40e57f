import { Module, type DynamicModule } from '@nestjs/common';
import { PipelineRegistry } from '../pipeline.registry.js';
import { configureControllerRoute } from '../prometheus/controller-route.configurer.js';
import { METRICS_SETTINGS } from '../prometheus/metrics.constants.js';
import { MetricsAuthGuard, type AuthCheck } from '../prometheus/metrics-auth.guard.js';
import { INSPECTOR_REALM, INSPECTOR_SETTINGS } from './inspector.constants.js';
import { messages } from './inspector.messages.js';
import { createInspectorController, INSPECTOR_HANDLERS } from './inspector.controller.js';
import { InspectorEnabledGuard } from './inspector-enabled.guard.js';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  INSPECTOR_MODULE_OPTIONS,
  OPTIONS_TYPE,
} from './inspector.module-definition.js';
import { InspectorObserver } from './inspector.observer.js';
import { resolveInspectorSettings } from './inspector.settings.js';
import type { InspectorSettings } from './interfaces/inspector-settings.interface.js';

const INSPECTOR_ROUTES = Symbol('INSPECTOR_ROUTES');

/**
 * A live page of every pipeline: its graph, latency per operation and a waterfall of recent
 * runs, at `GET /orchestrator` (JSON at `/orchestrator/pipelines`). Off unless `enabled`; with
 * NODE_ENV=production it also needs `allowInProduction`. Needs no prom-client: it keeps its own
 * histograms. Import it next to `OrchestratorModule.forRoot({...})`.
 *
 * @example
 * ```ts
 * imports: [OrchestratorModule.forRoot({}), OrchestratorInspectorModule.forRoot({ enabled: true })]
 * ```
 */
@Module({})
export class OrchestratorInspectorModule extends ConfigurableModuleClass {
  static override forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    // Refused here already, so a mistake shows at the import rather than at boot.
    const settings = resolveInspectorSettings(options);
    if (!settings.enabled) return { module: OrchestratorInspectorModule };
    return withInspector(super.forRoot(options));
  }

  /** The routes are declared either way; when the factory says `enabled: false` they answer 404. */
  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withInspector(super.forRootAsync(options));
  }
}

function withInspector(definition: DynamicModule): DynamicModule {
  const controller = createInspectorController();
  return {
    ...definition,
    controllers: [controller],
    providers: [
      ...(definition.providers ?? []),
      {
        provide: INSPECTOR_SETTINGS,
        inject: [INSPECTOR_MODULE_OPTIONS],
        useFactory: (options: typeof OPTIONS_TYPE) => resolveInspectorSettings(options),
      },
      // The `/metrics` credentials check, fed this module's `auth` option and named after it.
      {
        provide: METRICS_SETTINGS,
        inject: [INSPECTOR_SETTINGS],
        useFactory: ({ auth }: InspectorSettings): AuthCheck => ({
          auth,
          realm: INSPECTOR_REALM,
          unauthorized: messages.unauthorized,
        }),
      },
      {
        provide: INSPECTOR_ROUTES,
        inject: [INSPECTOR_SETTINGS],
        useFactory: ({ path, publicMetadata }: InspectorSettings) =>
          configureControllerRoute(controller, path, publicMetadata, INSPECTOR_HANDLERS),
      },
      MetricsAuthGuard,
      InspectorEnabledGuard,
      // None when a factory turned the page off: a registered observer, even one that returns at
      // once, would still be called by every run's fan-out.
      {
        provide: InspectorObserver,
        inject: [INSPECTOR_SETTINGS, PipelineRegistry],
        useFactory: (settings: InspectorSettings, pipelines: PipelineRegistry) =>
          settings.enabled ? new InspectorObserver(settings, pipelines) : null,
      },
    ],
    exports: [InspectorObserver],
  };
}
