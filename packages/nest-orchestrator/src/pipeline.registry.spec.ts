import { Test } from '@nestjs/testing';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import { Orchestrator } from './orchestrator.js';
import { OrchestratorModule } from './orchestrator.module.js';
import { PipelineRegistry } from './pipeline.registry.js';

class Base {
  @Operation()
  audit() {}
}

@Pipeline({ name: 'create-order', timeoutMs: 2000, description: 'Places an order' })
class CreateOrder extends Base {
  @Operation()
  validate() {}

  @Operation(true)
  create() {}

  @Operation({ critical: false, timeoutMs: 200, name: 'notify' })
  sendNotification() {}
}

@Pipeline()
class Plain {
  @Operation(false)
  track() {}
}

describe('PipelineRegistry', () => {
  it('lists every pipeline with its operations, in order, as discovered at boot', async () => {
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({ defaultOperationTimeoutMs: 1000, logFailures: false }),
      ],
      providers: [CreateOrder, Plain],
    }).compile();
    await module.init();
    const registry = module.get(PipelineRegistry);

    expect(registry.list()).toEqual([
      {
        name: 'create-order',
        target: CreateOrder,
        description: 'Places an order',
        timeoutMs: 2000,
        operations: [
          { name: 'audit', method: 'audit', critical: true, timeoutMs: 1000, order: 0, after: [] },
          {
            name: 'validate',
            method: 'validate',
            critical: true,
            timeoutMs: 1000,
            order: 1,
            after: ['audit'],
          },
          {
            name: 'create',
            method: 'create',
            critical: true,
            timeoutMs: 1000,
            order: 2,
            after: ['validate'],
          },
          {
            name: 'notify',
            method: 'sendNotification',
            critical: false,
            timeoutMs: 200,
            order: 3,
            after: ['create'],
          },
        ],
      },
      {
        name: 'Plain',
        target: Plain,
        description: undefined,
        timeoutMs: undefined,
        operations: [
          { name: 'track', method: 'track', critical: false, timeoutMs: 1000, order: 0, after: [] },
        ],
      },
    ]);
    expect(registry.get('create-order')).toBe(registry.get(CreateOrder));
    expect(registry.get('missing')).toBeUndefined();
    expect(Object.isFrozen(registry.list()[0].operations)).toBe(true);

    const result = await module.get(Orchestrator).run('create-order', {});
    expect(Object.keys(result.metrics)).toEqual(['audit', 'validate', 'create', 'notify']);
    await module.close();
  });
});
