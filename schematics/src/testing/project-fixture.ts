import { HostTree } from '@angular-devkit/schematics';
import { UnitTestTree } from '@angular-devkit/schematics/testing';

/** The parts of the starter the schematic reads, as they are laid out in the real project. */
export const APP_MODULE = `import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { DatabaseModule } from './database/database.module.js';
import { OrchestratorModule } from 'nest-orchestrator';
import { OrdersModule } from './orders/orders.module.js';

@Module({
  imports: [OrchestratorModule.forRoot(), DatabaseModule, AuthModule, OrdersModule],
})
export class AppModule {}
`;

export const SCHEMA = `generator client {
  provider     = "prisma-client"
  output       = "../src/generated/prisma"
  moduleFormat = "esm"
}

datasource db {
  provider = "postgresql"
}

model User {
  id           String   @id @default(uuid()) @db.Uuid
  email        String   @unique
  passwordHash String
  createdAt    DateTime @default(now())
  orders       Order[]
}

model Order {
  id         String   @id @default(uuid()) @db.Uuid
  customerId String   @db.Uuid
  customer   User     @relation(fields: [customerId], references: [id])
  totalCents Int
  createdAt  DateTime @default(now())

  @@index([customerId, createdAt])
}
`;

export const INIT_MIGRATION = '20261125090000_init';

const ORDERS_PIPELINE = `import { Operation, Pipeline } from 'nest-orchestrator';

@Pipeline({ name: 'create-order', timeoutMs: 5000 })
export class CreateOrderPipeline {
  @Operation()
  validate(): void {}
}
`;

/** The starter's dependencies that the schematics read (versions do not matter to them). */
export const STARTER_DEPENDENCIES = {
  '@nestjs/common': '^12.0.0',
  '@nestjs/core': '^12.0.0',
  '@nestjs/platform-fastify': '^12.0.0',
  '@nestjs/swagger': '^12.0.0',
  '@prisma/client': '^7.0.0',
  'class-validator': '^0.15.0',
  'nest-orchestrator': '*',
  'prom-client': '^15.0.0',
};

export const STARTER_DEV_DEPENDENCIES = {
  '@nestjs/testing': '^12.0.0',
  jest: '^30.0.0',
  prisma: '^7.0.0',
};

export interface FixtureOptions {
  /** package.json \`type\`; the starter is an ES module project. */
  type?: 'module' | 'commonjs';
  sourceRoot?: string;
  files?: Record<string, string>;
}

function treeOf(files: Record<string, string>): UnitTestTree {
  const tree = new UnitTestTree(new HostTree());
  for (const [path, content] of Object.entries(files)) tree.create(path, content);
  return tree;
}

/** This repository's starter app: Fastify, Jest, Prisma, Swagger, JWT auth, e2e helpers. */
export function projectTree({
  type = 'module',
  sourceRoot = 'src',
  files = {},
}: FixtureOptions = {}) {
  const src = sourceRoot;
  const all: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'app',
      type,
      scripts: {
        test: 'node --experimental-vm-modules node_modules/jest/bin/jest.js',
        'db:generate': 'node scripts/prisma-generate.mjs',
        prepare: 'node scripts/prisma-generate.mjs && npm run build -w nest-orchestrator',
        'generate:dashboards': 'npm run build && nest-orchestrator dashboards',
      },
      dependencies: STARTER_DEPENDENCIES,
      devDependencies: STARTER_DEV_DEPENDENCIES,
    }),
    'nest-cli.json': JSON.stringify({ collection: 'nest-orchestrator', sourceRoot }),
    '.prettierrc': JSON.stringify({ singleQuote: true, trailingComma: 'all', printWidth: 100 }),
    [`${src}/app.module.ts`]: APP_MODULE,
    [`${src}/main.ts`]: "import { AppModule } from './app.module.js';\nvoid AppModule;\n",
    [`${src}/auth/current-user.decorator.ts`]:
      'export const CurrentUser = () => () => undefined;\n',
    [`${src}/database/prisma.service.ts`]: 'export class PrismaService {}\n',
    [`${src}/orders/orders.module.ts`]: 'export class OrdersModule {}\n',
    [`${src}/orders/create-order.pipeline.ts`]: ORDERS_PIPELINE,
    'prisma/schema.prisma': SCHEMA,
    [`prisma/migrations/${INIT_MIGRATION}/migration.sql`]: '-- CreateTable\n',
    'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    'test/support/test-app.ts': 'export async function bootTestApp() {}\n',
    'test/support/auth.ts': 'export async function registerAndLogin() {}\n',
    ...files,
  };
  return treeOf(all);
}

/** `src/app.module.ts` as \`nest new\` (Nest 12) writes it. */
export const NEW_APP_MODULE = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;

const NEW_APP_NEST_CLI = `{
  "$schema": "https://json.schemastore.org/nest-cli",
  "collection": "@nestjs/schematics",
  "sourceRoot": "src",
  "compilerOptions": {
    "deleteOutDir": true
  }
}
`;

const vitestConfig = (include: string) => `import { defineConfig } from 'vitest/config';
import tsconfigPaths from 'vite-tsconfig-paths';

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    globals: true,
    root: './',
    include: ['${include}'],
  },
});
`;

export interface NewAppOptions {
  /** Added to package.json's dependencies (\`prom-client\`, \`@nestjs/swagger\`, ...). */
  dependencies?: Record<string, string>;
  files?: Record<string, string>;
}

/**
 * An app as \`nest new\` (Nest 12) makes it: ES modules, Express, Vitest with \`globals: true\`,
 * supertest; no Prisma, no Swagger, no auth, no class-validator.
 */
export function newAppTree({ dependencies = {}, files = {} }: NewAppOptions = {}) {
  return treeOf({
    'package.json': `${JSON.stringify(
      {
        name: 'demo',
        private: true,
        type: 'module',
        scripts: {
          build: 'nest build',
          test: 'vitest run',
          'test:e2e': 'vitest run --config ./vitest.config.e2e.ts',
        },
        dependencies: {
          '@nestjs/common': '^12.0.1',
          '@nestjs/core': '^12.0.1',
          '@nestjs/platform-express': '^12.0.1',
          'reflect-metadata': '^0.2.2',
          rxjs: '^7.8.1',
          ...dependencies,
        },
        devDependencies: {
          '@nestjs/cli': '^12.0.0',
          '@nestjs/schematics': '^12.0.0',
          '@nestjs/testing': '^12.0.1',
          '@types/express': '^5.0.0',
          '@types/supertest': '^7.0.0',
          prettier: '^3.4.2',
          supertest: '^7.0.0',
          typescript: '^6.0.2',
          vitest: '^4.1.2',
        },
      },
      null,
      2,
    )}\n`,
    'nest-cli.json': NEW_APP_NEST_CLI,
    '.prettierrc': JSON.stringify({ singleQuote: true, trailingComma: 'all' }),
    'vitest.config.ts': vitestConfig('**/*.spec.ts'),
    'vitest.config.e2e.ts': vitestConfig('**/*.e2e-spec.ts'),
    'src/app.module.ts': NEW_APP_MODULE,
    'src/app.controller.ts': 'export class AppController {}\n',
    'src/app.service.ts': 'export class AppService {}\n',
    'src/main.ts': "import { AppModule } from './app.module.js';\nvoid AppModule;\n",
    'test/app.e2e-spec.ts': "describe('AppController (e2e)', () => {});\n",
    ...files,
  });
}
