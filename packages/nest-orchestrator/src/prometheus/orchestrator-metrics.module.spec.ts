import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { register, Registry } from 'prom-client';
import { Operation, Orchestrator, OrchestratorModule, Pipeline } from '../index.js';
import { METRIC_NAMES, METRICS_REGISTRY } from './metrics.constants.js';
import { OrchestratorMetricsModule } from './orchestrator-metrics.module.js';
import { publicOnlyGuard } from './fixtures/public-only.guard.js';

@Controller('private')
class PrivateController {
  @Get()
  secret() {
    return 'secret';
  }
}

@Pipeline('ping')
class PingPipeline {
  @Operation()
  ping() {}
}

interface Booted {
  app: NestFastifyApplication;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

const apps: NestFastifyApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function boot(
  metrics: DynamicModule,
  extra: { providers?: unknown[]; imports?: unknown[] } = {},
): Promise<Booted> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      OrchestratorModule.forRoot({ logFailures: false }),
      metrics,
      ...((extra.imports ?? []) as DynamicModule[]),
    ],
    controllers: [PrivateController],
    providers: [PingPipeline, ...((extra.providers ?? []) as [])],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return { app, get: (path, headers) => fetch(`${url}${path}`, { headers }) };
}

const isolated = { registry: new Registry(), defaultMetrics: false } as const;
const fresh = () => ({ ...isolated, registry: new Registry() });

