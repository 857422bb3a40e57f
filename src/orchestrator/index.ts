export { Operation } from './decorators/operation.decorator.js';
export { Pipeline } from './decorators/pipeline.decorator.js';
export { PipelineObserver } from './decorators/pipeline-observer.decorator.js';
export type * from './interfaces/index.js';
export { Orchestrator, type ContextOf } from './orchestrator.js';
export {
  NonRetryableError,
  OperationError,
  OrchestratorConfigurationError,
} from './orchestrator.errors.js';
export { OrchestratorModule } from './orchestrator.module.js';
export { PipelineRegistry } from './pipeline.registry.js';
