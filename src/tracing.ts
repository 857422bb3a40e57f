// Loaded before the app: `node --import ./dist/tracing.js dist/main.js` (npm run start:prod).
// Starts the OpenTelemetry SDK when the standard variables ask for traces, early enough that
// its HTTP instrumentation sees the server being created; otherwise it loads nothing at all.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 OTEL_SERVICE_NAME=orders npm run start:prod
//
// Then each request is a server span (continuing the client's `traceparent`), each pipeline run
// a span under it with one per operation (nest-orchestrator traces through the registered SDK),
// and log lines carry the trace id.
import { startTracing } from './tracing/otel-sdk.js';

await startTracing(process.env);
