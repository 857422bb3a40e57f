import { join, normalize, type Path } from '@angular-devkit/core';
import type { Tree } from '@angular-devkit/schematics';
import {
  isEsmProject,
  ModuleFinder,
  NameParser,
  normalizeToKebabOrSnakeCase,
} from '@nestjs/schematics';
import { readAppProfile, type AppProfile } from './app-profile.js';
import { messages } from './messages.js';
import { serviceNames, type ServiceNames } from './names.js';
import { hasModel, migrationTimestamp, modelHasField } from './prisma-model.js';
import { scanProject } from './project-scan.js';
import type { OrchestratorServiceOptions, ServiceKind } from './schema.js';

export const SCHEMA_FILE = normalize('/prisma/schema.prisma');
const MIGRATIONS_DIR = normalize('/prisma/migrations');
export const TEST_DIR = normalize('/test');

/** Everything the rules need, decided (and every refusal made) before anything is written. */
export interface ServicePlan {
  names: ServiceNames;
  kind: ServiceKind;
  /** The main write: `create` (crud) or `compute`. */
  main: 'create' | 'compute';
  operations: readonly string[];
  critical: Readonly<Record<string, boolean>>;
  sourceRoot: Path;
  /** The folder the service's files go to. */
  directory: Path;
  e2eFile?: Path;
  /** Every file the service's templates write. */
  files: Path[];
  spec: boolean;
  specFileSuffix: string;
  skipImport: boolean;
  isEsm: boolean;
  profile: AppProfile;
  /** The e2e spec that fits the app: the starter's helpers, supertest, or none. */
  e2e: 'starter' | 'supertest' | undefined;
  /** The module the new one is imported into (AppModule by default), unless skipped. */
  module?: Path;
  migrationFile?: Path;
  /** What the run decided from the project (a default kind, a skipped spec), for the log. */
  notes: string[];
}

/** Raw values reach the file system only through here: nothing absolute, no `..`. */
function assertInside(option: string, value: string): void {
  const segments = value.split(/[\\/]/);
  if (/^([\\/]|[a-zA-Z]:)/.test(value) || segments.includes('..') || value.includes('\\')) {
    throw new Error(messages.outsideProject(option, value));
  }
}

function readSourceRoot(tree: Tree, options: OrchestratorServiceOptions): string {
  if (options.sourceRoot !== undefined) return options.sourceRoot;
  for (const file of ['nest-cli.json', '.nest-cli.json']) {
    if (!tree.exists(file)) continue;
    const { sourceRoot } = JSON.parse(tree.readText(file)) as { sourceRoot?: string };
    if (typeof sourceRoot === 'string') return sourceRoot;
  }
  return 'src';
}

function parseCritical(
  value: string | number | undefined,
  operations: readonly string[],
  main: string,
): Record<string, boolean> {
  if (value === undefined) return { validate: true, [main]: true, notify: false };
  // The CLIs turn `--critical=` (no operation critical) into 0.
  const listed = (value === 0 ? '' : String(value))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of listed) {
    if (!operations.includes(name)) throw new Error(messages.unknownOperation(name, operations));
  }
  return Object.fromEntries(operations.map((name) => [name, listed.includes(name)]));
}

/** Class names the service declares; each must be new to the project (DI tokens, OpenAPI). */
function generatedClasses(names: ServiceNames, kind: ServiceKind, swagger: boolean): string[] {
  const { pascal, singular } = names;
  return [
    `${pascal}Module`,
    `${pascal}Controller`,
    `${pascal}Pipeline`,
    `${pascal}Notifier`,
    ...(kind === 'crud' ? [`${pascal}Repository`] : []),
    `Create${singular.pascal}Dto`,
    // The data model OpenAPI documents; the envelope around it comes from nest-orchestrator/swagger.
    ...(swagger ? [`${singular.pascal}Response`] : []),
  ];
}

/** The files the templates write, relative to the service folder (the e2e spec aside). */
function serviceFiles(
  plan: Pick<ServicePlan, 'names' | 'kind' | 'spec' | 'specFileSuffix'> & { swagger: boolean },
) {
  const { kebab, singular } = plan.names;
  return [
    `${kebab}.module.ts`,
    `${kebab}.controller.ts`,
    `${kebab}.pipeline.ts`,
    `${kebab}.context.ts`,
    `${kebab}.constants.ts`,
    `${kebab}.notifier.ts`,
    ...(plan.kind === 'crud' ? [`${kebab}.repository.ts`] : []),
    ...(plan.spec ? [`${kebab}.pipeline.${plan.specFileSuffix}.ts`] : []),
    `dto/create-${singular.kebab}.dto.ts`,
    ...(plan.swagger ? [`dto/${singular.kebab}.response.ts`] : []),
  ];
}

