import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  copyProject,
  PROJECT_ROOT,
  runIn,
  type CommandResult,
  type ProjectCopy,
} from './schematics/project-copy.js';

// Written into the copy and run there with the generated specs: it boots the real app, whatever
// the templates say, and checks the route and the registry the dashboards are generated from.
const PROBE = `import { PipelineRegistry } from 'nest-orchestrator';
import { registerAndLogin } from './support/auth.js';
import { bootTestApp } from './support/test-app.js';

it('POST /invoices with a token answers 201 with metrics for its three operations', async () => {
  const api = await bootTestApp();
  try {
    const { token } = await registerAndLogin(api);
    const response = await api.request('POST', '/invoices', {
      token,
      body: { title: 'Probe', amountCents: 1 },
    });
    expect(response.status).toBe(201);
    expect(response.body.success).toBe(true);
    expect(Object.keys(response.body.metrics)).toEqual(['validate', 'create', 'notify']);
    expect(response.headers.get('server-timing')).toMatch(/^validate;dur=.*, create;dur=.*, notify;dur=.*, total;dur=/);

    const pipelines = api.app.get(PipelineRegistry).list();
    const invoices = pipelines.find((pipeline) => pipeline.name === 'invoices');
    expect(invoices?.operations.map((operation) => [operation.name, operation.critical])).toEqual([
      ['validate', true],
      ['create', true],
      ['notify', false],
    ]);
  } finally {
    await api.close();
  }
}, 60_000);
`;

interface JestReport {
  success: boolean;
  numFailedTests: number;
  testResults: Array<{
    name: string;
    status: string;
    message: string;
    assertionResults: Array<{ fullName: string; status: string }>;
  }>;
}

const MINUTE = 60_000;
const succeeded = (result: CommandResult) =>
  expect(result).toEqual({ code: 0, output: expect.any(String) });

/** Every file under the folders a run could write to, for "nothing was written" checks. */
function listing(dir: string): string[] {
  return ['src', 'test', 'prisma'].flatMap((folder) =>
    readdirSync(join(dir, folder), { recursive: true, encoding: 'utf8' }).map(
      (path) => `${folder}/${path}`,
    ),
  );
}

