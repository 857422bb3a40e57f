import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { fingerprintOf } from 'nest-orchestrator';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** Printable ASCII (space to tilde), 1 to 255 characters: what Stripe and the IETF draft take. */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

export const invalidIdempotencyKey = () =>
  new BadRequestException({
    code: 'INVALID_IDEMPOTENCY_KEY',
    message: `${IDEMPOTENCY_KEY_HEADER} must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters`,
  });

/** The header's value, `undefined` when absent; throws 400 for a malformed one. */
export function idempotencyKeyOf(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !VALID_KEY.test(value)) throw invalidIdempotencyKey();
  return value;
}

/** The optional `Idempotency-Key` request header, checked (400 when malformed). */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | undefined =>
    idempotencyKeyOf(
      context.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'],
    ),
);

/**
 * What a key is bound to: the user, the route (method and template), its path parameters (the
 * same key must not cancel another order) and the canonical body, as SHA-256 hex. The same key
 * sent with any of these changed is refused (422).
 */
export function requestFingerprint(parts: {
  userId: string;
  route: string;
  params?: Record<string, string>;
  body?: unknown;
}): string {
  return fingerprintOf({ params: {}, body: null, ...parts });
}
