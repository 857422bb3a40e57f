import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type { IdempotencyOptions } from './interfaces/idempotency-options.interface.js';

export interface IdempotencySettings {
  readonly leaseMs: number;
  readonly retainMs: number;
  /** A third of the lease: two renewals may fail before another caller can take the key. */
  readonly renewEveryMs: number;
}

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_RETAIN_MS = 24 * 60 * 60 * 1000;

function checkMs(field: keyof IdempotencyOptions, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OrchestratorConfigurationError(messages.invalidIdempotencyOption(field, value));
  }
  return value;
}

/** The options with defaults filled in; throws at boot on a value that is not a duration. */
export function idempotencySettings(options: IdempotencyOptions = {}): IdempotencySettings {
  const leaseMs = checkMs('leaseMs', options.leaseMs, DEFAULT_LEASE_MS);
  const retainMs = checkMs('retainMs', options.retainMs, DEFAULT_RETAIN_MS);
  return { leaseMs, retainMs, renewEveryMs: leaseMs / 3 };
}
