import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkMetrics, checkRules, findPromtool } from './promtool.js';

describe('promtool helper', () => {
  const saved = { PATH: process.env.PATH, PROMTOOL: process.env.PROMTOOL };
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.PROMTOOL === undefined) delete process.env.PROMTOOL;
    else process.env.PROMTOOL = saved.PROMTOOL;
  });

  it('accepts valid exposition text', async () => {
    const text = '# HELP up_total Up.\n# TYPE up_total counter\nup_total 1\n';
    expect(await checkMetrics(text)).toEqual({ ok: true, exitCode: 0, problems: [] });
  });

  it('rejects text that does not parse', async () => {
    const report = await checkMetrics('# TYPE broken counter\nbroken{ 1\n');
    expect(report.ok).toBe(false);
    expect(report.exitCode).toBe(1);
    expect(report.problems).not.toEqual([]);
  });

  it('reports lint problems unless the metric is allowed', async () => {
    const text = '# HELP busy_total Busy.\n# TYPE busy_total gauge\nbusy_total 1\n';
    const report = await checkMetrics(text);
    expect(report).toMatchObject({ ok: false, exitCode: 3 });
    expect(report.problems).toEqual([
      'busy_total non-counter metrics should not have "_total" suffix',
    ]);
    expect(await checkMetrics(text, { allow: ['busy_total'] })).toEqual({
      ok: true,
      exitCode: 3,
      problems: [],
    });
  });

  describe('checkRules', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'promtool-rules-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    /** A rule file of `[alert, expr]` pairs. */
    const file = async (name: string, rules: [string, string][]) => {
      const path = join(dir, name);
      const body = rules
        .map(([alert, expr]) => `      - alert: ${alert}\n        expr: ${expr}\n`)
        .join('');
      await writeFile(path, `groups:\n  - name: test\n    rules:\n${body}`);
      return path;
    };

    it('counts the rules of valid files', async () => {
      const one = await file('one.yml', [['Busy', 'rate(busy_seconds_total[5m]) > 1']]);
      const two = await file('two.yml', [
        ['Down', 'up == 0'],
        ['AllDown', 'sum(up) < 1'],
      ]);
      expect(await checkRules([one, two])).toEqual({
        ok: true,
        exitCode: 0,
        rules: 3,
        problems: [],
      });
    });

    it('rejects an expression that does not parse, naming the file and rule', async () => {
      const path = await file('broken.yml', [['Busy', 'sum(rate(busy_seconds_total[5m]) > 1']]);
      const report = await checkRules([path]);
      expect(report).toMatchObject({ ok: false, exitCode: 1, rules: 0 });
      expect(report.problems.join('\n')).toContain(`${path}: `);
      expect(report.problems.join('\n')).toContain('unclosed left parenthesis');
    });

    it('treats duplicate rules as fatal', async () => {
      const path = await file('twice.yml', [
        ['Down', 'up == 0'],
        ['Down', 'up == 0'],
      ]);
      expect(await checkRules([path])).toMatchObject({ ok: false, exitCode: 3 });
    });
  });

  it('names the install command when promtool is missing', () => {
    process.env.PATH = '/nonexistent';
    delete process.env.PROMTOOL;
    expect(() => findPromtool()).toThrow('apt-get update && apt-get install -y prometheus');
  });
});
