import { join, normalize, type Path } from '@angular-devkit/core';
import type { Tree } from '@angular-devkit/schematics';
import { firstExisting, installedPackages, readPackageJson } from '../utils/project-files.js';
import { findCurrentUserDecorator } from './project-scan.js';

/** What the app is built with, read from its package.json and files; the templates follow it. */
export interface AppProfile {
  platform: 'express' | 'fastify';
  runner: 'jest' | 'vitest';
  /** Vitest with `globals: true`: specs use `describe`/`it`/`expect` without importing them. */
  runnerGlobals: boolean;
  /** Same, for the e2e config (`vitest.config.e2e.ts` in a `nest new` app). */
  e2eRunnerGlobals: boolean;
  swagger: boolean;
  classValidator: boolean;
  /** `@prisma/client` and `prisma` installed, and `prisma/schema.prisma` present. */
  prisma: boolean;
  /** The app's PrismaService, which crud's repository injects. */
  prismaService?: Path;
  /** The app's `@CurrentUser()` decorator: routes are per user behind its guard. */
  currentUser?: Path;
  /** This repository's e2e helpers (`test/support/test-app.ts`, `auth.ts`). */
  starterE2eSupport: boolean;
  supertest: boolean;
  nestTesting: boolean;
  /** The package.json script that regenerates the Prisma client, if the app has one. */
  prismaGenerateScript?: string;
}

const VITEST_CONFIGS = [
  'vitest.config.ts',
  'vitest.config.mts',
  'vitest.config.js',
  'vite.config.ts',
];
const VITEST_E2E_CONFIGS = ['vitest.config.e2e.ts', 'vitest.config.e2e.mts', ...VITEST_CONFIGS];
const SCHEMA_FILE = 'prisma/schema.prisma';

function usesGlobals(tree: Tree, configs: readonly string[]): boolean {
  const config = firstExisting(tree, configs);
  return config !== undefined && /\bglobals\s*:\s*true\b/.test(config.text);
}

function findFile(tree: Tree, sourceRoot: Path, fileName: string): Path | undefined {
  let found: Path | undefined;
  tree.getDir(sourceRoot).visit((path) => {
    if (found === undefined && path.endsWith(`/${fileName}`) && !path.includes('/node_modules/')) {
      found = path;
    }
  });
  return found;
}

/** The script that runs `prisma generate` on its own (not `prepare`, not a chain of commands). */
function prismaGenerateScript(scripts: Record<string, string>): string | undefined {
  return Object.entries(scripts).find(
    ([name, command]) =>
      name !== 'prepare' && /prisma(-| )generate/.test(command) && !/&&/.test(command),
  )?.[0];
}

function testRunner(installed: Set<string>, testScript: string | undefined): 'jest' | 'vitest' {
  if (testScript !== undefined && /\bvitest\b/.test(testScript)) return 'vitest';
  if (testScript !== undefined && /\bjest\b/.test(testScript)) return 'jest';
  return installed.has('vitest') && !installed.has('jest') ? 'vitest' : 'jest';
}

export function readAppProfile(tree: Tree, sourceRoot: Path): AppProfile {
  const installed = installedPackages(tree);
  const scripts = readPackageJson(tree).scripts ?? {};
  const runner = testRunner(installed, scripts.test);
  const prisma =
    (installed.has('@prisma/client') || installed.has('prisma')) && tree.exists(SCHEMA_FILE);
  const test = normalize('/test/support');
  return {
    platform: installed.has('@nestjs/platform-fastify') ? 'fastify' : 'express',
    runner,
    runnerGlobals: runner === 'jest' || usesGlobals(tree, VITEST_CONFIGS),
    e2eRunnerGlobals: runner === 'jest' || usesGlobals(tree, VITEST_E2E_CONFIGS),
    swagger: installed.has('@nestjs/swagger'),
    classValidator: installed.has('class-validator'),
    prisma,
    prismaService: prisma
      ? ((firstExisting(tree, [join(sourceRoot, 'database/prisma.service.ts')])?.path as Path) ??
        findFile(tree, sourceRoot, 'prisma.service.ts'))
      : undefined,
    currentUser: findCurrentUserDecorator(tree, sourceRoot),
    starterE2eSupport: tree.exists(join(test, 'test-app.ts')) && tree.exists(join(test, 'auth.ts')),
    supertest: installed.has('supertest'),
    nestTesting: installed.has('@nestjs/testing'),
    prismaGenerateScript: prismaGenerateScript(scripts),
  };
}
