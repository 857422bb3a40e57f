import 'reflect-metadata';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeDrift, findDrift } from './grafana-drift.js';
import { grafanaFiles } from './grafana-files.js';
import { loadPipelines } from './pipeline-catalog.js';

/** `npm run generate:dashboards [-- --check]`: writes grafana/ from the registry, or checks it. */
async function main(): Promise<number> {
  // Plain output: the app context below silences Nest's logger for everything but errors.
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const root = process.cwd();
  const files = grafanaFiles(await loadPipelines());
  const drift = await findDrift(root, files);
  if (process.argv.includes('--check')) {
    const problem = describeDrift(drift);
    if (problem !== undefined) {
      process.stderr.write(`${problem}\n`);
      return 1;
    }
    say(`grafana/ matches the registry (${files.size} files).`);
    return 0;
  }
  for (const [path, content] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  for (const path of drift.stale) await rm(join(root, path));
  say(`Wrote ${files.size} files under grafana/; removed ${drift.stale.length} stale dashboards.`);
  return 0;
}

process.exitCode = await main();
