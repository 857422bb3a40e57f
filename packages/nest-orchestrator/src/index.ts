export { Operation } from './decorators/operation.decorator.js';
export { Pipeline } from './decorators/pipeline.decorator.js';
export { PipelineObserver } from './decorators/pipeline-observer.decorator.js';
export { InMemoryRunStore } from './in-memory-run-store.js';
export type { IdempotencyOptions } from './interfaces/idempotency-options.interface.js';
export type {
  CompensationRun,
  OperationRun,
  RunOptions,
} from './interfaces/operation-run.interface.js';
export type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
export type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
export type { RecoveryOptions } from './interfaces/recovery-options.interface.js';
export type {
  OperationDefinition,
  PipelineDefinition,
  RetryPolicy,
} from './interfaces/pipeline-definition.interface.js';
export type {
  OperationOptions,
  PipelineOptions,
  RetryOptions,
} from './interfaces/pipeline-options.interface.js';
export type {
  CompensationOutcome,
  IdempotencyErrorCode,
  OperationFailure,
  OperationOutcome,
  OrchestratorErrorCode,
  PipelineError,
  PipelineResult,
} from './interfaces/pipeline-result.interface.js';
export type { ClaimOutcome, ExpiredClaim, RunStore } from './interfaces/run-store.interface.js';
export { OPERATION_OUTCOMES } from './operation-outcomes.js';
export { Orchestrator, type ContextOf } from './orchestrator.js';
export { RUN_STORE } from './orchestrator.constants.js';
export {
  NonRetryableError,
  OperationError,
  OrchestratorConfigurationError,
} from './orchestrator.errors.js';
export { OrchestratorModule } from './orchestrator.module.js';
export { PipelineRegistry } from './pipeline.registry.js';
export { RecoverySweeper } from './recovery-sweeper.js';
export { fingerprintOf } from './run-fingerprint.js';
