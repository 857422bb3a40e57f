import type { PipelineResult } from '../index.js';

/** HTTP status for each error code operations use; anything else is a server error. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  VALIDATION: 422,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ABORTED: 499,
  UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  TIMEOUT: 504,
  // Keyed runs (README "Idempotent runs"): retry later / a new request needs a new key.
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_KEY_MISMATCH: 422,
  IDEMPOTENCY_UNAVAILABLE: 503,
  // The run store could not record a compensable step, so it did not start (README "Crash-safe compensation").
  RECOVERY_UNAVAILABLE: 503,
};

/** Codes whose messages come from our own code and are safe to show a client. */
const UNSAFE_CODE = 'OPERATION_FAILED';
const GENERIC_MESSAGE = 'the operation failed';

export interface PublicError {
  readonly code: string;
  readonly message: string;
}

export interface PipelineBodyOptions {
  /**
   * What a client sees for an unexpected error (an operation that threw something other than
   * `OperationError`), from its `cause`; `undefined` keeps the generic 500. An app uses it to
   * turn a database outage into a retryable 503, say.
   */
  readonly publicError?: (cause: unknown) => PublicError | undefined;
}

/** The code and message a client sees: ours, or a generic one for unexpected errors. */
function publicError(
  error: { code: string; message: string; cause?: unknown },
  options: PipelineBodyOptions,
): PublicError {
  if (error.code !== UNSAFE_CODE) return { code: error.code, message: error.message };
  return options.publicError?.(error.cause) ?? { code: UNSAFE_CODE, message: GENERIC_MESSAGE };
}

/** The part of an Express response or a Fastify reply that sending a result needs. */
export interface ResultWriter {
  status(code: number): this;
  header(name: string, value: string): this;
  send(body: unknown): unknown;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export interface PipelineErrorBody {
  success: false;
  error: { code: string; message: string; operation: string; details?: unknown };
  duration: number;
  metrics: Record<string, number>;
  /** What was undone after the failure, when the pipeline declares compensations. */
  compensation?: Record<string, 'done' | 'failed'>;
}

export interface PipelineSuccessBody<T> {
  success: true;
  data: T;
  duration: number;
  metrics: Record<string, number>;
  errors?: Array<{ operation: string; code: string; message: string }>;
}

export function statusFor(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** `validate;dur=0.412, create;dur=2.918, total;dur=3.51`: the browser's timing panel shows it. */
export function serverTiming(result: PipelineResult<unknown>): string {
  const entries = Object.entries(result.metrics).map(([name, ms]) => `${name};dur=${round(ms)}`);
  entries.push(`total;dur=${round(result.duration)}`);
  return entries.join(', ');
}

function roundedMetrics(metrics: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, ms] of Object.entries(metrics)) out[name] = round(ms);
  return out;
}

/** The response body for a run: the picked data, or the error without internals. */
export function pipelineBody<C, T>(
  result: PipelineResult<C>,
  pick: (context: C) => T,
  options: PipelineBodyOptions = {},
): PipelineSuccessBody<T> | PipelineErrorBody {
  const duration = round(result.duration);
  const metrics = roundedMetrics(result.metrics);
  if (!result.success) {
    const { operation, details } = result.error!;
    const { code, message } = publicError(result.error!, options);
    const error =
      details === undefined ? { code, message, operation } : { code, message, operation, details };
    const body: PipelineErrorBody = { success: false, error, duration, metrics };
    if (result.compensation !== undefined) body.compensation = result.compensation;
    return body;
  }
  const body: PipelineSuccessBody<T> = {
    success: true,
    data: pick(result.data as C),
    duration,
    metrics,
  };
  if (result.errors.length > 0) {
    body.errors = result.errors.map(({ operation, code, message }) => ({
      operation,
      code,
      message: code === UNSAFE_CODE ? GENERIC_MESSAGE : message,
    }));
  }
  return body;
}

/**
 * Sends a run's result on an Express response or a Fastify reply (taken with `@Res()`): status
 * from the error code, `Server-Timing`, and the JSON envelope.
 */
export function sendPipelineResult<C, T, W extends ResultWriter>(
  response: W,
  result: PipelineResult<C>,
  pick: (context: C) => T,
  successStatus = 200,
  options: PipelineBodyOptions = {},
): W {
  const body = pipelineBody(result, pick, options);
  const status = body.success ? successStatus : statusFor(body.error.code);
  response.status(status).header('server-timing', serverTiming(result)).send(body);
  return response;
}
