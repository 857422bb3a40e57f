import { randomUUID } from 'node:crypto';

/**
 * One random prefix per process and a counter: ids stay unique across instances and restarts
 * (the prefix), while a run pays only an increment and a string concatenation (no crypto call on
 * the hot path, ~20 ns). Not a secret and not ordered across processes: an id, not a token.
 */
const PREFIX = `${randomUUID()}-`;
let sequence = 0;

/** The id of a new run, e.g. `1b4e28ba-2fa1-4d3b-8a8f-2c9d1e0f3a7b-42`. */
export function nextRunId(): string {
  // The prefix is one flat string with its dash, so an id is one concatenation, not two.
  return PREFIX + ++sequence;
}
