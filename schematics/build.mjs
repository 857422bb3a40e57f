// Compiles the collection's factories (src/ -> dist/) for `prepare` and `build`.
//
// A production install (`npm ci --omit=dev`) has no TypeScript and never runs `nest g`, so the
// build is skipped there instead of failing the install, as scripts/prisma-generate.mjs does.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  process.stdout.write(
    'build:schematics: TypeScript is not installed, skipping the schematics build.\n',
  );
  process.exit(0);
}

const project = fileURLToPath(new URL('./tsconfig.build.json', import.meta.url));
const result = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
process.exit(result.status ?? 1);