export function planService(
  tree: Tree,
  options: OrchestratorServiceOptions,
  now: Date,
): ServicePlan {
  if (options.language !== undefined && options.language !== 'ts') {
    throw new Error(messages.unsupportedLanguage(options.language));
  }
  const rawName = options.name;
  if (typeof rawName === 'number') throw new Error(messages.nameNotText(rawName));
  if (rawName === undefined || rawName.trim() === '') throw new Error(messages.nameRequired());
  assertInside('name', rawName.trim());
  if (options.path !== undefined) assertInside('path', options.path);
  const sourceRootText = readSourceRoot(tree, options);
  assertInside('sourceRoot', sourceRootText);

  // Nest's own parsing: `billing/invoices` is the name `invoices` in the folder `billing`.
  const location = new NameParser().parse({
    name: rawName.trim(),
    path: join(normalize(sourceRootText), options.path ?? ''),
  });
  const names = serviceNames(location.name, rawName.trim());
  const parent = normalize(normalizeToKebabOrSnakeCase(location.path));
  for (const segment of parent.split('/').filter(Boolean)) {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(segment)) {
      throw new Error(messages.outsideProject('path', options.path ?? rawName));
    }
  }
  const sourceRoot = normalize(`/${sourceRootText}`);
  const directory = options.flat ? parent : join(parent, names.kebab);

  const profile = readAppProfile(tree, sourceRoot);
  const notes: string[] = [];
  const kind = decideKind(tree, options.kind, profile, notes);
  const main = kind === 'crud' ? 'create' : 'compute';
  const operations = ['validate', main, 'notify'] as const;
  const critical = parseCritical(options.critical, operations, main);

  const spec = options.spec ?? true;
  const specFileSuffix = options.specFileSuffix || 'spec';
  const e2e = spec ? decideE2e(profile, kind, notes) : undefined;
  const e2eFile = e2e !== undefined ? join(TEST_DIR, `${names.kebab}.e2e-spec.ts`) : undefined;

  // Taken: the folder, any file to write, a pipeline name, a class name.
  if (!options.flat) {
    const existing = tree.getDir(directory);
    if (existing.subfiles.length > 0 || existing.subdirs.length > 0) {
      throw new Error(messages.folderTaken(directory.slice(1)));
    }
  }
  const files = serviceFiles({ names, kind, spec, specFileSuffix, swagger: profile.swagger }).map(
    (file) => join(directory, file),
  );
  if (e2eFile !== undefined) files.push(e2eFile);
  for (const file of files) {
    if (tree.exists(file)) throw new Error(messages.fileTaken(file.slice(1)));
  }
  const scan = scanProject(tree, sourceRoot);
  const pipeline = scan.pipelines.find((declared) => declared.name === names.kebab);
  if (pipeline !== undefined) {
    throw new Error(
      messages.pipelineTaken(names.kebab, `${pipeline.className} in ${pipeline.file.slice(1)}`),
    );
  }
  for (const className of generatedClasses(names, kind, profile.swagger)) {
    const where = scan.classes.get(className);
    if (where !== undefined) throw new Error(messages.classTaken(className, where.slice(1)));
  }

  let migrationFile: Path | undefined;
  if (kind === 'crud') {
    const schema = tree.readText(SCHEMA_FILE);
    if (hasModel(schema, names.singular.pascal)) {
      throw new Error(messages.modelTaken(names.singular.pascal));
    }
    if (modelHasField(schema, 'User', names.relationField)) {
      throw new Error(messages.relationTaken(names.relationField));
    }
    const migrations = tree.getDir(MIGRATIONS_DIR).subdirs.map(String);
    const migrationName = `add_${names.snake}`;
    if (migrations.some((existing) => existing.endsWith(`_${migrationName}`))) {
      throw new Error(messages.migrationTaken(migrationName));
    }
    const folder = `${migrationTimestamp(migrations, now)}_${migrationName}`;
    migrationFile = join(MIGRATIONS_DIR, folder, 'migration.sql');
  }

  const skipImport = options.skipImport ?? false;
  const module = skipImport
    ? undefined
    : (new ModuleFinder(tree).find({ name: names.kebab, path: directory }) ?? undefined);

  return {
    names,
    kind,
    main,
    operations,
    critical,
    sourceRoot,
    directory,
    e2eFile,
    files,
    spec,
    specFileSuffix,
    skipImport,
    isEsm: isEsmProject(tree),
    profile,
    e2e,
    notes,
    module,
    migrationFile,
  };
}

/** Why crud cannot be generated in this app, or undefined when it can. */
function crudRefusal(tree: Tree, profile: AppProfile): string | undefined {
  if (!profile.prisma) {
    return tree.exists(SCHEMA_FILE) ? messages.noPrisma() : messages.noSchema();
  }
  if (!hasModel(tree.readText(SCHEMA_FILE), 'User')) return messages.noUserModel();
  if (profile.prismaService === undefined) return messages.noPrismaService();
  if (profile.currentUser === undefined) return messages.noCurrentUser();
  return undefined;
}

/** `--kind` as given; else crud when the app has what crud needs (Prisma, users), else compute. */
function decideKind(
  tree: Tree,
  requested: ServiceKind | undefined,
  profile: AppProfile,
  notes: string[],
): ServiceKind {
  if (requested !== undefined && requested !== 'crud' && requested !== 'compute') {
    throw new Error(messages.unknownKind(String(requested)));
  }
  if (requested === 'compute') return 'compute';
  const refusal = crudRefusal(tree, profile);
  if (requested === 'crud') {
    if (refusal !== undefined) throw new Error(refusal);
    return 'crud';
  }
  if (refusal === undefined) return 'crud';
  notes.push(messages.computeByDefault(refusal));
  return 'compute';
}

/**
 * The e2e spec the app can run: this repository's helpers when it has them; otherwise a
 * supertest spec that boots the new module alone, which needs no database and no token, so only
 * for a service without users. Anything else is skipped, and the log says why.
 */
function decideE2e(profile: AppProfile, kind: ServiceKind, notes: string[]): ServicePlan['e2e'] {
  if (profile.starterE2eSupport && profile.currentUser !== undefined) return 'starter';
  if (kind === 'compute' && profile.currentUser === undefined) {
    if (profile.supertest && profile.nestTesting) return 'supertest';
    notes.push(messages.e2eSkipped('the app has no supertest and @nestjs/testing'));
    return undefined;
  }
  notes.push(
    messages.e2eSkipped(
      'its routes need a signed-in user, and the app has no test/support helpers to get one',
    ),
  );
  return undefined;
}
