import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OrchestratorMetricsModuleOptions } from './interfaces/metrics-module-options.interface.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: METRICS_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorMetricsModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createMetricsOptions')
  .build();
