// Runs one command for the package proof: bounded in time, output kept so a failure can show it.
import { spawn } from 'node:child_process';

/** The last part of a command's output: enough to see an error without flooding CI's log. */
const MAX_SHOWN = 30_000;

/**
 * The environment for commands in the throwaway app: npm's own variables (set when the proof
 * runs from an npm script) and node:test's child marker would otherwise leak into the nested
 * npm, Nest CLI and Vitest runs. `binDir` goes first on PATH, so `node`, `npm` and every
 * `#!/usr/bin/env node` script run on that Node.
 */
export function cleanEnv(binDir, extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_TEST_CONTEXT' && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, PATH: `${binDir}:${env.PATH}`, NO_COLOR: '1', ...extra };
}

/** Starts a command in its own process group, so a timeout can stop it and all it started. */
export function start(command, args, { cwd, env }) {
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  return { child, exited, kill, output: () => output };
}

/** A failure message with the command, how it ended and its output (the part that matters). */
export function failure(command, args, cwd, how, output) {
  const shown = output.length > MAX_SHOWN ? `…${output.slice(-MAX_SHOWN)}` : output;
  return new Error(
    `\`${[command, ...args].join(' ')}\` (in ${cwd}) ${how}\n--- output ---\n${shown}`,
  );
}

/** Runs a command to its end; rejects with its output when it fails or overruns `timeoutMs`. */
export async function run(command, args, { cwd, env, timeoutMs = 120_000 }) {
  const proc = start(command, args, { cwd, env });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, timeoutMs);
  const { code, signal, error } = await proc.exited;
  clearTimeout(timer);
  const output = proc.output();
  if (timedOut) throw failure(command, args, cwd, `ran over ${timeoutMs / 1000} s`, output);
  if (error) throw failure(command, args, cwd, `could not start: ${error.message}`, output);
  if (code !== 0) throw failure(command, args, cwd, `exited with ${code ?? signal}`, output);
  return output;
}
