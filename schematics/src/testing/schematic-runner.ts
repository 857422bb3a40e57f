import type { Rule } from '@angular-devkit/schematics';
import { SchematicTestRunner } from '@angular-devkit/schematics/testing';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { orchestratorService } from '../orchestrator-service/index.js';

export const COLLECTION_NAME = '@nest-orchestrator/schematics';
export const COLLECTION_PATH = fileURLToPath(new URL('../../collection.json', import.meta.url));

// The factories collection.json names, by export, from the TypeScript sources.
const factories: Record<string, (options: never) => Rule> = { orchestratorService };

interface ReferenceResolver {
  _resolveReferenceString(
    reference: string,
    parentPath: string,
    collection: { name: string },
  ): { ref: unknown; path: string } | null;
}

/**
 * A SchematicTestRunner over the real collection.json and schema.json, whose factories are the
 * TypeScript sources (imported above, so Jest compiles them) rather than dist/: on Node 20 Jest
 * cannot require() the compiled ES modules, and the specs then need no build first. The
 * `./dist/<path>.js#<export>` reference is still checked against the source.
 */
export function createRunner(): SchematicTestRunner {
  const runner = new SchematicTestRunner(COLLECTION_NAME, COLLECTION_PATH);
  const host = (runner as unknown as { _engineHost: ReferenceResolver })._engineHost;
  const resolve = host._resolveReferenceString.bind(host);
  host._resolveReferenceString = (reference, parentPath, collection) => {
    const match = /^\.\/dist\/(.+)\.js#(\w+)$/.exec(reference);
    if (collection.name !== COLLECTION_NAME || match === null) {
      return resolve(reference, parentPath, collection);
    }
    const factory = factories[match[2]];
    if (factory === undefined)
      throw new Error(`collection.json names an unknown factory ${reference}`);
    const source = join(dirname(COLLECTION_PATH), 'src', `${match[1]}.ts`);
    if (!existsSync(source))
      throw new Error(`collection.json names ${reference}, but ${source} is missing`);
    return { ref: factory, path: source };
  };
  return runner;
}
