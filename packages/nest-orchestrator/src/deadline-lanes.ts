import { performance } from 'node:perf_hooks';

/** What a lane watches: an operation with a budget, told when its deadline has passed. */
export interface Expiring {
  /** `performance.now()` value at which its own budget ends. */
  readonly budgetEnd: number;
  /** Changes when the operation ends: a watch taken before that is stale. */
  readonly current: number;
  timeOut(): void;
}

/**
 * Operations waiting under budgets of one length, in the order they started, and one timer. The
 * queue is `waiting[head..tail)`; slots are reused rather than the arrays emptied, because setting
 * an array's `length` goes through V8's runtime and the next push then regrows it, on every
 * budgeted operation. A consumed slot is cleared so an ended run is not kept reachable.
 */
export class Lane {
  readonly waiting: (Expiring | undefined)[] = [];
  readonly generations: number[] = [];
  head = 0;
  tail = 0;
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
  /** The last lane used: most apps have one budget length, and this skips the map lookup. */
  private lastMs = NaN;
  private last: Lane | undefined;

  /** Watches `op` until `unwatch`; `ms` is its budget, which picks its lane. */
  watch(op: Expiring, ms: number): Lane {
    let lane = ms === this.lastMs ? this.last! : this.lanes.get(ms);
    if (lane === undefined) this.lanes.set(ms, (lane = new Lane()));
    this.lastMs = ms;
    this.last = lane;
    const at = lane.tail++;
    lane.waiting[at] = op;
    lane.generations[at] = op.current;
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
    while (lane.head < lane.tail && waiting[lane.head]!.current !== generations[lane.head]) {
      waiting[lane.head++] = undefined;
    }
    compact(lane);
  }
}

/** Past this many slots, a lane that empties gives its arrays back (a burst is over). */
const KEPT_SLOTS = 1_024;

function empty(lane: Lane): void {
  const { waiting } = lane;
  if (waiting.length > KEPT_SLOTS) {
    waiting.length = 0;
    lane.generations.length = 0;
  } else {
    for (let i = lane.head; i < lane.tail; i++) waiting[i] = undefined;
  }
  lane.head = 0;
  lane.tail = 0;
}

/**
 * Moves the queue to the front once the consumed part is most of it (amortised O(1) per watch),
 * and gives back the slots of a burst that is over while a few operations still run.
 */
function compact(lane: Lane): void {
  const { head, tail } = lane;
  if (head === tail) return empty(lane);
  if (head > 32 && head * 2 > tail) {
    const { waiting, generations } = lane;
    const size = tail - head;
    waiting.copyWithin(0, head, tail);
    generations.copyWithin(0, head, tail);
    if (waiting.length > KEPT_SLOTS && size * 4 < waiting.length) {
      waiting.length = size;
      generations.length = size;
    } else {
      waiting.fill(undefined, size, tail);
    }
    lane.head = 0;
    lane.tail = size;
  }
}

function fire(lane: Lane): void {
  lane.timer = undefined;
  const now = performance.now();
  const { waiting, generations } = lane;
  let next = Infinity;
  while (lane.head < lane.tail) {
    const at = lane.head;
    const op = waiting[at]!;
    const running = op.current === generations[at];
    if (running && op.budgetEnd > now) {
      next = op.budgetEnd;
      break;
    }
    // Consumed before `timeOut` runs: one that ends its operation at once (`unwatch`) or starts
    // another (`watch`) then finds the queue as it stands, not a slot still being handled.
    waiting[at] = undefined;
    lane.head = at + 1;
    if (running) op.timeOut();
  }
  compact(lane);
  if (next === Infinity) return;
  // A watch made by a `timeOut` above armed a timer for its own, later, deadline.
  if (lane.timer !== undefined) clearTimeout(lane.timer);
  lane.timer = setTimeout(fire, Math.max(1, Math.ceil(next - now)), lane);
  if (lane.live === 0) lane.timer.unref();
}
