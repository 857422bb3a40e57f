/**
 * Why a run or an operation ended, in the one order everything indexes by (the Prometheus
 * series among them): add an outcome here and every list derived from it follows.
 */
export const OPERATION_OUTCOMES = ['success', 'failure', 'timeout', 'aborted'] as const;

export type OperationOutcome = (typeof OPERATION_OUTCOMES)[number];

/** Position of each outcome in `OPERATION_OUTCOMES`: the index of every counter kept per outcome. */
export const OUTCOME_INDEX = Object.freeze(
  Object.fromEntries(OPERATION_OUTCOMES.map((outcome, index) => [outcome, index])),
) as Readonly<Record<OperationOutcome, number>>;

/** `OUTCOME_INDEX[outcome]`, with no keyed look-up for the usual `success`: observers call it per operation. */
export function outcomeIndex(outcome: OperationOutcome): number {
  return outcome === 'success' ? 0 : OUTCOME_INDEX[outcome];
}
