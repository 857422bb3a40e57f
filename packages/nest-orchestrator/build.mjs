// Builds the package into dist/: the library (src/), then the schematics whose sources live at the
// repository's top level (../../schematics/src), with their schema.json and template files.
//
// A production install (`npm ci --omit=dev`) has no TypeScript; the build is skipped there
// instead of failing the install.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = (path) => fileURLToPath(new URL(path, import.meta.url));

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  process.stdout.write('nest-orchestrator: TypeScript is not installed, skipping the build.\n');
  process.exit(0);
}

function compile(project, ...args) {
  const result = spawnSync(process.execPath, [tsc, '-p', project, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Built beside dist/ and swapped in at the end, so a test or a `nest g` that reads dist/ while a
// build runs never finds it half written or missing.
const dist = here('./dist');
const next = here(`./dist.next-${process.pid}`);
const previous = here(`./dist.previous-${process.pid}`);
rmSync(next, { recursive: true, force: true });
compile(here('./tsconfig.build.json'), '--outDir', next);
compile(
  here('../../schematics/tsconfig.build.json'),
  ...['--outDir', join(next, 'schematics'), '--sourceMap', 'false'],
);
// tsc copies no JSON schema or template; specs and test helpers stay out of the package.
cpSync(here('../../schematics/src'), join(next, 'schematics'), {
  recursive: true,
  filter: (source) => !source.endsWith('.ts') && !source.includes('/testing'),
});
chmodSync(join(next, 'cli/main.js'), 0o755);
if (existsSync(dist)) renameSync(dist, previous);
renameSync(next, dist);
rmSync(previous, { recursive: true, force: true });
