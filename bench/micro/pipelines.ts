// The work the micro benchmark measures: pipeline classes built with the project's own
// decorators, and the "floor" for each one: the same operations as straight-line, hand-written
// `await` calls, so the difference between the two is what the orchestrator costs.
import type { Type } from '@nestjs/common';
import { Operation, Pipeline, type OperationRun } from 'nest-orchestrator';

/** The context every bench pipeline runs on; each successful operation adds 1 to `n`. */
export interface BenchContext {
  n: number;
  readonly id: string;
}

/** One shared input: the runner and the floors both copy it (`{ ...input }`), never change it. */
export const BENCH_INPUT: Readonly<BenchContext> = Object.freeze({ n: 0, id: 'bench' });

/** What the context type of a bench pipeline is inferred from (`ContextOf`). */
export type BenchPipeline = Record<string, (ctx: BenchContext, run: OperationRun) => unknown>;

export type Mix = 'sync' | 'async' | 'mixed';

/**
 * - `ok`: adds 1 to `ctx.n`, in place (returns nothing) or as a returned partial `{ n }`;
 * - `throw`: fails with `new Error(...)` (a stack trace per run, as a real failure costs);
 * - `hang`: settles only when its signal aborts, like a `fetch` to a server that never answers.
 */
export type Behaviour = 'ok' | 'throw' | 'hang';

export interface OpSpec {
  readonly name: string;
  readonly async: boolean;
  readonly returnsPartial: boolean;
  readonly behaviour: Behaviour;
  readonly critical: boolean;
  readonly timeoutMs?: number;
  /** Reads `run.signal` (so the runner must create its AbortController), as I/O steps do. */
  readonly readsSignal?: boolean;
  /** `@Operation({ after })`; consecutive specs with the same list run side by side. */
  readonly after?: readonly string[];
  /** Has a `compensate` method (`undo<name>`), so a run journals before starting it. */
  readonly compensable?: boolean;
}

/**
 * `size` operations. Index i returns a partial when i % 4 is 0 or 3 (mutates in place
 * otherwise); in the `mixed` mix odd indexes are async, so every 4 operations cover all four
 * combinations of sync/async and partial/in-place.
 */
export function opSpecs(
  size: number,
  mix: Mix,
  extra: { timeoutMs?: number; override?: Record<number, Partial<OpSpec>> } = {},
): OpSpec[] {
  return Array.from({ length: size }, (_, i) => ({
    name: `op${i}`,
    async: mix === 'async' || (mix === 'mixed' && i % 2 === 1),
    returnsPartial: i % 4 === 0 || i % 4 === 3,
    behaviour: 'ok' as Behaviour,
    critical: true,
    timeoutMs: extra.timeoutMs,
    ...extra.override?.[i],
  }));
}

/** Successful operations of a spec list: the `n` a finished run must hold. */
export function expectedN(specs: readonly OpSpec[]): number {
  return specs.filter((spec) => spec.behaviour === 'ok').length;
}

type OpFn = (ctx: BenchContext, run: Pick<OperationRun, 'signal'>) => unknown;

const FAILURE_MESSAGE = 'bench: non-critical failure';

