// `prisma generate` that also works without network access (used by `prepare` and `build`).
//
// Every Prisma CLI command first makes sure the Rust schema engine is present and downloads it
// when it is not, which fails offline. Generating the client never runs that engine (the client
// uses driver adapters and the WASM query compiler), so when no engine is installed we point
// PRISMA_SCHEMA_ENGINE_BINARY at an existing file to satisfy the check. Where an engine is
// present, or the caller set the variable, the CLI runs untouched.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

function resolveOrNull(id) {
  try {
    return require.resolve(id);
  } catch {
    return null;
  }
}

const prismaCli = resolveOrNull('prisma/build/index.js');
if (!prismaCli) {
  // A production install (`npm ci --omit=dev`) has no CLI; it runs the client compiled into dist/.
  console.log('prisma-generate: the prisma CLI is not installed, skipping client generation.');
  process.exit(0);
}

const env = { ...process.env };
const enginesManifest = resolveOrNull('@prisma/engines/package.json');
const enginesDir = enginesManifest && dirname(enginesManifest);
const hasEngine =
  enginesDir !== null &&
  existsSync(enginesDir) &&
  readdirSync(enginesDir).some((name) => name.startsWith('schema-engine'));

if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasEngine && enginesManifest) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = enginesManifest;
}

const result = spawnSync(process.execPath, [prismaCli, 'generate', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
