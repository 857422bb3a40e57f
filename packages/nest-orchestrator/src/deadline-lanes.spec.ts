import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineLanes, type Expiring } from './deadline-lanes.js';

/** A watched operation: its budget ends `ms` from now; `end()` is what the runner does. */
function operation(ms: number, log: string[], name: string) {
  const op = {
    budgetEnd: performance.now() + ms,
    current: 0,
    timeOut: () => log.push(name),
    end: () => op.current++,
  };
  return op satisfies Expiring;
}

/** Resolves once `log` has `count` entries (a loaded machine fires timers late, not early). */
async function until(log: readonly string[], count: number): Promise<void> {
  while (log.length < count) await sleep(2);
}

describe('DeadlineLanes', () => {
  it('times out every operation whose budget ended, oldest first, from one timer', async () => {
    const lanes = new DeadlineLanes();
    const log: string[] = [];
    const started = performance.now();
    const laneA = lanes.watch(operation(30, log, 'a'), 30);
    const laneB = lanes.watch(operation(30, log, 'b'), 30);
    expect(laneB).toBe(laneA); // one length, one lane
    await until(log, 2);
    expect(log).toEqual(['a', 'b']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);

    // Watched after those fired (and never ended): the lane arms its timer again.
    const later = performance.now();
    lanes.watch(operation(30, log, 'c'), 30);
    await until(log, 3);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(performance.now() - later).toBeGreaterThanOrEqual(29);
  });

  it('never times out an operation that ended before its budget', async () => {
    const lanes = new DeadlineLanes();
    const log: string[] = [];
    const done = operation(30, log, 'done');
    const lane = lanes.watch(done, 30);
    done.end();
    lanes.unwatch(lane);
    await sleep(5);
    expect(lanes.watch(operation(30, log, 'late'), 30)).toBe(lane); // behind the ended one

    await until(log, 1);
    await sleep(20);
    expect(log).toEqual(['late']);
  });

  it('lets the process exit once nothing it watches is still running', () => {
    const lanes = new DeadlineLanes();
    const op = operation(60_000, [], 'op');
    const lane = lanes.watch(op, 60_000);
    expect(lane.timer?.hasRef()).toBe(true);
    op.end();
    lanes.unwatch(lane);
    expect(lane.timer?.hasRef()).toBe(false);
    lanes.watch(operation(60_000, [], 'next'), 60_000);
    expect(lane.timer?.hasRef()).toBe(true);
    clearTimeout(lane.timer);
  });

  it('times out in start order when operations end out of order, holding none it has passed', async () => {
    const lanes = new DeadlineLanes();
    const log: string[] = [];
    const ops = Array.from({ length: 100 }, (_, i) => operation(40, log, `op${i}`));
    const lane = lanes.watch(ops[0], 40);
    for (const op of ops.slice(1)) lanes.watch(op, 40);
    // Every even one ends, from the back first, then the odd ones below 60.
    for (let i = 98; i >= 0; i -= 2) {
      ops[i].end();
      lanes.unwatch(lane);
    }
    for (let i = 1; i < 60; i += 2) {
      ops[i].end();
      lanes.unwatch(lane);
    }
    // The oldest still running is op61: nothing that started before it is kept reachable.
    for (const ended of ops.slice(0, 61)) expect(lane.waiting).not.toContain(ended);

    const expected = ops.filter((op) => op.current === 0).map((_, i) => `op${61 + 2 * i}`);
    await until(log, expected.length);
    expect(log).toEqual(expected);
    expect(lane.waiting.every((slot) => slot === undefined)).toBe(true);
  });

  it('keeps budgets of different lengths in lanes of their own', async () => {
    const lanes = new DeadlineLanes();
    const log: string[] = [];
    for (let i = 0; i < 4; i++) {
      lanes.watch(operation(20, log, `short${i}`), 20);
      lanes.watch(operation(60_000, log, `long${i}`), 60_000);
    }
    await until(log, 4);
    await sleep(30);
    expect(log).toEqual(['short0', 'short1', 'short2', 'short3']);
    const long = lanes.watch(operation(60_000, log, 'last'), 60_000);
    expect(long.waiting.filter((op) => op !== undefined)).toHaveLength(5);
    clearTimeout(long.timer);
  });

  it('gives back the slots of a burst once it is over', () => {
    const lanes = new DeadlineLanes();
    const burst = Array.from({ length: 3_000 }, (_, i) => operation(60_000, [], `op${i}`));
    const lane = lanes.watch(burst[0], 60_000);
    for (const op of burst.slice(1)) lanes.watch(op, 60_000);
    expect(lane.waiting.length).toBeGreaterThanOrEqual(3_000);

    // All but the last 100 end, oldest first: the queue moves to the front and shrinks.
    for (const op of burst.slice(0, 2_900)) {
      op.end();
      lanes.unwatch(lane);
    }
    expect(lane.waiting.length).toBeLessThan(1_024);
    expect(lane.waiting.filter((op) => op !== undefined)).toEqual(burst.slice(2_900));

    for (const op of burst.slice(2_900)) {
      op.end();
      lanes.unwatch(lane);
    }
    expect(lane.waiting.length).toBeLessThan(1_024);
    expect(lane.waiting.every((slot) => slot === undefined)).toBe(true);
    clearTimeout(lane.timer);
  });

  it('copes with a timeout that ends its operation or starts another at once', async () => {
    const lanes = new DeadlineLanes();
    const log: string[] = [];
    // What a caller could do in `timeOut`: end the operation there and then, or start the next.
    const ending = operation(20, log, 'ending');
    const selfEnding: Expiring = {
      budgetEnd: ending.budgetEnd,
      get current() {
        return ending.current;
      },
      timeOut: () => {
        log.push('ending');
        ending.end();
        lanes.unwatch(lane);
      },
    };
    const starter: Expiring = {
      budgetEnd: performance.now() + 20,
      current: 0,
      timeOut: () => {
        log.push('starting');
        lanes.watch(operation(20, log, 'started'), 20);
      },
    };
    const lane = lanes.watch(selfEnding, 20);
    lanes.watch(starter, 20);
    await until(log, 3);
    expect(log).toEqual(['ending', 'starting', 'started']);

    // The lane still works afterwards.
    lanes.watch(operation(20, log, 'next'), 20);
    await until(log, 4);
    expect(log[3]).toBe('next');
  });
});
