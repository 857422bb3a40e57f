import '../testing/esm-interop.js';
import type { UnitTestTree } from '@angular-devkit/schematics/testing';
import { posix } from 'node:path';
import type { OrchestratorServiceOptions } from './schema.js';

const { createRunner } = await import('../testing/schematic-runner.js');
const { newAppTree, NEW_APP_MODULE, SCHEMA } = await import('../testing/project-fixture.js');

const runner = createRunner();
const logged: string[] = [];
runner.logger.subscribe((entry) => logged.push(entry.message));
beforeEach(() => (logged.length = 0));

function generate(options: OrchestratorServiceOptions, tree: UnitTestTree = newAppTree()) {
  return runner.runSchematic('orchestrator-service', options, tree);
}

function written(tree: UnitTestTree): string[] {
  const before = newAppTree();
  return tree.files
    .filter((file) => !before.exists(file) || before.readContent(file) !== tree.readContent(file))
    .sort();
}

/** Every module specifier a file imports from. */
function importsOf(source: string): string[] {
  return [...source.matchAll(/^import [^;]*? from '([^']+)';$/gms)].map(([, from]) => from);
}

// What a generated file may import in an app that has only what `nest new` gives it.
const ALLOWED = new Set([
  '@nestjs/common',
  '@nestjs/testing',
  'express',
  'supertest',
  'nest-orchestrator',
  'nest-orchestrator/http',
  'nest-orchestrator/testing',
]);

const SERVICE = [
  '/src/price-checks/dto/create-price-check.dto.ts',
  '/src/price-checks/price-checks.constants.ts',
  '/src/price-checks/price-checks.context.ts',
  '/src/price-checks/price-checks.controller.ts',
  '/src/price-checks/price-checks.module.ts',
  '/src/price-checks/price-checks.notifier.ts',
  '/src/price-checks/price-checks.pipeline.spec.ts',
  '/src/price-checks/price-checks.pipeline.ts',
];

