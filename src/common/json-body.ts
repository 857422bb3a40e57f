import {
  BadRequestException,
  HttpStatus,
  HttpException,
  type INestApplication,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Keys that pollute prototypes once a parsed body is merged into another object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deeper than any body this API takes; also keeps recursive code downstream (class-transformer,
 * class-validator) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 16;

const badBody = (code: string, message: string) => new BadRequestException({ code, message });

/**
 * Parses a JSON body, refusing what `JSON.parse` alone lets through: an empty body, keys that
 * pollute prototypes (`__proto__`, `constructor`, `prototype`, at any depth) and absurd nesting.
 * Each refusal is a 400 with its own code, so a client can tell its mistakes apart.
 */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') {
    throw badBody('EMPTY_BODY', 'The request body is empty; send a JSON object');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badBody('INVALID_JSON', 'The request body is not valid JSON');
  }
  // Iterative, so a deeply nested body cannot overflow the stack here either.
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > MAX_JSON_DEPTH) {
      throw badBody(
        'BODY_TOO_DEEP',
        `The request body is nested more than ${MAX_JSON_DEPTH} levels deep`,
      );
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw badBody('FORBIDDEN_KEY', `The request body must not contain the key "${key}"`);
      }
      pending.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return value;
}

/**
 * The API reads JSON and nothing else: `application/json` bodies go through `parseJsonBody`
 * within `bodyLimit` bytes (413 past it), any other media type gets 415. Registering a
 * catch-all also stops Nest from adding its urlencoded parser and drops Fastify's text/plain.
 */
export function useJsonBodiesOnly(app: INestApplication, bodyLimit: number): void {
  const fastifyApp = app as NestFastifyApplication;
  fastifyApp.getHttpAdapter().getInstance().removeAllContentTypeParsers();
  // Async parsers: Nest completes the parse with what they resolve or reject with.
  fastifyApp.useBodyParser(
    'application/json',
    { bodyLimit },
    async (_request: unknown, body: Buffer) => parseJsonBody(body),
  );
  fastifyApp.useBodyParser('*', { bodyLimit }, async () => {
    throw new HttpException(
      {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the request body as JSON, with "Content-Type: application/json"',
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  });
}
