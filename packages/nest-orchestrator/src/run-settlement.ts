import type { PipelineResult } from './interfaces/pipeline-result.interface.js';

/**
 * @internal Told how a run ended before the runner's promise settles. The in-process keyed path
 * ends its claim here instead of chaining a `then` on the run: a promise, two closures and a
 * microtask less per keyed run, and a caller who got the answer finds the key already settled.
 */
export interface RunSettlement {
  settled(result: PipelineResult<object>): void;
  /** The runner itself threw (a bug): there is no result to keep. */
  failed(): void;
}
