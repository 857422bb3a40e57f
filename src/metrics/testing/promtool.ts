import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { messages } from '../metrics.messages.js';

/**
 * prom-client's default metrics name these gauges with a `_total` suffix, which promtool's lint
 * flags ("non-counter metrics should not have _total suffix"). Not ours to rename.
 */
export const PROM_CLIENT_LINT_EXCEPTIONS: readonly string[] = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface PromtoolReport {
  /** The text parsed, and every lint problem is an allowed one. */
  readonly ok: boolean;
  /** 0 clean, 1 parse error, 3 lint problems. */
  readonly exitCode: number;
  /** What promtool printed, minus the lines about allowed metrics. */
  readonly problems: readonly string[];
}

export interface CheckMetricsOptions {
  /** Metric names whose lint problems are accepted. @defaultValue `PROM_CLIENT_LINT_EXCEPTIONS` */
  readonly allow?: readonly string[];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `$PROMTOOL`, else `promtool` on the PATH; throws naming the install command when absent. */
export function findPromtool(): string {
  const fromPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'promtool'));
  const found = [process.env.PROMTOOL, ...fromPath].find(
    (path) => path !== undefined && isExecutable(path),
  );
  if (found === undefined) throw new Error(messages.promtoolMissing);
  return found;
}

/** Runs `promtool check metrics` on an exposition text, e.g. the body of `GET /metrics`. */
export async function checkMetrics(
  text: string,
  options: CheckMetricsOptions = {},
): Promise<PromtoolReport> {
  const allow = options.allow ?? PROM_CLIENT_LINT_EXCEPTIONS;
  const { exitCode, output } = await run(findPromtool(), ['check', 'metrics'], text);
  const problems = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !allow.some((name) => line.startsWith(`${name} `)));
  const ok = exitCode === 0 || (exitCode === 3 && problems.length === 0);
  return { ok, exitCode, problems };
}

function run(
  command: string,
  args: string[],
  input: string,
): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, output }));
    child.stdin.end(input);
  });
}
