import '../testing/esm-interop.js';
import type { UnitTestTree } from '@angular-devkit/schematics/testing';
import type { OrchestratorServiceOptions } from './schema.js';

const { createRunner } = await import('../testing/schematic-runner.js');
const { APP_MODULE, INIT_MIGRATION, projectTree, SCHEMA } =
  await import('../testing/project-fixture.js');

const runner = createRunner();

function generate(options: OrchestratorServiceOptions, tree: UnitTestTree = projectTree()) {
  return runner.runSchematic('orchestrator-service', options, tree);
}

/** Files that the run created or changed, compared with a fresh fixture. */
function written(tree: UnitTestTree, before: UnitTestTree = projectTree()): string[] {
  return tree.files
    .filter((file) => !before.exists(file) || before.readContent(file) !== tree.readContent(file))
    .sort();
}

/** What a run wrote, by path, with the migration's timestamp (the clock's) left out. */
function snapshot(tree: UnitTestTree): Record<string, string> {
  return Object.fromEntries(
    written(tree).map((file) => [
      file.replace(/\/\d{14}_/, '/<timestamp>_'),
      tree.readContent(file),
    ]),
  );
}

const MIGRATION = /^\/prisma\/migrations\/(\d{14})_add_invoices\/migration\.sql$/;

describe('nest g orchestrator-service', () => {
  describe('the file tree', () => {
    it('writes the crud service, its specs, the Prisma model and migration, and imports it', async () => {
      const tree = await generate({ name: 'invoices' });
      const files = written(tree);

      expect(files.filter((file) => !MIGRATION.test(file))).toEqual([
        '/prisma/schema.prisma',
        '/src/app.module.ts',
        '/src/invoices/dto/create-invoice.dto.ts',
        '/src/invoices/dto/invoice.response.ts',
        '/src/invoices/invoices.constants.ts',
        '/src/invoices/invoices.context.ts',
        '/src/invoices/invoices.controller.ts',
        '/src/invoices/invoices.module.ts',
        '/src/invoices/invoices.notifier.ts',
        '/src/invoices/invoices.pipeline.spec.ts',
        '/src/invoices/invoices.pipeline.ts',
        '/src/invoices/invoices.repository.ts',
        '/test/invoices.e2e-spec.ts',
      ]);
      expect(files.filter((file) => MIGRATION.test(file))).toHaveLength(1);
    });

    it("regenerates the Prisma client with the app's script once the files are written", async () => {
      await generate({ name: 'invoices' });
      expect(runner.tasks.map((task) => task.options)).toEqual([
        { collection: null, name: 'prisma-generate', options: { script: 'db:generate' } },
      ]);

      await generate({ name: 'price-checks', kind: 'compute' });
      expect(runner.tasks).toEqual([]);
    });

    it('is reachable by its alias, os', async () => {
      const tree = await runner.runSchematic('os', { name: 'invoices' }, projectTree());
      expect(tree.exists('/src/invoices/invoices.pipeline.ts')).toBe(true);
    });

    it('writes a @Pipeline with validate, create and notify, like src/orders', async () => {
      const tree = await generate({ name: 'invoices' });
      const pipeline = tree.readContent('/src/invoices/invoices.pipeline.ts');

      expect(pipeline).toContain(
        "import { Operation, OperationError, Pipeline, type OperationRun } from 'nest-orchestrator';",
      );
      expect(pipeline).toContain("@Pipeline({\n  name: 'invoices',\n  timeoutMs: 5000,");
      expect(pipeline).toContain('export class InvoicesPipeline {');
      const operations = [...pipeline.matchAll(/(@Operation\(.*\))\n\s+(?:async )?(\w+)\(/g)];
      expect(operations.map(([, decorator, method]) => [method, decorator])).toEqual([
        ['validate', '@Operation()'],
        ['create', '@Operation()'],
        ['notify', '@Operation({ critical: false, timeoutMs: NOTIFY_TIMEOUT_MS })'],
      ]);
      expect(pipeline).toContain('invoice: await this.repository.create(ctx.ownerId, {');
    });

    it('writes a controller that runs the pipeline and sends the envelope with a 201', async () => {
      const tree = await generate({ name: 'invoices' });
      const controller = tree.readContent('/src/invoices/invoices.controller.ts');

      expect(controller).toContain("@Controller('invoices')");
      expect(controller).toContain(
        "import { CurrentUser } from '../auth/current-user.decorator.js';",
      );
      expect(controller).toMatch(
        /import \{ requestSignal, sendPipelineResult \} from 'nest-orchestrator\/http';\nimport \{ ApiPipelineErrorResponse, ApiPipelineResponse \} from 'nest-orchestrator\/swagger';/,
      );
      expect(controller).toContain("import type { FastifyReply } from 'fastify';");
      expect(controller).toContain('@Res() reply: FastifyReply,');
      expect(controller).toContain('this.orchestrator.run(\n      InvoicesPipeline,');
      expect(controller).toContain('{ signal: requestSignal(reply) }');
      expect(controller).toContain(
        'return sendPipelineResult(reply, result, (ctx) => ctx.invoice!, 201);',
      );
    });

    it('finds @CurrentUser() where the project keeps it', async () => {
      const tree = projectTree({
        files: { 'src/auth/decorators/current-user.decorator.ts': 'export {};\n' },
      });
      tree.delete('/src/auth/current-user.decorator.ts');
      const generated = await generate({ name: 'invoices' }, tree);

      expect(generated.readContent('/src/invoices/invoices.controller.ts')).toContain(
        "from '../auth/decorators/current-user.decorator.js';",
      );
    });

    it('writes DTOs with class-validator and Swagger decorators, each with an example', async () => {
      const tree = await generate({ name: 'invoices' });
      const dto = tree.readContent('/src/invoices/dto/create-invoice.dto.ts');

      expect(dto).toContain('export class CreateInvoiceDto {');
      expect(dto).toMatch(/@ApiProperty\(\{\n\s+example: 'My first invoice',[\s\S]+@IsString\(\)/);
      expect(dto).toMatch(/@ApiProperty\(\{\n\s+example: 129900,[\s\S]+@IsInt\(\)/);
      // Every documented property has an example, or a type whose properties have theirs.
      for (const file of ['dto/create-invoice.dto.ts', 'dto/invoice.response.ts']) {
        const source = tree.readContent(`/src/invoices/${file}`);
        const properties = [
          ...source.matchAll(
            /@ApiProperty(?:Optional)?\(([^@]*?)\)\n\s+(?:@[\s\S]*?\n\s+)?(\w+)[!?]:/g,
          ),
        ];
        expect(properties.length).toBeGreaterThan(1);
        for (const [, options, property] of properties) {
          expect([property, /example: |type: \[?[A-Z]/.test(options)]).toEqual([property, true]);
        }
      }
    });

    it('writes unit specs with the orchestrator testing helpers, and an e2e spec in test/', async () => {
      const tree = await generate({ name: 'invoices' });
      const spec = tree.readContent('/src/invoices/invoices.pipeline.spec.ts');

      expect(spec).toContain(
        "import { createPipelineTestingModule, runOperation } from 'nest-orchestrator/testing';",
      );
      for (const operation of ['validate', 'create', 'notify']) {
        expect(spec).toContain(`describe('${operation}', () => {`);
        expect(spec).toContain(`runOperation(pipeline, '${operation}'`);
      }
      const e2e = tree.readContent('/test/invoices.e2e-spec.ts');
      expect(e2e).toContain("import { bootTestApp, type TestApp } from './support/test-app.js';");
      expect(e2e).toContain("api.request('POST', '/invoices', { token: user.token, body })");
      expect(e2e).toContain("toEqual(['validate', 'create', 'notify'])");
    });

    it('writes code that Prettier leaves as it is, with the project settings', async () => {
      const prettier = await import('prettier');
      const tree = await generate({ name: 'a-rather-long-service-name-for-wrapping' });
      const options = { singleQuote: true, trailingComma: 'all' as const, printWidth: 100 };
      for (const file of written(tree).filter((path) => path.endsWith('.ts'))) {
        const source = tree.readContent(file);
        expect(await prettier.format(source, { ...options, filepath: file })).toBe(source);
      }
    });
  });

  describe('names', () => {
    it.each(['InvoiceItems', 'invoiceItems', 'invoice-items', 'invoice_items', ' invoice_items '])(
      '%p gives the same service as invoice-items',
      async (name) => {
        const reference = await generate({ name: 'invoice-items' });
        const tree = await generate({ name });

        expect(snapshot(tree)).toEqual(snapshot(reference));
      },
    );

    it('spells every name in its own casing', async () => {
      const tree = await generate({ name: 'InvoiceItems' });
      const folder = '/src/invoice-items';

      expect(tree.readContent(`${folder}/invoice-items.module.ts`)).toContain(
        'export class InvoiceItemsModule {}',
      );
      const pipeline = tree.readContent(`${folder}/invoice-items.pipeline.ts`);
      expect(pipeline).toContain("name: 'invoice-items',");
      expect(pipeline).toContain('INVOICE_ITEM_LIMITS.maxTitleLength');
      expect(pipeline).toContain('invoiceItem: await this.repository.create(');
      expect(pipeline).toContain('this.notifier.invoiceItemCreated(');
      expect(tree.readContent(`${folder}/invoice-items.controller.ts`)).toContain(
        "@Controller('invoice-items')",
      );
      expect(tree.readContent(`${folder}/invoice-items.repository.ts`)).toContain(
        'this.prisma.invoiceItem.create(',
      );
      expect(tree.exists(`${folder}/dto/create-invoice-item.dto.ts`)).toBe(true);
      expect(tree.readContent('/prisma/schema.prisma')).toContain('model InvoiceItem {');
      expect(tree.files.some((file) => file.endsWith('_add_invoice_items/migration.sql'))).toBe(
        true,
      );
    });
  });

  describe('the AppModule edit', () => {
    it('imports the module with a .js suffix and adds it to @Module imports', async () => {
      const tree = await generate({ name: 'invoice-items' });

      expect(tree.readContent('/src/app.module.ts')).toBe(
        APP_MODULE.replace(
          "import { OrdersModule } from './orders/orders.module.js';\n",
          "import { OrdersModule } from './orders/orders.module.js';\n" +
            "import { InvoiceItemsModule } from './invoice-items/invoice-items.module.js';\n",
        ).replace(
          '  imports: [OrchestratorModule.forRoot(), DatabaseModule, AuthModule, OrdersModule],',
          '  imports: [\n    OrchestratorModule.forRoot(),\n    DatabaseModule,\n    AuthModule,\n' +
            '    OrdersModule,\n    InvoiceItemsModule,\n  ],',
        ),
      );
    });

    it('writes no .js suffixes in a CommonJS project', async () => {
      const tree = await generate({ name: 'invoices' }, projectTree({ type: 'commonjs' }));

      expect(tree.readContent('/src/app.module.ts')).toContain(
        "import { InvoicesModule } from './invoices/invoices.module';",
      );
      expect(tree.readContent('/src/invoices/invoices.module.ts')).toContain(
        "import { InvoicesController } from './invoices.controller';",
      );
    });

    it('creates the imports array when the module has none', async () => {
      const tree = projectTree({
        files: {
          'src/app.module.ts':
            "import { Module } from '@nestjs/common';\n\n@Module({})\nexport class AppModule {}\n",
        },
      });
      const generated = await generate({ name: 'invoices' }, tree);

      expect(generated.readContent('/src/app.module.ts')).toContain(
        '@Module({\n  imports: [InvoicesModule],\n})',
      );
    });
  });

  describe('options', () => {
    it('--path puts the service in a folder under the source root', async () => {
      const tree = await generate({ name: 'invoices', path: 'billing' });

      expect(tree.exists('/src/billing/invoices/invoices.pipeline.ts')).toBe(true);
      expect(tree.readContent('/src/billing/invoices/invoices.controller.ts')).toContain(
        "from '../../auth/current-user.decorator.js';",
      );
      expect(tree.readContent('/src/app.module.ts')).toContain(
        "import { InvoicesModule } from './billing/invoices/invoices.module.js';",
      );
      expect(tree.exists('/test/invoices.e2e-spec.ts')).toBe(true);
    });

    it('a name with folders (billing/invoices) is the same as --path billing', async () => {
      const withPath = await generate({ name: 'invoices', path: 'billing' });
      const nested = await generate({ name: 'billing/invoices' });

      expect(snapshot(nested)).toEqual(snapshot(withPath));
    });

    it('--flat writes into the path itself', async () => {
      const tree = await generate({ name: 'invoices', flat: true });

      expect(tree.exists('/src/invoices.pipeline.ts')).toBe(true);
      expect(tree.exists('/src/dto/create-invoice.dto.ts')).toBe(true);
      expect(tree.exists('/src/invoices')).toBe(false);
      expect(tree.readContent('/src/invoices.controller.ts')).toContain(
        "from './auth/current-user.decorator.js';",
      );
      expect(tree.readContent('/src/app.module.ts')).toContain(
        "import { InvoicesModule } from './invoices.module.js';",
      );
    });

    it('--skip-import leaves AppModule alone', async () => {
      const tree = await generate({ name: 'invoices', skipImport: true });

      expect(tree.readContent('/src/app.module.ts')).toBe(APP_MODULE);
      expect(tree.exists('/src/invoices/invoices.module.ts')).toBe(true);
    });

    it('--no-spec writes neither the unit spec nor the e2e spec', async () => {
      const tree = await generate({ name: 'invoices', spec: false });

      expect(written(tree).filter((file) => /spec\.ts$/.test(file))).toEqual([]);
      expect(tree.exists('/src/invoices/invoices.pipeline.ts')).toBe(true);
    });

    it('--spec-file-suffix names the unit spec', async () => {
      const tree = await generate({ name: 'invoices', specFileSuffix: 'test' });

      expect(tree.exists('/src/invoices/invoices.pipeline.test.ts')).toBe(true);
      expect(tree.exists('/src/invoices/invoices.pipeline.spec.ts')).toBe(false);
    });

    it('takes the source root from nest-cli.json when the CLI does not pass it', async () => {
      const tree = await generate({ name: 'invoices' }, projectTree({ sourceRoot: 'app' }));

      expect(tree.exists('/app/invoices/invoices.pipeline.ts')).toBe(true);
      expect(tree.readContent('/app/app.module.ts')).toContain('InvoicesModule');
    });

    describe('--kind', () => {
      it('crud (the default) appends the model, with its relation on User, in prisma format', async () => {
        const tree = await generate({ name: 'invoices', kind: 'crud' });

        expect(tree.readContent('/prisma/schema.prisma')).toBe(
          SCHEMA.replace(
            [
              '  id           String   @id @default(uuid()) @db.Uuid',
              '  email        String   @unique',
              '  passwordHash String',
              '  createdAt    DateTime @default(now())',
              '  orders       Order[]',
            ].join('\n'),
            [
              '  id           String    @id @default(uuid()) @db.Uuid',
              '  email        String    @unique',
              '  passwordHash String',
              '  createdAt    DateTime  @default(now())',
              '  orders       Order[]',
              '  invoices     Invoice[]',
            ].join('\n'),
          ) +
            [
              '',
              'model Invoice {',
              '  id          String   @id @default(uuid()) @db.Uuid',
              '  ownerId     String   @db.Uuid',
              '  owner       User     @relation(fields: [ownerId], references: [id])',
              '  title       String',
              '  amountCents Int',
              '  createdAt   DateTime @default(now())',
              '',
              '  // Serves "my invoices, newest first".',
              '  @@index([ownerId, createdAt])',
              '}',
              '',
            ].join('\n'),
        );
      });

      it('crud writes the migration in Prisma style, after the existing ones', async () => {
        const tree = await generate({ name: 'invoices' });
        const [migration] = tree.files.filter((file) => MIGRATION.test(file));

        expect(MIGRATION.exec(migration)![1] > INIT_MIGRATION.slice(0, 14)).toBe(true);
        expect(tree.readContent(migration)).toBe(
          [
            '-- CreateTable',
            'CREATE TABLE "Invoice" (',
            '    "id" UUID NOT NULL,',
            '    "ownerId" UUID NOT NULL,',
            '    "title" TEXT NOT NULL,',
            '    "amountCents" INTEGER NOT NULL,',
            '    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,',
            '',
            '    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")',
            ');',
            '',
            '-- CreateIndex',
            'CREATE INDEX "Invoice_ownerId_createdAt_idx" ON "Invoice"("ownerId", "createdAt");',
            '',
            '-- AddForeignKey',
            'ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;',
            '',
          ].join('\n'),
        );
      });

      it('compute writes no repository and touches no database file', async () => {
        const tree = await generate({ name: 'price-checks', kind: 'compute' });
        const files = written(tree);

        expect(files).toEqual([
          '/src/app.module.ts',
          '/src/price-checks/dto/create-price-check.dto.ts',
          '/src/price-checks/dto/price-check.response.ts',
          '/src/price-checks/price-checks.constants.ts',
          '/src/price-checks/price-checks.context.ts',
          '/src/price-checks/price-checks.controller.ts',
          '/src/price-checks/price-checks.module.ts',
          '/src/price-checks/price-checks.notifier.ts',
          '/src/price-checks/price-checks.pipeline.spec.ts',
          '/src/price-checks/price-checks.pipeline.ts',
          '/test/price-checks.e2e-spec.ts',
        ]);
        const pipeline = tree.readContent('/src/price-checks/price-checks.pipeline.ts');
        expect(pipeline).toContain('  @Operation()\n  compute(ctx: PriceChecksContext)');
        expect(pipeline).not.toContain('Repository');
        expect(tree.readContent('/src/price-checks/price-checks.module.ts')).toContain(
          'providers: [PriceChecksPipeline, PriceChecksNotifier],',
        );
      });

      it('compute needs no Prisma schema at all', async () => {
        const tree = projectTree();
        tree.delete('/prisma/schema.prisma');
        const generated = await generate({ name: 'price-checks', kind: 'compute' }, tree);
        expect(generated.exists('/src/price-checks/price-checks.pipeline.ts')).toBe(true);
      });

      it('refuses a kind it does not know', async () => {
        await expect(generate({ name: 'x', kind: 'batch' as 'crud' })).rejects.toThrow(/kind/);
      });
    });

    describe('--critical', () => {
      const decorators = async (options: OrchestratorServiceOptions) => {
        const tree = await generate({ name: 'invoices', ...options });
        const pipeline = tree.readContent('/src/invoices/invoices.pipeline.ts');
        return {
          tree,
          pipeline,
          decorators: [...pipeline.matchAll(/(@Operation\(.*\))\n/g)].map(
            ([, decorator]) => decorator,
          ),
        };
      };

      it('makes exactly the listed operations critical', async () => {
        const {
          decorators: found,
          pipeline,
          tree,
        } = await decorators({
          critical: 'validate, notify',
        });

        expect(found).toEqual([
          '@Operation()',
          '@Operation(false)',
          '@Operation({ timeoutMs: NOTIFY_TIMEOUT_MS })',
        ]);
        // notify must cope with a create that failed without stopping the run.
        expect(pipeline).toContain('if (ctx.invoice === undefined) return;');
        const spec = tree.readContent('/src/invoices/invoices.pipeline.spec.ts');
        expect(spec).toContain(
          "it('is not critical: a failed write is recorded and the run goes on'",
        );
        expect(spec).toContain("it('is critical: a failing notifier fails the run'");
      });

      it('an empty list makes none critical', async () => {
        const { decorators: found, tree } = await decorators({ critical: '' });

        expect(found).toEqual([
          '@Operation(false)',
          '@Operation(false)',
          '@Operation({ critical: false, timeoutMs: NOTIFY_TIMEOUT_MS })',
        ]);
        expect(tree.readContent('/test/invoices.e2e-spec.ts')).toContain(
          "it('records a refusal of validate, which is not critical, and goes on'",
        );
      });

      it('refuses an operation that does not exist, naming the real ones', async () => {
        await expect(generate({ name: 'invoices', critical: 'validate,ship' })).rejects.toThrow(
          'Invalid --critical: there is no operation "ship" (the operations are validate, create, notify).',
        );
        await expect(
          generate({ name: 'quotes', kind: 'compute', critical: 'create' }),
        ).rejects.toThrow('(the operations are validate, compute, notify)');
      });
    });
  });

  describe('bad names fail with a clear message and write nothing', () => {
    const refusals: Array<[string, OrchestratorServiceOptions, string | RegExp]> = [
      ['no name', {}, 'A name is required: nest g orchestrator-service <name>'],
      ['an empty name', { name: '' }, 'A name is required'],
      ['a blank name', { name: '   ' }, 'A name is required'],
      [
        "the Nest CLI's empty name (0)",
        { name: 0 },
        'Invalid name "0": a name is required and must start with a letter',
      ],
      ['a reserved word', { name: 'class' }, 'Invalid name "class": "class" is a reserved word'],
      ['a reserved word in another casing', { name: 'Delete' }, '"delete" is a reserved word'],
      ['a TypeScript keyword', { name: 'interface' }, '"interface" is a reserved word'],
      ['a leading digit', { name: '1invoices' }, 'Invalid name "1invoices": use letters, digits'],
      ['punctuation', { name: 'invoice$' }, 'Invalid name "invoice$"'],
      ['a dot', { name: 'invoices.v2' }, 'Invalid name "invoices.v2"'],
      ['a folder without a name', { name: 'invoices/' }, 'Invalid name "invoices/"'],
      ['a reserved word in a folder', { name: 'billing/new' }, 'Invalid name "billing/new": "new"'],
      ['a name too long for PostgreSQL', { name: 'a'.repeat(41) }, 'at most 40 characters'],
      [
        'path traversal',
        { name: '../x' },
        'Invalid name "../x": it must be a relative path inside the source root',
      ],
      ['deeper traversal', { name: 'billing/../../x' }, 'without ".."'],
      ['an absolute path', { name: '/tmp/x' }, 'Invalid name "/tmp/x"'],
      ['a Windows path', { name: 'C:\\x' }, 'Invalid name "C:\\x"'],
      ['--path traversal', { name: 'x', path: '../outside' }, 'Invalid path "../outside"'],
      ['an absolute --path', { name: 'x', path: '/etc' }, 'Invalid path "/etc"'],
      ['a folder that exists', { name: 'orders' }, 'The name is taken: src/orders/ already exists'],
      [
        'a pipeline name that exists',
        { name: 'CreateOrder' },
        'The name is taken: a pipeline named "create-order" already exists (CreateOrderPipeline in src/orders/create-order.pipeline.ts)',
      ],
      [
        'a model that exists',
        { name: 'users' },
        'The name is taken: prisma/schema.prisma already has a model User',
      ],
      [
        'a language other than TypeScript',
        { name: 'x', language: 'js' },
        'Only TypeScript is supported',
      ],
    ];

    it.each(refusals)('%s', async (_case, options, message) => {
      const tree = projectTree();
      await expect(generate(options, tree)).rejects.toThrow(message);
      expect(written(tree)).toEqual([]);
    });

    it("a pipeline named by @Pipeline('<name>') elsewhere", async () => {
      const tree = projectTree({
        files: {
          'src/billing/billing.pipeline.ts':
            "@Pipeline('invoices')\nexport class BillingPipeline {}\n",
        },
      });
      await expect(generate({ name: 'invoices' }, tree)).rejects.toThrow(
        'a pipeline named "invoices" already exists (BillingPipeline in src/billing/billing.pipeline.ts)',
      );
    });

    it('a class the service would declare', async () => {
      const tree = projectTree({
        files: { 'src/legacy/invoice.response.ts': 'export class InvoiceResponse {}\n' },
      });
      await expect(generate({ name: 'invoices' }, tree)).rejects.toThrow(
        'The name is taken: a class InvoiceResponse already exists (src/legacy/invoice.response.ts)',
      );
    });

    it('a file it would write (flat), or an e2e spec that exists', async () => {
      const flat = projectTree({ files: { 'src/invoices.pipeline.ts': 'export {};\n' } });
      await expect(generate({ name: 'invoices', flat: true }, flat)).rejects.toThrow(
        'The name is taken: src/invoices.pipeline.ts already exists.',
      );
      const e2e = projectTree({ files: { 'test/invoices.e2e-spec.ts': 'export {};\n' } });
      await expect(generate({ name: 'invoices' }, e2e)).rejects.toThrow(
        'The name is taken: test/invoices.e2e-spec.ts already exists.',
      );
    });

    it('a migration or a User relation of that name', async () => {
      const migration = projectTree({
        files: { 'prisma/migrations/20261125100000_add_invoices/migration.sql': '--\n' },
      });
      await expect(generate({ name: 'invoices' }, migration)).rejects.toThrow(
        'a migration ending in _add_invoices already exists',
      );
      const relation = projectTree({
        files: {
          'prisma/schema.prisma': SCHEMA.replace(
            '  orders       Order[]',
            '  orders       Order[]\n  invoices     Order[]',
          ),
        },
      });
      await expect(generate({ name: 'invoices' }, relation)).rejects.toThrow(
        'model User in prisma/schema.prisma already has a field invoices',
      );
    });

    it('is not fooled by test-only classes in specs', async () => {
      const tree = projectTree({
        files: { 'src/orchestrator/testing.spec.ts': '@Pipeline()\nclass InvoicesPipeline {}\n' },
      });
      await expect(generate({ name: 'invoices' }, tree)).resolves.toBeDefined();
    });
  });
});
