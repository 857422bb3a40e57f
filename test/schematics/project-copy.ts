import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Build output and local state stay behind; node_modules is linked, not copied (seconds, not minutes).
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'dist-bench', 'coverage', '.data']);
const SKIPPED_PATHS = new Set([
  join('src', 'generated'),
  join('packages', 'nest-orchestrator', 'dist'),
  join('packages', 'nest-orchestrator', 'node_modules'),
]);

// eslint-disable-next-line no-control-regex
const ANSI_STYLE = /\u001b\[[0-9;]*m/g;

export interface CommandResult {
  code: number;
  /** stdout and stderr together, in the order they came. */
  output: string;
}

export interface ProjectCopy {
  dir: string;
  run(command: string, args: string[], timeoutMs?: number): Promise<CommandResult>;
  remove(): void;
}

/** Without Jest's own variables, so a Jest started in the copy behaves as if run by hand. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('JEST_') || name === 'NODE_ENV') delete env[name];
  }
  return env;
}

/**
 * The project's working tree in a temporary folder, with node_modules linked to the original
 * (and through it, the nest-orchestrator workspace package), for commands that write files.
 */
export function copyProject(): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), 'nest-orchestrator-'));
  cpSync(PROJECT_ROOT, dir, {
    recursive: true,
    filter: (source) => {
      const path = relative(PROJECT_ROOT, source);
      return !SKIPPED.has(path.split(sep)[0]) && !SKIPPED_PATHS.has(path);
    },
  });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');

  return {
    dir,
    run: (command, args, timeoutMs) => runIn(dir, command, args, timeoutMs),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a command to its end; never rejects, so a test can show what it printed. */
export function runIn(
  cwd: string,
  command: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = execFile(
      command,
      args,
      { cwd, env: childEnv(), timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (error) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        // The schematics CLI colours its report whatever the environment says.
        resolve({ code, output: output.replace(ANSI_STYLE, '') });
      },
    );
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
  });
}
