import type { DynamicModule } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { Operation, OperationError, Orchestrator, OrchestratorModule, Pipeline } from '../index.js';
import { PipelineRunner } from '../pipeline.runner.js';
import { InspectorObserver } from './inspector.observer.js';
import type { InspectorSnapshot } from './interfaces/inspector-snapshot.interface.js';
import { publicOnlyGuard } from '../prometheus/fixtures/public-only.guard.js';
import { OrchestratorInspectorModule } from './orchestrator-inspector.module.js';

const SECRET = 'card-4242-4242-4242-4242';

interface Ctx {
  card: string;
  fail?: boolean;
  waitMs: number;
}

@Pipeline({ name: 'checkout', description: 'Takes a payment, then tells two services' })
class CheckoutPipeline {
  @Operation()
  validate(ctx: Ctx) {
    if (ctx.fail)
      throw new OperationError(`bad card ${ctx.card}`, 'VALIDATION', { card: ctx.card });
  }

  @Operation({ compensate: 'refund' })
  async charge(ctx: Ctx) {
    await sleep(ctx.waitMs);
    return { receipt: `receipt for ${ctx.card}` };
  }

  refund() {}

  @Operation({ critical: false, after: ['charge'] })
  notify() {}

  @Operation({ critical: false, after: ['charge'] })
  track() {}
}

