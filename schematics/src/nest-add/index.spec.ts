import '../testing/esm-interop.js';
import type { UnitTestTree } from '@angular-devkit/schematics/testing';
import type { NestAddOptions } from './schema.js';

const { createRunner } = await import('../testing/schematic-runner.js');
const { newAppTree, NEW_APP_MODULE, projectTree, APP_MODULE } =
  await import('../testing/project-fixture.js');

const runner = createRunner();
const logged: string[] = [];
runner.logger.subscribe((entry) => logged.push(entry.message));
beforeEach(() => (logged.length = 0));

const WILLSOTO = { '@willsoto/nestjs-prometheus': '^6.0.0', 'prom-client': '^15.0.0' };

function add(tree: UnitTestTree, options: NestAddOptions = {}) {
  return runner.runSchematic(
    'nest-add',
    { sourceRoot: 'src', skipInstall: true, ...options },
    tree,
  );
}

/** Every file's content, to compare two runs. */
function contents(tree: UnitTestTree): Record<string, string> {
  return Object.fromEntries(tree.files.map((file) => [file, tree.readContent(file)]));
}

describe('nest add nest-orchestrator', () => {
  it('imports OrchestratorModule.forRoot() into the root module of a `nest new` app', async () => {
    const tree = await add(newAppTree());

    expect(tree.readContent('/src/app.module.ts')).toBe(
      NEW_APP_MODULE.replace(
        "import { AppService } from './app.service.js';\n",
        "import { AppService } from './app.service.js';\n" +
          "import { OrchestratorModule } from 'nest-orchestrator';\n",
      ).replace('imports: [],', 'imports: [OrchestratorModule.forRoot()],'),
    );
    expect(logged.join('\n')).toContain('prom-client is not in package.json');
  });

  it('sets the collection in nest-cli.json and keeps its other keys', async () => {
    const tree = await add(newAppTree());

    expect(JSON.parse(tree.readContent('/nest-cli.json'))).toEqual({
      $schema: 'https://json.schemastore.org/nest-cli',
      collection: 'nest-orchestrator',
      sourceRoot: 'src',
      compilerOptions: { deleteOutDir: true },
    });
    expect(logged.join('\n')).toContain('(was "@nestjs/schematics")');
  });

  it('adds the collection key when nest-cli.json has none, and creates the file when absent', async () => {
    const withoutKey = newAppTree();
    withoutKey.overwrite('/nest-cli.json', JSON.stringify({ sourceRoot: 'src' }));
    expect(JSON.parse((await add(withoutKey)).readContent('/nest-cli.json'))).toEqual({
      collection: 'nest-orchestrator',
      sourceRoot: 'src',
    });

    const withoutFile = newAppTree();
    withoutFile.delete('/nest-cli.json');
    expect(JSON.parse((await add(withoutFile)).readContent('/nest-cli.json'))).toMatchObject({
      collection: 'nest-orchestrator',
      sourceRoot: 'src',
    });
  });

  it('wires the Prometheus metrics when prom-client is installed', async () => {
    const tree = await add(newAppTree({ dependencies: { 'prom-client': '^15.0.0' } }));
    const module = tree.readContent('/src/app.module.ts');

    expect(module).toContain("import { OrchestratorModule } from 'nest-orchestrator';\n");
    expect(module).toContain(
      "import { OrchestratorMetricsModule } from 'nest-orchestrator/prometheus';\n",
    );
    expect(module).toContain(
      'imports: [OrchestratorModule.forRoot(), OrchestratorMetricsModule.forRoot()],',
    );
    expect(module).not.toContain('PrometheusModule.register');
  });

  it('beside @willsoto/nestjs-prometheus: no route or defaults of ours, and its module registered', async () => {
    const tree = await add(newAppTree({ dependencies: WILLSOTO }));
    const module = tree.readContent('/src/app.module.ts');

    expect(module).toContain("import { PrometheusModule } from '@willsoto/nestjs-prometheus';\n");
    expect(module).toMatch(
      /OrchestratorMetricsModule\.forRoot\(\{\s*path: false,\s*defaultMetrics: false,\s*httpMetrics: false,?\s*\}\)/,
    );
    expect(module).toMatch(/PrometheusModule\.register\(\),?\s*\]/);
    expect(logged.join('\n')).toContain(
      "served by willsoto's /metrics".replace('served by', 'and'),
    );
  });

  it('does not register PrometheusModule a second time', async () => {
    const registered = newAppTree({
      dependencies: WILLSOTO,
      files: {
        'src/metrics/metrics.module.ts':
          "import { PrometheusModule } from '@willsoto/nestjs-prometheus';\n" +
          '@Module({ imports: [PrometheusModule.register({ path: "/prom" })] })\n' +
          'export class MetricsModule {}\n',
      },
    });
    const tree = await add(registered);

    expect(tree.readContent('/src/app.module.ts')).not.toContain('PrometheusModule');
    expect(logged.join('\n')).toContain(
      'PrometheusModule is already registered (src/metrics/metrics.module.ts)',
    );
  });

  it.each([
    ['without prom-client', {}],
    ['with prom-client', { 'prom-client': '^15.0.0' }],
    ['with @willsoto/nestjs-prometheus', WILLSOTO],
  ])('changes nothing when run a second time (%s)', async (_case, dependencies) => {
    const once = await add(newAppTree({ dependencies }));
    const snapshot = contents(once);
    const twice = await add(once);

    expect(contents(twice)).toEqual(snapshot);
    expect(logged.join('\n')).toContain('already imports OrchestratorModule');
    expect(logged.join('\n')).toContain(
      'nest-cli.json already names the nest-orchestrator collection',
    );
  });

  it('leaves an app that is set up already (the starter) as it is', async () => {
    const module = APP_MODULE.replace(
      "import { OrchestratorModule } from 'nest-orchestrator';\n",
      "import { OrchestratorMetricsModule } from 'nest-orchestrator/prometheus';\n" +
        "import { OrchestratorModule } from 'nest-orchestrator';\n",
    ).replace(
      'OrchestratorModule.forRoot(),',
      'OrchestratorModule.forRoot(), OrchestratorMetricsModule.forRoot(),',
    );
    const starter = projectTree({ files: { 'src/app.module.ts': module } });
    const before = contents(starter);
    const tree = await add(starter);

    expect(contents(tree)).toEqual(before);
  });

  it('finds the root module with Nest’s finder when there is no app.module.ts', async () => {
    const tree = newAppTree();
    tree.rename('/src/app.module.ts', '/src/root.module.ts');
    const generated = await add(tree);

    expect(generated.readContent('/src/root.module.ts')).toContain('OrchestratorModule.forRoot()');
  });

  it('takes the source root of a monorepo project', async () => {
    const tree = newAppTree({
      files: { 'apps/api/src/app.module.ts': NEW_APP_MODULE },
    });
    tree.overwrite(
      '/nest-cli.json',
      JSON.stringify({
        monorepo: true,
        sourceRoot: 'apps/api/src',
        projects: { api: { sourceRoot: 'apps/api/src' } },
      }),
    );
    const generated = await add(tree, { project: 'api', sourceRoot: undefined });

    expect(generated.readContent('/apps/api/src/app.module.ts')).toContain('OrchestratorModule');
    expect(generated.readContent('/src/app.module.ts')).toBe(NEW_APP_MODULE);
  });

  it.each<[string, () => UnitTestTree, NestAddOptions, string]>([
    [
      'no root module',
      () => {
        const tree = newAppTree();
        tree.delete('/src/app.module.ts');
        return tree;
      },
      {},
      'No root module found: src/app.module.ts does not exist',
    ],
    ['an unknown project', () => newAppTree(), { project: 'web' }, 'Unknown project "web"'],
    [
      'a nest-cli.json that is not JSON',
      () => newAppTree({ files: {} }),
      {},
      'nest-cli.json is not valid JSON',
    ],
  ])('refuses %s with a message, writing nothing', async (name, make, options, message) => {
    const tree = make();
    if (name.includes('not JSON')) tree.overwrite('/nest-cli.json', '{ "collection": ');
    const before = contents(tree);

    await expect(add(tree, options)).rejects.toThrow(message);
    expect(contents(tree)).toEqual(before);
  });
});
