import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildAppCopy,
  exitWithin,
  listeningUrl,
  runAppCopy,
  type AppCopy,
  type RunningApp,
} from './reliability/support/built-app.js';
import { TEST_PASSWORD, uniqueEmail } from './support/auth.js';
import { chromiumPath, renderedDom } from './support/chromium.js';
import type { InspectorSnapshot } from 'nest-orchestrator/inspector';

// The built starter in a child process (Swagger UI's static files cannot be served under Jest,
// see CreateAppOptions.swaggerUi), in development mode so the inspector is on, read by headless
// Chromium as a person would see it. `SAVE_SCREENSHOT=1` also writes docs/inspector.png, the
// picture in the README.

const root = fileURLToPath(new URL('..', import.meta.url));
const items = [
  { sku: 'SKU-1001', quantity: 2, unitPriceCents: 1999 },
  { sku: 'SKU-2002', quantity: 1, unitPriceCents: 500 },
];

/** Attributes of every element whose start tag has `name="value"`, from the serialized DOM. */
function elementsWith(dom: string, name: string, value: string): Record<string, string>[] {
  const tags = dom.match(/<[a-z][^>]*>/g) ?? [];
  return tags
    .filter((tag) => tag.includes(`${name}="${value}"`))
    .map((tag) =>
      Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]])),
    );
}

describe('the pipelines page and Swagger UI in headless Chromium', () => {
  let copy: AppCopy;
  let app: RunningApp;
  let baseUrl: string;
  let workDir: string;

  beforeAll(async () => {
    chromiumPath(); // fails the suite at once, saying how to install it
    [copy, workDir] = await Promise.all([
      buildAppCopy(),
      mkdtemp(join(tmpdir(), 'inspector-e2e-')),
    ]);
    app = runAppCopy(copy.main, {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      PGLITE_DATA_DIR: 'memory://',
    });
    baseUrl = await listeningUrl(app);
  }, 180_000);

  afterAll(async () => {
    if (app) {
      app.child.kill('SIGTERM');
      await exitWithin(app, 15_000);
    }
    await copy?.remove();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }, 30_000);

  const send = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('says where the page is in the startup log line', () => {
    expect(app.output()).toMatch(
      /Listening on http:\/\/127\.0\.0\.1:\d+ \(API docs at \/documentation, pipelines at \/orchestrator\)/,
    );
  });

  it('draws every pipeline and operation with its figures, after some orders', async () => {
    const email = uniqueEmail('inspector');
    expect((await send('POST', '/auth/register', { email, password: TEST_PASSWORD })).status).toBe(
      201,
    );
    const { accessToken } = (await send('POST', '/auth/login', { email, password: TEST_PASSWORD }))
      .body;
    const orderIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const placed = await send('POST', '/orders', { items, totalCents: 4498 }, accessToken);
      expect(placed.status).toBe(201);
      orderIds.push(placed.body.data.id);
    }
    // A refused order (the total disagrees) and two cancels: every pipeline has runs to show.
    expect((await send('POST', '/orders', { items, totalCents: 1 }, accessToken)).status).toBe(422);
    for (const id of orderIds.slice(0, 2))
      expect((await send('POST', `/orders/${id}/cancel`, undefined, accessToken)).status).toBe(200);

    const snapshot = (await (
      await fetch(`${baseUrl}/orchestrator/pipelines`)
    ).json()) as InspectorSnapshot;
    expect(snapshot.pipelines.length).toBeGreaterThanOrEqual(2);

    const screenshot = join(workDir, 'inspector.png');
    const dom = await renderedDom(`${baseUrl}/orchestrator`, { screenshot });
    expect(dom).toContain('data-inspector-ready="true"');
    for (const pipeline of snapshot.pipelines) {
      expect(elementsWith(dom, 'data-pipeline', pipeline.name).length).toBeGreaterThan(0);
      expect(elementsWith(dom, 'data-graph', pipeline.name)).toHaveLength(1);
      expect(elementsWith(dom, 'data-waterfall', pipeline.name)).toHaveLength(1);
      for (const operation of pipeline.operations) {
        const [row] = elementsWith(dom, 'data-operation', operation.name).filter(
          (attributes) => attributes['data-pipeline'] === pipeline.name,
        );
        expect({
          pipeline: pipeline.name,
          operation: operation.name,
          row: row !== undefined,
        }).toEqual({
          pipeline: pipeline.name,
          operation: operation.name,
          row: true,
        });
        expect(Number(row['data-runs'])).toBeGreaterThan(0);
        expect(Number(row['data-p95'])).toBeGreaterThan(0);
        expect(elementsWith(dom, 'data-node', operation.name).length).toBeGreaterThan(0);
      }
      // Each recent run is a row of the waterfall, with a bar per operation that ended.
      expect(elementsWith(dom, 'data-run-id', pipeline.recentRuns[0].runId)).toHaveLength(1);
    }
    expect(dom).toMatch(/p95 \d+(\.\d+)? ms/);

    const png = await readFile(screenshot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    if (process.env.SAVE_SCREENSHOT === '1')
      await copyFile(screenshot, join(root, 'docs/inspector.png'));
  }, 120_000);

  it('renders the orders operations in Swagger UI at /documentation', async () => {
    const dom = await renderedDom(`${baseUrl}/documentation`);
    expect(dom).toContain('swagger-ui');
    for (const path of ['/orders', '/orders/{id}', '/orders/{id}/cancel'])
      expect(dom).toContain(`data-path="${path}"`);
    expect(dom).toMatch(/class="opblock opblock-post[^"]*"/);
  }, 120_000);
});
