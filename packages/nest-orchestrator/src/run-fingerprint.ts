import { hash } from 'node:crypto';
import { messages } from './orchestrator.messages.js';

/**
 * JSON with every object's keys sorted, recursively, so `{ a, b }` and `{ b, a }` agree. Follows
 * `JSON.stringify` otherwise: `toJSON` is honoured, `undefined` and functions drop out of objects
 * and become `null` in arrays; a cycle is a TypeError.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set()) ?? 'null';
}

function write(value: unknown, path: Set<object>): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return write(withJson.toJSON(), path);
  if (path.has(value)) throw new TypeError(messages.fingerprintCycle);
  path.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item: unknown) => write(item, path) ?? 'null').join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = write(record[key], path);
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
    }
    out = `{${parts.join(',')}}`;
  }
  path.delete(value);
  return out;
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
