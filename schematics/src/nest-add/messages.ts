// What `nest add nest-orchestrator` reports, and why it refuses; one place for every text.

export const PACKAGE = 'nest-orchestrator';

export const messages = {
  noRootModule: (sourceRoot: string) =>
    `No root module found: ${sourceRoot}/app.module.ts does not exist and ${sourceRoot}/ has no ` +
    '*.module.ts. Pass --source-root, or add OrchestratorModule.forRoot() to your root module ' +
    "yourself (import { OrchestratorModule } from 'nest-orchestrator').",
  noModuleDecorator: (file: string) =>
    `${file} has no @Module({ ... }) to add imports to; add OrchestratorModule.forRoot() yourself.`,
  unknownProject: (project: string, known: readonly string[]) =>
    `Unknown project "${project}": nest-cli.json's projects are ${known.join(', ') || 'none'}.`,
  nestCliNotJson: (file: string) =>
    `${file} is not valid JSON; set "collection": "${PACKAGE}" in it yourself.`,
  added: (what: string, file: string) => `Added ${what} to ${file}.`,
  alreadyThere: (what: string, file: string) => `${file} already imports ${what}; left as it is.`,
  metricsSkipped: () =>
    'prom-client is not in package.json: no Prometheus metrics wired. After `npm install ' +
    'prom-client`, run `nest add nest-orchestrator` again to add OrchestratorMetricsModule.',
  metricsBesideWillsoto: () =>
    '@willsoto/nestjs-prometheus is installed: OrchestratorMetricsModule registers its collectors ' +
    "in prom-client's default registry (path: false), and willsoto's /metrics serves them.",
  prometheusModuleElsewhere: (file: string) =>
    `PrometheusModule is already registered (${file}); no second PrometheusModule.register().`,
  collectionSet: (file: string, previous: string | undefined) =>
    `Set "collection": "${PACKAGE}" in ${file}` +
    (previous === undefined ? '' : ` (was "${previous}")`) +
    ': `nest g orchestrator-service <name>` works, and so does every built-in (`nest g service x`).',
  collectionReplaced: (previous: string) =>
    `The previous collection "${previous}" stays reachable as \`nest g -c ${previous} <schematic>\`.`,
  collectionAlreadySet: (file: string) => `${file} already names the ${PACKAGE} collection.`,
  nestCliCreated: () => `Created nest-cli.json with "collection": "${PACKAGE}".`,
};
