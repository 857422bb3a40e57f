/** Options of `nest add nest-orchestrator`, as described by schema.json. */
export interface NestAddOptions {
  /** The app's source root; the Nest CLI passes it (default: nest-cli.json's, else src). */
  sourceRoot?: string;
  /** Passed by `nest add`; this schematic installs nothing, so it changes nothing. */
  skipInstall?: boolean;
  /** A project of a Nest monorepo (nest-cli.json `projects`), whose root module to edit. */
  project?: string;
}
