import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboards } from './dashboards.command.js';

const module = fileURLToPath(new URL('./fixtures/app.module.ts', import.meta.url));

describe('nest-orchestrator dashboards', () => {
  let out: string;
  let lines: string[];
  const say = (line: string) => lines.push(line);
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'dashboards-'));
    lines = [];
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('writes a dashboard per pipeline, the overview, alert rules and provisioning', async () => {
    expect(await dashboards({ module, out, check: false }, say)).toBe(0);

    expect(readdirSync(join(out, 'grafana/dashboards')).sort()).toEqual([
      'orchestrator-overview.json',
      'pipeline-quotes.json',
    ]);
    const quotes = JSON.parse(
      readFileSync(join(out, 'grafana/dashboards/pipeline-quotes.json'), 'utf8'),
    );
    expect(JSON.stringify(quotes)).toContain('pipeline=\\"quotes\\"');
    expect(readFileSync(join(out, 'grafana/alerts/orchestrator.rules.yml'), 'utf8')).toContain(
      'quotes',
    );
    expect(lines).toEqual([
      expect.stringMatching(/^Wrote \d+ files under grafana\/ for quotes; removed 0 stale/),
    ]);
  });

  it('with --check, passes on what it wrote and names a changed and a stale file', async () => {
    await dashboards({ module, out, check: false }, say);
    expect(await dashboards({ module, out, check: true }, say)).toBe(0);

    writeFileSync(join(out, 'grafana/dashboards/pipeline-quotes.json'), '{}');
    writeFileSync(join(out, 'grafana/dashboards/pipeline-gone.json'), '{}');
    lines = [];
    expect(await dashboards({ module, out, check: true }, say)).toBe(1);
    expect(lines.join('\n')).toMatch(
      /changed: grafana\/dashboards\/pipeline-quotes\.json[\s\S]*stale: {3}grafana\/dashboards\/pipeline-gone\.json/,
    );

    await dashboards({ module, out, check: false }, say);
    expect(readdirSync(join(out, 'grafana/dashboards'))).not.toContain('pipeline-gone.json');
  });
});
