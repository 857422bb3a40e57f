// What the store bench times: the cheapest query as the yardstick, and the PrismaRunStore calls a
// keyed run makes (IdempotentRunner in the package): claim + complete on its first request, one
// claim on a replay, and the renewals LeaseKeeper sends while a run outlasts a third of its lease.
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { fingerprintOf, type PipelineResult } from 'nest-orchestrator';
import type { StoreApp } from './store-app.js';

export const OPERATION_IDS = ['select-1', 'first-keyed', 'replay', 'renew'] as const;
export type OperationId = (typeof OPERATION_IDS)[number];

export interface StoreOperation {
  readonly id: OperationId;
  readonly label: string;
  /** SQL statements it sends, each one round trip to the database. */
  readonly statements: number;
  /** Parts timed separately; their sum is the operation. */
  readonly steps: readonly string[];
  /** Runs it once and returns each step's ms; throws when the store answers unexpectedly. */
  once(): Promise<number[]>;
}

/** IdempotentRunner stores keys under this prefix. */
const KEY_PREFIX = 'idempotency:';
const PIPELINE = 'create-order';

/** What the starter's create-order pipeline answers, as a completed key stores it. */
function orderResult(runId: string): PipelineResult<object> {
  const items = [
    { sku: 'SKU-0001', quantity: 2, unitPriceCents: 1_250 },
    { sku: 'SKU-0042', quantity: 1, unitPriceCents: 4_990 },
    { sku: 'SKU-0107', quantity: 5, unitPriceCents: 399 },
  ];
  const now = new Date().toISOString();
  return {
    success: true,
    runId,
    data: {
      customerId: randomUUID(),
      items,
      totalCents: 9_485,
      reservation: items.map(({ sku, quantity }) => ({ sku, quantity })),
      order: {
        id: randomUUID(),
        status: 'PENDING',
        totalCents: 9_485,
        createdAt: now,
        updatedAt: now,
        items,
      },
    },
    duration: 4.2,
    metrics: { validate: 0.1, reserve: 1.6, create: 2.1, notify: 0.3 },
    errors: [],
  };
}

export const RESULT_BYTES = JSON.stringify(orderResult(randomUUID())).length;

function unexpected(call: string, outcome: unknown): Error {
  return new Error(`PrismaRunStore.${call} answered ${JSON.stringify(outcome)}`);
}

/** The operations, with the rows replay and renew work on already in place. */
export async function buildOperations(app: StoreApp): Promise<StoreOperation[]> {
  const { prisma, store, leaseMs, retainMs } = app;
  const fingerprint = fingerprintOf({ pipeline: PIPELINE, input: orderResult('input').data });

  const completedKey = `${KEY_PREFIX}${randomUUID()}`;
  const completedBy = randomUUID();
  const result = orderResult(completedBy);
  await store.claim(completedKey, fingerprint, completedBy, leaseMs);
  if (!(await store.complete(completedKey, completedBy, result, retainMs))) {
    throw unexpected('complete', false);
  }
  const heldKey = `${KEY_PREFIX}${randomUUID()}`;
  const holder = randomUUID();
  const held = await store.claim(heldKey, fingerprint, holder, leaseMs);
  if (held.status !== 'claimed') throw unexpected('claim', held);

  return [
    {
      id: 'select-1',
      label: 'SELECT 1, same Prisma client',
      statements: 1,
      steps: ['SELECT 1'],
      once: async () => {
        const started = performance.now();
        await prisma.$queryRaw`SELECT 1`;
        return [performance.now() - started];
      },
    },
    {
      id: 'first-keyed',
      label: 'first keyed run: claim new key + complete',
      statements: 2,
      steps: ['claim', 'complete'],
      once: async () => {
        const key = `${KEY_PREFIX}${randomUUID()}`;
        const runId = randomUUID();
        const answer = orderResult(runId);
        const started = performance.now();
        const claim = await store.claim(key, fingerprint, runId, leaseMs);
        const claimed = performance.now();
        const completed = await store.complete(key, runId, answer, retainMs);
        const ended = performance.now();
        if (claim.status !== 'claimed') throw unexpected('claim', claim);
        if (!completed) throw unexpected('complete', completed);
        return [claimed - started, ended - claimed];
      },
    },
    {
      id: 'replay',
      label: 'replay: claim a completed key',
      // The upsert is refused, then a SELECT reads why (PrismaRunStore.claim).
      statements: 2,
      steps: ['claim'],
      once: async () => {
        const started = performance.now();
        const claim = await store.claim(completedKey, fingerprint, randomUUID(), leaseMs);
        const ended = performance.now();
        if (claim.status !== 'completed') throw unexpected('claim', claim);
        return [ended - started];
      },
    },
    {
      id: 'renew',
      label: 'renew a live lease (off the request path)',
      statements: 1,
      steps: ['renew'],
      once: async () => {
        const started = performance.now();
        const renewed = await store.renew(heldKey, holder, leaseMs);
        const ended = performance.now();
        if (!renewed) throw unexpected('renew', renewed);
        return [ended - started];
      },
    },
  ];
}
