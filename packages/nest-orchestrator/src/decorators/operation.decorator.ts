import { SetMetadata } from '@nestjs/common';
import { OPERATION_METADATA } from '../orchestrator.constants.js';
import type {
  OperationMetadata,
  OperationOptions,
} from '../interfaces/pipeline-options.interface.js';

let sequence = 0;

/**
 * Marks a method of a `@Pipeline()` class as one step. Critical by default;
 * `@Operation(false)` or `@Operation({ critical: false })` makes a failure non-fatal.
 */
export function Operation(criticalOrOptions?: boolean | OperationOptions): MethodDecorator {
  const options =
    typeof criticalOrOptions === 'boolean'
      ? { critical: criticalOrOptions }
      : (criticalOrOptions ?? {});
  const metadata: OperationMetadata = {
    name: options.name,
    critical: options.critical ?? true,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    compensate: options.compensate,
    compensationTimeoutMs: options.compensationTimeoutMs,
    after: options.after === undefined ? undefined : Object.freeze([...options.after]),
    sequence: sequence++,
  };
  return SetMetadata(OPERATION_METADATA, metadata);
}
