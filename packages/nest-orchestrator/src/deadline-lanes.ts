import { performance } from 'node:perf_hooks';

/** What a lane watches: an operation with a budget, told when its deadline has passed. */
export interface Expiring {
  /** `performance.now()` value at which its own budget ends. */
  readonly budgetEnd: number;
  /** Changes when the operation ends: a watch taken before that is stale. */
  readonly current: number;
  timeOut(): void;
}

/** Operations waiting under budgets of one length, in the order they started, and one timer. */
export class Lane {
  readonly waiting: Expiring[] = [];
  readonly generations: number[] = [];
  head = 0;
  /** Watches not yet ended; at 0 the timer no longer keeps the process alive. */
  live = 0;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Budgets of one length share a timer instead of a timer per operation: the starter's 2 s
 * default operation budget put a `setTimeout` and a `clearTimeout` on every async step, ~0.8 µs
 * of a request under request tracking (an async resource per timer). Budgets of one length end
 * in the order they started, so a lane is a queue: its timer is armed for the oldest live watch
 * and, when it fires, times out every watch that is due and is re-armed for the next.
 *
 * The timer fires in the async context of whoever armed it, so an `abort` listener on a timed-out
 * operation's signal may see another request's `AsyncLocalStorage` store; the runner's own
 * handling of the timeout runs in the operation's context, as before.
 */
export class DeadlineLanes {
  private readonly lanes = new Map<number, Lane>();

  /** Watches `op` until `unwatch`; `ms` is its budget, which picks its lane. */
  watch(op: Expiring, ms: number): Lane {
    let lane = this.lanes.get(ms);
    if (lane === undefined) this.lanes.set(ms, (lane = new Lane()));
    lane.waiting.push(op);
    lane.generations.push(op.current);
    lane.live++;
    // No timer once everything watched fired; an idle one is only unref'd.
    if (lane.timer === undefined) lane.timer = setTimeout(fire, ms, lane);
    else if (lane.live === 1) lane.timer.ref();
    return lane;
  }

  /**
   * The watched operation ended (timed out or not). Ended watches are dropped from the front at
   * once, so the queue holds about what is still running rather than a budget's worth of runs.
   */
  unwatch(lane: Lane): void {
    if (--lane.live === 0) {
      // The timer stays armed (cheaper than clearing and re-arming it per operation) but no
      // longer keeps the process alive; when it fires it finds nothing due, or what came since.
      lane.timer?.unref();
      empty(lane);
      return;
    }
    const { waiting, generations } = lane;
    while (lane.head < waiting.length && waiting[lane.head].current !== generations[lane.head]) {
      lane.head++;
    }
    compact(lane);
  }
}

function empty(lane: Lane): void {
  lane.waiting.length = 0;
  lane.generations.length = 0;
  lane.head = 0;
}

/** Reclaims the consumed front once it is most of the queue (amortised O(1) per watch). */
function compact(lane: Lane): void {
  if (lane.head === lane.waiting.length) return empty(lane);
  if (lane.head > 32 && lane.head * 2 > lane.waiting.length) {
    lane.waiting.splice(0, lane.head);
    lane.generations.splice(0, lane.head);
    lane.head = 0;
  }
}

function fire(lane: Lane): void {
  lane.timer = undefined;
  const now = performance.now();
  const { waiting, generations } = lane;
  let next = Infinity;
  while (lane.head < waiting.length) {
    const op = waiting[lane.head];
    if (op.current === generations[lane.head]) {
      if (op.budgetEnd > now) {
        next = op.budgetEnd;
        break;
      }
      op.timeOut();
    }
    lane.head++;
  }
  compact(lane);
  if (next === Infinity) return;
  lane.timer = setTimeout(fire, Math.max(1, Math.ceil(next - now)), lane);
  if (lane.live === 0) lane.timer.unref();
}
