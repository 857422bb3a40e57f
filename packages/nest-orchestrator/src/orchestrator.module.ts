import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigurableModuleClass, OPTIONS_TYPE } from './orchestrator.module-definition.js';
import { Orchestrator } from './orchestrator.js';
import { PipelineExplorer } from './pipeline.explorer.js';
import { PipelineMetadataAccessor } from './pipeline-metadata.accessor.js';
import { PipelineRegistry } from './pipeline.registry.js';
import { PipelineRunner } from './pipeline.runner.js';

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
    { provide: PipelineRunner, useFactory: () => new PipelineRunner() },
  ],
  exports: [Orchestrator, PipelineRegistry],
})
export class OrchestratorModule extends ConfigurableModuleClass {
  /** Options are all optional, so `forRoot()` alone is a valid registration. */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
