// Each step of a flow is a subtest (CI sees which one failed) and a row in the timing table.
// Steps depend on the ones before them: after a failure the rest are skipped, not run blind.

/** Timings of every step of every flow, printed once at the end. */
export const timings = [];

export function printTimings(log) {
  if (timings.length === 0) return;
  const width = Math.max(...timings.map(({ flow, step }) => `${flow}: ${step}`.length));
  log('Step timings (s):');
  for (const { flow, step, ms, status } of timings) {
    const seconds = (ms / 1000).toFixed(1).padStart(6);
    log(`  ${`${flow}: ${step}`.padEnd(width)} ${seconds}  ${status}`);
  }
  const byFlow = new Map();
  for (const { flow, ms } of timings) byFlow.set(flow, (byFlow.get(flow) ?? 0) + ms);
  for (const [flow, ms] of byFlow)
    log(`  ${`${flow}: total`.padEnd(width)} ${(ms / 1000).toFixed(1).padStart(6)}`);
}

/** `step(name, fn)` runs `fn` as a subtest of `t` unless an earlier step of this flow failed. */
export function stepsOf(t, flow) {
  let failed = false;
  return async function step(name, fn) {
    if (failed) {
      await t.test(name, { skip: 'an earlier step failed' }, () => {});
      return;
    }
    const began = performance.now();
    await t.test(name, async () => {
      try {
        await fn();
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        const ms = performance.now() - began;
        timings.push({ flow, step: name, ms, status: failed ? 'FAILED' : 'ok' });
      }
    });
  };
}
