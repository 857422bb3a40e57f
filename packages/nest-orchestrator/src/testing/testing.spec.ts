import { Injectable } from '@nestjs/common';
import { Operation } from '../decorators/operation.decorator.js';
import { Pipeline } from '../decorators/pipeline.decorator.js';
import { OperationError } from '../orchestrator.errors.js';
import { createPipelineTestingModule, runOperation } from './index.js';

@Injectable()
class PriceList {
  price(sku: string): number {
    throw new Error(`the real price list is not reachable in tests (${sku})`);
  }
}

interface Quote {
  sku: string;
  quantity: number;
  total?: number;
}

@Pipeline()
class QuotePipeline {
  constructor(private readonly prices: PriceList) {}

  @Operation()
  validate(ctx: Quote) {
    if (ctx.quantity <= 0) throw new OperationError('VALIDATION', 'quantity must be positive');
  }

  @Operation()
  price(ctx: Quote) {
    return { total: this.prices.price(ctx.sku) * ctx.quantity };
  }
}

describe('orchestrator testing helpers', () => {
  it('runOperation runs one step alone, with the runner rules', async () => {
    const pipeline = new QuotePipeline({ price: () => 250 });
    const priced = await runOperation(pipeline, 'price', { sku: 'A-1', quantity: 3 });
    expect(priced.data).toEqual({ sku: 'A-1', quantity: 3, total: 750 });
    expect(Object.keys(priced.metrics)).toEqual(['price']);

    const refused = await runOperation(pipeline, 'validate', { sku: 'A-1', quantity: 0 });
    expect(refused.error).toEqual({
      operation: 'validate',
      code: 'VALIDATION',
      message: 'quantity must be positive',
    });

    await expect(runOperation(pipeline, 'ship', { sku: 'A-1', quantity: 1 })).rejects.toThrow(
      'QuotePipeline has no @Operation named "ship".',
    );
  });

  it('createPipelineTestingModule injects the providers you override', async () => {
    const app = await createPipelineTestingModule(QuotePipeline, {
      providers: [{ provide: PriceList, useValue: { price: () => 100 } }],
    });
    const result = await app.run({ sku: 'B-2', quantity: 2 });
    expect(result).toMatchObject({ success: true, data: { total: 200 } });
    expect(app.pipeline).toBeInstanceOf(QuotePipeline);
    await app.close();
  });
});
