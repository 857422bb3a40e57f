import { BadRequestException } from '@nestjs/common';
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body.js';

const parse = (text: string) => parseJsonBody(Buffer.from(text));
const refusal = (text: string) => {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse();
  }
  throw new Error(`${text} was accepted`);
};

describe('parseJsonBody', () => {
  it('parses JSON values of every kind', () => {
    expect(parse('{"items":[{"sku":"A","quantity":1}]}')).toEqual({
      items: [{ sku: 'A', quantity: 1 }],
    });
    expect(parse(' null ')).toBeNull();
    expect(parse('[1,"two"]')).toEqual([1, 'two']);
  });

  it('refuses an empty body and invalid JSON, each with its own code', () => {
    expect(refusal('  \n')).toEqual({
      code: 'EMPTY_BODY',
      message: 'The request body is empty; send a JSON object',
    });
    expect(refusal('{"a":')).toEqual({
      code: 'INVALID_JSON',
      message: 'The request body is not valid JSON',
    });
    expect(refusal('\ufeff{}')).toMatchObject({ code: 'INVALID_JSON' });
  });

  it('refuses keys that pollute prototypes, at any depth and however they are spelled', () => {
    for (const [text, key] of [
      ['{"__proto__":{"admin":true}}', '__proto__'],
      ['{"a":[{"b":{"\\u005f\\u005fproto\\u005f\\u005f":1}}]}', '__proto__'],
      ['{"constructor":{"prototype":{"admin":true}}}', 'constructor'],
      ['{"a":{"prototype":1}}', 'prototype'],
    ]) {
      expect(refusal(text)).toEqual({
        code: 'FORBIDDEN_KEY',
        message: `The request body must not contain the key "${key}"`,
      });
    }
    expect(Object.getPrototypeOf({})).not.toHaveProperty('admin');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses more, without recursing`, () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(parse(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(refusal(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ code: 'BODY_TOO_DEEP' });
    expect(refusal(nested(200_000))).toMatchObject({ code: 'BODY_TOO_DEEP' });
  });
});
