import { Logger, type INestApplication } from '@nestjs/common';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * On SIGTERM or SIGINT: stop accepting connections, let in-flight requests finish, close the
 * database (Nest's `app.close()` does it in that order), then `afterClose` (queued spans are
 * sent), then exit 0. Past `timeoutMs` it exits 1 instead of hanging; a second signal kills the
 * process at once (the default action, since the handlers are removed on the first).
 */
export function closeOnSignals(
  app: INestApplication,
  timeoutMs: number,
  logger = new Logger('Shutdown'),
  afterClose: () => Promise<void> = () => Promise.resolve(),
): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const name of SIGNALS) process.removeListener(name, onSignal);
    logger.log(`${signal} received: finishing in-flight requests (at most ${timeoutMs} ms)`);
    const deadline = setTimeout(() => {
      logger.error(`Shutdown did not finish within ${timeoutMs} ms; exiting anyway`);
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    app
      .close()
      .then(afterClose)
      .then(
        () => {
          clearTimeout(deadline);
          logger.log('Shutdown complete: HTTP server and database closed');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(`Shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
          process.exit(1);
        },
      );
  };
  for (const name of SIGNALS) process.on(name, onSignal);
}
