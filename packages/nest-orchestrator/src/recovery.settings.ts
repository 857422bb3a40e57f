import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type { RecoveryOptions } from './interfaces/recovery-options.interface.js';

export interface RecoverySettings {
  readonly intervalMs: number;
  readonly batchSize: number;
}

const DEFAULT_INTERVAL_MS = 60_000;
const DEFAULT_BATCH_SIZE = 100;
/** setInterval's own ceiling: a longer delay fires at once. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/**
 * The options with defaults filled in, or `false` when crash-safe compensation is off; throws at
 * boot on anything else.
 */
export function recoverySettings(
  options: RecoveryOptions | false | undefined,
): RecoverySettings | false {
  if (options === false) return false;
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OrchestratorConfigurationError(messages.invalidRecoveryOptions(options));
  }
  const { intervalMs = DEFAULT_INTERVAL_MS, batchSize = DEFAULT_BATCH_SIZE } = options;
  if (typeof intervalMs !== 'number' || !(intervalMs > 0 && intervalMs <= MAX_INTERVAL_MS)) {
    throw new OrchestratorConfigurationError(
      messages.invalidRecoveryOption(
        'intervalMs',
        intervalMs,
        'a positive number of milliseconds up to 2^31 - 1',
      ),
    );
  }
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new OrchestratorConfigurationError(
      messages.invalidRecoveryOption('batchSize', batchSize, 'a whole number of at least 1'),
    );
  }
  return { intervalMs, batchSize };
}

/** Injection token of the recovery settings, validated once at module set-up. */
export const RECOVERY_SETTINGS = 'nest-orchestrator:RecoverySettings';