describe('nest g orchestrator-service in a `nest new` app (Express, Vitest, nothing else)', () => {
  it('writes a compute service by default, says why, and imports it', async () => {
    const tree = await generate({ name: 'price-checks' });

    expect(written(tree)).toEqual(
      ['/src/app.module.ts', ...SERVICE, '/test/price-checks.e2e-spec.ts'].sort(),
    );
    expect(tree.readContent('/src/price-checks/price-checks.pipeline.ts')).toContain(
      '  compute(ctx: PriceChecksContext)',
    );
    expect(tree.readContent('/src/app.module.ts')).toContain(
      "import { PriceChecksModule } from './price-checks/price-checks.module.js';",
    );
    expect(logged.join('\n')).toContain(
      'Writing a compute service (no database). A crud service is not possible here: --kind crud needs prisma/schema.prisma',
    );
    expect(logged).toContain(
      'Run `npm run build && npx nest-orchestrator dashboards` to add the "price-checks" pipeline to the Grafana dashboards.',
    );
    expect(runner.tasks).toEqual([]);
  });

  it('imports only nest-orchestrator, what `nest new` installs and files that exist', async () => {
    const tree = await generate({ name: 'price-checks' });

    for (const file of written(tree).filter((path) => path.endsWith('.ts'))) {
      for (const from of importsOf(tree.readContent(file))) {
        if (from.startsWith('.')) {
          const target = posix.join(posix.dirname(file), from).replace(/\.js$/, '.ts');
          expect([file, from, tree.exists(target)]).toEqual([file, from, true]);
        } else {
          expect([file, from, ALLOWED.has(from)]).toEqual([file, from, true]);
        }
      }
    }
  });

  it('writes an Express controller with no Swagger, no auth and no class-validator', async () => {
    const tree = await generate({ name: 'price-checks' });
    const controller = tree.readContent('/src/price-checks/price-checks.controller.ts');

    expect(controller).toContain("import type { Response } from 'express';");
    expect(controller).toContain(
      "import { requestSignal, sendPipelineResult } from 'nest-orchestrator/http';",
    );
    expect(controller).toContain('@Res() response: Response,');
    expect(controller).toContain('{ values: body.values },');
    expect(controller).toContain('{ signal: requestSignal(response) },');
    expect(controller).not.toMatch(/CurrentUser|owner|Api[A-Z]/);
    const pipeline = tree.readContent('/src/price-checks/price-checks.pipeline.ts');
    // No DTO checks in the app: validate checks the shape itself.
    expect(pipeline).toContain(
      "if (!Array.isArray(values)) refuse('values must be a list of numbers');",
    );
    expect(pipeline).toContain('await this.notifier.priceCheckComputed(ctx.result!, run.signal);');
    expect(tree.readContent('/src/price-checks/price-checks.context.ts')).not.toContain('ownerId');
    expect(tree.readContent('/src/price-checks/dto/create-price-check.dto.ts')).not.toContain(
      'import',
    );
  });

  it('writes a unit spec on Vitest globals, and a supertest e2e spec of the module alone', async () => {
    const tree = await generate({ name: 'price-checks' });
    const spec = tree.readContent('/src/price-checks/price-checks.pipeline.spec.ts');

    expect(spec).not.toContain("from 'vitest'");
    expect(spec).not.toContain('ownerId');
    expect(spec).toContain("from 'nest-orchestrator/testing';");
    const e2e = tree.readContent('/test/price-checks.e2e-spec.ts');
    expect(e2e).not.toContain("from 'vitest'");
    expect(e2e).toContain("import request from 'supertest';");
    expect(e2e).toContain(
      "import { PriceChecksModule } from '../src/price-checks/price-checks.module.js';",
    );
    expect(e2e).toContain('imports: [OrchestratorModule.forRoot(), PriceChecksModule],');
    expect(e2e).toContain('app = moduleRef.createNestApplication();');
  });

  it('imports describe/it/expect from vitest when its config has no globals', async () => {
    const noGlobals =
      "import { defineConfig } from 'vitest/config';\nexport default defineConfig({});\n";
    const tree = newAppTree({
      files: { 'vitest.config.ts': noGlobals, 'vitest.config.e2e.ts': noGlobals },
    });
    const generated = await generate({ name: 'price-checks' }, tree);

    expect(generated.readContent('/src/price-checks/price-checks.pipeline.spec.ts')).toMatch(
      /^import { describe, expect, it } from 'vitest';\n/,
    );
    expect(generated.readContent('/test/price-checks.e2e-spec.ts')).toMatch(
      /^import { afterAll, beforeAll, describe, expect, it } from 'vitest';\n/,
    );
  });

  it('follows Fastify when the app runs on it', async () => {
    const tree = newAppTree({ dependencies: { '@nestjs/platform-fastify': '^12.0.0' } });
    const generated = await generate({ name: 'price-checks' }, tree);

    const controller = generated.readContent('/src/price-checks/price-checks.controller.ts');
    expect(controller).toContain("import type { FastifyReply } from 'fastify';");
    expect(controller).toContain('@Res() reply: FastifyReply,');
    const e2e = generated.readContent('/test/price-checks.e2e-spec.ts');
    expect(e2e).toMatch(
      /createNestApplication<NestFastifyApplication>\(\s*new FastifyAdapter\(\),?\s*\)/,
    );
    expect(e2e).toContain('await app.getHttpAdapter().getInstance().ready();');
  });

  it('documents the route with the package decorators when Swagger is installed', async () => {
    const tree = newAppTree({
      dependencies: { '@nestjs/swagger': '^12.0.0', 'class-validator': '^0.15.0' },
    });
    const generated = await generate({ name: 'price-checks' }, tree);

    const controller = generated.readContent('/src/price-checks/price-checks.controller.ts');
    expect(controller).toMatch(/@ApiPipelineResponse\(PriceCheckResponse, \{\s+status: 201,/);
    expect(controller).toContain("@ApiPipelineErrorResponse(422, 'Refused by `validate`')");
    expect(controller).toContain('@ApiBadRequestResponse(');
    expect(controller).not.toMatch(/ApiBearerAuth|ApiUnauthorizedResponse|Envelope/);
    expect(generated.readContent('/src/price-checks/dto/price-check.response.ts')).toContain(
      'export class PriceCheckResponse {',
    );
    const dto = generated.readContent('/src/price-checks/dto/create-price-check.dto.ts');
    expect(dto).toContain('@ApiProperty({');
    expect(dto).toContain('@IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })');
    expect(generated.readContent('/src/price-checks/price-checks.pipeline.ts')).not.toContain(
      'Array.isArray',
    );
  });

  it('skips the e2e spec, and says so, without supertest', async () => {
    const tree = newAppTree();
    const pkg = JSON.parse(tree.readContent('/package.json'));
    delete pkg.devDependencies.supertest;
    tree.overwrite('/package.json', JSON.stringify(pkg));
    const generated = await generate({ name: 'price-checks' }, tree);

    expect(generated.exists('/test/price-checks.e2e-spec.ts')).toBe(false);
    expect(generated.exists('/src/price-checks/price-checks.pipeline.spec.ts')).toBe(true);
    expect(logged.join('\n')).toContain(
      'No e2e spec written: the app has no supertest and @nestjs/testing.',
    );
  });

  describe('refuses --kind crud, writing nothing, when the app lacks what it needs', () => {
    const prisma = { '@prisma/client': '^7.0.0' };
    const cases: Array<[string, UnitTestTree, string]> = [
      ['no Prisma', newAppTree(), '--kind crud needs prisma/schema.prisma'],
      [
        'a schema but no Prisma package',
        newAppTree({ files: { 'prisma/schema.prisma': SCHEMA } }),
        '--kind crud needs Prisma: @prisma/client (or prisma) in package.json',
      ],
      [
        'no PrismaService',
        newAppTree({ dependencies: prisma, files: { 'prisma/schema.prisma': SCHEMA } }),
        '--kind crud needs a PrismaService in the app',
      ],
      [
        'no signed-in users',
        newAppTree({
          dependencies: prisma,
          files: {
            'prisma/schema.prisma': SCHEMA,
            'src/prisma/prisma.service.ts': 'export class PrismaService {}\n',
          },
        }),
        '--kind crud needs signed-in users: a @CurrentUser() decorator',
      ],
    ];

    it.each(cases)('%s', async (_case, tree, message) => {
      await expect(generate({ name: 'invoices', kind: 'crud' }, tree)).rejects.toThrow(message);
      expect(tree.readContent('/src/app.module.ts')).toBe(NEW_APP_MODULE);
      expect(tree.exists('/src/invoices')).toBe(false);
    });
  });

  it('is crud by default once the app has Prisma, a PrismaService and @CurrentUser()', async () => {
    const tree = newAppTree({
      dependencies: { '@prisma/client': '^7.0.0' },
      files: {
        'prisma/schema.prisma': SCHEMA,
        'src/prisma/prisma.service.ts': 'export class PrismaService {}\n',
        'src/users/current-user.decorator.ts':
          'export const CurrentUser = () => () => undefined;\n',
      },
    });
    const generated = await generate({ name: 'invoices' }, tree);

    expect(generated.readContent('/src/invoices/invoices.repository.ts')).toContain(
      "import { PrismaService } from '../prisma/prisma.service.js';",
    );
    expect(generated.readContent('/src/invoices/invoices.controller.ts')).toContain(
      "import { CurrentUser } from '../users/current-user.decorator.js';",
    );
    // No way to sign a user in from a test here: no e2e spec, and the log says why.
    expect(generated.exists('/test/invoices.e2e-spec.ts')).toBe(false);
    expect(logged.join('\n')).toContain('No e2e spec written: its routes need a signed-in user');
    expect(runner.tasks.map((task) => task.options)).toEqual([
      { collection: null, name: 'prisma-generate', options: { script: undefined } },
    ]);
  });
});
