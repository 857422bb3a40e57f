// The mixed-3 pipeline on two peer engines, so the README compares figures measured beside the
// runner rather than quoted (issue 12): Medusa's workflows SDK on its in-memory orchestration and
// an Effect program. Each is written the way the engine's own docs write steps, checked to reach
// n = 3, and compared with `mixed-3/floor` in the same rounds. Information rows, no target. Each
// engine is imported when the cases are built: one that cannot load gives a skipped row.
import type { BenchCase } from './cases.js';
import { BENCH_INPUT, expectedN, type BenchContext, type OpSpec } from './pipelines.js';

export type PeerVariant = 'medusa' | 'effect';

const GROUP = 'mixed-3';

/** What the steps below are written for: `opSpecs(3, 'mixed')`. */
const SHAPE = [
  { async: false, returnsPartial: true },
  { async: true, returnsPartial: false },
  { async: false, returnsPartial: false },
];

type Run = () => Promise<BenchContext>;

/**
 * Medusa passes data between steps only as what they return, so a step that changes the context
 * in place still hands it on in its `StepResponse`, and the returned partial is merged with
 * `transform`, the SDK's way to touch data inside a workflow. `run()` with no container uses the
 * in-memory transaction storage: no database, no Redis.
 */
async function medusa(): Promise<Run> {
  const { createStep, createWorkflow, StepResponse, WorkflowResponse, transform } =
    await import('@medusajs/workflows-sdk');
  const op0 = createStep(
    `bench-${GROUP}-medusa-op0`,
    (ctx: BenchContext) => new StepResponse({ n: ctx.n + 1 }),
  );
  const op1 = createStep(`bench-${GROUP}-medusa-op1`, async (ctx: BenchContext) => {
    ctx.n = ctx.n + 1;
    return new StepResponse(ctx);
  });
  const op2 = createStep(`bench-${GROUP}-medusa-op2`, (ctx: BenchContext) => {
    ctx.n = ctx.n + 1;
    return new StepResponse(ctx);
  });
  // A `function`, not an arrow: the SDK calls the composer with its composition context as `this`.
  const workflow = createWorkflow(`bench-${GROUP}-medusa`, function (input: BenchContext) {
    const partial = op0(input);
    const ctx = transform({ input, partial }, (data) => ({ ...data.input, ...data.partial }));
    return new WorkflowResponse(op2(op1(ctx)));
  });
  return async () => (await workflow.run({ input: BENCH_INPUT })).result;
}

/** The same steps as `Effect.sync` / `Effect.promise`, sequenced by `Effect.gen`. */
async function effect(): Promise<Run> {
  const { Effect } = await import('effect');
  const op0 = (ctx: BenchContext) => Effect.sync(() => ({ n: ctx.n + 1 }));
  const op1 = (ctx: BenchContext) =>
    Effect.promise(async () => {
      ctx.n = ctx.n + 1;
    });
  const op2 = (ctx: BenchContext) =>
    Effect.sync(() => {
      ctx.n = ctx.n + 1;
    });
  const pipeline = (input: Readonly<BenchContext>) =>
    Effect.gen(function* () {
      const ctx = { ...input };
      Object.assign(ctx, yield* op0(ctx));
      yield* op1(ctx);
      yield* op2(ctx);
      return ctx;
    });
  return () => Effect.runPromise(pipeline(BENCH_INPUT));
}

const ENGINES: Record<PeerVariant, { readonly pkg: string; readonly load: () => Promise<Run> }> = {
  medusa: { pkg: '@medusajs/workflows-sdk', load: medusa },
  effect: { pkg: 'effect', load: effect },
};

function peerCase(variant: PeerVariant, run: Run | undefined, skipped?: string): BenchCase {
  const id = `${GROUP}/${variant}`;
  const call = run ?? (() => Promise.reject(new Error(`${id} is skipped: ${skipped}`)));
  return {
    id,
    group: GROUP,
    variant,
    ops: SHAPE.length,
    concurrency: 1,
    clock: 'wall',
    floor: `${GROUP}/floor`,
    skipped,
    call,
    check: async () => {
      const { n } = await call();
      if (n !== SHAPE.length) throw new Error(`bench case check failed: ${id} reached n = ${n}`);
    },
  };
}

/**
 * One row per engine for the group whose operations are `specs`; skipped (with why) when the
 * engine cannot load or `specs` no longer have the shape the steps here are written for.
 */
export async function peerCases(specs: readonly OpSpec[]): Promise<BenchCase[]> {
  const same =
    specs.length === SHAPE.length &&
    expectedN(specs) === SHAPE.length &&
    specs.every(
      (spec, i) =>
        spec.async === SHAPE[i].async &&
        spec.returnsPartial === SHAPE[i].returnsPartial &&
        spec.after === undefined,
    );
  const cases: BenchCase[] = [];
  for (const [variant, engine] of Object.entries(ENGINES) as [
    PeerVariant,
    (typeof ENGINES)[PeerVariant],
  ][]) {
    if (!same) {
      cases.push(
        peerCase(variant, undefined, `${GROUP} changed shape; rewrite bench/micro/peers.ts`),
      );
      continue;
    }
    try {
      cases.push(peerCase(variant, await engine.load()));
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      cases.push(peerCase(variant, undefined, `cannot load ${engine.pkg}: ${reason}`));
    }
  }
  return cases;
}
