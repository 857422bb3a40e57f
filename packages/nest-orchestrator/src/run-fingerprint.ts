import { hash } from 'node:crypto';
import { messages } from './orchestrator.messages.js';

/**
 * JSON with every object's keys sorted, recursively, so `{ a, b }` and `{ b, a }` agree. Follows
 * `JSON.stringify` otherwise: `toJSON` is honoured, `undefined` and functions drop out of objects
 * and become `null` in arrays; a cycle is a TypeError.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []) ?? 'null';
}

/**
 * Strings are built by concatenation and `path` is the stack of open objects (a few deep), not a
 * Set: a keyed run fingerprints its input on every call, and this is most of what that costs.
 */
function write(value: unknown, path: object[]): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return write(withJson.toJSON(), path);
  if (path.includes(value)) throw new TypeError(messages.fingerprintCycle);
  path.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      out += (i === 0 ? '' : ',') + (write(value[i], path) ?? 'null');
    }
    out += ']';
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (!isSorted(keys)) keys.sort();
    out = '{';
    for (const key of keys) {
      const item = write(record[key], path);
      if (item === undefined) continue;
      out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + item;
    }
    out += '}';
  }
  path.pop();
  return out;
}

/** Most inputs are written with their keys in order already; skipping the sort saves its copy. */
function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/**
 * The default fingerprint of a keyed run: SHA-256 (hex) of the pipeline name and the canonical
 * JSON of the input, so the same key reused for another pipeline or another input is refused.
 */
export function runFingerprint(pipeline: string, input: unknown): string {
  return hash('sha256', `${JSON.stringify(pipeline)}\n${canonicalJson(input)}`);
}

/**
 * SHA-256 (hex) of `value`'s canonical JSON: a fingerprint of your own for `run()`, built from
 * what a key must be reused with (the user, the route, the body), however its keys are ordered.
 */
export function fingerprintOf(value: unknown): string {
  return hash('sha256', canonicalJson(value));
}
