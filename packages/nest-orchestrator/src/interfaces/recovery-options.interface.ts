/** The recovery sweep that undoes what crashed runs left (README "Crash-safe compensation"). */
export interface RecoveryOptions {
  /** Time between two sweeps of this instance, in ms; one also runs at boot. Default 60 000. */
  intervalMs?: number;
  /** Crashed runs taken per sweep, at most. Default 100. */
  batchSize?: number;
}
