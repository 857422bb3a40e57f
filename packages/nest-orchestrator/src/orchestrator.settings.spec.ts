import { Test } from '@nestjs/testing';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { PipelineRegistry } from './pipeline.registry.js';

/** Boots the module alone: no pipeline, so only the options can be wrong. */
async function bootWithout(options: OrchestratorModuleOptions) {
  const module = await Test.createTestingModule({
    imports: [OrchestratorModule.forRoot({ logFailures: false, ...options })],
  }).compile();
  await module.init();
  return module;
}

describe('module options, checked once at boot', () => {
  it.each<[string, OrchestratorModuleOptions, string]>([
    [
      'a default retry',
      { defaultRetry: { attempts: 0 } },
      'OrchestratorModule defaultRetry has an invalid retry attempts (0)',
    ],
    ['a default operation timeout', { defaultOperationTimeoutMs: -5 }, 'defaultOperationTimeoutMs'],
    ['a default pipeline timeout', { defaultPipelineTimeoutMs: 0 }, 'defaultPipelineTimeoutMs'],
    ['a recovery interval', { recovery: { intervalMs: 0 } }, 'recovery.intervalMs is invalid (0)'],
    ['an idempotency lease', { idempotency: { leaseMs: -1 } }, 'leaseMs'],
    [
      'the observers',
      { observers: {} as never },
      'OrchestratorModule observers must be an array of OrchestratorObserver objects, got object.',
    ],
    [
      'tracing',
      { tracing: 'off' as never },
      'OrchestratorModule tracing must be true or false, got string.',
    ],
  ])('refuse %s even when the app has no pipeline', async (_what, options, message) => {
    const booting = bootWithout(options);
    await expect(booting).rejects.toThrow(OrchestratorConfigurationError);
    await expect(bootWithout(options)).rejects.toThrow(message);
  });

  it('boot with valid options and no pipeline at all', async () => {
    const module = await bootWithout({ defaultRetry: { attempts: 2 }, recovery: false });
    expect(module.get(PipelineRegistry).list()).toEqual([]);
    await module.close();
  });
});
