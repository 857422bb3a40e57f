import { join, normalize, strings, type Path } from '@angular-devkit/core';
import {
  apply,
  chain,
  filter,
  mergeWith,
  move,
  noop,
  SchematicsException,
  url,
  applyTemplates,
  type Rule,
  type SchematicContext,
  type Tree,
} from '@angular-devkit/schematics';
import { RunSchematicTask } from '@angular-devkit/schematics/tasks/index.js';
import {
  isEsmProject,
  ModuleDeclarator,
  ModuleFinder,
  NameParser,
  normalizeToKebabOrSnakeCase,
  PathSolver,
} from '@nestjs/schematics';
import { readPackageJson } from '../utils/project-files.js';
import { formatFiles } from './format.js';
import { messages } from './messages.js';
import { serviceNames, type ServiceNames } from './names.js';
import {
  addModelToSchema,
  hasModel,
  migrationSql,
  migrationTimestamp,
  modelHasField,
} from './prisma-model.js';
import type { PrismaGenerateOptions } from '../prisma-generate/schema.js';
import { readAppProfile, type AppProfile } from './app-profile.js';
import { scanProject } from './project-scan.js';
import type { OrchestratorServiceOptions, ServiceKind } from './schema.js';

// Beside the factory both in the sources (the unit tests run them) and in the package's
// dist/schematics/, where the build copies every template next to the compiled factory.
const TEMPLATES = './files';

const SCHEMA_FILE = normalize('/prisma/schema.prisma');
const MIGRATIONS_DIR = normalize('/prisma/migrations');
const TEST_DIR = normalize('/test');

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

export function orchestratorService(options: OrchestratorServiceOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    let plan: ServicePlan;
    try {
      plan = planService(tree, options, new Date());
    } catch (error) {
      throw new SchematicsException((error as Error).message);
    }
    const moduleClass = `${plan.names.pascal}Module`;
    if (plan.skipImport) context.logger.info(messages.importSkipped(moduleClass));
    else if (plan.module === undefined) {
      context.logger.warn(messages.noModuleFound(plan.directory.slice(1), moduleClass));
    }
    for (const note of plan.notes) context.logger.info(note);
    for (const step of nextSteps(tree, plan)) context.logger.info(step);
    if (plan.migrationFile !== undefined) {
      // Runs once the files are on disk (not in a dry run), so the project compiles right away.
      context.addTask(
        new RunSchematicTask<PrismaGenerateOptions>('prisma-generate', {
          script: plan.profile.prismaGenerateScript,
        }),
      );
    }
    return chain([
      plan.module !== undefined ? addToModule(plan) : noop(),
      ...templates(plan),
      plan.migrationFile !== undefined ? addPrismaModel(plan) : noop(),
      formatFiles([...plan.files, ...(plan.module !== undefined ? [plan.module] : [])]),
    ]);
  };
}

