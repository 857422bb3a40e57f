// Keeps the micro, HTTP and store benchmarks from rotting: runs it with tiny counts and checks that every row,
// verdict and leak check is there and the JSON is written. No timing assertions: a benchmark is
// not a test (numbers from these counts mean nothing).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIXES, SIZES, VARIANTS } from '../bench/micro/cases.js';
import { formatReport, type MicroReport } from '../bench/micro/report.js';
import { QUICK, runMicro, writeJson } from '../bench/micro/run.js';
import { timingOrder } from '../bench/micro/order.js';
import { formatHttpReport } from '../bench/http/report.js';
import { HTTP_QUICK, PAIRS, runHttp, writeHttpJson, type HttpReport } from '../bench/http/run.js';
import { formatStoreReport, type StoreReport } from '../bench/store/report.js';
import { runStore, STORE_QUICK, writeStoreJson } from '../bench/store/run.js';

/** Result files carry the Node major they ran on, so Node 20 and Node 24 runs keep their own. */
const RUNTIME = `node${process.versions.node.split('.')[0]}`;

// Listed here on purpose rather than derived from the bench, so a dropped row fails.
const EXPECTED_GROUPS = [
  'sync-1',
  'async-1',
  'sync-3',
  'async-3',
  'mixed-3',
  'sync-10',
  'async-10',
  'mixed-10',
  'sync-30',
  'async-30',
  'mixed-30',
];
const EXPECTED_VARIANTS = ['floor', 'runner', 'op-timeouts', 'run-timeout', 'signal', 'prometheus'];
const EXPECTED_PATHS = [
  'failure-3/floor',
  'failure-3/runner',
  'failure-10/floor',
  'failure-10/runner',
  'timeout-hit-3/floor',
  'timeout-hit-3/runner',
  'async-1/keyed',
  'mixed-3/keyed',
  'mixed-10/keyed',
  'mixed-3/keyed-own-fingerprint',
  'mixed-3/keyed-100-results',
  'mixed-3/journal',
  'mixed-3/medusa',
  'mixed-3/effect',
  'fan-out-4/floor',
  'fan-out-4/side-by-side',
  'sync-10/inspector',
  'async-10/inspector',
  'mixed-10/inspector',
  ...['sync-10', 'async-10', 'mixed-10'].map((group) => `${group}/tracing-no-sdk`),
];

