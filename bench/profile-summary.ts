// Summarises a V8 .cpuprofile (from `node --cpu-prof`) as self time per function, so the hot
// path of a bench case can be read without a browser:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --expose-gc dist-bench/bench/micro.bench.js \
//     --profile=mixed-10/runner --seconds=8
//   node dist-bench/bench/profile-summary.js /tmp/prof/*.cpuprofile [--top=30] [--lines=run]
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionTime {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly selfPct: number;
}

function where(url: string, line: number): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const short = path.includes('/node_modules/')
    ? path.slice(path.lastIndexOf('/node_modules/') + 14)
    : relative(process.cwd(), path);
  return `${short}:${line + 1}`;
}

/** Self time per function (samples × their time deltas), largest first. */
export function selfTimes(profile: CpuProfile): FunctionTime[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the following delta to sample i.
    const us = deltas[i + 1] ?? 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + us);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const merged = new Map<string, FunctionTime>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const frame = node.callFrame;
    const name = frame.functionName || '(anonymous)';
    const at = where(frame.url, frame.lineNumber);
    const key = `${name}@${at}`;
    const previous = merged.get(key);
    const selfMs = (previous?.selfMs ?? 0) + us / 1000;
    merged.set(key, { name, where: at, selfMs, selfPct: (selfMs * 100_000) / total });
  }
  return [...merged.values()].sort((a, b) => b.selfMs - a.selfMs);
}

/** Sample ticks per source line of the functions named `name` (compiled JS line numbers). */
export function lineTicks(profile: CpuProfile, name: string): { where: string; ticks: number }[] {
  const ticks = new Map<string, number>();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== name) continue;
    for (const { line, ticks: count } of node.positionTicks ?? []) {
      const at = where(node.callFrame.url, line - 1);
      ticks.set(at, (ticks.get(at) ?? 0) + count);
    }
  }
  return [...ticks.entries()]
    .map(([at, count]) => ({ where: at, ticks: count }))
    .sort((a, b) => b.ticks - a.ticks);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const top = Number(args.find((arg) => arg.startsWith('--top='))?.slice(6) ?? 30);
  const lines = args.find((arg) => arg.startsWith('--lines='))?.slice(8);
  for (const file of args.filter((arg) => !arg.startsWith('--'))) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    const rows = selfTimes(profile).slice(0, top);
    process.stdout.write(
      `${file}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s\n`,
    );
    for (const row of rows) {
      process.stdout.write(
        `${row.selfPct.toFixed(1).padStart(6)}%  ${row.selfMs.toFixed(0).padStart(7)} ms  ${row.name}  ${row.where}\n`,
      );
    }
    if (lines !== undefined) {
      process.stdout.write(`self-time ticks per line of ${lines}():\n`);
      for (const row of lineTicks(profile, lines).slice(0, top)) {
        process.stdout.write(`${String(row.ticks).padStart(8)}  ${row.where}\n`);
      }
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  await main();
}
