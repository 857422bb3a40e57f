import {
  ArgumentsHost,
  BadRequestException,
  ConflictException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AllExceptionsFilter } from './all-exceptions.filter.js';

describe('AllExceptionsFilter', () => {
  let logged: string[];
  let sent: { body: unknown; status: number } | undefined;
  const adapterHost = {
    httpAdapter: {
      getRequestMethod: () => 'POST',
      getRequestUrl: () => '/orders?access_token=secret-in-a-query-string',
      isHeadersSent: () => false,
      reply: (_response: unknown, body: unknown, status: number) => {
        sent = { body, status };
      },
    },
  } as unknown as HttpAdapterHost;
  const host = {
    switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => ({}) }),
  } as ArgumentsHost;
  const filter = new AllExceptionsFilter(adapterHost);

  beforeEach(() => {
    logged = [];
    sent = undefined;
    const ignore = () => undefined;
    Logger.overrideLogger({ log: ignore, warn: ignore, error: (message) => logged.push(message) });
  });

  it('keeps the status and message of an HttpException and names the code after the status', () => {
    filter.catch(new NotFoundException('Order 42 not found'), host);

    expect(sent).toEqual({
      status: 404,
      body: { success: false, error: { code: 'NOT_FOUND', message: 'Order 42 not found' } },
    });
    expect(logged).toEqual([]);
  });

  it('passes on an explicit code and details', () => {
    const details = [{ field: 'email', errors: ['email must be an email'] }];
    filter.catch(
      new BadRequestException({ code: 'VALIDATION_FAILED', message: 'Invalid request', details }),
      host,
    );

    expect(sent).toEqual({
      status: 400,
      body: {
        success: false,
        error: { code: 'VALIDATION_FAILED', message: 'Invalid request', details },
      },
    });
  });

  it("uses Nest's default message when an exception has none", () => {
    filter.catch(new ConflictException(), host);

    expect(sent).toEqual({
      status: 409,
      body: { success: false, error: { code: 'CONFLICT', message: 'Conflict' } },
    });
  });

  it('hides an unexpected error behind a generic 500 and logs what happened', () => {
    const error = new Error('insert into "User" failed: relation "User" does not exist');

    filter.catch(error, host);

    expect(sent).toEqual({
      status: 500,
      body: { success: false, error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } },
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('POST /orders -> 500 INTERNAL_ERROR');
    expect(logged[0]).toContain(error.stack);
    expect(logged[0]).not.toContain('secret-in-a-query-string'); // the path only, no query
  });

  it('answers 503 when the database cannot be reached', () => {
    const unreachable = Object.assign(new Error("Can't reach database server at db:5432"), {
      code: 'P1001',
    });

    filter.catch(unreachable, host);

    expect(sent).toEqual({
      status: 503,
      body: {
        success: false,
        error: {
          code: 'DATABASE_UNAVAILABLE',
          message: 'The database is unavailable; try again shortly.',
        },
      },
    });
  });
});
