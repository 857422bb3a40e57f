import { Injectable, Module } from '@nestjs/common';
import { Operation, OrchestratorModule, Pipeline } from '../../index.js';

export const DATABASE = Symbol('DATABASE');

/** What a real app's pipelines depend on; instantiating it would fail here. */
const database = {
  provide: DATABASE,
  useFactory: () => {
    throw new Error('the fixture database was connected to');
  },
};

@Injectable()
@Pipeline({ name: 'quotes', description: 'Prices a quote', timeoutMs: 900 })
export class QuotesPipeline {
  constructor() {
    throw new Error('QuotesPipeline was instantiated');
  }

  @Operation()
  validate() {}

  @Operation({ critical: false, timeoutMs: 50 })
  notify() {}
}

@Module({ providers: [database, QuotesPipeline], exports: [DATABASE] })
export class QuotesModule {}

@Module({
  imports: [OrchestratorModule.forRoot({ defaultOperationTimeoutMs: 300 }), QuotesModule],
})
export class AppModule {}
