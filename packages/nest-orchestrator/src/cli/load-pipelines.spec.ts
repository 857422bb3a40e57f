import { fileURLToPath } from 'node:url';
import { loadPipelines } from './load-pipelines.js';

const fixture = fileURLToPath(new URL('./fixtures/app.module.ts', import.meta.url));
const asyncFixture = fileURLToPath(new URL('./fixtures/async-app.module.ts', import.meta.url));

describe('loadPipelines', () => {
  it('reads the pipelines of a root module without instantiating any provider', async () => {
    const [quotes, ...others] = await loadPipelines(fixture);

    expect(others).toEqual([]);
    expect(quotes).toMatchObject({ name: 'quotes', description: 'Prices a quote', timeoutMs: 900 });
    expect(
      quotes.operations.map(({ name, critical, timeoutMs }) => [name, critical, timeoutMs]),
    ).toEqual([
      ['validate', true, 300], // the forRoot() default applies
      ['notify', false, 50],
    ]);
  });

  it('names the exports when the root module is not found', async () => {
    await expect(loadPipelines(fixture, { exportName: 'RootModule' })).rejects.toThrow(
      /exports no class named RootModule \(it exports .*AppModule.*\); name the root module with --export/,
    );
  });

  it('says to build first when the compiled module is missing', async () => {
    await expect(loadPipelines('dist/nowhere/app.module.js')).rejects.toThrow(
      /No compiled module at .*dist\/nowhere\/app\.module\.js\. Build the app first/,
    );
  });

  it('says when forRootAsync() hides the module defaults, which --boot reads', async () => {
    const warnings: string[] = [];
    const [previewed] = await loadPipelines(asyncFixture, { warn: (line) => warnings.push(line) });
    expect(previewed.operations[0].timeoutMs).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('pass --boot to start the app')]);

    const [booted] = await loadPipelines(asyncFixture, { boot: true });
    expect(booted.operations[0].timeoutMs).toBe(700);
  });

  it('with boot, really starts the providers', async () => {
    await expect(loadPipelines(fixture, { boot: true })).rejects.toThrow(
      /QuotesPipeline was instantiated|the fixture database was connected to/,
    );
  });
});
