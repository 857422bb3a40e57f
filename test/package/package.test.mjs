// Proof that the packed package works for someone else: it lints clean (publint, attw), and a
// brand-new Nest app installs it from the tarball, adds it, generates a service, builds, tests,
// serves a pipeline with its metrics and writes a dashboard, on this Node and on Node 24.
// Run with `node --test test/package/` (Node 20) or `node --test test/package/*.test.mjs` (any
// Node: 22+ takes no folder); everything happens in a throwaway folder under the OS's tmpdir.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freshAppFlow } from './lib/fresh-app.mjs';
import { node24Bin, node24Package } from './lib/node24.mjs';
import { packPackage } from './lib/pack.mjs';
import { cleanEnv, run } from './lib/run.mjs';
import { printTimings, stepsOf } from './lib/steps.mjs';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const node24Cache = join(repoDir, 'node_modules', '.cache', 'node24');
const currentMajor = Number(process.versions.node.split('.')[0]);
// Generous per flow; the whole file takes a few minutes on 2 cores (see the timing table).
const FLOW_TIMEOUT = 10 * 60_000;

const workDir = await mkdtemp(join(tmpdir(), 'nest-orchestrator-package-'));
after(async () => {
  if (process.env.KEEP_PACKAGE_PROOF) process.stdout.write(`Kept ${workDir}\n`);
  else await rm(workDir, { recursive: true, force: true });
});

let tarball;

test('the packed package lints clean', { timeout: FLOW_TIMEOUT }, async (t) => {
  const step = stepsOf(t, 'pack');
  const env = cleanEnv(dirname(process.execPath));
  const inRepo = { cwd: repoDir, env };
  await step('npm pack -w nest-orchestrator', async () => {
    const destination = join(workDir, 'pack');
    await mkdir(destination);
    tarball = await packPackage({ repoDir, destination, env });
  });
  await step('publint --strict', () =>
    run('npx', ['--no', '--', 'publint', '--strict', tarball], inRepo),
  );
  await step('attw --profile esm-only', () =>
    run('npx', ['--no', '--', 'attw', '--profile', 'esm-only', tarball], inRepo),
  );
});

const flows = [
  { name: `Node ${currentMajor}`, major: currentMajor, bin: async () => dirname(process.execPath) },
  { name: 'Node 24', major: 24, bin: () => node24Bin(node24Cache, repoDir) },
];

for (const flow of flows) {
  const skip = flow.major === 24 && currentMajor === 24 ? 'this Node is already 24' : false;
  test(`a fresh Nest app on ${flow.name}`, { timeout: FLOW_TIMEOUT, skip }, async (t) => {
    if (!tarball) return t.skip('no tarball: npm pack failed');
    const step = stepsOf(t, flow.name);
    let binDir;
    await step(
      flow.major === currentMajor
        ? 'this Node'
        : `npm pack ${node24Package} (cached in node_modules/.cache)`,
      async () => {
        binDir = await flow.bin();
      },
    );
    if (!binDir) return;
    const appDir = join(workDir, `node${flow.major}`);
    await mkdir(appDir);
    await freshAppFlow({
      step,
      note: (message) => t.diagnostic(message),
      workDir: appDir,
      tarball,
      binDir,
      repoDir,
      nodeMajor: flow.major,
    });
  });
}

// Last, so the table sits beside the runner's closing summary in CI's log.
test('step timings', (t) => printTimings((line) => t.diagnostic(line)));