describe('micro benchmark (smoke, tiny counts)', () => {
  let report: MicroReport;
  let dir: string;

  beforeAll(async () => {
    report = await runMicro({ ...QUICK, mode: 'quick' });
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
  }, 300_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('covers 1, 3, 10 and 30 operations, sync, async and mixed', () => {
    expect([...SIZES]).toEqual([1, 3, 10, 30]);
    expect([...MIXES]).toEqual(['sync', 'async', 'mixed']);
    expect([...VARIANTS]).toEqual(EXPECTED_VARIANTS);
  });

  it('has a row for every group × variant and for the failure and timeout paths', () => {
    const expected = [
      ...EXPECTED_GROUPS.flatMap((group) => EXPECTED_VARIANTS.map((v) => `${group}/${v}`)),
      ...EXPECTED_PATHS,
    ];
    expect(report.rows.map((row) => row.id).sort()).toEqual(expected.sort());
  });

  it('measures every row, the Prometheus variant included, and fills it with numbers', () => {
    for (const row of report.rows) {
      expect(row.skipped).toBeUndefined();
      expect(row.roundsNsPerRun).toHaveLength(QUICK.timing.rounds);
      expect(Number.isFinite(row.nsPerRun)).toBe(true);
      expect(Number.isFinite(row.nsPerOpOverFloor)).toBe(true);
      expect(Number.isFinite(row.ratio)).toBe(true);
      expect(typeof row.heapBytesPerRun).toBe('number');
    }
  });

  it('times every row once, near the row it is compared with', () => {
    const order = timingOrder(report.rows).map((row) => row.id);
    expect([...order].sort()).toEqual(report.rows.map((row) => row.id).sort());
    const next = (id: string) => order[order.indexOf(id) + 1];
    // Far from their floors in the report, next to them when timed.
    expect(next('mixed-3/runner')).toBe('mixed-3/keyed');
    expect(next('async-1/runner')).toBe('async-1/keyed');
    expect(next('sync-10/runner')).toBe('sync-10/tracing-no-sdk');
    expect(next('fan-out-4/floor')).toBe('fan-out-4/side-by-side');
  });

  it('runs the peer engines beside the runner, as information kept out of the runner series', () => {
    const peers = report.rows.filter((row) => ['medusa', 'effect'].includes(row.variant));
    expect(peers.map((row) => row.id)).toEqual(['mixed-3/medusa', 'mixed-3/effect']);
    for (const row of peers) {
      // Both packages are devDependencies: here they load, so a skipped row is a failure.
      expect(row.skipped).toBeUndefined();
      expect(row.floor).toBe('mixed-3/floor');
      expect(row.pass).toBeUndefined();
    }
    const series = [...report.costLines, ...report.heapFlatness].map((item) => item.variant);
    expect(series).not.toContain('medusa');
    expect(series).not.toContain('effect');
  });

  it('prints every row, the targets and the leak checks', () => {
    const text = formatReport(report);
    for (const row of report.rows) expect(text).toContain(row.id);
    expect(text).toContain('≤ 250');
    expect(text).toContain('≤ 500');
    expect(text).toContain('≤ 1500');
    expect(text).toContain('heap per run flat as operations grow');
    expect(report.leaks.map((leak) => leak.id)).toEqual(['mixed-3/runner', 'all-features-4']);
    for (const leak of report.leaks) {
      expect(text).toContain(leak.id);
      expect(leak.runs).toBe(QUICK.leakRuns);
    }
    expect(report.verdicts.map((v) => v.target)).toEqual(
      expect.arrayContaining([
        'runner line: ≤ 100 ns/op and ≤ 250 ns/run fixed over the floor',
        'prometheus: ≤ 500 ns/op over the floor',
        'op-timeouts: ≤ 1500 ns/op over the floor',
        'keyed: ≤ 1000 ns/run over runner',
        'side-by-side: ≤ 1000 ns/run over floor',
        'inspector: ≤ 100 ns/op over runner',
        'tracing-no-sdk: ≤ 50 ns/op over runner',
      ]),
    );
  });

  it('measures the rows with an OpenTelemetry SDK only when a filter names them', async () => {
    expect(report.rows.some((row) => row.variant === 'tracing-sdk')).toBe(false);
    const traced = await runMicro({ ...QUICK, mode: 'quick', filter: ['tracing'] });
    const sdkRows = traced.rows.filter((row) => row.variant === 'tracing-sdk');
    expect(sdkRows.map((row) => row.id)).toEqual(
      ['sync-10', 'async-10', 'mixed-10'].map((group) => `${group}/tracing-sdk`),
    );
    for (const row of sdkRows) {
      expect(row.floor).toBe(row.id.replace('tracing-sdk', 'runner'));
      expect(Number.isFinite(row.nsPerOpOverFloor)).toBe(true);
    }
  }, 300_000);

  it('writes the same rows as JSON', async () => {
    const file = await writeJson(report, dir);
    expect(file).toContain(`micro-quick-${RUNTIME}-`);
    const json = JSON.parse(await readFile(file, 'utf8')) as MicroReport;
    expect(json.rows.map((row) => row.id)).toEqual(report.rows.map((row) => row.id));
    expect(json.meta.mode).toBe('quick');
    expect(Object.keys(json.floorSources)).toEqual(expect.arrayContaining(EXPECTED_GROUPS));
    const latest = JSON.parse(
      await readFile(join(dir, `micro-quick-${RUNTIME}-latest.json`), 'utf8'),
    );
    expect(latest).toEqual(json);
  });
});

describe('HTTP benchmark (smoke, 1 s per side)', () => {
  let report: HttpReport;

  beforeAll(async () => {
    report = await runHttp({ ...HTTP_QUICK, mode: 'quick', server: 'in-process' });
  }, 300_000);

  it('loads every pair without errors, prints the targets, writes JSON', async () => {
    // Every pair but those run only when named (the noise floor's `same`).
    const byDefault = PAIRS.filter((pair) => pair.onRequest !== true);
    expect(report.pairs.map((pair) => pair.id)).toEqual(byDefault.map((pair) => pair.id));
    for (const pair of report.pairs) {
      expect(pair.invalid).toBeUndefined();
      expect(pair.a.runs[0].requests).toBeGreaterThan(0);
    }
    const text = formatHttpReport(report);
    expect(text).toContain('target ≥ 0.95×, CPU');
    expect(text).toContain('[≤ 1.05×]');
    expect(text).toContain('target ≥ 0.97×');
    const dir = await mkdtemp(join(tmpdir(), 'bench-http-'));
    try {
      const written = JSON.parse(await readFile(await writeHttpJson(report, dir), 'utf8'));
      expect(written.pairs).toHaveLength(report.pairs.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('HTTP benchmark, the pairs run only when named (smoke)', () => {
  it('answers the same quote on both sides of each pair and times them without errors', async () => {
    const named = PAIRS.filter((pair) => pair.onRequest === true).map((pair) => pair.id);
    // Listed, so a pair dropped from the bench (or one no longer on request) fails here.
    expect(named).toEqual(['budget', 'same', 'twin']);
    // runHttp first checks that both routes of every pair answer the same data (checkPair).
    const report = await runHttp({
      ...HTTP_QUICK,
      mode: 'quick',
      server: 'in-process',
      pairs: named,
    });
    expect(report.pairs.map((pair) => pair.id)).toEqual(named);
    for (const pair of report.pairs) {
      expect(pair.invalid).toBeUndefined();
      expect(pair.a.runs[0].requests).toBeGreaterThan(0);
      expect(pair.b.runs[0].requests).toBeGreaterThan(0);
    }
  }, 300_000);
});

describe('store benchmark (smoke, PGlite, a handful of calls)', () => {
  // Listed here on purpose rather than derived from the bench, so a dropped row fails.
  const EXPECTED_OPERATIONS = ['select-1', 'first-keyed', 'replay', 'renew'];
  let report: StoreReport;

  beforeAll(async () => {
    // No serverUrl: in-memory PGlite even when TEST_DATABASE_URL is set.
    report = await runStore({ ...STORE_QUICK, mode: 'quick', logger: false });
  }, 300_000);

  it('times every store call on PGlite and fills every row with finite numbers', () => {
    expect(report.meta).toMatchObject({ kind: 'pglite', mode: 'quick' });
    expect(report.rows.map((row) => row.id)).toEqual(EXPECTED_OPERATIONS);
    expect(report.rows[1].steps.map((step) => step.name)).toEqual(['claim', 'complete']);
    for (const row of report.rows) {
      expect(row.roundsMs).toHaveLength(STORE_QUICK.timing.rounds);
      const figures = [row.msPerCall, row.p90Ms, row.roundTrips, ...row.roundsMs];
      for (const step of row.steps) figures.push(step.msPerCall, step.roundTrips);
      for (const figure of figures) expect(Number.isFinite(figure)).toBe(true);
    }
    for (const figure of Object.values(report.keyedCost)) {
      expect(Number.isFinite(figure)).toBe(true);
    }
  });

  it('prints the database, every row and the keyed cost; writes JSON', async () => {
    const text = formatStoreReport(report);
    expect(text).toContain('PGlite');
    for (const row of report.rows) expect(text).toContain(row.label);
    expect(text).toContain('A keyed run pays');
    const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
    try {
      const written = JSON.parse(await readFile(await writeStoreJson(report, dir), 'utf8'));
      expect(written.rows).toHaveLength(EXPECTED_OPERATIONS.length);
      const latest = JSON.parse(
        await readFile(join(dir, `store-quick-${RUNTIME}-latest.json`), 'utf8'),
      );
      expect(latest).toEqual(written);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
