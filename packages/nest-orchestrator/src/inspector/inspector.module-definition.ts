import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OrchestratorInspectorModuleOptions } from './interfaces/inspector-module-options.interface.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: INSPECTOR_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorInspectorModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createInspectorOptions')
  .build();
