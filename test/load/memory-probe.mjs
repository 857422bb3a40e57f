// Preloaded into the app under load (`node --expose-gc --import <this> dist/main.js`): on each
// 'sample' message from the parent, collects garbage and answers with the memory it measured
// (and the worst event-loop delay since the last sample), so heap-after-GC
// can be compared over the run without adding anything to the app itself.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

process.on('message', (message) => {
  if (message?.type !== 'sample') return;
  const loopDelayMaxMs = loopDelay.max / 1e6;
  loopDelay.reset();
  globalThis.gc?.();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  process.send?.({
    type: 'memory',
    id: message.id,
    rss,
    heapUsed,
    heapTotal,
    external,
    loopDelayMaxMs,
  });
});
