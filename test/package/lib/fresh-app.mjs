// What a user of the published package does: a brand-new Nest app (the CLI's own template:
// ESM, Express, Vitest), the package installed from its tarball, `nest add`, `nest g`, build,
// test, run and the dashboards command. Every command runs on the Node whose bin is `binDir`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanEnv, run } from './run.mjs';
import { startApp } from './server.mjs';

const INSTALL_TIMEOUT = 300_000;
// The second app (and any rerun) takes packages from npm's cache without asking the registry again.
const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

/** Fails with the command's output when `ok` is false: for CLIs that exit 0 after an error. */
function expectOutput(ok, what, output) {
  if (!ok) throw new Error(`${what}\n--- output ---\n${output}`);
}

export async function freshAppFlow({ step, note, workDir, tarball, binDir, repoDir, nodeMajor }) {
  const env = cleanEnv(binDir);
  const app = join(workDir, 'demo');
  const inApp = (timeoutMs) => ({ cwd: app, env, timeoutMs });
  const file = (path) => join(app, path);

  await step(`node and npm run on Node ${nodeMajor}`, async () => {
    const node = (await run('node', ['--version'], { cwd: workDir, env })).trim();
    // `npm version` reports the versions of the Node that runs npm itself.
    const versions = JSON.parse(await run('npm', ['version', '--json'], { cwd: workDir, env }));
    note(`node ${node}; npm ${versions.npm} running on Node ${versions.node}`);
    assert.match(node, new RegExp(`^v${nodeMajor}\\.`));
    assert.match(versions.node, new RegExp(`^${nodeMajor}\\.`));
  });

  await step('nest new demo (offline)', async () => {
    const nest = join(repoDir, 'node_modules', '.bin', 'nest');
    const args = ['new', 'demo', '--skip-install', '--skip-git', '-p', 'npm'];
    const output = await run(nest, args, { cwd: workDir, env });
    expectOutput(existsSync(file('package.json')), 'nest new created no app', output);
  });

  await step('npm install', () => run('npm', INSTALL, inApp(INSTALL_TIMEOUT)));

  await step('npm install <tarball> @willsoto/nestjs-prometheus prom-client', () =>
    run(
      'npm',
      [...INSTALL, tarball, '@willsoto/nestjs-prometheus', 'prom-client'],
      inApp(INSTALL_TIMEOUT),
    ),
  );

  await step('nest add nest-orchestrator --skip-install', async () => {
    const output = await run(
      'npx',
      ['--no', '--', 'nest', 'add', 'nest-orchestrator', '--skip-install'],
      inApp(),
    );
    const root = await readFile(file('src/app.module.ts'), 'utf8');
    expectOutput(
      root.includes('OrchestratorModule'),
      'src/app.module.ts has no OrchestratorModule',
      output,
    );
  });

  const generated = [
    'src/quotes/quotes.module.ts',
    'src/quotes/quotes.pipeline.spec.ts',
    'src/quotes/dto/create-quote.dto.ts',
  ];
  await step('nest g orchestrator-service quotes', async () => {
    // The Nest CLI exits 0 when a schematic throws: the files are the proof.
    const output = await run(
      'npx',
      ['--no', '--', 'nest', 'g', 'orchestrator-service', 'quotes'],
      inApp(),
    );
    const missing = generated.filter((path) => !existsSync(file(path)));
    expectOutput(missing.length === 0, `nest g did not write ${missing.join(', ')}`, output);
  });

  await step('npm run build', () => run('npm', ['run', 'build'], inApp()));

  await step("npm test (the app's Vitest specs, the generated one included)", async () => {
    const output = await run('npm', ['test'], inApp());
    expectOutput(
      output.includes('quotes.pipeline.spec.ts'),
      'Vitest did not run the generated spec',
      output,
    );
  });

  await step('node dist/main.js: POST /quotes, GET /metrics', async () => {
    const dto = await readFile(file(generated[2]), 'utf8');
    assert.match(dto, /values!: number\[\]/, `the generated DTO changed shape:\n${dto}`);
    const server = await startApp({ node: join(binDir, 'node'), cwd: app, env });
    try {
      const created = await fetch(`${server.url}/quotes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ values: [12.5, 7, 30] }),
      });
      const text = await created.text();
      const body = JSON.parse(text);
      const steps = Object.entries(body.metrics ?? {});
      const ok =
        created.status === 201 &&
        body.success === true &&
        steps.length > 0 &&
        steps.every(([, ms]) => typeof ms === 'number' && ms >= 0);
      if (!ok) throw server.fail(`POST /quotes answered ${created.status} ${text}`);
      note(`POST /quotes: 201, metrics ${JSON.stringify(body.metrics)}`);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const series = metrics
        .split('\n')
        .filter((line) => /^orchestrator_\w+\{[^}]*pipeline="quotes"/.test(line));
      if (series.length === 0)
        throw server.fail(`GET /metrics has no orchestrator_ series for quotes:\n${metrics}`);
      note(`GET /metrics: ${series.length} orchestrator_ lines with pipeline="quotes"`);
    } finally {
      await server.stop();
    }
  });

  await step('nest-orchestrator dashboards', async () => {
    const output = await run('npx', ['--no', '--', 'nest-orchestrator', 'dashboards'], inApp());
    const dashboard = file('grafana/dashboards/pipeline-quotes.json');
    expectOutput(existsSync(dashboard), 'no grafana/dashboards/pipeline-quotes.json', output);
    JSON.parse(await readFile(dashboard, 'utf8'));
  });
}
