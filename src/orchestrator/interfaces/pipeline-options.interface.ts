export interface PipelineOptions {
  /** Name in results, metrics and dashboards; defaults to the class name. */
  name?: string;
  /** Budget for a whole run in ms; overrides the module's `defaultPipelineTimeoutMs`. */
  timeoutMs?: number;
  /** Shown in generated dashboards and docs. */
  description?: string;
}

export interface OperationOptions {
  /** Defaults to true: an operation fails closed unless told otherwise. */
  critical?: boolean;
  /** Own budget in ms; overrides the module's `defaultOperationTimeoutMs`. */
  timeoutMs?: number;
  /** Defaults to the method name. */
  name?: string;
}

/** What the decorators store; the accessor turns it into definitions. */
export interface PipelineMetadata {
  readonly name: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly description: string | undefined;
}

export interface OperationMetadata {
  readonly name: string | undefined;
  readonly critical: boolean;
  readonly timeoutMs: number | undefined;
  /** Global declaration sequence: orders operations as written, parents before subclasses. */
  readonly sequence: number;
}
