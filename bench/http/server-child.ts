// The bench server as a process of its own (what runHttp forks): the starter on one event loop,
// autocannon on another, so the load generator's CPU is never counted as the app's. Talks to
// the parent over IPC: `ready` with the URL once listening; `cpu` answers with this process's CPU
// time; `close` (or the parent going away) closes the app and exits.
import { applyBenchEnv } from './env.js';

export type ParentMessage = { type: 'cpu'; id: number } | { type: 'close' };
export type ChildMessage =
  | { type: 'ready'; baseUrl: string }
  | { type: 'failed'; message: string }
  | { type: 'cpu'; id: number; micros: number };

const send = (message: ChildMessage) =>
  new Promise<void>((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });

if (process.send === undefined) {
  process.stderr.write(
    'server-child: start it through runHttp (bench/http/run.ts): no IPC channel\n',
  );
  process.exit(2);
}

applyBenchEnv({ production: true });
const { bootBenchServer } = await import('./server.js');

try {
  const server = await bootBenchServer();
  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`server-child: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
    return closing;
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      void send({ type: 'cpu', id: message.id, micros: user + system });
    } else if (message.type === 'close') {
      void shutdown();
    }
  });
  process.on('disconnect', () => void shutdown());
  await send({ type: 'ready', baseUrl: server.baseUrl });
} catch (error) {
  await send({
    type: 'failed',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
}
