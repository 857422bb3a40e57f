/**
 * Configuration of the tracing side of `grafana/docker-compose.yml`: an OpenTelemetry Collector
 * that the app sends OTLP to (`OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318`) and that
 * forwards to Tempo, which Grafana reads. Prometheus' exemplars carry the trace ids Tempo stores.
 */

/** Matches the Tempo data source the provisioning files declare. */
export const TEMPO_DATASOURCE = { type: 'tempo', uid: 'tempo' } as const;

/** The exemplar label holding the trace id, as the package's histograms write it. */
export const EXEMPLAR_TRACE_ID_LABEL = 'trace_id';

/** The Collector: OTLP in (gRPC and HTTP), batched, OTLP out to Tempo. */
export function collectorConfig() {
  return {
    receivers: {
      otlp: {
        protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } },
      },
    },
    processors: { batch: {} },
    exporters: { otlp: { endpoint: 'tempo:4317', tls: { insecure: true } } },
    service: {
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlp'] } },
    },
  };
}

/** Tempo in one process, keeping traces on its local disk; Grafana queries it on :3200. */
export function tempoConfig() {
  return {
    server: { http_listen_port: 3200 },
    distributor: {
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
    },
    storage: {
      trace: {
        backend: 'local',
        local: { path: '/var/tempo/traces' },
        wal: { path: '/var/tempo/wal' },
      },
    },
  };
}
