// `npm run test:load`: the built app under autocannon on 127.0.0.1 (50 connections, 20 s,
// every connection placing an order then reading it back), after a short warm-up. Fails unless
// every response is a 2xx with no connection errors, and RSS and heap-after-GC in the last
// quarter of the run stay within a small margin of the first quarter. Then clients that give up
// and retry with an Idempotency-Key: fails unless every key made exactly one order. Prints the
// figures.
//
// Knobs (env): LOAD_CONNECTIONS (50), LOAD_DURATION_S (20), LOAD_WARMUP_S (5),
// LOAD_RETRY_KEYS (200).
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAppCopy } from './build-app-copy.mjs';

const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.LOAD_DURATION_S ?? 20);
const WARMUP_S = Number(process.env.LOAD_WARMUP_S ?? 5);
const RETRY_KEYS = Number(process.env.LOAD_RETRY_KEYS ?? 200);
const RETRY_CLIENTS = 20;
// Last quarter vs first quarter (medians): at most this much growth, relative plus absolute.
const LIMITS = {
  heapUsed: { ratio: 1.1, slackBytes: 4 * 2 ** 20 },
  rss: { ratio: 1.1, slackBytes: 24 * 2 ** 20 },
};
const HARD_STOP_MS = (WARMUP_S + DURATION_S + 120) * 1000;

const MiB = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};

async function startApp(main, dataDir) {
  const probe = fileURLToPath(new URL('../test/load/memory-probe.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', probe, main], {
    env: {
      PATH: process.env.PATH ?? '',
      NO_COLOR: '1',
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      HOST: '127.0.0.1',
      PORT: '0',
      PGLITE_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 50);
    exited.then((exit) => {
      clearInterval(timer);
      reject(new Error(`the app exited before listening (${JSON.stringify(exit)}):\n${output}`));
    });
  });
  let nextId = 0;
  const sample = () =>
    new Promise((resolve) => {
      const id = nextId++;
      const onMessage = (message) => {
        if (message?.type !== 'memory' || message.id !== id) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      child.send({ type: 'sample', id });
    });
  return { child, baseUrl, sample, exited, output: () => output };
}

async function post(baseUrl, path, body, token) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** 50 connections, each: POST /orders, then GET /orders/<the id it got>, and again. */
function cannon(baseUrl, token, durationS) {
  const orderBody = JSON.stringify({
    items: [
      { sku: 'SKU-1001', quantity: 2, unitPriceCents: 1999 },
      { sku: 'SKU-2002', quantity: 1, unitPriceCents: 500 },
    ],
    totalCents: 4498,
  });
  const headers = { authorization: `Bearer ${token}` };
  return autocannon({
    url: baseUrl,
    connections: CONNECTIONS,
    duration: durationS,
    // A sanity bound, not a latency target: only a request that hangs counts as an error.
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/orders',
        headers: { ...headers, 'content-type': 'application/json' },
        body: orderBody,
        onResponse: (status, body, context) => {
          context.orderId = status === 201 ? JSON.parse(body).data.id : undefined;
        },
      },
      {
        method: 'GET',
        headers,
        // No id (the create failed): start the cycle again; it shows up in `resets`.
        setupRequest: (request, context) =>
          context.orderId ? { ...request, path: `/orders/${context.orderId}` } : undefined,
      },
    ],
  });
}

/**
 * Clients that time out and retry: each key is first sent with a client timeout of 0 to 40 ms
 * (the server may or may not have run it when the client gives up), then retried until it gets
 * its 201, waiting out a 409 (still running). Every answer for a key must name the same order,
 * and the customer must end up with exactly one order per key.
 */
