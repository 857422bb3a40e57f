import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';

const INSTALL_HINT =
  'prometheus not found: install it with `apt-get update && apt-get install -y prometheus` ' +
  '(Debian/Ubuntu; the integration test needs the server, not only promtool), or set PROMETHEUS=/path/to/prometheus.';

/** Most of what Prometheus printed is kept, so a failed start can say why. */
const LOG_TAIL = 8_000;

export interface PrometheusOptions {
  /** `host:port` of each app to scrape at `/metrics`. */
  targets: readonly string[];
  /** Absolute paths or globs of rule files, as `rule_files` takes them. */
  ruleFiles?: readonly string[];
  /** Scrape and rule evaluation interval. @defaultValue 1 */
  intervalSeconds?: number;
  /** How long to wait for `/-/ready`. @defaultValue 30 000 */
  readyTimeoutMs?: number;
  /** `--enable-feature` values, e.g. `exemplar-storage` for `/api/v1/query_exemplars`. */
  features?: readonly string[];
}

/** One sample of an instant vector, as `/api/v1/query` returns it. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface QueryResult {
  resultType: 'vector' | 'scalar' | 'matrix' | 'string';
  result: VectorSample[] | [number, string];
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Evaluates an instant query, at `time` (Unix seconds) if given; throws on a PromQL error. */
  query(expr: string, time?: number): Promise<QueryResult>;
  /** `data` of any `/api/v1/...` endpoint; throws unless the status is success. */
  api<T>(path: string): Promise<T>;
  /** Rewrites the scrape targets and reloads the configuration (old targets are dropped). */
  setTargets(targets: readonly string[]): Promise<void>;
  /** Stops the server and deletes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** `$PROMETHEUS`, else `prometheus` on the PATH; throws naming the install command when absent. */
export function findPrometheus(): string {
  const candidates = [
    process.env.PROMETHEUS,
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'prometheus')),
  ];
  for (const path of candidates) {
    if (path === undefined) continue;
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here; try the next one.
    }
  }
  throw new Error(INSTALL_HINT);
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts a real Prometheus on 127.0.0.1 and a free port, with its data in a fresh temporary
 * folder and a generated config scraping `targets` every `intervalSeconds`. Resolves once
 * `/-/ready` answers; `stop()` kills it and deletes the folder.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const binary = findPrometheus();
  const interval = `${options.intervalSeconds ?? 1}s`;
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-e2e-'));
  const configPath = join(dir, 'prometheus.yml');
  const writeConfig = (targets: readonly string[]) =>
    writeFile(
      configPath,
      stringify({
        global: {
          scrape_interval: interval,
          scrape_timeout: interval,
          evaluation_interval: interval,
        },
        rule_files: [...(options.ruleFiles ?? [])],
        scrape_configs: [
          {
            job_name: 'nest-orchestrator',
            metrics_path: '/metrics',
            static_configs: [{ targets: [...targets] }],
          },
        ],
      }),
    );
  await writeConfig(options.targets);

  let child: ChildProcess | undefined;
  let log = '';
  let url = '';
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running !== undefined && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    // Another process may take the port between the check and Prometheus' bind: try again then.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      log = '';
      const started = spawn(
        binary,
        [
          `--config.file=${configPath}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-lifecycle',
          '--log.level=warn',
          ...(options.features ?? []).map((feature) => `--enable-feature=${feature}`),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      // If Jest exits without afterAll (a crash, --forceExit), do not leave the server running.
      const orphaned = () => started.kill('SIGKILL');
      process.once('exit', orphaned);
      started.once('exit', () => process.off('exit', orphaned));
      const keep = (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-LOG_TAIL);
      };
      started.stdout?.on('data', keep);
      started.stderr?.on('data', keep);
      const ready = await waitReady(url, started, options.readyTimeoutMs ?? 30_000);
      if (ready === 'ready') break;
      if (ready === 'exited' && /address already in use/.test(log) && attempt < 3) continue;
      throw new Error(
        `Prometheus did not become ready at ${url}/-/ready (${ready}). Its output:\n${log}`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${url}${path}`, init);
    const body = (await response.json()) as {
      status: string;
      data: T;
      errorType?: string;
      error?: string;
    };
    if (body.status !== 'success')
      throw new Error(`${path}: ${body.errorType ?? response.status}: ${body.error ?? ''}`);
    return body.data;
  };

  return {
    url,
    api: (path) => api(path),
    query: (expr, time) => {
      const form = new URLSearchParams({ query: expr });
      if (time !== undefined) form.set('time', String(time));
      return api<QueryResult>('/api/v1/query', { method: 'POST', body: form });
    },
    setTargets: async (targets) => {
      await writeConfig(targets);
      const response = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!response.ok)
        throw new Error(`Prometheus reload failed: ${response.status} ${await response.text()}`);
    },
    stop,
  };
}

async function waitReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<'ready' | 'exited' | 'timed out'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return 'ready';
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  return 'timed out';
}
