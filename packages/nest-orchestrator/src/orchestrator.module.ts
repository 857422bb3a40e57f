import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigurableModuleClass, OPTIONS_TYPE } from './orchestrator.module-definition.js';
import { IdempotentRunner } from './idempotent-run.js';
import { RUN_STORE } from './orchestrator.constants.js';
import { Orchestrator } from './orchestrator.js';
import { PipelineExplorer } from './pipeline.explorer.js';
import { PipelineMetadataAccessor } from './pipeline-metadata.accessor.js';
import { PipelineRegistry } from './pipeline.registry.js';
import { PipelineRunner } from './pipeline.runner.js';
import {
  ORCHESTRATOR_SETTINGS,
  orchestratorSettingsProvider,
  recoverySettingsProvider,
  type OrchestratorSettings,
} from './orchestrator.settings.js';
import { runStoreProvider } from './run-store.provider.js';
import { CompensationJournal } from './compensation-journal.js';
import { LeaseKeeper } from './lease-keeper.js';
import { RecoverySweeper } from './recovery-sweeper.js';
import { RECOVERY_SETTINGS, type RecoverySettings } from './recovery.settings.js';
import type { RunStore } from './interfaces/run-store.interface.js';
import { pipelineTracer } from './tracing/pipeline-tracer.js';

/**
 * With recovery on, the runner records compensable steps in the module's store; with tracing on
 * and an OpenTelemetry SDK registered by now, it makes spans.
 */
function runnerFactory(
  settings: RecoverySettings | false,
  store: RunStore,
  leases: LeaseKeeper,
  options: OrchestratorSettings,
): PipelineRunner {
  return new PipelineRunner(
    settings === false ? undefined : new CompensationJournal(store, leases),
    pipelineTracer(options.tracing),
  );
}

/**
 * `OrchestratorModule.forRoot(options)` or `.forRootAsync({ useFactory, inject })`, once in the
 * root module. Global by default (`isGlobal: false` to opt out).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    PipelineMetadataAccessor,
    PipelineExplorer,
    PipelineRegistry,
    Orchestrator,
    IdempotentRunner,
    orchestratorSettingsProvider,
    runStoreProvider,
    recoverySettingsProvider,
    LeaseKeeper,
    RecoverySweeper,
    {
      provide: PipelineRunner,
      useFactory: runnerFactory,
      inject: [RECOVERY_SETTINGS, RUN_STORE, LeaseKeeper, ORCHESTRATOR_SETTINGS],
    },
  ],
  exports: [Orchestrator, PipelineRegistry, RUN_STORE],
})
export class OrchestratorModule extends ConfigurableModuleClass {
  /** Options are all optional, so `forRoot()` alone is a valid registration. */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
