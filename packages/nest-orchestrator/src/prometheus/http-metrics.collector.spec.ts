import { BadRequestException, Controller, Get, Param, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { OrchestratorModule } from '../index.js';
import { METRIC_NAMES } from './metrics.constants.js';
import { OrchestratorMetricsModule } from './orchestrator-metrics.module.js';

@Controller('orders')
class OrdersController {
  @Get(':id')
  find(@Param('id') id: string) {
    return { id };
  }

  @Get(':id/explode')
  explode(): never {
    throw new Error('boom');
  }

  @Post()
  create(): never {
    throw new BadRequestException('missing items');
  }
}

const count = (text: string, labels: string) =>
  Number(
    new RegExp(`^${METRIC_NAMES.httpRequestDuration}_count\\{${labels}\\} (\\S+)$`, 'm').exec(
      text,
    )?.[1],
  );

describe('HttpMetricsCollector', () => {
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({ logFailures: false }),
        OrchestratorMetricsModule.forRoot({ registry: new Registry(), defaultMetrics: false }),
      ],
      controllers: [OrdersController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(() => app?.close());

  it('labels by route template and status class, and catches 404s and errors', async () => {
    const statuses = [];
    for (const [method, path] of [
      ['GET', '/orders/1'],
      ['GET', '/orders/2?expand=items'],
      ['GET', '/orders/3/explode'],
      ['POST', '/orders'],
      ['GET', '/no/such/route/42'],
      ['DELETE', '/orders/1'],
    ]) {
      statuses.push((await fetch(`${url}${path}`, { method })).status);
    }
    expect(statuses).toEqual([200, 200, 500, 400, 404, 404]);

    const text = await (await fetch(`${url}/metrics`)).text();
    expect(count(text, 'method="GET",route="/orders/:id",status_class="2xx"')).toBe(2);
    expect(count(text, 'method="GET",route="/orders/:id/explode",status_class="5xx"')).toBe(1);
    expect(count(text, 'method="POST",route="/orders",status_class="4xx"')).toBe(1);
    expect(count(text, 'method="GET",route="unmatched",status_class="4xx"')).toBe(1);
    expect(count(text, 'method="DELETE",route="unmatched",status_class="4xx"')).toBe(1);
    // Raw URLs never become label values.
    expect(text).not.toMatch(/route="\/orders\/\d/);
    expect(text).not.toContain('/no/such/route');
  });

  it('records the scrapes themselves once they have been answered', async () => {
    await fetch(`${url}/metrics`);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(count(text, 'method="GET",route="/metrics",status_class="2xx"')).toBeGreaterThanOrEqual(
      2,
    );
  });
});

describe('HttpMetricsCollector switched off', () => {
  it('registers no HTTP metric with httpMetrics: false', async () => {
    const registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({ logFailures: false }),
        OrchestratorMetricsModule.forRoot({ registry, defaultMetrics: false, httpMetrics: false }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    try {
      await fetch(`${await app.getUrl()}/metrics`);
      expect(registry.getSingleMetric(METRIC_NAMES.httpRequestDuration)).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