interface Booted {
  app: NestFastifyApplication;
  orchestrator: Orchestrator;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

const apps: NestFastifyApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function boot(inspector: DynamicModule, providers: unknown[] = []): Promise<Booted> {
  const moduleRef = await Test.createTestingModule({
    imports: [OrchestratorModule.forRoot({ logFailures: false }), inspector],
    providers: [CheckoutPipeline, ...(providers as [])],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    orchestrator: app.get(Orchestrator),
    get: (path, headers) => fetch(`${url}${path}`, { headers }),
  };
}

async function snapshotOf(booted: Booted, path = '/orchestrator'): Promise<InspectorSnapshot> {
  const response = await booted.get(`${path}/pipelines`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/json');
  return (await response.json()) as InspectorSnapshot;
}

describe('OrchestratorInspectorModule', () => {
  it('answers every pipeline with its operations, figures and recent runs', async () => {
    const booted = await boot(OrchestratorInspectorModule.forRoot({ enabled: true }));
    for (let i = 0; i < 3; i++)
      await booted.orchestrator.run(CheckoutPipeline, { card: SECRET, waitMs: 1 });
    await booted.orchestrator.run(CheckoutPipeline, { card: SECRET, waitMs: 0, fail: true });

    const snapshot = await snapshotOf(booted);
    expect(snapshot.windowMs).toBe(300_000);
    expect(Date.parse(snapshot.generatedAt)).not.toBeNaN();
    expect(snapshot.pipelines).toHaveLength(1);
    const [checkout] = snapshot.pipelines;
    expect(checkout).toMatchObject({
      name: 'checkout',
      description: 'Takes a payment, then tells two services',
      runs: {
        sinceBoot: { count: 4, outcomes: { success: 3, failure: 1, timeout: 0, aborted: 0 } },
        window: { count: 4, errorRate: 0.25 },
      },
    });
    expect(
      checkout.operations.map(({ name, critical, after, depth, compensate }) => ({
        name,
        critical,
        after,
        depth,
        compensate,
      })),
    ).toEqual([
      { name: 'validate', critical: true, after: [], depth: 0, compensate: null },
      { name: 'charge', critical: true, after: ['validate'], depth: 1, compensate: 'refund' },
      { name: 'notify', critical: false, after: ['charge'], depth: 2, compensate: null },
      { name: 'track', critical: false, after: ['charge'], depth: 2, compensate: null },
    ]);
    const [validate, charge] = checkout.operations;
    expect(validate.sinceBoot).toMatchObject({
      count: 4,
      outcomes: { success: 3, failure: 1 },
      errorRate: 0.25,
    });
    expect(charge.sinceBoot.count).toBe(3);
    // Every percentile within the charges the recent runs saw (a timer of 1 ms can fire a little
    // sooner by the monotonic clock, so the bound is what was measured, not the 1 ms asked for).
    const charges = checkout.recentRuns.flatMap((run) =>
      run.operations.filter((op) => op.name === 'charge').map((op) => op.durationMs),
    );
    expect(charges).toHaveLength(3);
    expect(charge.sinceBoot.p50Ms).toBeGreaterThanOrEqual(Math.min(...charges) * 0.95);
    expect(charge.sinceBoot.p99Ms).toBeLessThanOrEqual(Math.max(...charges) * 1.05);
    expect(
      charge.sinceBoot.p50Ms! <= charge.sinceBoot.p95Ms! &&
        charge.sinceBoot.p95Ms! <= charge.sinceBoot.p99Ms!,
    ).toBe(true);

    expect(checkout.recentRuns).toHaveLength(4);
    const [failed, succeeded] = checkout.recentRuns;
    expect(failed).toMatchObject({
      outcome: 'failure',
      operations: [{ name: 'validate', outcome: 'failure' }],
    });
    expect(succeeded.outcome).toBe('success');
    expect(succeeded.operations.map((operation) => operation.name)).toEqual([
      'validate',
      'charge',
      'notify',
      'track',
    ]);
    const [, chargeRun, notifyRun] = succeeded.operations;
    // notify starts after charge ends: its offset is at least charge's offset plus duration.
    expect(notifyRun.startOffsetMs).toBeGreaterThanOrEqual(
      chargeRun.startOffsetMs + chargeRun.durationMs - 0.01,
    );
    expect(succeeded.durationMs).toBeGreaterThanOrEqual(chargeRun.durationMs);
  });

  it('never shows a context value, an error message or its details', async () => {
    const booted = await boot(OrchestratorInspectorModule.forRoot({ enabled: true }));
    await booted.orchestrator.run(CheckoutPipeline, { card: SECRET, waitMs: 0 });
    await booted.orchestrator.run(CheckoutPipeline, { card: SECRET, waitMs: 0, fail: true });
    const body = await (await booted.get('/orchestrator/pipelines')).text();
    expect(body).not.toContain('4242');
    expect(body).not.toContain('receipt');
    expect(body).not.toContain('bad card');
  });

  it('keeps only the last `recentRuns` runs of a pipeline', async () => {
    const booted = await boot(
      OrchestratorInspectorModule.forRoot({ enabled: true, recentRuns: 3 }),
    );
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await booted.orchestrator.run(CheckoutPipeline, { card: 'x', waitMs: 0 })).runId);
    const [checkout] = (await snapshotOf(booted)).pipelines;
    expect(checkout.recentRuns.map((run) => run.runId)).toEqual(ids.slice(-3).reverse());
    expect(checkout.runs.sinceBoot.count).toBe(7);
  });

  it('shows runs still in flight, and drops the window slices as they age', async () => {
    const booted = await boot(OrchestratorInspectorModule.forRoot({ enabled: true }));
    const running = booted.orchestrator.run(CheckoutPipeline, { card: 'x', waitMs: 200 });
    await sleep(50);
    let [checkout] = (await snapshotOf(booted)).pipelines;
    expect(checkout.recentRuns[0]).toMatchObject({ outcome: 'running', durationMs: null });
    await running;

    const observer = booted.app.get(InspectorObserver);
    for (let i = 0; i < 5; i++) observer.rotate();
    [checkout] = (await snapshotOf(booted)).pipelines;
    expect(checkout.runs.window).toMatchObject({ count: 0, p50Ms: null, p95Ms: null, p99Ms: null });
    expect(checkout.runs.sinceBoot.count).toBe(1);
    expect(checkout.recentRuns[0].outcome).toBe('success');
  });

  it('serves the page, its script and its style, with no third-party URL', async () => {
    const booted = await boot(
      OrchestratorInspectorModule.forRoot({ enabled: true, refreshMs: 1_000 }),
    );
    const page = await booted.get('/orchestrator');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('src="orchestrator/inspector.js"');
    expect(html).toContain('data-refresh-ms="1000"');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await booted.get('/orchestrator/inspector.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("'/pipelines'");
    expect((await booted.get('/orchestrator/inspector.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
  });

  it('keeps its routes out of the OpenAPI document', async () => {
    const booted = await boot(OrchestratorInspectorModule.forRoot({ enabled: true }));
    const { DocumentBuilder, SwaggerModule } = await import('@nestjs/swagger');
    const document = SwaggerModule.createDocument(booted.app, new DocumentBuilder().build());
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/orchestrator'))).toEqual(
      [],
    );
  });

  it('serves on the configured path only', async () => {
    const booted = await boot(
      OrchestratorInspectorModule.forRoot({ enabled: true, path: '/internal/pipelines-ui' }),
    );
    expect((await booted.get('/orchestrator')).status).toBe(404);
    expect((await booted.get('/internal/pipelines-ui')).status).toBe(200);
    expect((await snapshotOf(booted, '/internal/pipelines-ui')).pipelines).toHaveLength(1);
  });

  it('is off unless enabled: no route, nothing recorded', async () => {
    const booted = await boot(OrchestratorInspectorModule.forRoot({ enabled: false }));
    expect((await booted.get('/orchestrator')).status).toBe(404);
    expect(() => booted.app.get(InspectorObserver)).toThrow();
  });

  it('answers 404 when a forRootAsync factory turns it off', async () => {
    const booted = await boot(
      OrchestratorInspectorModule.forRootAsync({ useFactory: () => ({ enabled: false }) }),
    );
    await booted.orchestrator.run(CheckoutPipeline, { card: 'x', waitMs: 0 });
    expect((await booted.get('/orchestrator')).status).toBe(404);
    expect((await booted.get('/orchestrator/pipelines')).status).toBe(404);
    // No observer at all, so runs pay nothing for the page being off.
    expect(booted.app.get(InspectorObserver)).toBeNull();
    expect(booted.app.get(PipelineRunner).observed).toBe(false);
  });

  it('takes its options from forRootAsync', async () => {
    const booted = await boot(
      OrchestratorInspectorModule.forRootAsync({
        useFactory: () => ({ enabled: true, path: '/ops' }),
      }),
    );
    expect((await booted.get('/ops')).status).toBe(200);
  });

  it('asks for the credentials of the auth option, as /metrics does', async () => {
    const booted = await boot(
      OrchestratorInspectorModule.forRoot({
        enabled: true,
        auth: { type: 'basic', username: 'ops', password: 'hunter22' },
      }),
    );
    const refused = await booted.get('/orchestrator');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(
      'Basic realm="orchestrator", charset="UTF-8"',
    );
    expect(await refused.json()).toMatchObject({
      message: 'The pipelines page requires credentials.',
    });
    const basic = `Basic ${Buffer.from('ops:hunter22').toString('base64')}`;
    expect((await booted.get('/orchestrator/pipelines', { authorization: basic })).status).toBe(
      200,
    );
  });

  it('marks its routes with the publicMetadata option, for a global auth guard', async () => {
    const open = await boot(
      OrchestratorInspectorModule.forRoot({
        enabled: true,
        publicMetadata: { key: 'auth:isPublic', value: true },
      }),
      [publicOnlyGuard('auth:isPublic')],
    );
    expect((await open.get('/orchestrator')).status).toBe(200);
    expect((await open.get('/orchestrator/pipelines')).status).toBe(200);
    const closed = await boot(OrchestratorInspectorModule.forRoot({ enabled: true }), [
      publicOnlyGuard('auth:isPublic'),
    ]);
    expect((await closed.get('/orchestrator/pipelines')).status).toBe(403);
  });
});
