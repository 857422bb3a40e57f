import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: ORCHESTRATOR_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorModuleOptions>()
  .setClassMethodName('forRoot')
  // Registered once in the root module, it serves every feature module.
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
