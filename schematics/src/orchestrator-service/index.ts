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
import { ModuleDeclarator, PathSolver } from '@nestjs/schematics';
import type { PrismaGenerateOptions } from '../prisma-generate/schema.js';
import { readPackageJson } from '../utils/project-files.js';
import { formatFiles } from './format.js';
import { messages } from './messages.js';
import type { ServiceNames } from './names.js';
import { addModelToSchema, migrationSql } from './prisma-model.js';
import type { ServiceKind, OrchestratorServiceOptions } from './schema.js';
import { planService, SCHEMA_FILE, TEST_DIR, type ServicePlan } from './service-plan.js';

// Beside the factory both in the sources (the unit tests run them) and in the package's
// dist/schematics/, where the build copies every template next to the compiled factory.
const TEMPLATES = './files';

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
  const dashboards =
    scripts['generate:dashboards'] !== undefined
      ? 'npm run generate:dashboards'
      : 'npm run build && npx nest-orchestrator dashboards';
  steps.push(messages.regenerateDashboards(plan.names.kebab, dashboards));
  return steps;
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
