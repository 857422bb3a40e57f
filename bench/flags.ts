// Command-line flags of the bench scripts: `--name` or `--name=value`.

export function flag(name: string): string | true | undefined {
  for (const arg of process.argv.slice(2)) {
    if (arg === `--${name}`) return true;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** A whole-number flag of at least `min`; a clear error for anything else. */
export function wholeFlag(name: string, min: number): number | undefined {
  const value = flag(name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value === true || !Number.isInteger(parsed) || parsed < min) {
    throw new Error(`--${name} needs a whole number ≥ ${min}`);
  }
  return parsed;
}

/** A number flag of at least `min`, fractions allowed; a clear error for anything else. */
export function numberFlag(name: string, min: number): number | undefined {
  const value = flag(name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value === true || !Number.isFinite(parsed) || parsed < min) {
    throw new Error(`--${name} needs a number ≥ ${min}`);
  }
  return parsed;
}
