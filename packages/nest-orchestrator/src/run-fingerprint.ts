import { hash } from 'node:crypto';
import { messages } from './orchestrator.messages.js';

/**
 * JSON with every object's keys sorted, recursively, so `{ a, b }` and `{ b, a }` agree. Follows
 * `JSON.stringify` otherwise: `toJSON` is honoured, `undefined` and functions drop out of objects
 * and become `null` in arrays; a cycle is a TypeError.
 */
export function canonicalJson(value: unknown): string {
  const base = open.length;
  try {
    return write(value, base) ?? 'null';
  } finally {
    // A cycle or a throwing toJSON leaves its objects behind.
    open.length = base;
  }
}

/**
 * The objects being written, innermost last, from `base` on for one `canonicalJson` call (a
 * `toJSON` may start another): one array for every call rather than a new one per input.
 */
const open: object[] = [];

/**
 * Strings are built by concatenation and `open` is a stack (a few deep), not a Set; numbers,
 * booleans and plain strings are written here rather than by `JSON.stringify`, whose call costs
 * more than the writing. A keyed run fingerprints its input on every call.
 */
function write(value: unknown, base: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      // What JSON.stringify writes: the same digits as String(), null for NaN and infinities.
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      break;
    default:
      // undefined, functions and symbols (no output), bigint (a TypeError, or its toJSON).
      return JSON.stringify(value);
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return write(withJson.toJSON(), base);
  if (open.includes(value, base)) throw new TypeError(messages.fingerprintCycle);
  open.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      out += (i === 0 ? '' : ',') + (write(value[i], base) ?? 'null');
    }
    out += ']';
  } else {
    const record = value as Record<string, unknown>;
    const keys = sortedKeys(record);
    out = '{';
    for (const key of keys) {
      const item = write(record[key], base);
      if (item === undefined) continue;
      out += (out.length === 1 ? '' : ',') + quote(key) + ':' + item;
    }
    out += '}';
  }
  open.pop();
  return out;
}

/** Up to this many keys, an insertion sort in place beats `Array.prototype.sort`'s set-up. */
const INSERTION_SORT_MAX = 16;

/** `Object.keys` in code-unit order, as `sort()` with no comparator orders them. */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** Strings up to this long are checked here; longer ones go to JSON.stringify's native scan. */
const QUOTE_SCAN_MAX = 64;

/** `JSON.stringify(text)`, without the call for the usual short string with nothing to escape. */
function quote(text: string): string {
  if (text.length > QUOTE_SCAN_MAX) return JSON.stringify(text);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Control characters, `"`, `\` and surrogates (a lone one is escaped) need JSON.stringify.
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return '"' + text + '"';
}

/** What `runFingerprint` hashes: the pipeline name and the canonical JSON of the input. */
function runFingerprintSource(pipeline: string, input: unknown): string {
  return quote(pipeline) + '\n' + canonicalJson(input);
}

/**
 * The default fingerprint of a keyed run: SHA-256 (hex) of the pipeline name and the canonical
 * JSON of the input, so the same key reused for another pipeline or another input is refused.
 */
export function runFingerprint(pipeline: string, input: unknown): string {
  return hash('sha256', runFingerprintSource(pipeline, input));
}

/**
 * SHA-256 (hex) of `value`'s canonical JSON: a fingerprint of your own for `run()`, built from
 * what a key must be reused with (the user, the route, the body), however its keys are ordered.
 */
export function fingerprintOf(value: unknown): string {
  return hash('sha256', canonicalJson(value));
}

/**
 * @internal A `runFingerprint` not taken yet: the input as `JSON.stringify` wrote it. Two of them
 * with the same pipeline and the same text are the same fingerprint (same JSON, same canonical
 * JSON); different text may still be the same input with its keys in another order, so only
 * then is the canonical JSON written, from the text parsed back. The hash is taken only when the
 * fingerprint meets a hashed one or is read (`value`). The default store keeps these: a keyed run
 * on it pays for one native `JSON.stringify` (~100 B a run in the micro bench, where the canonical
 * writer allocated ~830 B), and for the canonical form and the hash only if its key comes back in
 * another shape.
 */
export class PendingFingerprint {
  private canonical: string | undefined = undefined;
  private digest: string | undefined = undefined;

  constructor(
    readonly pipeline: string,
    readonly json: string,
  ) {}

  /** What `runFingerprint` hashes for the same run. */
  get source(): string {
    return (this.canonical ??= runFingerprintSource(this.pipeline, JSON.parse(this.json)));
  }

  /** The fingerprint itself: what `runFingerprint` returns for the same run. */
  get value(): string {
    return (this.digest ??= hash('sha256', this.source));
  }
}

/** @internal A fingerprint as the default store holds it. */
export type Fingerprint = string | PendingFingerprint;

/**
 * Inputs whose JSON is up to this long are kept as text, longer ones hashed at once: what the
 * store keeps per key then stays within a few times the 64 characters of a hash.
 */
const PENDING_JSON_MAX = 256;

/** @internal `runFingerprint`, left to be taken when first needed if the input is small. */
export function pendingRunFingerprint(pipeline: string, input: unknown): Fingerprint {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    // A cycle or a BigInt: the canonical writer throws the error a caller is told about.
    return runFingerprint(pipeline, input);
  }
  return json === undefined || json.length > PENDING_JSON_MAX
    ? runFingerprint(pipeline, input)
    : new PendingFingerprint(pipeline, json);
}

/** @internal Whether two fingerprints are the same, hashing a pending one only against a hash. */
export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  if (typeof a === 'string') return typeof b === 'string' ? a === b : b.value === a;
  if (typeof b === 'string') return a.value === b;
  return a.pipeline === b.pipeline && (a.json === b.json || a.source === b.source);
}