async function retryWithKeys(baseUrl) {
  const registered = await post(baseUrl, '/auth/register', {
    email: `load-retry-${randomUUID()}@example.com`,
    password: 'correct horse battery staple',
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
  const token = registered.body.accessToken;
  const order = JSON.stringify({
    items: [{ sku: 'SKU-1001', quantity: 1, unitPriceCents: 1999 }],
    totalCents: 1999,
  });
  // One connection per request (no keep-alive); giving up destroys it, as a client timing out.
  const send = (key, giveUpAfterMs) =>
    new Promise((resolve, reject) => {
      const request = http.request(`${baseUrl}/orders`, {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(order),
          authorization: `Bearer ${token}`,
          'idempotency-key': key,
        },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            replayed: response.headers['idempotent-replayed'] === 'true',
            body: JSON.parse(text),
          }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
      if (giveUpAfterMs !== undefined) {
        setTimeout(() => request.destroy(new Error('gave up')), giveUpAfterMs);
      }
      request.end(order);
    });
  // replayed: a retry found the given-up request had run to the end, and got its answer.
  const stats = {
    sent: 0,
    gaveUp: 0,
    inProgress: 0,
    replayed: 0,
    unexpected: 0,
    inconsistent: 0,
  };
  const keys = Array.from({ length: RETRY_KEYS }, () => randomUUID());
  let next = 0;
  const client = async () => {
    while (next < keys.length) {
      const key = keys[next++];
      stats.sent++;
      await send(key, Math.floor(Math.random() * 40)).catch(() => {
        stats.gaveUp++;
      });
      const ids = new Set();
      for (let attempt = 0; ids.size === 0 && attempt < 100; attempt++) {
        stats.sent++;
        const answer = await send(key);
        if (answer.status === 201) {
          ids.add(answer.body.data.id);
          if (answer.replayed) stats.replayed++;
        } else if (answer.status === 409) {
          stats.inProgress++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        } else {
          stats.unexpected++;
          break;
        }
      }
      // One more retry after the answer: the same order again, replayed.
      const replay = await send(key);
      if (replay.status !== 201 || !replay.replayed || !ids.has(replay.body.data?.id)) {
        stats.inconsistent++;
      }
    }
  };
  await Promise.all(Array.from({ length: RETRY_CLIENTS }, client));
  const listed = await fetch(`${baseUrl}/orders?pageSize=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const { total } = (await listed.json()).data;
  return { ...stats, keys: keys.length, orders: total };
}

function checkFlat(name, first, last) {
  const { ratio, slackBytes } = LIMITS[name];
  const limit = first * ratio + slackBytes;
  return {
    name,
    ok: last <= limit,
    line: `${name.padEnd(9)} first quarter ${MiB(first)}, last quarter ${MiB(last)} (limit ${MiB(limit)}, ${
      last >= first ? '+' : ''
    }${(((last - first) / first) * 100).toFixed(1)}%)`,
  };
}

async function main() {
  const copy = await buildAppCopy();
  const dataDir = await mkdtemp(join(tmpdir(), 'load-test-pglite-'));
  let app;
  const hardStop = setTimeout(() => {
    console.error(`load test: still running after ${HARD_STOP_MS} ms, giving up`);
    app?.child.kill('SIGKILL');
    process.exit(1);
  }, HARD_STOP_MS);
  try {
    app = await startApp(copy.main, dataDir);
    const registered = await post(app.baseUrl, '/auth/register', {
      email: `load-${randomUUID()}@example.com`,
      password: 'correct horse battery staple',
    });
    if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
    const token = registered.body.accessToken;

    console.log(`load test: ${app.baseUrl}, warm-up ${WARMUP_S} s`);
    const warmup = await cannon(app.baseUrl, token, WARMUP_S);

    console.log(
      `load test: ${CONNECTIONS} connections for ${DURATION_S} s (POST /orders + GET /orders/:id)`,
    );
    const samples = [];
    const run = cannon(app.baseUrl, token, DURATION_S);
    const startedAt = Date.now();
    const sampler = setInterval(async () => {
      const at = (Date.now() - startedAt) / 1000;
      if (at <= DURATION_S) samples.push({ at, ...(await app.sample()) });
    }, 1000);
    const result = await run;
    clearInterval(sampler);

    console.log(
      `load test: ${RETRY_KEYS} orders by ${RETRY_CLIENTS} clients that give up and retry with an Idempotency-Key`,
    );
    const retried = await retryWithKeys(app.baseUrl);

    app.child.kill('SIGTERM');
    const exit = await app.exited;

    const quarter = DURATION_S / 4;
    const firstQuarter = samples.filter((sample) => sample.at <= quarter);
    const lastQuarter = samples.filter((sample) => sample.at > DURATION_S - quarter);
    const memory = ['heapUsed', 'rss'].map((name) =>
      checkFlat(
        name,
        median(firstQuarter.map((sample) => sample[name])),
        median(lastQuarter.map((sample) => sample[name])),
      ),
    );
    const byStatus = Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, Number(count)]),
    );
    const checks = [
      {
        ok: result.errors === 0,
        line: `connection errors: ${result.errors} (timeouts ${result.timeouts})`,
      },
      { ok: result.non2xx === 0, line: `non-2xx responses: ${result.non2xx}` },
      { ok: result.resets === 0, line: `failed creates (cycles restarted): ${result.resets}` },
      {
        ok: (byStatus[201] ?? 0) > 0 && (byStatus[200] ?? 0) > 0,
        line: `by status: ${JSON.stringify(byStatus)}`,
      },
      {
        ok:
          retried.orders === retried.keys && retried.unexpected === 0 && retried.inconsistent === 0,
        line: `retries with keys: ${retried.keys} keys, ${retried.orders} orders (${retried.sent} requests, ${retried.gaveUp} given up, ${retried.inProgress} in progress, ${retried.replayed} replayed, ${retried.unexpected} unexpected, ${retried.inconsistent} replays naming another order)`,
      },
      ...memory,
      { ok: exit.code === 0, line: `exit after SIGTERM: ${JSON.stringify(exit)}` },
      {
        ok: warmup.errors === 0 && warmup.non2xx === 0,
        line: `warm-up: ${warmup.requests.total} requests, ${warmup.non2xx} non-2xx, ${warmup.errors} errors`,
      },
    ];

    console.log(
      [
        '',
        `requests: ${result.requests.total} in ${result.duration} s, ${result.requests.average.toFixed(0)} req/s on average`,
        `latency:  p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
        `memory samples (after GC, every second): ${samples.length}; worst event-loop delay ${Math.max(
          ...samples.map((sample) => sample.loopDelayMaxMs),
        ).toFixed(0)} ms`,
        ...checks.map((check) => `${check.ok ? 'ok  ' : 'FAIL'} ${check.line}`),
        '',
      ].join('\n'),
    );
    if (checks.some((check) => !check.ok)) {
      if (exit.code !== 0) console.log(app.output().split('\n').slice(-20).join('\n'));
      process.exitCode = 1;
    }
  } finally {
    clearTimeout(hardStop);
    if (app && app.child.exitCode === null && app.child.signalCode === null)
      app.child.kill('SIGKILL');
    await Promise.all([copy.remove(), rm(dataDir, { recursive: true, force: true })]);
  }
}

await main();
