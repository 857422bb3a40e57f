// Errors that mean "the database cannot be reached right now" (answer 503 and let the client
// retry) as opposed to a bug or a bad query (500). Prisma, its driver adapters, pg and PGlite
// each report an outage differently.

// P1001 can't reach, P1002 timed out, P1017 server closed the connection, P2024 pool timeout.
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
const MESSAGES = [
  /Connection terminated/, // pg: the server went away
  /timeout exceeded when trying to connect/, // pg-pool
  /is not currently accepting connections/, // ALTER DATABASE ... ALLOW_CONNECTIONS false
  /PGlite is closed/,
  /Cannot reach the database/, // our own driver
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
}

/** True when `error`, or any error in its `cause` chain, says the database is unavailable. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const candidate = error as ErrorLike;
  const adapterCause = candidate.meta?.driverAdapterError?.cause;
  const sqlState = typeof adapterCause?.code === 'string' ? adapterCause.code : candidate.code;
  if (
    candidate.name === 'PrismaClientInitializationError' ||
    PRISMA_CODES.has(candidate.code as string) ||
    NODE_CODES.has(candidate.code as string) ||
    ADAPTER_KINDS.has(adapterCause?.kind as string) ||
    // PostgreSQL class 08 (connection exception) and 57P01-57P03 (shutting down, cannot connect now).
    (typeof sqlState === 'string' && /^(08...|57P0[1-3])$/.test(sqlState)) ||
    MESSAGES.some((pattern) => pattern.test(String(candidate.message)))
  ) {
    return true;
  }
  return isDatabaseUnavailable(candidate.cause, depth + 1);
}

/** What a client is told when the database is down, wherever the failure surfaced. */
export const DATABASE_UNAVAILABLE = {
  code: 'DATABASE_UNAVAILABLE',
  message: 'The database is unavailable; try again shortly.',
} as const;

/** For pipeline responses: a down database is the retryable 503 the error filter gives elsewhere. */
export const databaseUnavailable = (cause: unknown) =>
  isDatabaseUnavailable(cause) ? DATABASE_UNAVAILABLE : undefined;