// Each call returns a new closure (the decorators store their metadata on the function object,
// so every method needs its own), all closures of one kind sharing the same code.
const makers: Record<string, () => OpFn> = {
  'ok-sync-inplace': () =>
    function (ctx) {
      ctx.n = ctx.n + 1;
    },
  'ok-sync-partial': () =>
    function (ctx) {
      return { n: ctx.n + 1 };
    },
  'ok-async-inplace': () =>
    async function (ctx) {
      ctx.n = ctx.n + 1;
    },
  'ok-async-partial': () =>
    async function (ctx) {
      return { n: ctx.n + 1 };
    },
  'ok-async-signal': () =>
    async function (ctx, run) {
      run.signal.throwIfAborted();
      ctx.n = ctx.n + 1;
    },
  'throw-sync': () =>
    function () {
      throw new Error(FAILURE_MESSAGE);
    },
  'throw-async': () =>
    async function () {
      throw new Error(FAILURE_MESSAGE);
    },
  hang: () =>
    function (_ctx, run) {
      const signal = run.signal;
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
};

function makeOp(spec: OpSpec): OpFn {
  if (spec.behaviour === 'hang') return makers.hang();
  if (spec.behaviour === 'throw') return makers[spec.async ? 'throw-async' : 'throw-sync']();
  if (spec.readsSignal) return makers['ok-async-signal']();
  const kind = `ok-${spec.async ? 'async' : 'sync'}-${spec.returnsPartial ? 'partial' : 'inplace'}`;
  return makers[kind]();
}

/**
 * A `@Pipeline` class with one `@Operation` method per spec, decorated exactly as source code
 * would be (the decorators are applied by hand only because the method count varies).
 */
export function definePipeline(
  name: string,
  specs: readonly OpSpec[],
  options: { timeoutMs?: number } = {},
): Type<BenchPipeline> {
  const target = class {};
  Object.defineProperty(target, 'name', { value: name.replace(/[^A-Za-z0-9_]/g, '_') });
  for (const spec of specs) {
    const descriptor: PropertyDescriptor = {
      value: makeOp(spec),
      writable: true,
      enumerable: false,
      configurable: true,
    };
    const compensate = spec.compensable === true ? `undo${spec.name}` : undefined;
    if (compensate !== undefined) {
      // Never called in the bench: no run fails. Only its presence matters to the runner.
      Object.defineProperty(target.prototype, compensate, { value: () => undefined });
    }
    Operation({
      name: spec.name,
      critical: spec.critical,
      timeoutMs: spec.timeoutMs,
      after: spec.after,
      compensate,
    })(target.prototype, spec.name, descriptor);
    Object.defineProperty(target.prototype, spec.name, descriptor);
  }
  Pipeline({ name, timeoutMs: options.timeoutMs })(target);
  return target as Type<unknown> as Type<BenchPipeline>;
}

const NEVER = new AbortController().signal;

export type Floor = (input: Readonly<BenchContext>) => Promise<unknown>;

/** What a person would write for one operation, as straight-line source. */
function floorStatement(spec: OpSpec): string {
  const call = (args: string) => `p.${spec.name}(${args})`;
  if (spec.behaviour === 'ok' && spec.readsSignal) {
    return `await ${call('ctx, { signal: NEVER }')};`;
  }
  if (spec.behaviour === 'ok') {
    const value = spec.async ? `await ${call('ctx')}` : call('ctx');
    return spec.returnsPartial ? `Object.assign(ctx, ${value});` : `${value};`;
  }
  if (spec.behaviour === 'throw') {
    return [
      `try { ${spec.async ? 'await ' : ''}${call('ctx')}; }`,
      `catch (e) { errors.push({ operation: '${spec.name}', message: e instanceof Error ? e.message : String(e) }); }`,
    ].join('\n');
  }
  // hang: the hand-written per-operation timeout (AbortController + setTimeout + race).
  return `{
    const ac = new AbortController();
    let timer;
    try {
      await new Promise((resolve, reject) => {
        timer = setTimeout(() => {
          ac.abort(new DOMException('Operation timed out', 'TimeoutError'));
          reject(ac.signal.reason);
        }, ${spec.timeoutMs ?? 1});
        ${call('ctx, { signal: ac.signal }')}.then(resolve, reject);
      });
    } catch (e) {
      errors.push({ operation: '${spec.name}', message: e instanceof Error ? e.message : String(e) });
    } finally {
      clearTimeout(timer);
    }
  }`;
}

/**
 * Specs in runs of one: consecutive specs declaring the same `after` form one group, which
 * hand-written code awaits with `Promise.all` (only plain async operations that change the
 * context in place can be written that way).
 */
function floorGroups(specs: readonly OpSpec[]): OpSpec[][] {
  const groups: OpSpec[][] = [];
  for (const spec of specs) {
    const last = groups.at(-1);
    const same =
      spec.after !== undefined &&
      last?.[0].after !== undefined &&
      last[0].after.join() === spec.after.join();
    if (same) last.push(spec);
    else groups.push([spec]);
  }
  for (const group of groups.filter((g) => g.length > 1)) {
    if (group.some((spec) => spec.behaviour !== 'ok' || !spec.async || spec.returnsPartial)) {
      throw new Error('bench: side-by-side floor specs must be async, ok and in place');
    }
  }
  return groups;
}

function floorGroupStatement(group: readonly OpSpec[]): string {
  if (group.length === 1) return floorStatement(group[0]);
  return `await Promise.all([${group.map((spec) => `p.${spec.name}(ctx)`).join(', ')}]);`;
}

/** The source of the floor function for `specs`, shown by `--show-floor`. */
export function floorSource(specs: readonly OpSpec[]): string {
  const failures = specs.some((spec) => spec.behaviour !== 'ok');
  return [
    'return async function floor(input) {',
    '  const ctx = { ...input };',
    failures ? '  const errors = [];' : '',
    ...floorGroups(specs).map((group) => floorGroupStatement(group).replace(/^(?! {2})/gm, '  ')),
    failures ? '  return { ctx, errors };' : '  return ctx;',
    '};',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * The floor for `specs`, calling the methods of `instance`: generated as straight-line code
 * (one call site per operation, as hand-written code has), not a loop over an array.
 */
export function defineFloor(instance: object, specs: readonly OpSpec[]): Floor {
  return new Function('p', 'NEVER', floorSource(specs))(instance, NEVER) as Floor;
}
