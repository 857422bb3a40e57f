import { OPERATION_OUTCOMES } from '../operation-outcomes.js';

export const DEFAULT_INSPECTOR_PATH = '/orchestrator';
export const DEFAULT_RECENT_RUNS = 20;
export const DEFAULT_WINDOW_MS = 300_000;
export const DEFAULT_REFRESH_MS = 2_000;

/** The realm a 401 from the page names, so a browser's prompt does not say "metrics". */
export const INSPECTOR_REALM = 'orchestrator';

/**
 * The rolling window is this many slices; the oldest is cleared when a new one starts, so the
 * window covers between (n - 1) and n slices of time and the hot path never reads a clock.
 */
export const WINDOW_SLICES = 5;

export const OUTCOME_COUNT = OPERATION_OUTCOMES.length;

/** Injection token of the options with every default applied. */
export const INSPECTOR_SETTINGS = Symbol('INSPECTOR_SETTINGS');
