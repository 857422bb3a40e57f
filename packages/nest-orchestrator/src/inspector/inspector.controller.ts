import { Controller, Get, Inject, Res, UseGuards, type Type } from '@nestjs/common';
import type { HeaderWriter } from '../prometheus/interfaces/header-writer.interface.js';
import { MetricsAuthGuard } from '../prometheus/metrics-auth.guard.js';
import { INSPECTOR_SETTINGS } from './inspector.constants.js';
import { INSPECTOR_SCRIPT, INSPECTOR_STYLE, inspectorPage } from './inspector.client.js';
import { InspectorEnabledGuard } from './inspector-enabled.guard.js';
import { InspectorObserver } from './inspector.observer.js';
import type { InspectorSnapshot } from './interfaces/inspector-snapshot.interface.js';
import type { InspectorSettings } from './interfaces/inspector-settings.interface.js';

/** The metadata key `@ApiExcludeController()` of @nestjs/swagger writes. */
const SWAGGER_EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';

/** Handler names, for the public metadata `configureControllerRoute` sets on each. */
export const INSPECTOR_HANDLERS = ['page', 'pipelines', 'script', 'style'] as const;

/**
 * A fresh controller class per `forRoot()`: its path and public metadata are set on the class at
 * boot (see `configureControllerRoute`), so two apps in one process never share them. Guarded by
 * the same credentials check as `/metrics`. Replies through `header()` and a returned body, which
 * Express' response and Fastify's reply both support.
 */
export function createInspectorController(): Type<unknown> {
  @Controller()
  @UseGuards(InspectorEnabledGuard, MetricsAuthGuard)
  class InspectorController {
    private readonly html: string;

    constructor(
      // Null only when the inspector is off, and then InspectorEnabledGuard answers first.
      @Inject(InspectorObserver) private readonly observer: InspectorObserver | null,
      @Inject(INSPECTOR_SETTINGS) settings: InspectorSettings,
    ) {
      this.html = inspectorPage(settings.path, settings.refreshMs);
    }

    @Get()
    page(@Res({ passthrough: true }) response: HeaderWriter): string {
      return send(response, 'text/html; charset=utf-8', this.html);
    }

    @Get('pipelines')
    pipelines(@Res({ passthrough: true }) response: HeaderWriter): InspectorSnapshot {
      response.header('Cache-Control', 'no-store');
      return this.observer!.snapshot();
    }

    @Get('inspector.js')
    script(@Res({ passthrough: true }) response: HeaderWriter): string {
      return send(response, 'text/javascript; charset=utf-8', INSPECTOR_SCRIPT);
    }

    @Get('inspector.css')
    style(@Res({ passthrough: true }) response: HeaderWriter): string {
      return send(response, 'text/css; charset=utf-8', INSPECTOR_STYLE);
    }
  }
  // `@ApiExcludeController()` written out: a page is no API operation, and this entry point must
  // not load @nestjs/swagger (an optional peer) to say so.
  Reflect.defineMetadata(SWAGGER_EXCLUDE_CONTROLLER, [true], InspectorController);
  return InspectorController;
}

function send(response: HeaderWriter, type: string, body: string): string {
  response.header('Content-Type', type);
  response.header('Cache-Control', 'no-store');
  return body;
}
