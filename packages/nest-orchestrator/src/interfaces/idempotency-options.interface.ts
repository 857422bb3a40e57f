export interface IdempotencyOptions {
  /**
   * How long a claim on a key lasts without renewal, in ms; a running claim is renewed every
   * third of it, so only a holder that died loses its key. Default 30 000.
   */
  leaseMs?: number;
  /** How long a completed key answers with its stored result, in ms. Default 24 h. */
  retainMs?: number;
}
