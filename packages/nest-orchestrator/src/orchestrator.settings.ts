import type { FactoryProvider } from '@nestjs/common';
import { idempotencySettings, type IdempotencySettings } from './idempotency.settings.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import { ORCHESTRATOR_OPTIONS } from './orchestrator.module-definition.js';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import { checkTimeout, toRetryPolicy } from './pipeline-plan.builder.js';
import { RECOVERY_SETTINGS, recoverySettings, type RecoverySettings } from './recovery.settings.js';

/** The module options, checked and with defaults filled in. */
export interface OrchestratorSettings {
  readonly idempotency: IdempotencySettings;
  readonly recovery: RecoverySettings | false;
  /** Spans for runs and operations when an OpenTelemetry SDK is registered at boot. */
  readonly tracing: boolean;
}

/**
 * Every module option checked in one place, once, when the module is set up: a mistake stops
 * the boot whether or not any pipeline exists, naming the option rather than the first
 * operation it would have applied to.
 */
export function orchestratorSettings(options: OrchestratorModuleOptions): OrchestratorSettings {
  checkTimeout('OrchestratorModule defaultPipelineTimeoutMs', options.defaultPipelineTimeoutMs);
  checkTimeout('OrchestratorModule defaultOperationTimeoutMs', options.defaultOperationTimeoutMs);
  toRetryPolicy('OrchestratorModule defaultRetry', options.defaultRetry);
  if (options.observers !== undefined && !Array.isArray(options.observers)) {
    throw new OrchestratorConfigurationError(messages.invalidObservers(options.observers));
  }
  if (options.tracing !== undefined && typeof options.tracing !== 'boolean') {
    throw new OrchestratorConfigurationError(messages.invalidTracing(options.tracing));
  }
  return {
    idempotency: idempotencySettings(options.idempotency),
    recovery: recoverySettings(options.recovery),
    tracing: options.tracing !== false,
  };
}

/** Injection token of the checked settings. */
export const ORCHESTRATOR_SETTINGS = 'nest-orchestrator:Settings';

export const orchestratorSettingsProvider: FactoryProvider<OrchestratorSettings> = {
  provide: ORCHESTRATOR_SETTINGS,
  useFactory: orchestratorSettings,
  inject: [ORCHESTRATOR_OPTIONS],
};

/** The recovery part on its own token, for the sweeper and the runner's journal. */
export const recoverySettingsProvider: FactoryProvider<RecoverySettings | false> = {
  provide: RECOVERY_SETTINGS,
  useFactory: (settings: OrchestratorSettings) => settings.recovery,
  inject: [ORCHESTRATOR_SETTINGS],
};
