import type { Tree } from '@angular-devkit/schematics';

export interface PackageJson {
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The app's package.json, or an empty one when there is none (or it is not JSON). */
export function readPackageJson(tree: Tree): PackageJson {
  if (!tree.exists('package.json')) return {};
  try {
    return JSON.parse(tree.readText('package.json')) as PackageJson;
  } catch {
    return {};
  }
}

/**
 * What the app has installed, as its package.json declares it (dependencies and
 * devDependencies): what the generated code may import, decided from the project itself rather
 * than from what happens to sit in node_modules.
 */
export function installedPackages(tree: Tree): Set<string> {
  const { dependencies = {}, devDependencies = {} } = readPackageJson(tree);
  return new Set([...Object.keys(dependencies), ...Object.keys(devDependencies)]);
}

/** The first of `files` the tree has, with its text. */
export function firstExisting(
  tree: Tree,
  files: readonly string[],
): { path: string; text: string } | undefined {
  for (const path of files) {
    if (tree.exists(path)) return { path, text: tree.readText(path) };
  }
  return undefined;
}
