import { join, normalize, type Path } from '@angular-devkit/core';
import {
  chain,
  SchematicsException,
  type Rule,
  type SchematicContext,
  type Tree,
} from '@angular-devkit/schematics';
import { findNestCliConfigPath, MetadataManager, ModuleFinder } from '@nestjs/schematics';
import ts from 'typescript';
import { formatFiles } from '../orchestrator-service/format.js';
import { installedPackages } from '../utils/project-files.js';
import { messages, PACKAGE } from './messages.js';
import type { NestAddOptions } from './schema.js';

/** One module to import into the root module: its class, where from, and the `imports` entry. */
export interface ModuleEntry {
  symbol: string;
  from: string;
  expression: string;
}

interface NestCliConfig {
  collection?: string;
  sourceRoot?: string;
  projects?: Record<string, { sourceRoot?: string }>;
}

const WILLSOTO = '@willsoto/nestjs-prometheus';

/** The root-module entries the app's dependencies call for, in the order they are added. */
export function moduleEntries(installed: ReadonlySet<string>): ModuleEntry[] {
  const entries: ModuleEntry[] = [
    { symbol: 'OrchestratorModule', from: PACKAGE, expression: 'OrchestratorModule.forRoot()' },
  ];
  // willsoto's module needs prom-client (its peer), so either one means prom-client is there.
  const willsoto = installed.has(WILLSOTO);
  if (!installed.has('prom-client') && !willsoto) return entries;
  entries.push({
    symbol: 'OrchestratorMetricsModule',
    from: `${PACKAGE}/prometheus`,
    // Beside willsoto: our collectors in prom-client's default registry, served by its /metrics,
    // which already collects the default metrics.
    expression: willsoto
      ? 'OrchestratorMetricsModule.forRoot({ path: false, defaultMetrics: false, httpMetrics: false })'
      : 'OrchestratorMetricsModule.forRoot()',
  });
  if (willsoto) {
    entries.push({
      symbol: 'PrometheusModule',
      from: WILLSOTO,
      expression: 'PrometheusModule.register()',
    });
  }
  return entries;
}

function readNestCli(tree: Tree): { file?: string; config: NestCliConfig } {
  const file = findNestCliConfigPath(tree);
  if (file === undefined) return { config: {} };
  try {
    return { file, config: JSON.parse(tree.readText(file)) as NestCliConfig };
  } catch {
    throw new Error(messages.nestCliNotJson(file));
  }
}

function sourceRootOf(options: NestAddOptions, config: NestCliConfig): string {
  if (options.project !== undefined) {
    const projects = config.projects ?? {};
    const project = projects[options.project];
    if (project === undefined) {
      throw new Error(messages.unknownProject(options.project, Object.keys(projects)));
    }
    if (project.sourceRoot !== undefined) return project.sourceRoot;
  }
  return options.sourceRoot ?? config.sourceRoot ?? 'src';
}

/** `app.module.ts` in the source root, else the module Nest's own finder picks there. */
function findRootModule(tree: Tree, sourceRoot: string): Path {
  const root = normalize(`/${sourceRoot}`);
  const appModule = join(root, 'app.module.ts');
  if (tree.exists(appModule)) return appModule;
  const found = new ModuleFinder(tree).find({ name: 'app', path: root });
  if (found === null) throw new Error(messages.noRootModule(sourceRoot));
  return found;
}

/** Names the file's import declarations bind (`import { A, B as C }` binds A and C). */
function importedNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings !== undefined && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) names.add(element.name.text);
    }
  }
  return names;
}

/** Adds `import { symbol } from 'from';` after the last import declaration. */
function addImportLine(content: string, symbol: string, from: string): string {
  const source = ts.createSourceFile('module.ts', content, ts.ScriptTarget.Latest, true);
  const imports = source.statements.filter(ts.isImportDeclaration);
  const line = `import { ${symbol} } from '${from}';`;
  if (imports.length === 0) return `${line}\n${content}`;
  const end = imports[imports.length - 1].getEnd();
  return `${content.slice(0, end)}\n${line}${content.slice(end)}`;
}

