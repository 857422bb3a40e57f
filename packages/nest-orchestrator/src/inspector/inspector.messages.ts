// Every text the inspector module shows a developer or an operator, in one place.

export const messages = {
  notAnObject: (options: unknown) =>
    `OrchestratorInspectorModule options must be an object, got ${JSON.stringify(options)}.`,
  invalidEnabled: (enabled: unknown) =>
    `OrchestratorInspectorModule needs \`enabled: true\` or \`enabled: false\`, got ${JSON.stringify(enabled)}.`,
  productionOptIn:
    "OrchestratorInspectorModule is enabled with NODE_ENV=production: it shows every pipeline's inner workings, so production needs `allowInProduction: true` (with `auth`, as for /metrics), or `enabled: false`.",
  invalidPath: (path: unknown) =>
    `OrchestratorInspectorModule path must be a string starting with "/" and not ending with one, got ${JSON.stringify(path)}.`,
  outOfRange: (name: string, value: unknown, min: number, max: number) =>
    `OrchestratorInspectorModule ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`,
  notFound: 'Not Found',
  unauthorized: 'The pipelines page requires credentials.',
};
