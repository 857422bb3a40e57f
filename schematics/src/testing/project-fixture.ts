import { HostTree } from '@angular-devkit/schematics';
import { UnitTestTree } from '@angular-devkit/schematics/testing';

/** The parts of the starter the schematic reads, as they are laid out in the real project. */
export const APP_MODULE = `import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { DatabaseModule } from './database/database.module.js';
import { OrchestratorModule } from './orchestrator/index.js';
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

const ORDERS_PIPELINE = `import { Operation, Pipeline } from '../orchestrator/index.js';

@Pipeline({ name: 'create-order', timeoutMs: 5000 })
export class CreateOrderPipeline {
  @Operation()
  validate(): void {}
}
`;

export interface FixtureOptions {
  /** package.json \`type\`; the starter is an ES module project. */
  type?: 'module' | 'commonjs';
  sourceRoot?: string;
  files?: Record<string, string>;
}

export function projectTree({
  type = 'module',
  sourceRoot = 'src',
  files = {},
}: FixtureOptions = {}) {
  const tree = new UnitTestTree(new HostTree());
  const src = sourceRoot;
  const all: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'app', type }),
    'nest-cli.json': JSON.stringify({ collection: '@nest-orchestrator/schematics', sourceRoot }),
    '.prettierrc': JSON.stringify({ singleQuote: true, trailingComma: 'all', printWidth: 100 }),
    [`${src}/app.module.ts`]: APP_MODULE,
    [`${src}/main.ts`]: "import { AppModule } from './app.module.js';\nvoid AppModule;\n",
    [`${src}/auth/current-user.decorator.ts`]:
      'export const CurrentUser = () => () => undefined;\n',
    [`${src}/orchestrator/index.ts`]: 'export {};\n',
    [`${src}/orders/orders.module.ts`]: 'export class OrdersModule {}\n',
    [`${src}/orders/create-order.pipeline.ts`]: ORDERS_PIPELINE,
    'prisma/schema.prisma': SCHEMA,
    [`prisma/migrations/${INIT_MIGRATION}/migration.sql`]: '-- CreateTable\n',
    'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    ...files,
  };
  for (const [path, content] of Object.entries(all)) tree.create(path, content);
  return tree;
}
