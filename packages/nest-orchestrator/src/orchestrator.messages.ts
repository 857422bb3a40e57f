// Every text the orchestrator shows a developer, in one place. Boot errors name `Class@method`.

const ms = (value: number) => `${value} ms`;

export const messages = {
  noOperations: (className: string) =>
    `@Pipeline ${className} has no @Operation methods: decorate at least one method, or remove @Pipeline.`,
  duplicateOperation: (className: string, name: string, first: string, second: string) =>
    `@Pipeline ${className} has two operations named "${name}" (${className}@${first} and ${className}@${second}): give one of them another name.`,
  unknownAfter: (label: string, name: string, known: readonly string[]) =>
    `${label} has after: ['${name}'], but no operation of its pipeline is named "${name}"${known.length > 0 ? ` (operations declared before it: ${known.join(', ')})` : ''}.`,
  selfAfter: (label: string) =>
    `${label} lists itself in after: an operation cannot wait for itself.`,
  laterAfter: (label: string, name: string) =>
    `${label} has after: ['${name}'], but "${name}" is declared after it: after may only name operations declared earlier, so the order stays the one you read.`,
  invalidAfter: (label: string, value: unknown) =>
    `${label} has after: ${String(value)}: after takes an array of operation names.`,
  sharedCompensation: (className: string, method: string, first: string, second: string) =>
    `@Pipeline ${className}: operations "${first}" and "${second}" can run side by side and both compensate with ${className}@${method}; its undo must cope with either one's context, and both may run.`,
  duplicatePipeline: (name: string, first: string, second: string) =>
    `Two pipelines are named "${name}" (${first} and ${second}): pipeline names must be unique, pass @Pipeline('<other name>').`,
  notStatic: (className: string) =>
    `@Pipeline ${className} is request-scoped or transient (or depends on such a provider): pipelines are built once at boot, so they must be singletons.`,
  operationOutsidePipeline: (className: string, method: string) =>
    `${className}@${method} is decorated @Operation but ${className} is not a @Pipeline: add @Pipeline() to the class.`,
  /** `falseAllowed`: a decorator's, where `false` means no budget. */
  invalidTimeout: (where: string, value: unknown, falseAllowed = false) =>
    `${where} has an invalid timeout (${String(value)}): use a positive finite number of milliseconds${falseAllowed ? ', or false for none' : ''}.`,
  notRegistered: (pipeline: string) =>
    `Pipeline ${pipeline} is not registered: decorate it with @Pipeline(), list it in a module's providers, and import OrchestratorModule.forRoot() once.`,
  operationTimedOut: (operation: string, timeoutMs: number) =>
    `Operation "${operation}" timed out after ${ms(timeoutMs)}.`,
  runTimedOut: (pipeline: string, timeoutMs: number, operation: string) =>
    `Pipeline "${pipeline}" timed out after ${ms(timeoutMs)} (during "${operation}").`,
  runAborted: (operation: string) => `Run aborted by the caller (during "${operation}").`,
  runFinished: 'The pipeline run has finished.',
  invalidObservers: (value: unknown) =>
    `OrchestratorModule observers must be an array of OrchestratorObserver objects, got ${typeof value}.`,
  invalidTracing: (value: unknown) =>
    `OrchestratorModule tracing must be true or false, got ${typeof value}.`,
  siblingFailed: (operation: string) =>
    `Operation '${operation}' failed and is critical: the operations beside it were stopped.`,
  invalidReturn: (label: string, kind: string) =>
    `${label} returned ${kind}: an operation returns the context, a partial of it, or nothing.`,
  nonErrorThrown: (value: unknown) => `Operation threw a non-Error value: ${String(value)}`,
  observerFailed: (hook: string, observer: string) =>
    `Observer ${observer}.${hook} threw; the run goes on.`,
  invalidRetry: (label: string, field: string, value: unknown) =>
    `${label} has an invalid retry ${field} (${String(value)}): attempts is a whole number of at least 1, delays are finite and not negative.`,
  missingCompensation: (label: string, method: string, className: string) =>
    `${label} names compensation "${method}", which is not a method of ${className}.`,
  compensationIsOperation: (label: string, method: string) =>
    `${label} names compensation "${method}", which is itself an @Operation: a compensation must be a plain method.`,
  compensationFailed: (
    pipeline: string,
    operation: string,
    outcome: string,
    reason: string,
    runId: string,
  ) =>
    `Compensation of ${pipeline}.${operation} ${outcome}${reason}; the other compensations still run. (run ${runId})`,
  compensationTimedOut: (operation: string, timeoutMs: number) =>
    `Compensation of "${operation}" timed out after ${ms(timeoutMs)}.`,
  unknownOperation: (className: string, operation: string) =>
    `${className} has no @Operation named "${operation}".`,
  invalidRunStore: (missing: string) =>
    `OrchestratorModule runStore is not a RunStore: it has no ${missing}() method. Pass an object implementing RunStore (e.g. new InMemoryRunStore()).`,
  invalidIdempotencyOption: (field: string, value: unknown) =>
    `OrchestratorModule idempotency.${field} is invalid (${String(value)}): use a positive finite number of milliseconds.`,
  invalidIdempotencyKey: (value: unknown) =>
    `run() idempotencyKey must be a non-empty string, got ${typeof value === 'string' ? '""' : String(value)}.`,
  invalidFingerprint: (value: unknown) =>
    `run() fingerprint must be a non-empty string, got ${typeof value === 'string' ? '""' : String(value)}.`,
  fingerprintCycle:
    'The run input has a cycle: it cannot be fingerprinted; pass your own fingerprint.',
  idempotencyInProgress:
    'A run with this idempotency key is still in progress; retry once it has finished.',
  idempotencyKeyMismatch:
    'This idempotency key was already used with another request; use a new key for a new request.',
  idempotencyUnavailable:
    'The run store could not be reached, so the run did not start; retry later.',
  runStoreFailed: (action: string, pipeline: string, runId: string) =>
    `Run store ${action} failed for pipeline ${pipeline} (run ${runId}); the key will be free again when its lease expires.`,
  leaseLost: (key: string, pipeline: string, holder: string) =>
    `${holder} (${pipeline}) lost its lease on "${key}" (renewal refused): another instance may act on it now.`,
  recoveryUnavailable:
    'The run store could not record what is about to be done, so the operation did not start; retry later.',
  recordFailed: (pipeline: string, operation: string, runId: string) =>
    `Could not record ${pipeline}.${operation} before it started, so it did not start (run ${runId}).`,
  recordRefused: (status: string) =>
    `The run store refused the recovery record (${status}): its lease was lost or taken over.`,
  recordNotJson: 'The context cannot be recorded as JSON (a cycle or a BigInt?).',
  recordNotCleared: (pipeline: string, runId: string) =>
    `Could not clear the recovery record of run ${runId} (${pipeline}): if it is not cleared before its lease ends, a recovery sweep will run its compensations.`,
  invalidRecoveryOptions: (value: unknown) =>
    `OrchestratorModule recovery must be an object ({ intervalMs?, batchSize? }) or false, got ${String(value)}.`,
  invalidRecoveryOption: (field: string, value: unknown, expected: string) =>
    `OrchestratorModule recovery.${field} is invalid (${String(value)}): use ${expected}.`,
  recoverySweepFailed: 'The recovery sweep failed; the next one tries again.',
  recovered: (pipeline: string, runId: string, outcomes: string) =>
    `Recovered run ${runId} of ${pipeline} after its process stopped: ${outcomes}.`,
  recoveryNothingToUndo: (pipeline: string, runId: string) =>
    `Recovery record of run ${runId} (${pipeline}) had no operation recorded yet: nothing to undo.`,
  recoveryUnknownPipeline: (pipeline: string, runId: string, entries: string) =>
    `Cannot recover run ${runId}: pipeline "${pipeline}" is not registered here; released its record, undo by hand: ${entries}`,
  recoveryUnknownOperation: (pipeline: string, operation: string, runId: string, context: string) =>
    `Cannot recover ${pipeline}.${operation} of run ${runId}: it has no compensation here any more; undo by hand, context ${context}`,
};
