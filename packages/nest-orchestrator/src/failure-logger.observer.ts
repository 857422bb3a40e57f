import { Logger } from '@nestjs/common';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import type {
  OperationDefinition,
  PipelineDefinition,
} from './interfaces/pipeline-definition.interface.js';
import type { OperationOutcome } from './interfaces/pipeline-result.interface.js';

/** Logs failed operations: error for critical ones, warn for those the run survived. */
export class FailureLoggerObserver implements OrchestratorObserver {
  private readonly logger = new Logger('Orchestrator');

  onOperationEnd(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
    durationMs: number,
    error: unknown,
    runId: string,
  ): void {
    if (outcome === 'success') return;
    const reason = error instanceof Error ? `: ${error.message}` : '';
    const text = `${pipeline.name}.${operation.name} ${outcome} after ${durationMs.toFixed(3)} ms${reason} (run ${runId})`;
    if (operation.critical) this.logger.error(text);
    else this.logger.warn(text);
  }
}
