// Compiles src/ into a throwaway folder that runs like dist/ (`node <dir>/dist/main.js`), for
// tests and load runs that need the real built app without touching dist/ (which `npm run build`
// deletes and rewrites, maybe while another process uses it). Type-checking is left to
// `npm run typecheck`, so this takes seconds.
//
//   node scripts/build-app-copy.mjs            prints the folder it built
//   import { buildAppCopy } from './build-app-copy.mjs'
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Builds the app into a new temporary folder and returns it; `remove()` deletes it. */
export async function buildAppCopy() {
  const dir = await mkdtemp(join(tmpdir(), 'nest-orchestrator-app-'));
  try {
    await promisify(execFile)(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        ...['-p', join(root, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')],
        ...['--noCheck', '--declaration', 'false', '--sourceMap', 'false'],
      ],
      { cwd: root },
    );
    // dist/ finds its packages, `type: module` and prisma/migrations (../../prisma from
    // dist/database) exactly as it does in the repository.
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await symlink(join(root, 'prisma'), join(dir, 'prisma'), 'dir');
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    main: join(dir, 'dist/main.js'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { dir } = await buildAppCopy();
  console.log(dir);
}
