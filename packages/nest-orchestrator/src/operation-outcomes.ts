/**
 * Why a run or an operation ended, in the one order everything indexes by (the Prometheus
 * series among them): add an outcome here and every list derived from it follows.
 */
export const OPERATION_OUTCOMES = ['success', 'failure', 'timeout', 'aborted'] as const;

export type OperationOutcome = (typeof OPERATION_OUTCOMES)[number];
