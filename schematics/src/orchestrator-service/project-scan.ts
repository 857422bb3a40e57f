import { join, normalize, type Path } from '@angular-devkit/core';
import type { Tree } from '@angular-devkit/schematics';
import ts from 'typescript';

export interface DeclaredPipeline {
  /** The registry name: `@Pipeline('x')`, `@Pipeline({ name: 'x' })`, else the class name. */
  name: string;
  className: string;
  file: Path;
}

export interface ProjectScan {
  pipelines: DeclaredPipeline[];
  /** Every class declared in the app's sources (specs excluded), by name. */
  classes: Map<string, Path>;
}

const SKIPPED_FOLDERS = new Set(['node_modules', 'generated', 'dist']);
const isSpec = (path: string) => /\.(spec|e2e-spec|test)\.ts$/.test(path);

function stringValue(node: ts.Expression | undefined): string | undefined {
  return node !== undefined && ts.isStringLiteralLike(node) ? node.text : undefined;
}

function pipelineName(decorator: ts.Decorator, className: string): string | undefined {
  const call = decorator.expression;
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return undefined;
  if (call.expression.text !== 'Pipeline') return undefined;
  const [argument] = call.arguments;
  if (argument === undefined) return className;
  if (ts.isObjectLiteralExpression(argument)) {
    for (const property of argument.properties) {
      if (
        ts.isPropertyAssignment(property) &&
        ts.isIdentifier(property.name) &&
        property.name.text === 'name'
      ) {
        return stringValue(property.initializer) ?? className;
      }
    }
    return className;
  }
  return stringValue(argument) ?? className;
}

/**
 * Reads the TypeScript sources under the source root (through the AST, not text search) for the
 * names a new service must not reuse: pipeline names, which the registry requires to be unique,
 * and class names, which Nest's DI and the OpenAPI document require to be unique.
 */
export function scanProject(tree: Tree, sourceRoot: Path): ProjectScan {
  const scan: ProjectScan = { pipelines: [], classes: new Map() };
  const visit = (dir: Path) => {
    const entry = tree.getDir(dir);
    for (const file of entry.subfiles) {
      const path = join(dir, file);
      if (!file.endsWith('.ts') || file.endsWith('.d.ts') || isSpec(file)) continue;
      const text = tree.readText(path);
      if (!text.includes('class ')) continue;
      const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false);
      for (const statement of source.statements) {
        if (!ts.isClassDeclaration(statement) || statement.name === undefined) continue;
        const className = statement.name.text;
        if (!scan.classes.has(className)) scan.classes.set(className, path);
        for (const decorator of ts.getDecorators(statement) ?? []) {
          const name = pipelineName(decorator, className);
          if (name !== undefined) scan.pipelines.push({ name, className, file: path });
        }
      }
    }
    for (const sub of entry.subdirs) {
      if (!SKIPPED_FOLDERS.has(sub) && !sub.startsWith('.')) visit(join(dir, sub));
    }
  };
  visit(normalize(sourceRoot));
  return scan;
}

/**
 * Where `@CurrentUser()` lives: `auth/current-user.decorator.ts` or `auth/decorators/...`, else
 * the first file of that name under the source root. Undefined when there is none.
 */
export function findCurrentUserDecorator(tree: Tree, sourceRoot: Path): Path | undefined {
  const candidates = [
    'auth/current-user.decorator.ts',
    'auth/decorators/current-user.decorator.ts',
  ];
  for (const candidate of candidates) {
    const path = join(sourceRoot, candidate);
    if (tree.exists(path)) return path;
  }
  let found: Path | undefined;
  tree.getDir(sourceRoot).visit((path) => {
    if (found === undefined && path.endsWith('/current-user.decorator.ts')) found = path;
  });
  return found;
}
