import type { MetricsAuthOptions } from './interfaces/metrics-auth-options.interface.js';
import { messages } from './metrics.messages.js';

/**
 * Refuses credentials that would let anything through, at boot. Shared by every module that
 * takes the `/metrics` protection options (the inspector does), so none of them loads prom-client.
 */
export function checkAuthOptions(
  auth: MetricsAuthOptions | undefined,
  owner = 'OrchestratorMetricsModule',
): void {
  if (auth === undefined) return;
  if (auth.type === 'bearer') {
    if (!nonEmpty(auth.token)) throw new Error(messages.invalidAuth('bearer', 'token', owner));
  } else if (auth.type === 'basic') {
    if (!nonEmpty(auth.username)) throw new Error(messages.invalidAuth('basic', 'username', owner));
    if (!nonEmpty(auth.password)) throw new Error(messages.invalidAuth('basic', 'password', owner));
  } else {
    throw new Error(messages.unknownAuthType((auth as { type?: unknown }).type, owner));
  }
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}
