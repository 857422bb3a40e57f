import { Controller, Get, Headers, Inject, Res, UseGuards, type Type } from '@nestjs/common';
import type { AnyRegistry } from './accumulators/metric-object.js';
import type { HeaderWriter } from './interfaces/header-writer.interface.js';
import { METRICS_REGISTRY } from './metrics.constants.js';
import { MetricsAuthGuard } from './metrics-auth.guard.js';
import { OPENMETRICS_CONTENT_TYPE, prefersOpenMetrics, renderOpenMetrics } from './open-metrics.js';

/**
 * A fresh scrape controller class per `forRoot()`: its path and public metadata are set on the
 * class at boot (see `configureControllerRoute`), so two apps in one process never share them.
 *
 * Not `@willsoto/nestjs-prometheus`'s `PrometheusController`: that package is CommonJS and
 * `require()`s the ESM-only `@nestjs/common`, which Node 20.19+ allows but Jest below Node 24.9
 * cannot load, so no spec could import this module. Same output: the registry's text.
 *
 * A scraper that prefers OpenMetrics (Prometheus does) gets it, with the duration histograms'
 * exemplars; any other gets the registry's own format, unchanged.
 */
export function createMetricsController(): Type<unknown> {
  @Controller()
  @UseGuards(MetricsAuthGuard)
  class MetricsController {
    constructor(@Inject(METRICS_REGISTRY) private readonly registry: AnyRegistry) {}

    @Get()
    async scrape(
      @Headers('accept') accept: string | undefined,
      @Res({ passthrough: true }) response: HeaderWriter,
    ): Promise<string> {
      response.header('Vary', 'Accept');
      if (prefersOpenMetrics(accept)) {
        response.header('Content-Type', OPENMETRICS_CONTENT_TYPE);
        return renderOpenMetrics(this.registry);
      }
      response.header('Content-Type', this.registry.contentType);
      return this.registry.metrics();
    }
  }
  return MetricsController;
}
