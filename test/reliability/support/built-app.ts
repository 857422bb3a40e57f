import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface AppCopy {
  /** `node <main>` runs it as `node dist/main.js` would. */
  main: string;
  remove(): Promise<void>;
}

/** Compiles the current src/ into a temporary folder (scripts/build-app-copy.mjs, seconds). */
export async function buildAppCopy(): Promise<AppCopy> {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/build-app-copy.mjs'], {
    cwd: root,
  });
  const dir = stdout.trim();
  return {
    main: `${dir}/dist/main.js`,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningApp {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  exited: Promise<Exit>;
}

/** `node [nodeArgs] <main>` with exactly `env` (plus PATH), its output collected. */
export function runAppCopy(
  main: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): RunningApp {
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Resolves with the base URL once the app logs that it listens; rejects if it exits first. */
export async function listeningUrl(app: RunningApp, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited: Exit | undefined;
  void app.exited.then((exit) => (exited = exit));
  while (Date.now() < deadline) {
    const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(app.output());
    if (match) return match[1];
    if (exited) throw new Error(`the app exited (${JSON.stringify(exited)}):\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  app.child.kill('SIGKILL');
  throw new Error(`the app did not listen within ${timeoutMs} ms:\n${app.output()}`);
}

/** Waits for the exit, killing the process if it takes longer than `timeoutMs`. */
export async function exitWithin(
  app: RunningApp,
  timeoutMs: number,
): Promise<Exit & { ms: number }> {
  const startedAt = Date.now();
  const timer = setTimeout(() => app.child.kill('SIGKILL'), timeoutMs);
  try {
    return { ...(await app.exited), ms: Date.now() - startedAt };
  } finally {
    clearTimeout(timer);
  }
}
