import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeDrift, findDrift } from '../dashboards/grafana-drift.js';
import { grafanaFiles } from '../dashboards/grafana-files.js';
import { cliMessages } from './cli.messages.js';
import { loadAppPipelines, type AppModuleOptions } from './load-pipelines.js';

export interface DashboardsOptions extends AppModuleOptions {
  readonly out: string;
  readonly appTarget?: string;
  readonly check: boolean;
}

/** Writes grafana/ from the app's pipelines (or, with `check`, only compares); the exit code. */
export async function dashboards(
  options: DashboardsOptions,
  say: (line: string) => void,
): Promise<number> {
  const pipelines = await loadAppPipelines(options, say);
  const files = grafanaFiles(pipelines, options.appTarget);
  const drift = await findDrift(options.out, files);
  if (options.check) {
    const problem = describeDrift(drift);
    if (problem !== undefined) {
      say(problem);
      return 1;
    }
    say(cliMessages.upToDate(files.size));
    return 0;
  }
  for (const [path, content] of files) {
    await mkdir(dirname(join(options.out, path)), { recursive: true });
    await writeFile(join(options.out, path), content);
  }
  for (const path of drift.stale) await rm(join(options.out, path));
  const names = pipelines.map((pipeline) => pipeline.name);
  say(cliMessages.wrote(files.size, drift.stale.length, names));
  return 0;
}
