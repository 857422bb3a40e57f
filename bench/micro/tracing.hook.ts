// The tracing variants: the runner with tracing on (the default) and no SDK registered, and with
// an OpenTelemetry SDK whose batch processor hands every span to an exporter that discards it.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** Counts and drops: what is measured is making the spans, not shipping them. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.exported += spans.length;
    done({ code: 0 }); // ExportResultCode.SUCCESS
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TracingSdk {
  /** Spans the exporter received so far (after `flush`). */
  exported(): number;
  flush(): Promise<void>;
  /**
   * `call`, then the context manager's AsyncLocalStorage disabled again (the next run's first
   * operation enables it). On Node 20 an enabled AsyncLocalStorage turns on promise hooks for
   * the whole process: left on, they would slow every other row of the bench too. The row pays
   * for turning them on and off once per run, a little more than an app that keeps them on.
   */
  isolated<T>(call: () => Promise<T>): () => Promise<T>;
  close(): Promise<void>;
}

/**
 * Registers an SDK as an app's `node --import` bootstrap would, for `boot` only: the runner reads
 * the provider once at boot and keeps its tracer, so the provider is unregistered again once
 * `boot` is done, and contexts built later (the peers' engines among them) see no SDK. The
 * context manager stays: it is what makes an operation's span current while it runs.
 */
export async function withTracingSdk<T>(boot: () => Promise<T>): Promise<[T, TracingSdk]> {
  const exporter = new DiscardingExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  let booted: T;
  try {
    booted = await boot();
  } finally {
    trace.disable();
  }
  return [
    booted,
    {
      exported: () => exporter.exported,
      flush: () => provider.forceFlush(),
      isolated: (call) => async () => {
        try {
          return await call();
        } finally {
          contextManager.disable();
        }
      },
      async close() {
        await provider.shutdown();
        context.disable();
      },
    },
  ];
}