/** What the project's own scripts must redo after this run, named as package.json names them. */
function nextSteps(tree: Tree, plan: ServicePlan): string[] {
  const scripts = readPackageJson(tree).scripts ?? {};
  const steps: string[] = [];
  if (plan.migrationFile !== undefined) {
    const generate = plan.profile.prismaGenerateScript;
    steps.push(
      messages.regenerateClient(
        plan.names.singular.pascal,
        generate ? `npm run ${generate}` : 'npx prisma generate',
      ),
    );
  }
  if (scripts['generate:dashboards'] !== undefined) {
    steps.push(messages.regenerateDashboards(plan.names.kebab, 'npm run generate:dashboards'));
  }
  return steps;
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
export function generatedClasses(
  names: ServiceNames,
  kind: ServiceKind,
  swagger: boolean,
): string[] {
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

/** Adds `<Name>Module` to the imports of the nearest module, with Nest's own AST utilities. */
function addToModule(plan: ServicePlan): Rule {
  return (tree: Tree) => {
    const module = plan.module!;
    const declared = new ModuleDeclarator().declare(tree.readText(module), {
      metadata: 'imports',
      type: 'module',
      name: plan.names.kebab,
      className: `${plan.names.pascal}Module`,
      path: plan.directory,
      module,
      isEsm: plan.isEsm,
    });
    tree.overwrite(module, declared);
  };
}

function addPrismaModel(plan: ServicePlan): Rule {
  return (tree: Tree) => {
    tree.overwrite(SCHEMA_FILE, addModelToSchema(tree.readText(SCHEMA_FILE), plan.names));
    tree.create(plan.migrationFile!, migrationSql(plan.names));
  };
}

/** `'../orchestrator/index.js'`: a relative import from a file in `fromDir` to `target`. */
function importFrom(plan: ServicePlan, fromDir: Path, target: string): string {
  const withoutExtension = normalize(target.replace(/\.ts$/, ''));
  const relative = new PathSolver().relative(join(fromDir, 'file.ts'), withoutExtension);
  return plan.isEsm ? `${relative}.js` : relative;
}

function operationDecorator(plan: ServicePlan, operation: string, timeout?: string): string {
  const critical = plan.critical[operation];
  if (timeout === undefined) return critical ? '@Operation()' : '@Operation(false)';
  return critical
    ? `@Operation({ timeoutMs: ${timeout} })`
    : `@Operation({ critical: false, timeoutMs: ${timeout} })`;
}

/** The context property the main operation writes: `invoice` for invoices, `result` for compute. */
function contextField(names: ServiceNames, kind: ServiceKind): string {
  if (kind === 'compute') return 'result';
  const taken = ['ownerId', 'title', 'amountCents'];
  return taken.includes(names.singular.camel) ? 'record' : names.singular.camel;
}

function templates(plan: ServicePlan): Rule[] {
  const { names, directory, profile } = plan;
  const js = plan.isEsm ? '.js' : '';
  const variables = {
    ...strings,
    name: names.kebab,
    singular: names.singular.kebab,
    specFileSuffix: plan.specFileSuffix,
    names,
    crud: plan.kind === 'crud',
    main: plan.main,
    critical: plan.critical,
    decorator: (operation: string, timeout?: string) =>
      operationDecorator(plan, operation, timeout),
    js,
    limits: `${names.singular.constant}_LIMITS`,
    field: contextField(names, plan.kind),
    notifyMethod: `${names.singular.camel}${plan.kind === 'crud' ? 'Created' : 'Computed'}`,
    aSingular: `${/^[aeiou]/.test(names.singular.words) ? 'an' : 'a'} ${names.singular.words}`,
    exampleTitle: `My first ${names.singular.words}`,
    fastify: profile.platform === 'fastify',
    swagger: profile.swagger,
    classValidator: profile.classValidator,
    /** Routes run for the signed-in user, given by the app's `@CurrentUser()`. */
    auth: profile.currentUser !== undefined,
    /** The line that brings `describe`/`it`/`expect` in, when the runner does not make them global. */
    specGlobals: profile.runnerGlobals ? '' : "import { describe, expect, it } from 'vitest';\n",
    e2eGlobals: profile.e2eRunnerGlobals
      ? ''
      : "import { afterAll, beforeAll, describe, expect, it } from 'vitest';\n",
    imports: {
      prisma:
        profile.prismaService !== undefined
          ? importFrom(plan, directory, profile.prismaService)
          : '',
      currentUser:
        profile.currentUser !== undefined ? importFrom(plan, directory, profile.currentUser) : '',
      moduleFromTest: importFrom(plan, TEST_DIR, join(directory, `${names.kebab}.module.ts`)),
    },
  };
  const service = apply(url(`${TEMPLATES}/service`), [
    filter((path) => plan.kind === 'crud' || !path.endsWith('.repository.ts.template')),
    filter((path) => profile.swagger || !path.endsWith('.response.ts.template')),
    filter((path) => plan.spec || !/\.__specFileSuffix__\.ts\.template$/.test(path)),
    applyTemplates(variables),
    move(directory),
  ]);
  if (plan.e2e === undefined) return [mergeWith(service)];
  const e2e = apply(url(`${TEMPLATES}/e2e/${plan.e2e}`), [
    applyTemplates(variables),
    move(TEST_DIR),
  ]);
  return [mergeWith(service), mergeWith(e2e)];
}
