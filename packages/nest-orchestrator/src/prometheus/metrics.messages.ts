// Every text the metrics module shows a developer or an operator, in one place.

export const messages = {
  invalidPath: (path: unknown) =>
    `OrchestratorMetricsModule path must be a string starting with "/", or false to serve no route, got ${JSON.stringify(path)}.`,
  asyncPathFalse:
    'OrchestratorMetricsModule.forRootAsync: a factory cannot turn the route off once it is declared; pass `path: false` beside `useFactory` instead.',
  invalidAuth: (type: string, missing: string, owner: string) =>
    `${owner} auth of type "${type}" needs a non-empty ${missing}.`,
  unknownAuthType: (type: unknown, owner: string) =>
    `${owner} auth.type must be "bearer" or "basic", got ${JSON.stringify(type)}.`,
  metricTaken: (name: string) =>
    `A metric named ${name} is already registered in this prom-client registry (is OrchestratorMetricsModule imported twice, or two apps running in one process?). Pass each app its own \`registry\` option.`,
  wrongLabelCount: (metric: string, labelNames: readonly string[], got: number) =>
    `${metric} takes ${labelNames.length} label values (${labelNames.join(', ')}), got ${got}.`,
  invalidBuckets: (metric: string, buckets: readonly number[]) =>
    `${metric}: buckets must be a non-empty list of finite numbers in strictly ascending order, got [${buckets.join(', ')}].`,
  notFastify: (type: string) =>
    `HTTP request metrics need the Fastify adapter; this app uses "${type}", so http_request_duration_seconds is not recorded.`,
  unauthorized: 'Metrics require credentials.',
};
