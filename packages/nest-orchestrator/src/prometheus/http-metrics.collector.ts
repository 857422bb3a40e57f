import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import { AccumulatedHistogram } from './accumulators/accumulated-histogram.js';
import { unregisterFrom, type AnyRegistry } from './accumulators/metric-object.js';
import type { MetricsSettings } from './interfaces/metrics-settings.interface.js';
import {
  METRIC_NAMES,
  METRICS_REGISTRY,
  METRICS_SETTINGS,
  UNMATCHED_ROUTE,
} from './metrics.constants.js';
import { messages } from './metrics.messages.js';

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * `http_request_duration_seconds` by method, route template and status class, from a Fastify
 * `onResponse` hook: unlike an interceptor it also sees 404s, guard rejections and errors.
 * The route label is the template Fastify matched (`/orders/:id`), never the raw URL.
 */
@Injectable()
export class HttpMetricsCollector implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('OrchestratorMetrics');
  private histogram: AccumulatedHistogram | undefined;
  /** route → method → slot per status class (-1 until first seen). */
  private readonly slots = new Map<string, Map<string, Int32Array>>();

  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(METRICS_SETTINGS) private readonly settings: MetricsSettings,
    @Inject(METRICS_REGISTRY) private readonly registry: AnyRegistry,
  ) {}

  /** Before the server listens, so the hook covers every route and the not-found handler. */
  onModuleInit(): void {
    const adapter = this.host.httpAdapter as HttpAdapterHost['httpAdapter'] | null | undefined;
    // An application context (a CLI, the dashboards generator) has no HTTP server.
    if (!this.settings.httpMetrics || adapter === undefined || adapter === null) return;
    if (adapter.getType() !== 'fastify') {
      this.logger.warn(messages.notFastify(adapter.getType()));
      return;
    }
    this.histogram = new AccumulatedHistogram(
      {
        name: METRIC_NAMES.httpRequestDuration,
        help: 'Duration of HTTP requests in seconds, by method, route template and status class.',
        labelNames: ['method', 'route', 'status_class'],
        buckets: this.settings.buckets,
      },
      this.registry,
    );
    adapter.getInstance<FastifyInstance>().addHook('onResponse', this.onResponse);
  }

  onModuleDestroy(): void {
    if (this.histogram !== undefined) unregisterFrom(this.registry, this.histogram);
  }

  /** Records one response; `route` must be a template or `unmatched`, never a raw URL. */
  record(method: string, route: string, statusCode: number, elapsedMs: number): void {
    const histogram = this.histogram;
    if (histogram === undefined) return;
    let byMethod = this.slots.get(route);
    if (byMethod === undefined) this.slots.set(route, (byMethod = new Map()));
    let byClass = byMethod.get(method);
    if (byClass === undefined)
      byMethod.set(method, (byClass = new Int32Array(STATUS_CLASSES.length).fill(-1)));
    const statusClass = Math.min(Math.max(Math.trunc(statusCode / 100), 1), 5) - 1;
    let slot = byClass[statusClass];
    if (slot < 0)
      slot = byClass[statusClass] = histogram.series([method, route, STATUS_CLASSES[statusClass]]);
    histogram.observe(slot, elapsedMs / 1000);
  }

  // Callback style: Fastify then skips the promise bookkeeping of an async hook.
  private readonly onResponse = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void => {
    try {
      const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
      this.record(request.method, route, reply.statusCode, reply.elapsedTime);
    } catch (error) {
      // The response is already sent: a metrics bug must not turn into a request error.
      this.logger.error(error instanceof Error ? error.stack : String(error));
    }
    done();
  };
}
