import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface Drift {
  /** Files whose committed text differs from what the registry gives now. */
  readonly changed: string[];
  readonly missing: string[];
  /** Dashboards on disk for pipelines that no longer exist. */
  readonly stale: string[];
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Compares generated files with the ones under `root`. */
export async function findDrift(root: string, files: ReadonlyMap<string, string>): Promise<Drift> {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, content] of files) {
    const onDisk = await readOrUndefined(join(root, path));
    if (onDisk === undefined) missing.push(path);
    else if (onDisk !== content) changed.push(path);
  }
  const dashboards = await readdir(join(root, 'grafana/dashboards')).catch(() => [] as string[]);
  const stale = dashboards
    .map((name) => `grafana/dashboards/${name}`)
    .filter((path) => path.endsWith('.json') && !files.has(path));
  return { changed, missing, stale };
}

export function describeDrift(drift: Drift): string | undefined {
  const lines = [
    ...drift.changed.map((path) => `  changed: ${path}`),
    ...drift.missing.map((path) => `  missing: ${path}`),
    ...drift.stale.map((path) => `  stale:   ${path}`),
  ];
  if (lines.length === 0) return undefined;
  return `grafana/ is out of date with the pipelines; run \`npx nest-orchestrator dashboards\` and commit:\n${lines.join('\n')}`;
}
