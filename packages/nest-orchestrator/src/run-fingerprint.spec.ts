import { createHash } from 'node:crypto';
import {
  canonicalJson,
  fingerprintOf,
  PendingFingerprint,
  pendingRunFingerprint,
  runFingerprint,
  sameFingerprint,
} from './run-fingerprint.js';

describe('run fingerprints', () => {
  it('write JSON with keys sorted at every depth, arrays kept in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('follow JSON.stringify for undefined, functions, toJSON and primitives', () => {
    const when = new Date('2024-01-02T03:04:05.000Z');
    expect(canonicalJson({ u: undefined, f: () => 1, when, list: [undefined, null] })).toBe(
      '{"list":[null,null],"when":"2024-01-02T03:04:05.000Z"}',
    );
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('refuse a cycle with a TypeError, but not an object seen twice side by side', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(TypeError);
  });

  it('are the SHA-256 of the pipeline name and the canonical input', () => {
    const expected = createHash('sha256').update('"orders"\n{"a":1,"b":2}').digest('hex');
    expect(runFingerprint('orders', { b: 2, a: 1 })).toBe(expected);
    expect(runFingerprint('orders', { a: 1, b: 2 })).toBe(expected);
  });

  it('differ when the pipeline or the input differs', () => {
    const base = runFingerprint('orders', { a: 1 });
    expect(runFingerprint('refunds', { a: 1 })).not.toBe(base);
    expect(runFingerprint('orders', { a: 2 })).not.toBe(base);
    expect(runFingerprint('orders', { a: '1' })).not.toBe(base);
  });

  it('fingerprints any value by its canonical JSON, whatever the key order', () => {
    const request = {
      userId: 'u-1',
      route: 'POST /orders',
      body: { b: [1, { y: 2, x: 1 }], a: 'z' },
    };
    const same = { body: { a: 'z', b: [1, { x: 1, y: 2 }] }, route: 'POST /orders', userId: 'u-1' };

    expect(fingerprintOf(request)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(same)).toBe(fingerprintOf(request));
    expect(fingerprintOf({ ...request, userId: 'u-2' })).not.toBe(fingerprintOf(request));
  });

  it('leave a small input unhashed until read, then agree with runFingerprint', () => {
    const pending = pendingRunFingerprint('orders', { b: 2, a: 1 });
    expect(pending).toBeInstanceOf(PendingFingerprint);
    expect((pending as PendingFingerprint).value).toBe(runFingerprint('orders', { a: 1, b: 2 }));
    const large = { note: 'x'.repeat(300) };
    expect(pendingRunFingerprint('orders', large)).toBe(runFingerprint('orders', large));
  });

  it('compare pending ones by their text and a pending one with a hash by its hash', () => {
    const pending = pendingRunFingerprint('orders', { a: 1 });
    expect(sameFingerprint(pending, pendingRunFingerprint('orders', { a: 1 }))).toBe(true);
    expect(sameFingerprint(pending, pendingRunFingerprint('orders', { a: 2 }))).toBe(false);
    expect(sameFingerprint(pending, runFingerprint('orders', { a: 1 }))).toBe(true);
    expect(sameFingerprint(runFingerprint('orders', { a: 2 }), pending)).toBe(false);
    expect(sameFingerprint(pending, '"orders"\n{"a":1}')).toBe(false);
    expect(sameFingerprint('user-7', 'user-7')).toBe(true);
  });

  it('agree on the same input in another key order, and not across pipelines', () => {
    const pending = pendingRunFingerprint('orders', { a: 1, b: { c: [1, 'x'], d: null } });
    const reordered = pendingRunFingerprint('orders', { b: { d: null, c: [1, 'x'] }, a: 1 });
    expect(sameFingerprint(pending, reordered)).toBe(true);
    expect(
      sameFingerprint(reordered, runFingerprint('orders', { a: 1, b: { c: [1, 'x'], d: null } })),
    ).toBe(true);
    expect(
      sameFingerprint(
        pending,
        pendingRunFingerprint('refunds', { a: 1, b: { c: [1, 'x'], d: null } }),
      ),
    ).toBe(false);
    expect(
      sameFingerprint(
        pending,
        pendingRunFingerprint('orders', { b: { d: null, c: [1, 'y'] }, a: 1 }),
      ),
    ).toBe(false);
  });

  it("refuse an input that cannot be written with the canonical writer's own error", () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(() => pendingRunFingerprint('orders', loop)).toThrow(/cycle/i);
    expect(() => pendingRunFingerprint('orders', { n: 1n })).toThrow(TypeError);
  });

  it('recover from a cycle: the next input is written from a clean stack', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = { back: loop };
    expect(() => canonicalJson({ wrap: loop })).toThrow(TypeError);
    const shared = { x: 1 };
    expect(canonicalJson([shared, { y: shared }])).toBe('[{"x":1},{"y":{"x":1}}]');
    const nested = { toJSON: () => canonicalJson({ b: 1, a: shared }) };
    expect(canonicalJson({ shared, nested })).toBe(
      '{"nested":"{\\"a\\":{\\"x\\":1},\\"b\\":1}","shared":{"x":1}}',
    );
  });
});
