import type { FactoryProvider } from '@nestjs/common';
import { InMemoryRunStore } from './in-memory-run-store.js';
import { RUN_STORE } from './orchestrator.constants.js';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import { ORCHESTRATOR_OPTIONS } from './orchestrator.module-definition.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import type { RunStore } from './interfaces/run-store.interface.js';

const METHODS = ['claim', 'renew', 'record', 'complete', 'release', 'listExpired'] as const;

/** The store from the options, checked at boot, or one in-memory store for this module. */
export function runStoreFrom(options: OrchestratorModuleOptions): RunStore {
  const store = options.runStore;
  if (store === undefined) return new InMemoryRunStore();
  for (const method of METHODS) {
    if (typeof (store as Partial<RunStore> | null)?.[method] !== 'function') {
      throw new OrchestratorConfigurationError(messages.invalidRunStore(method));
    }
  }
  return store;
}

export const runStoreProvider: FactoryProvider<RunStore> = {
  provide: RUN_STORE,
  useFactory: runStoreFrom,
  inject: [ORCHESTRATOR_OPTIONS],
};
