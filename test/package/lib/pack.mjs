// The package as npm would publish it: `npm pack` runs the package's prepack, which builds it.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './run.mjs';

/** Packs the workspace package into `destination` (an empty folder) and returns the tarball. */
export async function packPackage({ repoDir, destination, env }) {
  const args = ['pack', '-w', 'nest-orchestrator', '--pack-destination', destination];
  const output = await run('npm', args, { cwd: repoDir, env, timeoutMs: 300_000 });
  const tarballs = (await readdir(destination)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1)
    throw new Error(`npm pack left ${tarballs.length} tarballs\n${output}`);
  return join(destination, tarballs[0]);
}
