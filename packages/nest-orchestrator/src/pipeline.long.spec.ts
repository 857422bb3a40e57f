import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import { createPipelineTestingModule } from './testing/index.js';

interface Ctx {
  n: number;
  failAt?: number;
}
const names = Array.from({ length: 20 }, (_, i) => `step${i}`);

@Pipeline()
class Long {}
for (const [i, name] of names.entries()) {
  const descriptor: PropertyDescriptor = {
    value(ctx: Ctx) {
      if (ctx.failAt === i) throw new Error('boom');
      return { n: ctx.n + 1 };
    },
    writable: true,
    configurable: true,
  };
  Operation()(Long.prototype, name, descriptor);
  Object.defineProperty(Long.prototype, name, descriptor);
}

describe('metrics of a pipeline longer than 16 operations', () => {
  it('lists every started operation in run order, with numbers', async () => {
    const app = await createPipelineTestingModule<Long, Ctx>(Long);
    for (let k = 0; k < 3; k++) {
      const ok = await app.run({ n: 0 });
      expect(ok.data?.n).toBe(20);
      expect(Object.keys(ok.metrics)).toEqual(names);
      expect(Object.values(ok.metrics).every((v) => typeof v === 'number' && v >= 0)).toBe(true);
      const failed = await app.run({ n: 0, failAt: 17 });
      expect(failed.success).toBe(false);
      expect(Object.keys(failed.metrics)).toEqual(names.slice(0, 18));
      expect(JSON.parse(JSON.stringify(failed)).metrics).toEqual(failed.metrics);
    }
    await app.close();
  });
});
