// The built app as a real process: the app's Prometheus module is CommonJS that requires ESM
// @nestjs/common, which only plain `node` loads (not Vitest or Jest in ESM mode).
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { failure, start } from './run.mjs';

/** A port free on 127.0.0.1 now (the app listens on every interface; requests go to loopback). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node dist/main.js` with PORT set, and waits until it answers HTTP. `stop()` ends it;
 * `fail(message)` builds an error that carries the app's output.
 */
export async function startApp({ node, cwd, env, timeoutMs = 60_000 }) {
  const port = await freePort();
  const args = ['dist/main.js'];
  const app = start(node, args, { cwd, env: { ...env, PORT: String(port) } });
  const fail = (how) => failure(node, args, cwd, how, app.output());
  const stop = async () => {
    app.kill('SIGTERM');
    const stopped = await Promise.race([app.exited, sleep(10_000, 'late')]);
    if (stopped === 'late') app.kill('SIGKILL');
  };
  let ended = null;
  app.exited.then((how) => (ended = how));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ended) throw fail(`exited before it answered (${ended.code ?? ended.signal})`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
      return { url: `http://127.0.0.1:${port}`, stop, fail };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw fail(`did not answer on port ${port} within ${timeoutMs / 1000} s`);
      }
      await sleep(200);
    }
  }
}
