// `--perf`: Linux `perf` sampling the bench server, and its samples read back. Needs `perf`
// (Debian's `linux-perf`) allowed to attach to the server (root, or perf_event_paranoid ≤ 1).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { parsePerfScript, PERF_HZ, type PerfSample } from './perf-breakdown.js';

/** Seconds on the clock `perf record -k CLOCK_MONOTONIC` stamps samples with. */
export function monotonicSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export interface PerfRecording {
  /** Ends the recording; rejects with perf's own message if it failed. */
  stop(): Promise<void>;
}

/** Time for perf to attach before the first measured run, and to fail if it cannot. */
const ATTACH_MS = 1_000;

/**
 * Starts sampling process `pid` into `file`. Resolves once perf runs and has had time to attach,
 * so no measured run starts unsampled; rejects at once if perf is missing or exits (cannot attach).
 * cpu-clock, not cycles: a VM often has no hardware counters, and the µs per request figures
 * assume every sample stands for 1/PERF_HZ s of CPU.
 */
export async function recordPerf(pid: number, file: string): Promise<PerfRecording> {
  const rate = String(PERF_HZ);
  const args = ['record', '-e', 'cpu-clock', '-F', rate, '-k', 'CLOCK_MONOTONIC', '-p', `${pid}`];
  const child: ChildProcess = spawn('perf', [...args, '-o', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ended = new Promise<string>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('--perf needs Linux perf on the PATH (Debian: apt-get install linux-perf)')
          : error,
      ),
    );
    child.once('close', (code, signal) => resolve(signal ?? String(code)));
  });
  const early = await Promise.race([
    ended,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ATTACH_MS)),
  ]);
  if (early !== undefined) throw new Error(`perf record ended at once (${early}):\n${stderr}`);
  return {
    async stop() {
      child.kill('SIGINT');
      // perf writes its file on SIGINT, then ends by that signal.
      const how = await ended;
      if (how !== '0' && how !== 'SIGINT') {
        throw new Error(`perf record failed (${how}):\n${stderr}`);
      }
    },
  };
}

/** The samples in `file`, innermost frame only, from `perf script`. */
export async function readPerf(file: string): Promise<PerfSample[]> {
  const child = spawn('perf', ['script', '-i', file, '-G', '-F', 'time,ip,sym,dso'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`perf script failed (exit ${code}):\n${stderr}`);
  return parsePerfScript(text);
}
