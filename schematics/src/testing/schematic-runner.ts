import type { Rule } from '@angular-devkit/schematics';
import { SchematicTestRunner } from '@angular-devkit/schematics/testing';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nestAdd } from '../nest-add/index.js';
import { orchestratorService } from '../orchestrator-service/index.js';
import { prismaGenerate } from '../prisma-generate/index.js';

export const COLLECTION_NAME = 'nest-orchestrator';
export const COLLECTION_PATH = fileURLToPath(new URL('../collection.json', import.meta.url));

// The factories collection.json names, by export, from the TypeScript sources.
const factories: Record<string, (options: never) => Rule> = {
  nestAdd,
  orchestratorService,
  prismaGenerate,
};

interface ReferenceResolver {
  _resolveReferenceString(
    reference: string,
    parentPath: string,
    collection: { name: string },
  ): { ref: unknown; path: string } | null;
}

/**
 * A SchematicTestRunner over the real collection.json and schema.json, whose factories are the
 * TypeScript sources (imported above, so Jest compiles them) rather than the package's dist/: on
 * Node 20 Jest cannot require() the compiled ES modules, and the specs then need no build first.
 * Each `./<path>.js#<export>` reference is still checked against its source, `<path>.ts`.
 */
export function createRunner(): SchematicTestRunner {
  const runner = new SchematicTestRunner(COLLECTION_NAME, COLLECTION_PATH);
  const host = (runner as unknown as { _engineHost: ReferenceResolver })._engineHost;
  const resolve = host._resolveReferenceString.bind(host);
  host._resolveReferenceString = (reference, parentPath, collection) => {
    const match = /^\.\/(.+)\.js#(\w+)$/.exec(reference);
    if (collection.name !== COLLECTION_NAME || match === null) {
      return resolve(reference, parentPath, collection);
    }
    const factory = factories[match[2]];
    if (factory === undefined)
      throw new Error(`collection.json names an unknown factory ${reference}`);
    const source = join(dirname(COLLECTION_PATH), `${match[1]}.ts`);
    if (!existsSync(source))
      throw new Error(`collection.json names ${reference}, but ${source} is missing`);
    return { ref: factory, path: source };
  };
  return runner;
}
