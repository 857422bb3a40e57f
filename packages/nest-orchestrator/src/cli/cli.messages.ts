// Every text the nest-orchestrator command shows, in one place.

export const cliMessages = {
  usage: `Usage: nest-orchestrator <command> [options]

Commands:
  dashboards   Write grafana/ (dashboards, alert rules, provisioning) from the app's pipelines.
  diagram      Print every pipeline as a Mermaid flowchart, or write them into a Markdown file.

Options of dashboards:
  --module <file>   The compiled root module (default: dist/app.module.js)
  --export <name>   Its exported class (default: AppModule, or the file's only class)
  --out <dir>       Where grafana/ goes (default: the current folder)
  --app <host:port> Where the Prometheus of the compose file scrapes the app
                    (default: host.docker.internal:3000)
  --boot            Start the app's providers instead of previewing the module (needs what they
                    need, a database say), so OrchestratorModule.forRootAsync() options apply
  --check           Write nothing; exit 1 when grafana/ differs from what would be written

Options of diagram (and --module, --export, --boot as above):
  --file <file.md>  Write the diagrams between its markers instead of printing them:
                      <!-- nest-orchestrator:diagrams:start -->
                      <!-- nest-orchestrator:diagrams:end -->
  --check           With --file: write nothing; exit 1 when the diagrams there are stale

  --help            This text
`,
  asyncOptions:
    'OrchestratorModule.forRootAsync(): its default timeouts and retries are unknown without running the factory, so they are left out; pass --boot to start the app and read them.',
  unknownCommand: (command: string) =>
    `Unknown command "${command}". Run \`nest-orchestrator --help\` for the commands.`,
  moduleMissing: (path: string) =>
    `No compiled module at ${path}. Build the app first (\`npm run build\`), or point --module at its root module.`,
  noModuleExport: (path: string, wanted: string, found: readonly string[]) =>
    `${path} exports no class named ${wanted}${found.length > 0 ? ` (it exports ${found.join(', ')})` : ''}; name the root module with --export.`,
  noPipelines: (path: string) =>
    `No @Pipeline() provider found in ${path}: is it the root module, and does it import the modules that declare the pipelines?`,
  checkNeedsFile: '--check compares the diagrams in a file: add --file <file.md>.',
  diagramFileMissing: (path: string) => `No file at ${path} to write the diagrams into.`,
  noDiagramMarkers: (path: string) =>
    `${path} has no <!-- nest-orchestrator:diagrams:start --> and <!-- nest-orchestrator:diagrams:end --> markers (in that order): add them where the diagrams go.`,
  diagramsUpToDate: (path: string, count: number) =>
    `The diagrams in ${path} match the pipelines (${count}).`,
  diagramsStale: (path: string) =>
    `The diagrams in ${path} differ from the pipelines: run \`nest-orchestrator diagram --file ${path}\` and commit the result.`,
  diagramsWritten: (path: string, names: readonly string[]) =>
    `Wrote the diagrams of ${names.join(', ')} into ${path}.`,
  upToDate: (count: number) => `grafana/ matches the pipelines (${count} files).`,
  wrote: (count: number, stale: number, names: readonly string[]) =>
    `Wrote ${count} files under grafana/ for ${names.join(', ')}; removed ${stale} stale dashboards.`,
};