/** The first file under the source root that registers willsoto's PrometheusModule. */
function findPrometheusRegistration(tree: Tree, sourceRoot: string): string | undefined {
  let found: string | undefined;
  tree.getDir(normalize(`/${sourceRoot}`)).visit((path) => {
    if (found !== undefined || !path.endsWith('.ts') || /\.(e2e-)?spec\.ts$/.test(path)) return;
    if (/\bPrometheusModule\.register(Async)?\(/.test(tree.readText(path))) found = path.slice(1);
  });
  return found;
}

function addToRootModule(module: Path, entries: ModuleEntry[], sourceRoot: string): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const file = module.slice(1);
    let content = tree.readText(module);
    const imported = importedNames(
      ts.createSourceFile(file, content, ts.ScriptTarget.Latest, true),
    );
    for (const entry of entries) {
      if (entry.symbol === 'PrometheusModule' && !imported.has(entry.symbol)) {
        const elsewhere = findPrometheusRegistration(tree, sourceRoot);
        if (elsewhere !== undefined) {
          context.logger.info(messages.prometheusModuleElsewhere(elsewhere));
          continue;
        }
      }
      // Imported already (by this run's previous pass, or by hand): the app has it its own way.
      if (imported.has(entry.symbol)) {
        context.logger.info(messages.alreadyThere(entry.symbol, file));
        continue;
      }
      const withMetadata = new MetadataManager(content).insert('imports', entry.expression);
      if (withMetadata === undefined) throw new Error(messages.noModuleDecorator(file));
      content = addImportLine(withMetadata, entry.symbol, entry.from);
      imported.add(entry.symbol);
      context.logger.info(messages.added(entry.expression, file));
    }
    if (content !== tree.readText(module)) tree.overwrite(module, content);
  };
}

function setCollection(file: string | undefined, config: NestCliConfig, sourceRoot: string): Rule {
  return (tree: Tree, context: SchematicContext) => {
    if (file === undefined) {
      const created = {
        $schema: 'https://json.schemastore.org/nest-cli',
        collection: PACKAGE,
        sourceRoot,
      };
      tree.create('nest-cli.json', `${JSON.stringify(created, null, 2)}\n`);
      context.logger.info(messages.nestCliCreated());
      return;
    }
    if (config.collection === PACKAGE) {
      context.logger.info(messages.collectionAlreadySet(file));
      return;
    }
    const previous = config.collection;
    // Key order kept; a new key goes right after $schema, where `nest new` puts it.
    const { $schema, ...rest } = config as NestCliConfig & { $schema?: string };
    const updated =
      previous === undefined
        ? { ...($schema !== undefined ? { $schema } : {}), collection: PACKAGE, ...rest }
        : { ...config, collection: PACKAGE };
    tree.overwrite(file, `${JSON.stringify(updated, null, 2)}\n`);
    context.logger.info(messages.collectionSet(file, previous));
    if (previous !== undefined && previous !== '@nestjs/schematics') {
      context.logger.warn(messages.collectionReplaced(previous));
    }
  };
}

/**
 * `nest add nest-orchestrator`: OrchestratorModule.forRoot() in the root module, its Prometheus
 * metrics when the app has prom-client (beside @willsoto/nestjs-prometheus when it has that), and
 * this collection in nest-cli.json. Everything is decided from the project's files, and a
 * second run finds everything in place and writes nothing.
 */
export function nestAdd(options: NestAddOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    let rules: Rule[];
    try {
      const { file, config } = readNestCli(tree);
      const sourceRoot = sourceRootOf(options, config);
      const module = findRootModule(tree, sourceRoot);
      const before = tree.readText(module);
      const installed = installedPackages(tree);
      const entries = moduleEntries(installed);
      if (!entries.some((entry) => entry.symbol === 'OrchestratorMetricsModule')) {
        context.logger.info(messages.metricsSkipped());
      } else if (installed.has(WILLSOTO)) {
        context.logger.info(messages.metricsBesideWillsoto());
      }
      rules = [
        addToRootModule(module, entries, sourceRoot),
        setCollection(file, config, sourceRoot),
        // Only what this run changed: an untouched module keeps its bytes.
        (current: Tree) =>
          current.readText(module) !== before ? formatFiles([module]) : undefined,
      ];
    } catch (error) {
      throw new SchematicsException((error as Error).message);
    }
    return chain(rules);
  };
}
