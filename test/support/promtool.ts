import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const PROMTOOL_MISSING =
  'promtool not found: install it with `apt-get update && apt-get install -y prometheus` (Debian/Ubuntu), or set PROMTOOL=/path/to/promtool.';

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
  if (found === undefined) throw new Error(PROMTOOL_MISSING);
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

export interface RulesReport {
  /** Every file parsed, every expression is valid PromQL and no lint problem was found. */
  readonly ok: boolean;
  /** 0 clean, 1 invalid, 3 lint problems. */
  readonly exitCode: number;
  /** Rules found, summed over the files. */
  readonly rules: number;
  /** What promtool printed besides its "Checking" and "SUCCESS" lines. */
  readonly problems: readonly string[];
}

/** Runs `promtool check rules` with every linter and lint problems fatal, on rule files. */
export async function checkRules(paths: readonly string[]): Promise<RulesReport> {
  const { exitCode, output } = await run(findPromtool(), [
    'check',
    'rules',
    '--lint=all',
    '--lint-fatal',
    ...paths,
  ]);
  let rules = 0;
  const problems: string[] = [];
  for (const line of output.split('\n').map((text) => text.trim())) {
    const found = /^SUCCESS: (\d+) rules found$/.exec(line);
    if (found !== null) rules += Number(found[1]);
    else if (line !== '' && !line.startsWith('Checking ')) problems.push(line);
  }
  return { ok: exitCode === 0, exitCode, rules, problems };
}

export interface RuleTestReport {
  /** Every expected alert fired, with the expected labels and annotations, and no other. */
  readonly ok: boolean;
  readonly exitCode: number;
  /** promtool's account of each failed expectation (expected vs got), as printed. */
  readonly problems: readonly string[];
}

/**
 * Runs `promtool test rules` on unit-test files: input series, then the alerts expected at given
 * times. Paths in their `rule_files` are relative to the test file, or absolute.
 */
export async function testRules(paths: readonly string[]): Promise<RuleTestReport> {
  const { exitCode, output } = await run(findPromtool(), ['test', 'rules', ...paths]);
  const problems = output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !/^\s*(Unit Testing: |SUCCESS$)/.test(line));
  return { ok: exitCode === 0, exitCode, problems };
}

function run(
  command: string,
  args: string[],
  input = '',
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
