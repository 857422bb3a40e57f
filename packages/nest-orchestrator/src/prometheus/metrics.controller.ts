import { Controller, Get, Inject, Res, UseGuards, type Type } from '@nestjs/common';
import type { AnyRegistry } from './accumulators/metric-object.js';
import type { HeaderWriter } from './interfaces/header-writer.interface.js';
import { METRICS_REGISTRY } from './metrics.constants.js';
import { MetricsAuthGuard } from './metrics-auth.guard.js';

/**
 * A fresh scrape controller class per `forRoot()`: its path and public metadata are set on the
 * class at boot (see `configureMetricsRoute`), so two apps in one process never share them.
 *
 * Not `@willsoto/nestjs-prometheus`'s `PrometheusController`: that package is CommonJS and
 * `require()`s the ESM-only `@nestjs/common`, which Node 20.19+ allows but Jest below Node 24.9
 * cannot load, so no spec could import this module. Same output: the registry's text.
 */
export function createMetricsController(): Type<unknown> {
  @Controller()
  @UseGuards(MetricsAuthGuard)
  class MetricsController {
    constructor(@Inject(METRICS_REGISTRY) private readonly registry: AnyRegistry) {}

    @Get()
    async scrape(@Res({ passthrough: true }) response: HeaderWriter): Promise<string> {
      response.header('Content-Type', this.registry.contentType);
      return this.registry.metrics();
    }
  }
  return MetricsController;
}