describe('nest g orchestrator-service in a copy of the project (e2e)', () => {
  let project: ProjectCopy;
  const npx = (...args: string[]) => project.run('npx', args);

  beforeAll(async () => {
    // The CLI runs the collection from the package's dist/schematics (node_modules/nest-orchestrator
    // links to packages/nest-orchestrator): build it from the sources under test first.
    succeeded(
      await runIn(
        PROJECT_ROOT,
        process.execPath,
        ['packages/nest-orchestrator/build.mjs'],
        2 * MINUTE,
      ),
    );
    project = copyProject();
  }, 2 * MINUTE);
  afterAll(() => project?.remove());

  it(
    '`npx nest g orchestrator-service invoices` writes the service, the model and the import, and regenerates the Prisma client',
    async () => {
      const result = await npx('nest', 'g', 'orchestrator-service', 'invoices');

      succeeded(result);
      for (const file of [
        'src/invoices/invoices.module.ts',
        'src/invoices/invoices.pipeline.ts',
        'src/invoices/invoices.pipeline.spec.ts',
        'src/invoices/invoices.controller.ts',
        'src/invoices/dto/create-invoice.dto.ts',
        'test/invoices.e2e-spec.ts',
      ]) {
        expect(result.output).toContain(`CREATE ${file}`);
        expect(existsSync(join(project.dir, file))).toBe(true);
      }
      expect(result.output).toMatch(
        /CREATE prisma\/migrations\/\d{14}_add_invoices\/migration\.sql/,
      );
      expect(result.output).toContain('UPDATE src/app.module.ts');
      expect(readFileSync(join(project.dir, 'src/app.module.ts'), 'utf8')).toContain(
        "import { InvoicesModule } from './invoices/invoices.module.js';",
      );
      expect(readFileSync(join(project.dir, 'prisma/schema.prisma'), 'utf8')).toContain(
        'model Invoice {',
      );
      // The copy starts without src/generated: the client there is the one this run generated.
      expect(result.output).toContain('Running `npm run db:generate`');
      expect(
        readFileSync(join(project.dir, 'src/generated/prisma/models/Invoice.ts'), 'utf8'),
      ).toContain('ownerId');
    },
    2 * MINUTE,
  );

  it(
    'takes --kind and --critical through the schematics CLI (nest g refuses unknown options)',
    async () => {
      const result = await npx(
        'schematics',
        'nest-orchestrator:os',
        'price-checks',
        '--kind',
        'compute',
        '--critical',
        'validate,notify',
      );

      succeeded(result);
      expect(result.output).toContain('CREATE src/price-checks/price-checks.pipeline.ts');
      expect(result.output).not.toContain('prisma/');
      const pipeline = readFileSync(
        join(project.dir, 'src/price-checks/price-checks.pipeline.ts'),
        'utf8',
      );
      expect(pipeline).toContain('  @Operation(false)\n  compute(');
      expect(pipeline).toContain('  @Operation({ timeoutMs: NOTIFY_TIMEOUT_MS })\n  async notify(');
    },
    2 * MINUTE,
  );

  it(
    '--dry-run only reports, a bad name writes nothing, and the built-ins still work',
    async () => {
      const before = listing(project.dir);

      const dryRun = await npx('nest', 'g', 'os', 'receipts', '--dry-run');
      succeeded(dryRun);
      expect(dryRun.output).toContain('CREATE src/receipts/receipts.pipeline.ts');
      expect(dryRun.output).toContain('Dry run enabled. No files written to disk.');

      // The Nest CLI prints a schematic's error but exits 0; the message is what the user sees.
      const refused = await npx('nest', 'g', 'os', 'invoices');
      expect(refused.output).toContain('The name is taken: src/invoices/ already exists.');
      const reserved = await npx('nest', 'g', 'os', 'class');
      expect(reserved.output).toContain('"class" is a reserved word');

      const builtIn = await npx('nest', 'g', 'service', 'things', '--dry-run');
      succeeded(builtIn);
      expect(builtIn.output).toContain('CREATE src/things/things.service.ts');

      expect(listing(project.dir)).toEqual(before);
    },
    2 * MINUTE,
  );

  it(
    'compiles right after `nest g`, with no second command: `tsc --noEmit`',
    async () => {
      succeeded(await npx('tsc', '--noEmit', '-p', 'tsconfig.json'));
    },
    3 * MINUTE,
  );

  it(
    'passes the linter and Prettier',
    async () => {
      const generated = [
        'src/invoices',
        'src/price-checks',
        'test/invoices.e2e-spec.ts',
        'test/price-checks.e2e-spec.ts',
        'src/app.module.ts',
      ];
      succeeded(await npx('eslint', ...generated));
      succeeded(await npx('prettier', '--check', ...generated));
    },
    2 * MINUTE,
  );

  it(
    'passes the generated specs, and the booted app answers POST /invoices with 201 and three metrics',
    async () => {
      writeFileSync(join(project.dir, 'test/schematics-probe.e2e-spec.ts'), PROBE);
      const report = join(project.dir, 'jest-report.json');

      const result = await project.run(
        process.execPath,
        [
          '--experimental-vm-modules',
          'node_modules/jest/bin/jest.js',
          '--ci',
          '--runInBand',
          '--json',
          `--outputFile=${report}`,
          'src/invoices/',
          'src/price-checks/',
          'test/price-checks.e2e-spec.ts',
          'test/invoices.e2e-spec.ts',
          'test/schematics-probe.e2e-spec.ts',
        ],
        4 * MINUTE,
      );

      succeeded(result);
      const { testResults } = JSON.parse(readFileSync(report, 'utf8')) as JestReport;
      const suites = testResults.map((suite) => [
        suite.name.slice(project.dir.length + 1),
        suite.status,
      ]);
      expect(suites.sort()).toEqual([
        ['src/invoices/invoices.pipeline.spec.ts', 'passed'],
        ['src/price-checks/price-checks.pipeline.spec.ts', 'passed'],
        ['test/invoices.e2e-spec.ts', 'passed'],
        ['test/price-checks.e2e-spec.ts', 'passed'],
        ['test/schematics-probe.e2e-spec.ts', 'passed'],
      ]);
      const tests = testResults.flatMap((suite) => suite.assertionResults);
      expect(tests.length).toBeGreaterThanOrEqual(25);
      expect(tests.every((test) => test.status === 'passed')).toBe(true);
    },
    5 * MINUTE,
  );
});
