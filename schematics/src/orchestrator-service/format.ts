import type { Rule, Tree } from '@angular-devkit/schematics';
import { join } from 'node:path';

type Prettier = typeof import('prettier');

async function loadPrettier(): Promise<Prettier | undefined> {
  try {
    return await import('prettier');
  } catch {
    return undefined;
  }
}

/** The project's Prettier options: its `.prettierrc` (JSON) in the tree, else what Prettier finds. */
async function projectOptions(tree: Tree, prettier: Prettier) {
  for (const file of ['.prettierrc', '.prettierrc.json']) {
    if (tree.exists(file)) {
      try {
        return JSON.parse(tree.readText(file)) as Record<string, unknown>;
      } catch {
        break; // YAML or another format: let Prettier read it.
      }
    }
  }
  return (await prettier.resolveConfig(join(process.cwd(), 'file.ts'))) ?? {};
}

/**
 * Formats the TypeScript files this run wrote (the service's, and AppModule once changed) with
 * the project's Prettier settings, so that any name gives `prettier --check`-clean code. Without
 * Prettier installed, files are left as written.
 */
export function formatFiles(paths: readonly string[]): Rule {
  return async (tree: Tree) => {
    const prettier = await loadPrettier();
    if (prettier === undefined) return;
    const options = await projectOptions(tree, prettier);
    for (const path of paths) {
      if (!path.endsWith('.ts') || !tree.exists(path)) continue;
      const source = tree.readText(path);
      const formatted = await prettier.format(source, { ...options, filepath: path });
      if (formatted !== source) tree.overwrite(path, formatted);
    }
  };
}
