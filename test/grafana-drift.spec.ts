import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { checkRules } from './support/promtool.js';
import { buildAppCopy, type AppCopy } from './reliability/support/built-app.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/nest-orchestrator/dist/cli/main.js');

// The package's own command, as a user runs it, against the starter compiled as `nest build` does.
describe('committed generated files (grafana/, README diagrams)', () => {
  let app: AppCopy;
  beforeAll(async () => {
    app = await buildAppCopy();
  }, 120_000);
  afterAll(() => app?.remove());

  it('match what `nest-orchestrator dashboards --boot` generates from the starter today', async () => {
    const module = join(dirname(app.main), 'app.module.js');
    // --boot: the starter's module options come from a forRootAsync factory (its run store needs
    // the database), so the app is started, on a throwaway in-memory database.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'dashboards', '--check', '--boot', '--module', module],
      { cwd: root, env: { ...process.env, NODE_ENV: 'development', PGLITE_DATA_DIR: 'memory://' } },
    );
    // Fails with the files to regenerate (`npm run generate:dashboards`, then commit).
    expect(stdout).toMatch(/^grafana\/ matches the pipelines \(\d+ files\)\.$/m);
  }, 60_000);

  it('include README diagrams that match `nest-orchestrator diagram --boot` today', async () => {
    const module = join(dirname(app.main), 'app.module.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'diagram', '--check', '--boot', '--module', module, '--file', 'README.md'],
      { cwd: root, env: { ...process.env, NODE_ENV: 'development', PGLITE_DATA_DIR: 'memory://' } },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    // Fails when a pipeline changed: `npm run generate:diagrams`, then commit README.md.
    expect(stdout).toMatch(/^The diagrams in README\.md match the pipelines \(\d+\)\.$/m);
  }, 60_000);

  it('hold alert rules that promtool check rules accepts', async () => {
    const path = join(root, 'grafana/alerts/orchestrator.rules.yml');
    const { groups } = parse(await readFile(path, 'utf8')) as { groups: Array<{ rules: [] }> };
    const count = groups.flatMap((group) => group.rules).length;
    expect(count).toBeGreaterThan(0);
    expect(await checkRules([path])).toEqual({ ok: true, exitCode: 0, rules: count, problems: [] });
  });
});
