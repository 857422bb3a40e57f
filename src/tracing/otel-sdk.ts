/** What the SDK reads, and which of the standard variables ask for traces. */
export type OtelEnv = Readonly<Record<string, string | undefined>>;

/**
 * Whether the standard variables ask for traces: `OTEL_TRACES_EXPORTER` other than `none`, or an
 * OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), and not
 * `OTEL_SDK_DISABLED=true`. Without them the SDK is not even loaded.
 */
export function tracingRequested(env: OtelEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporters) return exporters !== 'none';
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim(),
  );
}

let running: { shutdown(): Promise<void> } | undefined;

/**
 * Starts `@opentelemetry/sdk-node` with HTTP instrumentation when `env` asks for traces; every
 * other `OTEL_*` variable is the SDK's own (protocol, sampler, service name, batch delays...).
 * Returns whether it started.
 */
export async function startTracing(env: OtelEnv): Promise<boolean> {
  if (running !== undefined || !tracingRequested(env)) return running !== undefined;
  const [{ NodeSDK }, { HttpInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
  ]);
  // Only HTTP: a server span per request, continuing the client's W3C traceparent, under which
  // nest-orchestrator's run and operation spans nest.
  const sdk = new NodeSDK({ instrumentations: [new HttpInstrumentation()] });
  sdk.start();
  running = sdk;
  return true;
}

/** Sends the spans still queued and stops the SDK, if it was started; never rejects. */
export async function stopTracing(): Promise<void> {
  const sdk = running;
  running = undefined;
  await sdk?.shutdown().catch(() => undefined);
}
