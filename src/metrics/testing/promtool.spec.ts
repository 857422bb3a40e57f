import { checkMetrics, findPromtool } from './promtool.js';

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

  it('names the install command when promtool is missing', () => {
    process.env.PATH = '/nonexistent';
    delete process.env.PROMTOOL;
    expect(() => findPromtool()).toThrow('apt-get update && apt-get install -y prometheus');
  });
});
