/** What `timingOrder` needs of a case: its id and the id of the row it is compared with. */
export interface Paired {
  readonly id: string;
  readonly floor: string;
}

/**
 * The order cases are timed in: each soon after the row it is compared with (depth first, so a
 * row's later dependents follow its earlier ones' own), and a keyed row runs next to its runner
 * row rather than ~40 cases (~2 s) later. This machine swings between a fast and a slow phase
 * every few seconds (rounds read ~400 or ~700 ns for the same row), and a difference taken across
 * a phase change measures the phase, not the case. Cases whose compared row is not timed keep
 * their place.
 */
export function timingOrder<T extends Paired>(cases: readonly T[]): T[] {
  const ids = new Set(cases.map((c) => c.id));
  const dependents = new Map<string, T[]>();
  for (const c of cases) {
    if (c.floor === c.id || !ids.has(c.floor)) continue;
    const list = dependents.get(c.floor);
    if (list === undefined) dependents.set(c.floor, [c]);
    else list.push(c);
  }
  const placed = new Set<string>();
  const order: T[] = [];
  const place = (c: T): void => {
    if (placed.has(c.id)) return;
    placed.add(c.id);
    order.push(c);
    for (const next of dependents.get(c.id) ?? []) place(next);
  };
  for (const c of cases) {
    if (c.floor === c.id || !ids.has(c.floor)) place(c);
  }
  // A cycle of cases compared with each other has no root; keep them rather than drop them.
  for (const c of cases) place(c);
  return order;
}
