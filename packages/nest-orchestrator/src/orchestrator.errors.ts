/**
 * Throw from an operation to give the run's error a stable `code` (e.g. 'VALIDATION', 'NOT_FOUND')
 * and client-safe `details`; any other thrown value gets the code 'OPERATION_FAILED'.
 */
export class OperationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

/** A pipeline or module is declared wrongly; thrown at boot or on `run()` of an unknown pipeline. */
export class OrchestratorConfigurationError extends Error {
  override name = 'OrchestratorConfigurationError';
}

/** Throw to fail an operation at once, whatever its retry policy says. */
export class NonRetryableError extends OperationError {
  constructor(message: string, code = 'OPERATION_FAILED', details?: unknown) {
    super(code, message, details);
    this.name = 'NonRetryableError';
  }
}
