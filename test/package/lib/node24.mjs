// Node 24 from the npm registry (the only network CI has): the `node-<platform>-<arch>` package
// carries the binary in its tarball. Kept in a cache folder so later runs skip the download.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cleanEnv, run } from './run.mjs';

export const node24Package = `node-${process.platform}-${process.arch}@24`;

/** The `bin` folder of a Node 24, fetched into `cacheDir` unless it is there already. */
export async function node24Bin(cacheDir, repoDir) {
  const bin = join(cacheDir, 'package', 'bin');
  if (!existsSync(join(bin, 'node'))) {
    // Unpacked beside the cache and moved in whole: an interrupted run leaves no half binary.
    await mkdir(dirname(cacheDir), { recursive: true });
    const staging = await mkdtemp(join(dirname(cacheDir), 'node24-'));
    try {
      const env = cleanEnv(dirname(process.execPath));
      await run('npm', ['pack', node24Package, '--pack-destination', staging], {
        cwd: repoDir,
        env,
        timeoutMs: 300_000,
      });
      const tarball = (await readdir(staging)).find((name) => name.endsWith('.tgz'));
      await run('tar', ['-xzf', tarball], { cwd: staging, env });
      await rm(cacheDir, { recursive: true, force: true });
      await rename(staging, cacheDir);
      await rm(join(cacheDir, tarball));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  return bin;
}
