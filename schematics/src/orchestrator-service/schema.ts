/** Options of `nest g orchestrator-service`, as described by schema.json. */
export interface OrchestratorServiceOptions {
  /** Any casing; may carry folders (`billing/invoices`). Numbers only reach here from the CLI. */
  name?: string | number;
  /** Folder relative to the source root. */
  path?: string;
  sourceRoot?: string;
  kind?: ServiceKind;
  /** Comma-separated operation names; overrides the default criticality. */
  critical?: string | number;
  flat?: boolean;
  skipImport?: boolean;
  spec?: boolean;
  specFileSuffix?: string;
  format?: boolean;
  language?: string;
}

export type ServiceKind = 'crud' | 'compute';