describe('OrchestratorMetricsModule', () => {
  it('serves the registry at /metrics with the Prometheus content type', async () => {
    const { get } = await boot(OrchestratorMetricsModule.forRoot(fresh()));
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toContain(`# TYPE ${METRIC_NAMES.operationDuration} histogram`);
  });

  it('serves OpenMetrics to a scraper that prefers it, and plain text again after', async () => {
    const { get } = await boot(OrchestratorMetricsModule.forRoot(fresh()));
    // The HTTP histogram counts these scrapes; everything else must stay the same text.
    const withoutHttp = (text: string) =>
      text
        .split('\n')
        .filter((line) => !line.startsWith('http_request_duration_seconds_'))
        .join('\n');
    const plain = withoutHttp(await (await get('/metrics')).text());
    const open = await get('/metrics', {
      accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    });
    expect(open.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(open.headers.get('vary')).toBe('Accept');
    const text = await open.text();
    expect(text).toContain(`# TYPE ${METRIC_NAMES.operationDuration} histogram`);
    expect(text).toContain('# TYPE orchestrator_operation_failures counter');
    expect(text.endsWith('# EOF\n')).toBe(true);

    const again = await get('/metrics', { accept: 'text/plain;version=0.0.4' });
    expect(again.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(withoutHttp(await again.text())).toBe(plain);
  });

  it('serves on the configured path only', async () => {
    const { get } = await boot(
      OrchestratorMetricsModule.forRoot({ ...fresh(), path: '/internal/metrics' }),
    );
    expect((await get('/internal/metrics')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(404);
  });

  it('serves no route with path: false, and still records into the registry', async () => {
    const registry = new Registry();
    const { app, get } = await boot(
      OrchestratorMetricsModule.forRoot({ ...isolated, registry, path: false }),
    );
    expect((await get('/metrics')).status).toBe(404);
    expect((await get('/')).status).toBe(404);
    expect(app.get(METRICS_REGISTRY)).toBe(registry);
    expect(await registry.metrics()).toContain(
      `# TYPE ${METRIC_NAMES.operationDuration} histogram`,
    );
  });

  it('serves no route with forRootAsync and path: false beside the factory', async () => {
    const metrics = OrchestratorMetricsModule.forRootAsync({ path: false, useFactory: fresh });
    const { get } = await boot(metrics);
    expect((await get('/metrics')).status).toBe(404);
  });

  it('refuses path: false from a forRootAsync factory, where the route is already declared', async () => {
    const metrics = OrchestratorMetricsModule.forRootAsync({
      useFactory: () => ({ ...fresh(), path: false as const }),
    });
    await expect(
      Test.createTestingModule({
        imports: [OrchestratorModule.forRoot({ logFailures: false }), metrics],
      }).compile(),
    ).rejects.toThrow('pass `path: false` beside `useFactory` instead');
  });

  describe('behind a global guard that only lets public routes through', () => {
    it('marks the route public with the isPublic metadata by default', async () => {
      const { get } = await boot(OrchestratorMetricsModule.forRoot(fresh()), {
        providers: [publicOnlyGuard('isPublic')],
      });
      expect((await get('/metrics')).status).toBe(200);
      expect((await get('/private')).status).toBe(403);
    });

    it('uses the configured metadata key', async () => {
      const metrics = OrchestratorMetricsModule.forRoot({
        ...fresh(),
        publicMetadata: { key: 'skipAuth', value: true },
      });
      const { get } = await boot(metrics, { providers: [publicOnlyGuard('skipAuth')] });
      expect((await get('/metrics')).status).toBe(200);
    });

    it('leaves the route to the guard with publicMetadata: false', async () => {
      const metrics = OrchestratorMetricsModule.forRoot({ ...fresh(), publicMetadata: false });
      const { get } = await boot(metrics, { providers: [publicOnlyGuard('isPublic')] });
      expect((await get('/metrics')).status).toBe(403);
    });
  });

  describe('auth', () => {
    it('requires the bearer token when configured', async () => {
      const metrics = OrchestratorMetricsModule.forRoot({
        ...fresh(),
        auth: { type: 'bearer', token: 's3cret' },
      });
      const { get } = await boot(metrics, { providers: [publicOnlyGuard('isPublic')] });
      const anonymous = await get('/metrics');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect((await get('/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await get('/metrics', { authorization: 'Basic czNjcmV0' })).status).toBe(401);
      expect((await get('/metrics', { authorization: 'Bearer s3cret' })).status).toBe(200);
      expect((await get('/metrics', { authorization: 'bearer s3cret' })).status).toBe(200);
    });

    it('requires the basic credentials when configured', async () => {
      const metrics = OrchestratorMetricsModule.forRoot({
        ...fresh(),
        auth: { type: 'basic', username: 'prom', password: 'p@ss:word' },
      });
      const { get } = await boot(metrics);
      const basic = (user: string, pass: string) =>
        `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      const anonymous = await get('/metrics');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe(
        'Basic realm="metrics", charset="UTF-8"',
      );
      expect((await get('/metrics', { authorization: basic('prom', 'nope') })).status).toBe(401);
      expect((await get('/metrics', { authorization: basic('prom', 'p@ss:word') })).status).toBe(
        200,
      );
    });
  });

  it('takes its options from forRootAsync', async () => {
    const CONFIG = Symbol('CONFIG');
    @Module({
      providers: [{ provide: CONFIG, useValue: { token: 'from-config' } }],
      exports: [CONFIG],
    })
    class ConfigModule {}
    const metrics = OrchestratorMetricsModule.forRootAsync({
      imports: [ConfigModule],
      inject: [CONFIG],
      useFactory: (config: { token: string }) => ({
        ...fresh(),
        path: '/async-metrics',
        auth: { type: 'bearer', token: config.token },
      }),
    });
    const { get } = await boot(metrics);
    expect((await get('/async-metrics')).status).toBe(401);
    expect((await get('/async-metrics', { authorization: 'Bearer from-config' })).status).toBe(200);
  });

  it.each([
    [{ path: 'metrics' }, 'path must be a string starting with "/", or false'],
    [{ auth: { type: 'bearer', token: '' } }, 'auth of type "bearer" needs a non-empty token'],
    [
      { auth: { type: 'basic', username: 'u', password: '' } },
      'auth of type "basic" needs a non-empty password',
    ],
    [
      { buckets: [1, 0.5] },
      'buckets must be a non-empty list of finite numbers in strictly ascending order',
    ],
  ])('refuses %j at boot', async (options, message) => {
    const metrics = OrchestratorMetricsModule.forRoot({ ...fresh(), ...(options as object) });
    await expect(
      Test.createTestingModule({
        imports: [OrchestratorModule.forRoot({ logFailures: false }), metrics],
      }).compile(),
    ).rejects.toThrow(message);
  });

  describe("prom-client's global registry (the default)", () => {
    const run = async (app: NestFastifyApplication) => app.get(Orchestrator).run(PingPipeline, {});

    it('serves it with default metrics, and frees the names on close so the next app can boot', async () => {
      const first = await boot(OrchestratorMetricsModule.forRoot());
      await run(first.app);
      const text = await (await first.get('/metrics')).text();
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain(
        `${METRIC_NAMES.pipelineDuration}_count{pipeline="ping",outcome="success"} 1`,
      );
      await first.app.close();
      apps.splice(apps.indexOf(first.app), 1);
      expect(register.getSingleMetric(METRIC_NAMES.pipelineDuration)).toBeUndefined();

      const second = await boot(OrchestratorMetricsModule.forRoot());
      expect(await (await second.get('/metrics')).text()).toContain(
        `${METRIC_NAMES.pipelineDuration}_count{pipeline="ping",outcome="success"} 0`,
      );
    });

    it('names the fix when two live apps share one registry', async () => {
      await boot(OrchestratorMetricsModule.forRoot());
      await expect(boot(OrchestratorMetricsModule.forRoot())).rejects.toThrow(
        `A metric named ${METRIC_NAMES.pipelineDuration} is already registered in this prom-client registry`,
      );
    });
  });

  it('works in an application context without HTTP', async () => {
    const registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({ logFailures: false }),
        OrchestratorMetricsModule.forRoot({ registry, defaultMetrics: false }),
      ],
      providers: [PingPipeline],
    }).compile();
    const context = await moduleRef.init();
    try {
      await context.get(Orchestrator).run(PingPipeline, {});
      expect(await registry.metrics()).toContain(
        `${METRIC_NAMES.operationDuration}_count{pipeline="ping",operation="ping",outcome="success",critical="true"} 1`,
      );
      expect(registry.getSingleMetric(METRIC_NAMES.httpRequestDuration)).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});
