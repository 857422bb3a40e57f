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
import { runStoreProvider } from './run-store.provider.js';

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
    runStoreProvider,
    { provide: PipelineRunner, useFactory: () => new PipelineRunner() },
  ],
  exports: [Orchestrator, PipelineRegistry, RUN_STORE],
})
export class OrchestratorModule extends ConfigurableModuleClass {
  /** Options are all optional, so `forRoot()` alone is a valid registration. */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
